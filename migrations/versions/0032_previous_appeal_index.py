"""previous appeal index: the self-referencing foreign key gets its own (partial) index

Revision ID: 0032_previous_appeal_index
Revises: 0031_timeliness_index
Create Date: 2026-12-04

Deleting an appeal makes the database check that no appeal names it as its previous one
(appeals_appeal.previous_appeal_id). PostgreSQL does not index a foreign key's column by itself, so each
deleted appeal cost a scan of the whole table: removing the 1,351 appeals the benchmark's save case had
registered took over five minutes at 1M appeals. Partial (only the appeals that name a previous one):
registrations and imports of first appeals add nothing to it.
"""

import sqlalchemy as sa
from alembic import op

revision = "0032_previous_appeal_index"
down_revision = "0031_timeliness_index"
branch_labels = None
depends_on = None

NAME = "ix_appeals_appeal_previous_appeal_id"
WHERE = {
    "sqlite_where": sa.text("previous_appeal_id IS NOT NULL"),
    "postgresql_where": sa.text("previous_appeal_id IS NOT NULL"),
}


def upgrade() -> None:
    op.create_index(NAME, "appeals_appeal", ["previous_appeal_id"], **WHERE)


def downgrade() -> None:
    op.drop_index(NAME, table_name="appeals_appeal")
