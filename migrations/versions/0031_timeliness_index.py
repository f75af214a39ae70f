"""timeliness index: the appeals due in a period, read from one covering index

Revision ID: 0031_timeliness_index
Revises: 0030_queue_index
Create Date: 2026-12-03

R-A4 (timeliness by responsible body, the appeals dashboard's widest chart) counts the current appeals
whose due date falls in the period. No index led by due_date served it: PostgreSQL scanned all 1M appeals
(200 ms, twice — per body and the total). This partial index over current appeals holds every column the
report reads and ends in annulled_at like every «current» index (see app/core/models.current_index).
"""

import sqlalchemy as sa
from alembic import op

revision = "0031_timeliness_index"
down_revision = "0030_queue_index"
branch_labels = None
depends_on = None

NAME = "ix_appeals_appeal_current_due"
COLUMNS = ["due_date", "responsible_body_id", "status", "closed_on", "original_due_date", "reg_date", "annulled_at"]
CURRENT = {"sqlite_where": sa.text("annulled_at IS NULL"), "postgresql_where": sa.text("annulled_at IS NULL")}


def upgrade() -> None:
    op.create_index(NAME, "appeals_appeal", COLUMNS, **CURRENT)


def downgrade() -> None:
    op.drop_index(NAME, table_name="appeals_appeal")
