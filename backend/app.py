"""Podium API and workers: this module only creates the app and wires the blueprints."""

from chalice import Chalice
from chalicelib.api import auth, events, fallback, health, openapi, roles, users
from chalicelib.api.http import http_middleware
from chalicelib.workers import jobs

app = Chalice(app_name="podium", configure_logs=False)
app.debug = False
app.register_middleware(http_middleware, "http")
app.register_blueprint(health.bp, url_prefix="/v1")
app.register_blueprint(openapi.bp, url_prefix="/v1")
app.register_blueprint(auth.bp, url_prefix="/v1")
app.register_blueprint(users.bp, url_prefix="/v1")
app.register_blueprint(events.bp, url_prefix="/v1")
app.register_blueprint(roles.bp, url_prefix="/v1")
app.register_blueprint(jobs.bp)
fallback.install_fallbacks(app)
