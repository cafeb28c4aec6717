"""The request context of a request or a job: who asked, from where, in which language.

Its own module, outside jobs/ and domain/, because both use it: the API sets it, the domain
reads it, a job carries it and the worker restores it.
"""

from __future__ import annotations

import contextvars
import uuid
from typing import Any, NamedTuple
from urllib.parse import urljoin, urlsplit

from chalicelib.actors import ANONYMOUS, SYSTEM, Actor
from chalicelib.settings import settings


class RequestContext(NamedTuple):
    """Restored in the worker exactly as it was when the job was enqueued."""

    actor: Actor
    request_id: str
    base_url: str
    locale: str = "en"
    extra: dict[str, Any] | None = None  # not a shared {} default: a NamedTuple's default is one object

    def absolute_url(self, path: str) -> str:
        """`path` (a path on this site, never another site's URL) made absolute against the
        base URL of the request that started the work."""
        if urlsplit(path).scheme or path.lstrip().startswith("//"):
            raise ValueError(f"{path!r} is not a path on this site")
        return urljoin(self.base_url.rstrip("/") + "/", path.lstrip("/"))

    def with_actor(self, actor: Actor) -> RequestContext:
        return self._replace(actor=actor)

    def to_json(self) -> dict[str, Any]:
        return {
            "actor": self.actor.to_json(),
            "request_id": self.request_id,
            "base_url": self.base_url,
            "locale": self.locale,
            "extra": self.extra or {},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RequestContext:
        return cls(
            actor=Actor.from_json(data["actor"]),
            request_id=data["request_id"],
            base_url=data["base_url"],
            locale=data.get("locale", "en"),
            extra=dict(data["extra"]) if data.get("extra") else None,
        )


def system_context(**extra: Any) -> RequestContext:
    """For work started by a schedule or the CLI: the system actor and the configured site URL."""
    return RequestContext(
        actor=SYSTEM, request_id=f"system-{uuid.uuid4()}", base_url=settings().site_base_url, extra=extra or None
    )


_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar("podium_request_context", default=None)


def current_context() -> RequestContext:
    """The context of the running request or job; the system context outside both."""
    return _current.get() or system_context()


def set_context(ctx: RequestContext) -> contextvars.Token:
    return _current.set(ctx)


def reset_context(token: contextvars.Token) -> None:
    _current.reset(token)


def anonymous_request_context(request_id: str, base_url: str, locale: str = "en") -> RequestContext:
    return RequestContext(actor=ANONYMOUS, request_id=request_id, base_url=base_url, locale=locale)
