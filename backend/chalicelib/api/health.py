"""Liveness: what a load balancer or a new user checks first."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.api.http import endpoint
from chalicelib.settings import settings

bp = Blueprint(__name__)


@endpoint(bp, "/health", "GET", action="health.read", summary="Service health")
def health() -> dict[str, str]:
    current = settings()
    return {"status": "ok", "stage": current.stage, "version": current.version}
