"""appeals as clerks use them: bodies' former names, value mappings of imports, an appeal's import

Revision ID: 0025_appeals_ux
Revises: 0024_events
Create Date: 2026-12-05

org_body_former_name: the names a body bore before a renaming, with the period of use (lookups, the
list's search and imports recognise them). core_import_mapping.values: a saved mapping's value mapping
(a file's own spelling of a reference entry → the entry). appeals_appeal.import_batch_id: the import
(core_import) that loaded the appeal, the mark of a card brought from a legacy register.
"""

import sqlalchemy as sa
from alembic import op

revision = "0025_appeals_ux"
down_revision = "0024_events"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "org_body_former_name",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("used_from", sa.Date(), nullable=True),
        sa.Column("used_until", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "used_from IS NULL OR used_until IS NULL OR used_from <= used_until",
            name=op.f("ck_org_body_former_name_period"),
        ),
        sa.ForeignKeyConstraint(
            ["body_id"], ["org_body.id"], name=op.f("fk_org_body_former_name_body_id_org_body"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_org_body_former_name")),
        sa.UniqueConstraint("body_id", "name", name=op.f("uq_org_body_former_name_body_id")),
    )
    with op.batch_alter_table("org_body_former_name", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_org_body_former_name_body_id"), ["body_id"], unique=False)

    with op.batch_alter_table("core_import_mapping", schema=None) as batch_op:
        batch_op.add_column(sa.Column("values", sa.JSON(), nullable=True))

    with op.batch_alter_table("appeals_appeal", schema=None) as batch_op:
        batch_op.add_column(sa.Column("import_batch_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_appeals_appeal_import_batch_id"), ["import_batch_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_appeals_appeal_import_batch_id_core_import"),
            "core_import",
            ["import_batch_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade():
    with op.batch_alter_table("appeals_appeal", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_appeals_appeal_import_batch_id_core_import"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_appeals_appeal_import_batch_id"))
        batch_op.drop_column("import_batch_id")
    with op.batch_alter_table("core_import_mapping", schema=None) as batch_op:
        batch_op.drop_column("values")
    with op.batch_alter_table("org_body_former_name", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_org_body_former_name_body_id"))
    op.drop_table("org_body_former_name")
