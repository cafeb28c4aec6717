"""Podium API and workers: this module only creates the app and wires the blueprints."""

from chalice import Chalice
from chalicelib.api import fallback, health, openapi, transfer
from chalicelib.api.http import http_middleware
from chalicelib.workers import jobs

app = Chalice(app_name="podium", configure_logs=False)
app.debug = False
app.register_middleware(http_middleware, "http")
app.register_blueprint(health.bp, url_prefix="/v1")
app.register_blueprint(openapi.bp, url_prefix="/v1")
app.register_blueprint(transfer.bp, url_prefix="/v1")
app.register_blueprint(jobs.bp)
fallback.install_fallbacks(app)
