"""PostgreSQL connections: every pooled one runs with the configured settings (JIT off by default), and a
transaction that only read ends without making psycopg forget the statements it prepared."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import Integer, select, text, update
from sqlalchemy.engine import Connection

from app.extensions import db
from app.org.models import District


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


# --- a transaction that only read keeps the connection's prepared statements (app/core/postgresql.py) ---


def _postgresql_only() -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only: make test-pg")


def _prepared(connection: Connection, table: str) -> int:
    return connection.scalar(
        text("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE :like"), {"like": f"%FROM {table}%"}
    )


def _district_name(connection: Connection) -> str:
    return connection.scalar(select(District.name).where(District.id == 1))


def test_a_transaction_that_only_read_ends_keeping_its_prepared_statements(app_ctx: Flask) -> None:
    _postgresql_only()
    with db.engine.connect() as connection:
        # psycopg prepares a statement on its fifth run on a connection.
        for _ in range(6):
            _district_name(connection)
        connection.rollback()
        # A ROLLBACK would have made psycopg forget it; the read-only transaction was committed instead.
        assert _prepared(connection, "org_district") == 1


def test_a_transaction_that_wrote_is_rolled_back_and_forgets_its_prepared_statements(app_ctx: Flask) -> None:
    _postgresql_only()
    with db.engine.connect() as connection:
        before = _district_name(connection)
        for _ in range(6):
            _district_name(connection)
        connection.execute(update(District).where(District.id == 1).values(name="Не сохранится"))
        connection.rollback()
        assert _district_name(connection) == before
        assert _prepared(connection, "org_district") == 0


def test_a_text_select_counts_as_a_write_and_is_rolled_back(app_ctx: Flask) -> None:
    _postgresql_only()
    # A SELECT given as text may call a function that writes: set_config(…, false) outlives a commit only.
    with db.engine.connect() as connection:
        _district_name(connection)
        connection.execute(text("SELECT set_config('uprava.probe', 'зафиксировано', false)"))
        connection.rollback()
        assert connection.scalar(text("SELECT current_setting('uprava.probe', true)")) in ("", None)


def test_a_textual_select_and_a_select_of_a_data_modifying_cte_count_as_writes(app_ctx: Flask) -> None:
    _postgresql_only()
    with db.engine.connect() as connection:
        before = _district_name(connection)
        # text() with its columns declared compiles as a SELECT; it is still text, and here it writes.
        rename = text("UPDATE org_district SET name = 'Через текст' WHERE id = 1 RETURNING id").columns(id=Integer)
        assert connection.execute(rename).scalar() == 1
        connection.rollback()
        assert _district_name(connection) == before
        moved = update(District).where(District.id == 1).values(name="Через CTE").returning(District.id).cte("moved")
        assert connection.execute(select(moved.c.id)).scalar() == 1
        connection.rollback()
        assert _district_name(connection) == before


def test_a_list_page_prepares_its_statements_once_for_the_next_requests(app: Flask, login) -> None:
    with app.app_context():
        _postgresql_only()
    client = login("udkh")
    for _ in range(6):
        assert client.get("/appealview/list/").status_code == 200
    with app.app_context(), db.engine.connect() as connection:
        # The pool's one connection served every request (one client, one request at a time).
        assert _prepared(connection, "appeals_appeal") >= 1
