"""The one error hierarchy. Domain code raises these; the API maps them to HTTP in one place."""

from __future__ import annotations

from typing import Any


class PodiumError(Exception):
    """Base of every error a client may see. `status` and `code` go to the response."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, fields: dict[str, str] | None = None, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        self.extra = extra

    def to_body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.fields:
            error["fields"] = self.fields
        error.update(self.extra)
        return {"error": error}


class BadRequest(PodiumError):
    status, code = 400, "bad_request"


class Unauthorized(PodiumError):
    status, code = 401, "unauthorized"


class Forbidden(PodiumError):
    status, code = 403, "forbidden"


class NotFound(PodiumError):
    status, code = 404, "not_found"


class MethodNotAllowed(PodiumError):
    status, code = 405, "method_not_allowed"


class Conflict(PodiumError):
    status, code = 409, "conflict"


class Gone(PodiumError):
    status, code = 410, "gone"


class PayloadTooLarge(PodiumError):
    status, code = 413, "payload_too_large"


class ValidationFailed(PodiumError):
    status, code = 422, "validation_failed"


class TooManyRequests(PodiumError):
    status, code = 429, "too_many_requests"

    def __init__(self, message: str, *, retry_after: int, **extra: Any) -> None:
        super().__init__(message, **extra)
        self.retry_after = retry_after


class ServiceUnavailable(PodiumError):
    """Busy or failing for now; `retry_after` (seconds) becomes the Retry-After header when set."""

    status, code = 503, "service_unavailable"

    def __init__(self, message: str, *, retry_after: int | None = None, **extra: Any) -> None:
        super().__init__(message, **extra)
        self.retry_after = retry_after


class PermanentJobError(Exception):
    """Raised by a background job (or the domain code it calls) when another attempt would fail
    the same way: the job ends in FAILURE after this attempt, with this message as its reason."""
