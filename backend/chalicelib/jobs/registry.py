"""Jobs by name. A job is a function `(ctx, **json_args) -> json_result`.

Each job also says which of its errors are permanent (another attempt would fail the same way):
those end the job at once; every other error is retried (see runner.py).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, NamedTuple

from chalicelib.errors import (
    BadRequest,
    Forbidden,
    Gone,
    NotFound,
    PayloadTooLarge,
    PermanentJobError,
    Unauthorized,
    ValidationFailed,
)
from chalicelib.request_context import RequestContext

JobFunction = Callable[..., Any]
ErrorTypes = tuple[type[BaseException], ...]

# Permanent for every job: its own verdict, domain errors about the input (not Conflict, 429 or
# 503, which a later attempt may not meet), and programming errors, which only a fix and a redrive
# cure; retrying them would only delay the FAILURE by minutes.
PERMANENT_ERRORS: ErrorTypes = (
    PermanentJobError,
    BadRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    Gone,
    PayloadTooLarge,
    ValidationFailed,
    TypeError,
    AttributeError,
    NameError,
    ImportError,
    NotImplementedError,
)


class JobSpec(NamedTuple):
    func: JobFunction
    permanent: ErrorTypes


_JOBS: dict[str, JobSpec] = {}
_LOADERS: list[Callable[[], None]] = []


def job(name: str, *, permanent: ErrorTypes = ()) -> Callable[[JobFunction], JobFunction]:
    """Register `func` under `name`; `permanent` adds error types that end it without a retry.
    A second registration of a name is a programming error."""

    def register(func: JobFunction) -> JobFunction:
        if name in _JOBS and _JOBS[name].func is not func:
            raise ValueError(f"job {name!r} is registered twice")
        _JOBS[name] = JobSpec(func, PERMANENT_ERRORS + permanent)
        return func

    return register


def lookup(name: str) -> JobFunction:
    return _spec(name).func


def _spec(name: str) -> JobSpec:
    load_jobs()
    try:
        return _JOBS[name]
    except KeyError:
        # Without a loader only jobs defined beside their caller (tests) are known: say what is missing.
        hint = "" if _LOADERS else " (the job bodies are not loaded: import chalicelib.job_bodies)"
        raise LookupError(f"no job named {name!r}; known: {', '.join(sorted(_JOBS)) or 'none'}{hint}") from None


def registered() -> list[str]:
    load_jobs()
    return sorted(_JOBS)


def load_bodies_with(loader: Callable[[], None]) -> None:
    """Have `loader` (which imports job bodies) run before the first lookup.

    The bodies sit above the domain, which enqueues through this registry, so the registry never
    imports them: chalicelib.job_bodies hands over its loader when it is imported."""
    if loader not in _LOADERS:
        _LOADERS.append(loader)


def load_jobs() -> None:
    """Run every loader handed over (each imports its bodies once; Python caches the modules)."""
    for loader in list(_LOADERS):
        loader()


def check_arguments(name: str, args: dict[str, Any]) -> None:
    """Raise TypeError naming each missing or unknown keyword of job `name`, with the job's
    parameters listed; LookupError for an unknown job."""
    parameters = list(inspect.signature(lookup(name)).parameters.values())[1:]  # after ctx
    takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters)
    named = [p for p in parameters if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
    missing = [p.name for p in named if p.default is p.empty and p.name not in args]
    unknown = [] if takes_any else sorted(set(args) - {p.name for p in named})
    problems = [f"missing argument {key!r}" for key in missing] + [f"unknown argument {key!r}" for key in unknown]
    if problems:
        listed = ", ".join(p.name if p.default is p.empty else f"{p.name}={p.default!r}" for p in named)
        raise TypeError(f"job {name}: {'; '.join(problems)}; its arguments are: {listed or '(none)'}")


def is_permanent(name: str, err: BaseException) -> bool:
    """True when `err` ends job `name` at once (see PERMANENT_ERRORS and `job(permanent=)`)."""
    try:
        permanent = _spec(name).permanent
    except LookupError:
        return True
    return isinstance(err, permanent)


def run(name: str, ctx: RequestContext, args: dict[str, Any]) -> Any:
    """Run job `name`; arguments that no longer fit it (the job changed since the message was
    sent, or the envelope was edited) raise PermanentJobError before its body runs."""
    try:
        check_arguments(name, args)
    except (TypeError, LookupError) as err:
        raise PermanentJobError(str(err)) from err
    return lookup(name)(ctx, **args)
