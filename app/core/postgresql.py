"""PostgreSQL session settings an interactive application wants, set on every new pooled connection."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine


def _settings(settings: dict[str, str]) -> Any:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        with dbapi_connection.cursor() as cursor:
            for name, value in settings.items():
                # set_config() takes the name as a value: nothing is spliced into the statement.
                cursor.execute("SELECT set_config(%s, %s, false)", (name, value))
        # The settings outlive the transaction the SELECT opened only once it is committed.
        dbapi_connection.commit()

    return on_connect


def install_postgresql_settings(engine: Engine, settings: dict[str, str]) -> None:
    """Apply `settings` (name → value) to each new connection of a PostgreSQL engine (no-op otherwise)."""
    if engine.dialect.name != "postgresql" or not settings:
        return
    event.listen(engine, "connect", _settings(settings))
