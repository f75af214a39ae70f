"""Migration 0033: the open appeals' index as the model states it, analyzed on SQLite only where statistics exist."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import create_engine, text

from app.appeals.models import OPEN_CURRENT

MIGRATION = Path(__file__).parents[1] / "migrations" / "versions" / "0033_open_due_index.py"


def _migration():
    spec = importlib.util.spec_from_file_location("open_due_index", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _upgraded(analyzed_before: bool) -> list[tuple]:
    engine = create_engine("sqlite://")
    with engine.begin() as conn:
        conn.execute(
            text(
                "CREATE TABLE appeals_appeal"
                " (id INTEGER PRIMARY KEY, due_date DATE, status TEXT, annulled_at TIMESTAMP)"
            )
        )
        conn.execute(text("CREATE INDEX ix_appeals_appeal_due ON appeals_appeal (due_date)"))
        rows = [
            {"id": n, "due": f"2025-01-{1 + n % 28:02d}", "status": ("registered", "answered")[n % 2]}
            for n in range(200)
        ]
        conn.execute(text("INSERT INTO appeals_appeal (id, due_date, status) VALUES (:id, :due, :status)"), rows)
        if analyzed_before:
            conn.execute(text("ANALYZE"))
        with Operations.context(MigrationContext.configure(conn)):
            _migration().upgrade()
        if not conn.execute(text("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")).first():
            return []
        return [tuple(row) for row in conn.execute(text("SELECT tbl, idx, stat FROM sqlite_stat1 ORDER BY idx"))]


def test_an_analyzed_database_gets_the_new_index_analyzed():
    stats = _upgraded(analyzed_before=True)
    # The index holds the 100 open appeals of the 200: the statistics SQLite plans from.
    open_due = [stat for _tbl, idx, stat in stats if idx == "ix_appeals_appeal_open_due"]
    assert len(open_due) == 1 and open_due[0].split()[0] == "100"
    assert any(idx == "ix_appeals_appeal_due" for _tbl, idx, _stat in stats)


def test_a_database_never_analyzed_stays_without_statistics():
    assert _upgraded(analyzed_before=False) == []


def test_the_open_appeals_index_is_made_as_the_model_states_it():
    """The migration writes the predicate out (a migration stays as it was made): if the open statuses
    change, the index must be rebuilt by a new migration, or the database stops using it."""
    assert _migration().OPEN_CURRENT == OPEN_CURRENT
