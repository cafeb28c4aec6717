"""Podium API and workers: this module only creates the app and wires the blueprints."""

from chalice import Chalice
from chalicelib.api import (
    auth,
    call_for_papers,
    content,
    events,
    fallback,
    health,
    openapi,
    roles,
    transfer,
    trash,
    uploads,
    users,
)
from chalicelib.api import jobs as jobs_api
from chalicelib.api.http import http_middleware
from chalicelib.workers import changes as changes_worker
from chalicelib.workers import jobs as jobs_worker
from chalicelib.workers import sweeper

app = Chalice(app_name="podium", configure_logs=False)
app.debug = False
app.register_middleware(http_middleware, "http")
for api in (health, openapi, auth, users, events, content, call_for_papers, roles, jobs_api, uploads, transfer, trash):
    app.register_blueprint(api.bp, url_prefix="/v1")
for worker in (jobs_worker, changes_worker, sweeper):
    app.register_blueprint(worker.bp)
fallback.install_fallbacks(app)
