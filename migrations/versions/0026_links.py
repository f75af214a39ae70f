"""declared links between domains: a plan item's instruction and event, a petition's incoming document

Revision ID: 0026_links
Revises: 0023_housing
Create Date: 2026-12-03

plans_item.instruction_id: the instruction the item was put on control as (app/control; the link lives on
the item, the instruction names the item back as its source). plans_item.event_id: the Victory-75 calendar's
event an item of the city-wide-events section links to. events_title_petition.incoming_document_id: the
registered incoming document (control_document) an organisation's petition arrived as; the typed number and
date stay for petitions recorded before the registry (and mirror the linked document's).
"""

import sqlalchemy as sa
from alembic import op

revision = "0026_links"
down_revision = "0023_housing"
branch_labels = None
depends_on = None

LINKS = (
    ("plans_item", "instruction_id", "control_instruction"),
    ("plans_item", "event_id", "events_event"),
    ("events_title_petition", "incoming_document_id", "control_document"),
)


def upgrade():
    for table, column, target in LINKS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column(column, sa.Integer(), nullable=True))
            batch_op.create_index(batch_op.f(f"ix_{table}_{column}"), [column], unique=False)
            batch_op.create_foreign_key(batch_op.f(f"fk_{table}_{column}_{target}"), target, [column], ["id"])


def downgrade():
    for table, column, target in reversed(LINKS):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f"fk_{table}_{column}_{target}"), type_="foreignkey")
            batch_op.drop_index(batch_op.f(f"ix_{table}_{column}"))
            batch_op.drop_column(column)
