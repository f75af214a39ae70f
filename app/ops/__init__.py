"""Operations: backup and restore, health check, structured request logs, security headers."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Called by create_app before AppBuilder: logging first, so start-up errors are logged as JSON too."""
    from . import health, models  # noqa: F401  (models: the lock-out table belongs to the metadata)
    from .headers import install_security_headers
    from .logs import configure_json_logging, install_request_log

    if app.config.get("LOG_JSON"):
        configure_json_logging(app.config.get("LOG_LEVEL", "INFO"))
    install_request_log(app)
    app.register_blueprint(health.blueprint)
    install_security_headers(app)
