"""Podium API and workers: this module only creates the app and wires the blueprints."""

import gc

import boto3  # noqa: F401 - imported before the freeze below
import pynamodb.models  # noqa: F401
from chalice import Chalice

# The dependencies' objects live as long as the process: frozen, they are left out of every
# later collection, both those while the rest of this module imports (measured: 17 ms less
# cold start, bench/cold_start.py) and those while requests are served.
gc.freeze()

from chalicelib.api import (  # noqa: E402
    auth,
    call_for_papers,
    content,
    events,
    exports,
    fallback,
    health,
    imports,
    mail,
    openapi,
    questions,
    review,
    review_assignments,
    roles,
    schedule_releases,
    speaker_portal,
    trash,
    uploads,
    users,
)
from chalicelib.api import jobs as jobs_api  # noqa: E402
from chalicelib.api.http import http_middleware  # noqa: E402
from chalicelib.workers import changes as changes_worker  # noqa: E402
from chalicelib.workers import jobs as jobs_worker  # noqa: E402
from chalicelib.workers import mail_digest, sweeper  # noqa: E402

app = Chalice(app_name="podium", configure_logs=False)
app.debug = False
app.register_middleware(http_middleware, "http")
for api in (
    health, openapi, auth, users, events, content, call_for_papers, questions, review, review_assignments, speaker_portal, roles, jobs_api, uploads, imports, exports,
    trash, mail, schedule_releases,
):  # fmt: skip
    app.register_blueprint(api.bp, url_prefix="/v1")
for worker in (jobs_worker, changes_worker, sweeper, mail_digest):
    app.register_blueprint(worker.bp)
fallback.install_fallbacks(app)
