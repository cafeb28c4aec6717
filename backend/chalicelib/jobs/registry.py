"""Jobs by name. A job is a function `(ctx, **json_args) -> json_result`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chalicelib.jobs.context import RequestContext

JobFunction = Callable[..., Any]
_JOBS: dict[str, JobFunction] = {}


def job(name: str) -> Callable[[JobFunction], JobFunction]:
    """Register `func` under `name`; a second registration of a name is a programming error."""

    def register(func: JobFunction) -> JobFunction:
        if name in _JOBS and _JOBS[name] is not func:
            raise ValueError(f"job {name!r} is registered twice")
        _JOBS[name] = func
        return func

    return register


def lookup(name: str) -> JobFunction:
    load_jobs()
    try:
        return _JOBS[name]
    except KeyError:
        raise LookupError(f"no job named {name!r}; known: {', '.join(sorted(_JOBS))}") from None


def registered() -> list[str]:
    load_jobs()
    return sorted(_JOBS)


def load_jobs() -> None:
    """Import every module that defines jobs (kept lazy: the API path stays light)."""
    from chalicelib.jobs import builtin, site, thumbnails, transfer  # noqa: F401


def run(name: str, ctx: RequestContext, args: dict[str, Any]) -> Any:
    return lookup(name)(ctx, **args)
