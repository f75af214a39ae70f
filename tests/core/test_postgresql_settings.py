"""PostgreSQL session settings: every pooled connection runs with JIT off (config POSTGRESQL_SETTINGS)."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import text

from app.extensions import db


def test_the_applications_connections_say_what_the_config_sets(app_ctx: Flask) -> None:
    assert app_ctx.config["POSTGRESQL_SETTINGS"] == {"jit": "off"}
    if db.engine.dialect.name != "postgresql":
        return  # SQLite has no such settings; `make test-pg` runs the check below
    # A fresh connection of the pool, not one a test has set up by hand.
    db.engine.dispose()
    with db.engine.connect() as connection:
        assert connection.scalar(text("SHOW jit")) == "off"
        # Set for the session, not for the transaction the hook opened: a later transaction keeps it.
        connection.commit()
        assert connection.scalar(text("SHOW jit")) == "off"
