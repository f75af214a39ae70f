"""SQLite needs help with Cyrillic: its lower() folds ASCII only (FAB_NOTES, Russian)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine


def unicode_lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Overrides the built-in lower(): ILIKE compiles to lower(x) LIKE lower(y) on SQLite,
    # so «иванов» now finds «Иванов». Deterministic, so indexes on it stay valid.
    dbapi_connection.create_function("lower", 1, unicode_lower, deterministic=True)
    dbapi_connection.execute("PRAGMA foreign_keys=ON")


def install_sqlite_functions(engine: Engine) -> None:
    """Register the connect hook once per engine (no-op for PostgreSQL)."""
    if engine.dialect.name != "sqlite":
        return
    if not event.contains(engine, "connect", _on_connect):
        event.listen(engine, "connect", _on_connect)
    # Connections opened before the hook (none in practice) are dropped.
    engine.dispose()
