"""district scope index: the current appeals by district carry the body scope's columns

Revision ID: 0034_district_scope_index
Revises: 0033_open_due_index
Create Date: 2026-12-04

A district clerk filtering his appeals by district and period is counted over the district's appeals of
the period, then narrowed to those his body received, is responsible for or whose executor he is. The
index by district held none of those columns: PostgreSQL read the table page of every appeal of the
district (925 pages for 2,241 appeals at a million, 2.7 ms of a 16 ms page); with them the count and the
page read the index alone (0.5 ms). The index is rebuilt with the columns after its own.
"""

import sqlalchemy as sa
from alembic import op

revision = "0034_district_scope_index"
down_revision = "0033_open_due_index"
branch_labels = None
depends_on = None

NAME = "ix_appeals_appeal_current_district"
CURRENT = "annulled_at IS NULL"
BEFORE = ["district_id", "reg_date", "id", "annulled_at"]
AFTER = ["district_id", "reg_date", "id", "receiving_body_id", "responsible_body_id", "executor_id", "annulled_at"]


def _rebuild(columns: list[str]) -> None:
    where = sa.text(CURRENT)
    op.drop_index(NAME, table_name="appeals_appeal")
    op.create_index(NAME, "appeals_appeal", columns, sqlite_where=where, postgresql_where=where)
    _analyze_if_analyzed()


def _analyze_if_analyzed() -> None:
    # As in 0033: SQLite plans from the statistics ANALYZE left, if any; a rebuilt index has none, and
    # SQLite would plan without it. A database never analyzed stays so. PostgreSQL re-analyzes itself.
    bind = op.get_bind()
    if (
        bind.dialect.name == "sqlite"
        and bind.execute(sa.text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'")).first()
    ):
        op.execute(f"ANALYZE {NAME}")


def upgrade() -> None:
    _rebuild(AFTER)


def downgrade() -> None:
    _rebuild(BEFORE)
