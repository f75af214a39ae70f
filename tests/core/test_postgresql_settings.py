"""PostgreSQL session settings: every pooled connection runs with the configured ones (JIT off by default)."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import text

from app.extensions import db


def test_a_new_postgresql_connection_runs_with_the_configured_settings(app_ctx: Flask) -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only: make test-pg")
    settings = app_ctx.config["POSTGRESQL_SETTINGS"]
    assert settings, "the settings are on by default (UPRAVA_PG_JIT unset)"
    # A fresh connection of the pool, not one a test has set up by hand.
    db.engine.dispose()
    with db.engine.connect() as connection:
        for name, value in settings.items():
            assert connection.scalar(text(f"SHOW {name}")) == value
        # Set for the session, not for the transaction the hook opened: the next transaction keeps it.
        connection.commit()
        for name, value in settings.items():
            assert connection.scalar(text(f"SHOW {name}")) == value
