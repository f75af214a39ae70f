"""SQLite needs help: its lower() folds ASCII only (FAB_NOTES, Russian); and a long writer must not lock readers out.

WAL: readers (every page, a job's progress poll) never wait for a writer and never see «database is
locked»; a writer waits for another one (a save while an import writes) up to the busy timeout.
"""

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


def _concurrency(busy_timeout_ms: int, wal: bool) -> Any:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        # A file database only: an in-memory one has no write-ahead log. Persistent in the file.
        if wal and dbapi_connection.execute("PRAGMA database_list").fetchone()[2]:
            dbapi_connection.execute("PRAGMA journal_mode=WAL")

    return on_connect


def install_sqlite_functions(engine: Engine, busy_timeout_ms: int = 60_000, wal: bool = True) -> None:
    """Register the connect hooks once per engine (no-op for PostgreSQL)."""
    if engine.dialect.name != "sqlite":
        return
    if not event.contains(engine, "connect", _on_connect):
        event.listen(engine, "connect", _on_connect)
        event.listen(engine, "connect", _concurrency(busy_timeout_ms, wal))
    # Connections opened before the hook (none in practice) are dropped.
    engine.dispose()
