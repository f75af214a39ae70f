"""PostgreSQL session settings an interactive application wants, set on every new pooled connection,
and a read-only transaction ended so that the connection keeps its prepared statements."""

from __future__ import annotations

import contextlib
from typing import Any

import psycopg
from psycopg.pq import TransactionStatus
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.sql import CompoundSelect, Select
from sqlalchemy.sql.dml import UpdateBase

#: Set in a connection's info when its transaction ran anything that may have written.
_WROTE = "uprava_transaction_wrote"


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


def _began(conn: Connection) -> None:
    conn.info[_WROTE] = False


def _reads_only(context: Any) -> bool:
    # Only a compiled select() construct with no data-modifying CTE counts as a read. DML, DDL, any
    # text() (also with .columns(): «INSERT … RETURNING» reads rows back) and a statement given to the
    # driver as it is may write. A function with a side effect that outlives the transaction only when
    # committed (set_config(…, false), pg_notify) must be called through text(), as the app does.
    compiled = context.compiled if context is not None else None
    if compiled is None or not isinstance(compiled.statement, Select | CompoundSelect):
        return False
    return not any(isinstance(cte.element, UpdateBase) for cte in getattr(compiled, "ctes", None) or ())


def _executing(conn: Connection, _cursor: Any, _statement: str, _params: Any, context: Any, _many: bool) -> None:
    if not _reads_only(context):
        conn.info[_WROTE] = True


def _ending(conn: Connection) -> None:
    # psycopg forgets every prepared statement of a connection on ROLLBACK (in case the rollback undid
    # an object a statement refers to), and every request ends its transaction with one: a page's
    # statements were never prepared, so PostgreSQL parsed and planned each of them on every request.
    # A transaction that only read ends alike with COMMIT; committed here, the rollback that follows
    # finds the connection idle and sends nothing, and the statements stay prepared (psycopg prepares
    # a statement on its fifth run on a connection; PostgreSQL then plans it once if a generic plan
    # costs no more than the plans for the given values).
    if conn.closed or conn.invalidated or conn.info.get(_WROTE, True):
        return
    dbapi = conn.connection.dbapi_connection
    if dbapi is None or dbapi.info.transaction_status != TransactionStatus.INTRANS:
        return  # idle, or a statement failed (INERROR): the rollback does what it must
    # A broken connection: the rollback that follows meets it, and SQLAlchemy handles it there.
    with contextlib.suppress(psycopg.Error):
        dbapi.commit()


def keep_prepared_statements(engine: Engine) -> None:
    """End a PostgreSQL transaction that only read with COMMIT, not ROLLBACK (no-op on other databases)."""
    if engine.dialect.name != "postgresql" or event.contains(engine, "rollback", _ending):
        return
    event.listen(engine, "begin", _began)
    event.listen(engine, "before_cursor_execute", _executing)
    event.listen(engine, "rollback", _ending)
