"""Structured logs: one JSON object per line, one line per request, and the application's errors.

Request lines carry the method, the path without its query string (search filters hold citizens'
names), the status, the duration and the user's id — never names, form data or passwords.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
import time
from typing import Any

from flask import Flask, Response, g, request
from sqlalchemy import inspect as sa_inspect

REQUEST_LOGGER = "uprava.request"
#: Attributes of every LogRecord; anything else on a record came in through `extra=` and is logged.
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """A log record as one JSON line: time (UTC), level, logger, message, extra fields, exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update({k: v for k, v in record.__dict__.items() if k not in _STANDARD and not k.startswith("_")})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_json_logging(level: str = "INFO") -> None:
    """Send every logger (the app's, Flask's, SQLAlchemy's warnings) to stderr as JSON lines."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)


def _user_id() -> Any:
    from ..security import request_user

    user = request_user()
    if user is None:
        return None
    # The identity key holds the id even when a commit has expired the object: no extra SELECT per request.
    state = sa_inspect(user, raiseerr=False)
    return state.identity[0] if state is not None and state.identity else getattr(user, "id", None)


def install_request_log(app: Flask) -> None:
    """Log every request once it is answered (404s, 429s and 500s included)."""
    logger = logging.getLogger(REQUEST_LOGGER)

    @app.before_request
    def _start_clock() -> None:
        g._uprava_started = time.perf_counter()

    @app.after_request
    def _log_request(response: Response) -> Response:
        started = g.get("_uprava_started")
        logger.info(
            "request",
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
                "user_id": _user_id(),
            },
        )
        return response
