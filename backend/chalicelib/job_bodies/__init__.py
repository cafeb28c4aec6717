"""The job bodies: thin entry points like workers/ (load the input, call one domain or site
function, store the result), each registered by name with `@job` (chalicelib.jobs.registry).

They sit above the domain, which enqueues through the registry below it, so the registry cannot
import them. Importing this package hands the registry `load_all` instead; it runs on the first
lookup, so the API's cold start loads no body (Pillow, the renderer) until a job is enqueued or run.
Whatever enqueues or runs jobs imports this package: workers/jobs.py (which app.py wires, for the
API Lambda and the worker), podium's CLI and the local stack's poller.
"""

from __future__ import annotations

from chalicelib.jobs.registry import load_bodies_with


def load_all() -> None:
    """Import every body module; each registers its jobs."""
    from chalicelib.job_bodies import builtin, exports, imports, outbox, remote_images, site, thumbnails, trash  # noqa: F401, PLC0415 — a body module loads on the first lookup, not with this package: the API's cold start stays light


load_bodies_with(load_all)
