"""plan copies: the index of an item's quarterly copies holds the copies only

Revision ID: 0029_plan_copies
Revises: 0028_covering_current
Create Date: 2026-12-03

`monitored()` asks, for every plan item, whether a current quarterly copy of it exists. Most items are no
copy (source_item_id NULL); SQLite's statistics counted those NULLs as one value shared by every row,
judged the index useless and scanned the table once per item — the plans dashboard over 20,000 items took
66 s. The index is now partial (copies only) and covering (annulled_at).
"""

import sqlalchemy as sa
from alembic import op

revision = "0029_plan_copies"
down_revision = "0028_covering_current"
branch_labels = None
depends_on = None

COPIES = {
    "sqlite_where": sa.text("source_item_id IS NOT NULL"),
    "postgresql_where": sa.text("source_item_id IS NOT NULL"),
}


def upgrade() -> None:
    op.drop_index("ix_plans_item_source", table_name="plans_item")
    op.create_index("ix_plans_item_source", "plans_item", ["source_item_id", "annulled_at"], **COPIES)


def downgrade() -> None:
    op.drop_index("ix_plans_item_source", table_name="plans_item")
    op.create_index("ix_plans_item_source", "plans_item", ["source_item_id"])
