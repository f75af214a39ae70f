"""scope: an appeal's questions, copies and document requests are scoped through their appeal

The row scope of these child rows is now an EXISTS on their appeal's scope (`Scope(parent="appeal")`):
they follow the appeal wherever it is seen — forwarded, copied to another body, assigned to an
executor. The bodies copied from the appeal into each child row for the old scope are dropped.

Revision ID: 0017_scope
Revises: 0016_perf
Create Date: 2026-12-01

"""

import sqlalchemy as sa
from alembic import op

revision = "0017_scope"
down_revision = "0016_perf"
branch_labels = None
depends_on = None

CHILD_TABLES = ("appeals_question", "appeals_copy", "appeals_document_request")
COPIED = (("appeal_receiving_body_id", "receiving_body_id"), ("appeal_responsible_body_id", "responsible_body_id"))


def upgrade():
    for table in CHILD_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column, _source in COPIED:
                batch_op.drop_index(f"ix_{table}_{column}")
                batch_op.drop_constraint(f"fk_{table}_{column}_org_body", type_="foreignkey")
                batch_op.drop_column(column)


def downgrade():
    for table in CHILD_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column, _source in COPIED:
                batch_op.add_column(sa.Column(column, sa.Integer(), nullable=True))
        for column, source in COPIED:
            op.execute(
                f"UPDATE {table} SET {column} = "
                f"(SELECT appeals_appeal.{source} FROM appeals_appeal WHERE appeals_appeal.id = {table}.appeal_id)"
            )
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column, _source in COPIED:
                batch_op.alter_column(column, existing_type=sa.Integer(), nullable=False)
                batch_op.create_foreign_key(f"fk_{table}_{column}_org_body", "org_body", [column], ["id"])
                batch_op.create_index(f"ix_{table}_{column}", [column], unique=False)
