"""control: correspondents, the registry of documents, resolutions, instructions on control (with
co-executors, extensions and execution reports); an appeal holds the instruction it was put on control with

Revision ID: 0021_control
Revises: 0020_lockout
Create Date: 2026-12-03

"""

import sqlalchemy as sa
from alembic import op

revision = "0021_control"
down_revision = "0020_lockout"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "control_correspondent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=True),
        sa.Column("citizen_name", sa.String(length=255), nullable=True),
        sa.Column("citizen_address", sa.String(length=500), nullable=True),
        sa.Column("inn", sa.String(length=12), nullable=True),
        sa.Column("address", sa.String(length=500), nullable=True),
        sa.Column("email", sa.String(length=255), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_control_correspondent")),
    )
    with op.batch_alter_table("control_correspondent", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_control_correspondent_name"), ["name"], unique=False)

    op.create_table(
        "control_document_kind",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_control_document_kind")),
        sa.UniqueConstraint("code", name=op.f("uq_control_document_kind_code")),
        sa.UniqueConstraint("name", name=op.f("uq_control_document_kind_name")),
    )
    op.create_table(
        "control_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(length=16), nullable=False),
        sa.Column("reg_number", sa.String(length=32), nullable=False),
        sa.Column("reg_year", sa.Integer(), nullable=False),
        sa.Column("reg_seq", sa.Integer(), nullable=False),
        sa.Column("reg_date", sa.Date(), nullable=False),
        sa.Column("kind_id", sa.Integer(), nullable=False),
        sa.Column("correspondent_id", sa.Integer(), nullable=True),
        sa.Column("corr_number", sa.String(length=64), nullable=True),
        sa.Column("corr_date", sa.Date(), nullable=True),
        sa.Column("signed_by", sa.String(length=255), nullable=True),
        sa.Column("registering_body_id", sa.Integer(), nullable=False),
        sa.Column("addressee_body_id", sa.Integer(), nullable=True),
        sa.Column("summary", sa.String(length=1000), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=True),
        sa.Column("delivery", sa.String(length=16), nullable=True),
        sa.Column("case_file", sa.String(length=64), nullable=True),
        sa.Column("reply_to_id", sa.Integer(), nullable=True),
        sa.Column("executes_id", sa.Integer(), nullable=True),
        sa.Column("annulled_at", sa.DateTime(), nullable=True),
        sa.Column("annul_reason", sa.String(length=1000), nullable=True),
        sa.Column("annulled_by_fk", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["addressee_body_id"], ["org_body.id"], name=op.f("fk_control_document_addressee_body_id_org_body")
        ),
        sa.ForeignKeyConstraint(
            ["annulled_by_fk"], ["ab_user.id"], name=op.f("fk_control_document_annulled_by_fk_ab_user")
        ),
        sa.ForeignKeyConstraint(
            ["correspondent_id"],
            ["control_correspondent.id"],
            name=op.f("fk_control_document_correspondent_id_control_correspondent"),
        ),
        sa.ForeignKeyConstraint(
            ["executes_id"], ["control_document.id"], name=op.f("fk_control_document_executes_id_control_document")
        ),
        sa.ForeignKeyConstraint(
            ["kind_id"], ["control_document_kind.id"], name=op.f("fk_control_document_kind_id_control_document_kind")
        ),
        sa.ForeignKeyConstraint(
            ["registering_body_id"], ["org_body.id"], name=op.f("fk_control_document_registering_body_id_org_body")
        ),
        sa.ForeignKeyConstraint(
            ["reply_to_id"], ["control_document.id"], name=op.f("fk_control_document_reply_to_id_control_document")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_control_document")),
        sa.UniqueConstraint("direction", "reg_year", "reg_seq", name=op.f("uq_control_document_direction")),
        sa.UniqueConstraint("reg_number", name=op.f("uq_control_document_reg_number")),
    )
    with op.batch_alter_table("control_document", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_control_document_addressee_body_id"), ["addressee_body_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_control_document_correspondent_id"), ["correspondent_id"], unique=False)
        batch_op.create_index(
            "ix_control_document_current_addressee",
            ["addressee_body_id", "reg_date", "id"],
            unique=False,
            sqlite_where=sa.text("annulled_at IS NULL"),
            postgresql_where=sa.text("annulled_at IS NULL"),
        )
        batch_op.create_index(
            "ix_control_document_current_direction",
            ["direction", "reg_date", "id"],
            unique=False,
            sqlite_where=sa.text("annulled_at IS NULL"),
            postgresql_where=sa.text("annulled_at IS NULL"),
        )
        batch_op.create_index(
            "ix_control_document_current_reg_date",
            ["reg_date", "id"],
            unique=False,
            sqlite_where=sa.text("annulled_at IS NULL"),
            postgresql_where=sa.text("annulled_at IS NULL"),
        )
        batch_op.create_index(
            "ix_control_document_current_registering",
            ["registering_body_id", "reg_date", "id"],
            unique=False,
            sqlite_where=sa.text("annulled_at IS NULL"),
            postgresql_where=sa.text("annulled_at IS NULL"),
        )
        batch_op.create_index(batch_op.f("ix_control_document_executes_id"), ["executes_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_control_document_kind_id"), ["kind_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_control_document_registering_body_id"), ["registering_body_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_control_document_reply_to_id"), ["reply_to_id"], unique=False)

    op.create_table(
        "control_resolution",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("author_name", sa.String(length=255), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["ab_user.id"], name=op.f("fk_control_resolution_author_id_ab_user")),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["control_document.id"],
            name=op.f("fk_control_resolution_document_id_control_document"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["control_resolution.id"], name=op.f("fk_control_resolution_parent_id_control_resolution")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_control_resolution")),
    )
    with op.batch_alter_table("control_resolution", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_control_resolution_document_id"), ["document_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_control_resolution_parent_id"), ["parent_id"], unique=False)

    op.create_table(
        "control_instruction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reg_number", sa.String(length=32), nullable=False),
        sa.Column("reg_year", sa.Integer(), nullable=False),
        sa.Column("reg_seq", sa.Integer(), nullable=False),
        sa.Column("reg_date", sa.Date(), nullable=False),
        sa.Column("source_kind", sa.String(length=32), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("source_note", sa.String(length=500), nullable=True),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("resolution_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("issued_by_id", sa.Integer(), nullable=True),
        sa.Column("issued_by_name", sa.String(length=255), nullable=True),
        sa.Column("is_head_instruction", sa.Boolean(), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("controller_id", sa.Integer(), nullable=True),
        sa.Column("responsible_body_id", sa.Integer(), nullable=False),
        sa.Column("executor_id", sa.Integer(), nullable=True),
        sa.Column("urgency", sa.String(length=16), nullable=False),
        sa.Column("deadline_original", sa.Date(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("control_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("removed_on", sa.Date(), nullable=True),
        sa.Column("removed_by_id", sa.Integer(), nullable=True),
        sa.Column("removal_basis", sa.String(length=500), nullable=True),
        sa.Column("result", sa.Text(), nullable=True),
        sa.Column("annulled_at", sa.DateTime(), nullable=True),
        sa.Column("annul_reason", sa.String(length=1000), nullable=True),
        sa.Column("annulled_by_fk", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["annulled_by_fk"], ["ab_user.id"], name=op.f("fk_control_instruction_annulled_by_fk_ab_user")
        ),
        sa.ForeignKeyConstraint(
            ["controller_id"], ["ab_user.id"], name=op.f("fk_control_instruction_controller_id_ab_user")
        ),
        sa.ForeignKeyConstraint(
            ["document_id"], ["control_document.id"], name=op.f("fk_control_instruction_document_id_control_document")
        ),
        sa.ForeignKeyConstraint(
            ["executor_id"], ["ab_user.id"], name=op.f("fk_control_instruction_executor_id_ab_user")
        ),
        sa.ForeignKeyConstraint(
            ["issued_by_id"], ["ab_user.id"], name=op.f("fk_control_instruction_issued_by_id_ab_user")
        ),
        sa.ForeignKeyConstraint(
            ["removed_by_id"], ["ab_user.id"], name=op.f("fk_control_instruction_removed_by_id_ab_user")
        ),
        sa.ForeignKeyConstraint(
            ["resolution_id"],
            ["control_resolution.id"],
            name=op.f("fk_control_instruction_resolution_id_control_resolution"),
        ),
        sa.ForeignKeyConstraint(
            ["responsible_body_id"], ["org_body.id"], name=op.f("fk_control_instruction_responsible_body_id_org_body")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_control_instruction")),
        sa.UniqueConstraint("reg_number", name=op.f("uq_control_instruction_reg_number")),
        sa.UniqueConstraint("reg_year", "reg_seq", name=op.f("uq_control_instruction_reg_year")),
    )
    with op.batch_alter_table("control_instruction", schema=None) as batch_op:
        batch_op.create_index(
            "ix_control_instruction_current_controller",
            ["controller_id", "status", "id"],
            unique=False,
            sqlite_where=sa.text("annulled_at IS NULL"),
            postgresql_where=sa.text("annulled_at IS NULL"),
        )
        batch_op.create_index(
            "ix_control_instruction_current_deadline",
            ["deadline", "id"],
            unique=False,
            sqlite_where=sa.text("annulled_at IS NULL"),
            postgresql_where=sa.text("annulled_at IS NULL"),
        )
        batch_op.create_index(
            "ix_control_instruction_current_executor",
            ["executor_id", "reg_date", "id"],
            unique=False,
            sqlite_where=sa.text("annulled_at IS NULL"),
            postgresql_where=sa.text("annulled_at IS NULL"),
        )
        batch_op.create_index(
            "ix_control_instruction_current_issued_by",
            ["issued_by_id", "status", "id"],
            unique=False,
            sqlite_where=sa.text("annulled_at IS NULL"),
            postgresql_where=sa.text("annulled_at IS NULL"),
        )
        batch_op.create_index(
            "ix_control_instruction_current_reg_date",
            ["reg_date", "id"],
            unique=False,
            sqlite_where=sa.text("annulled_at IS NULL"),
            postgresql_where=sa.text("annulled_at IS NULL"),
        )
        batch_op.create_index(
            "ix_control_instruction_current_responsible",
            ["responsible_body_id", "reg_date", "id"],
            unique=False,
            sqlite_where=sa.text("annulled_at IS NULL"),
            postgresql_where=sa.text("annulled_at IS NULL"),
        )
        batch_op.create_index(
            "ix_control_instruction_current_status",
            ["status", "deadline", "id"],
            unique=False,
            sqlite_where=sa.text("annulled_at IS NULL"),
            postgresql_where=sa.text("annulled_at IS NULL"),
        )
        batch_op.create_index(
            "ix_control_instruction_current_status_reg",
            ["status", "reg_date", "id"],
            unique=False,
            sqlite_where=sa.text("annulled_at IS NULL"),
            postgresql_where=sa.text("annulled_at IS NULL"),
        )
        batch_op.create_index("ix_control_instruction_deadline", ["deadline", "responsible_body_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_control_instruction_document_id"), ["document_id"], unique=False)
        batch_op.create_index("ix_control_instruction_reg_date", ["reg_date", "responsible_body_id"], unique=False)
        batch_op.create_index("ix_control_instruction_removed_on", ["removed_on", "responsible_body_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_control_instruction_resolution_id"), ["resolution_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_control_instruction_responsible_body_id"), ["responsible_body_id"], unique=False
        )
        batch_op.create_index("ix_control_instruction_source", ["source_kind", "source_id"], unique=False)

    op.create_table(
        "control_execution_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instruction_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.Column("submitted_on", sa.Date(), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("comment", sa.String(length=1000), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["ab_user.id"], name=op.f("fk_control_execution_report_decided_by_id_ab_user")
        ),
        sa.ForeignKeyConstraint(
            ["instruction_id"],
            ["control_instruction.id"],
            name=op.f("fk_control_execution_report_instruction_id_control_instruction"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by_id"], ["ab_user.id"], name=op.f("fk_control_execution_report_submitted_by_id_ab_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_control_execution_report")),
    )
    with op.batch_alter_table("control_execution_report", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_control_execution_report_instruction_id"), ["instruction_id"], unique=False
        )

    op.create_table(
        "control_extension",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instruction_id", sa.Integer(), nullable=False),
        sa.Column("old_deadline", sa.Date(), nullable=False),
        sa.Column("requested_deadline", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("requested_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("approved_deadline", sa.Date(), nullable=True),
        sa.Column("decision_comment", sa.String(length=1000), nullable=True),
        sa.Column("decision_basis", sa.String(length=500), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["ab_user.id"], name=op.f("fk_control_extension_decided_by_id_ab_user")
        ),
        sa.ForeignKeyConstraint(
            ["instruction_id"],
            ["control_instruction.id"],
            name=op.f("fk_control_extension_instruction_id_control_instruction"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"], ["ab_user.id"], name=op.f("fk_control_extension_requested_by_id_ab_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_control_extension")),
    )
    with op.batch_alter_table("control_extension", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_control_extension_instruction_id"), ["instruction_id"], unique=False)
        batch_op.create_index("ix_control_extension_status", ["status", "instruction_id"], unique=False)

    op.create_table(
        "control_instruction_co_executor",
        sa.Column("instruction_id", sa.Integer(), nullable=False),
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["body_id"], ["org_body.id"], name=op.f("fk_control_instruction_co_executor_body_id_org_body")
        ),
        sa.ForeignKeyConstraint(
            ["instruction_id"],
            ["control_instruction.id"],
            name=op.f("fk_control_instruction_co_executor_instruction_id_control_instruction"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("instruction_id", "body_id", name=op.f("pk_control_instruction_co_executor")),
    )
    with op.batch_alter_table("control_instruction_co_executor", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_control_instruction_co_executor_body_id"), ["body_id"], unique=False)

    with op.batch_alter_table("appeals_appeal", schema=None) as batch_op:
        batch_op.add_column(sa.Column("instruction_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_appeals_appeal_instruction_id"), ["instruction_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_appeals_appeal_instruction_id_control_instruction"),
            "control_instruction",
            ["instruction_id"],
            ["id"],
        )


def downgrade():
    with op.batch_alter_table("appeals_appeal", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_appeals_appeal_instruction_id_control_instruction"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_appeals_appeal_instruction_id"))
        batch_op.drop_column("instruction_id")

    with op.batch_alter_table("control_instruction_co_executor", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_control_instruction_co_executor_body_id"))

    op.drop_table("control_instruction_co_executor")
    with op.batch_alter_table("control_extension", schema=None) as batch_op:
        batch_op.drop_index("ix_control_extension_status")
        batch_op.drop_index(batch_op.f("ix_control_extension_instruction_id"))

    op.drop_table("control_extension")
    with op.batch_alter_table("control_execution_report", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_control_execution_report_instruction_id"))

    op.drop_table("control_execution_report")
    with op.batch_alter_table("control_instruction", schema=None) as batch_op:
        batch_op.drop_index("ix_control_instruction_source")
        batch_op.drop_index(batch_op.f("ix_control_instruction_responsible_body_id"))
        batch_op.drop_index(batch_op.f("ix_control_instruction_resolution_id"))
        batch_op.drop_index("ix_control_instruction_removed_on")
        batch_op.drop_index("ix_control_instruction_reg_date")
        batch_op.drop_index(batch_op.f("ix_control_instruction_document_id"))
        batch_op.drop_index("ix_control_instruction_deadline")
        batch_op.drop_index(
            "ix_control_instruction_current_status_reg",
            sqlite_where=sa.text("annulled_at IS NULL"),
            postgresql_where=sa.text("annulled_at IS NULL"),
        )
        batch_op.drop_index(
            "ix_control_instruction_current_status",
            sqlite_where=sa.text("annulled_at IS NULL"),
            postgresql_where=sa.text("annulled_at IS NULL"),
        )
        batch_op.drop_index(
            "ix_control_instruction_current_responsible",
            sqlite_where=sa.text("annulled_at IS NULL"),
            postgresql_where=sa.text("annulled_at IS NULL"),
        )
        batch_op.drop_index(
            "ix_control_instruction_current_reg_date",
            sqlite_where=sa.text("annulled_at IS NULL"),
            postgresql_where=sa.text("annulled_at IS NULL"),
        )
        batch_op.drop_index(
            "ix_control_instruction_current_issued_by",
            sqlite_where=sa.text("annulled_at IS NULL"),
            postgresql_where=sa.text("annulled_at IS NULL"),
        )
        batch_op.drop_index(
            "ix_control_instruction_current_executor",
            sqlite_where=sa.text("annulled_at IS NULL"),
            postgresql_where=sa.text("annulled_at IS NULL"),
        )
        batch_op.drop_index(
            "ix_control_instruction_current_deadline",
            sqlite_where=sa.text("annulled_at IS NULL"),
            postgresql_where=sa.text("annulled_at IS NULL"),
        )
        batch_op.drop_index(
            "ix_control_instruction_current_controller",
            sqlite_where=sa.text("annulled_at IS NULL"),
            postgresql_where=sa.text("annulled_at IS NULL"),
        )

    op.drop_table("control_instruction")
    with op.batch_alter_table("control_resolution", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_control_resolution_parent_id"))
        batch_op.drop_index(batch_op.f("ix_control_resolution_document_id"))

    op.drop_table("control_resolution")
    with op.batch_alter_table("control_document", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_control_document_reply_to_id"))
        batch_op.drop_index(batch_op.f("ix_control_document_registering_body_id"))
        batch_op.drop_index(batch_op.f("ix_control_document_kind_id"))
        batch_op.drop_index(batch_op.f("ix_control_document_executes_id"))
        batch_op.drop_index(
            "ix_control_document_current_registering",
            sqlite_where=sa.text("annulled_at IS NULL"),
            postgresql_where=sa.text("annulled_at IS NULL"),
        )
        batch_op.drop_index(
            "ix_control_document_current_reg_date",
            sqlite_where=sa.text("annulled_at IS NULL"),
            postgresql_where=sa.text("annulled_at IS NULL"),
        )
        batch_op.drop_index(
            "ix_control_document_current_direction",
            sqlite_where=sa.text("annulled_at IS NULL"),
            postgresql_where=sa.text("annulled_at IS NULL"),
        )
        batch_op.drop_index(
            "ix_control_document_current_addressee",
            sqlite_where=sa.text("annulled_at IS NULL"),
            postgresql_where=sa.text("annulled_at IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_control_document_correspondent_id"))
        batch_op.drop_index(batch_op.f("ix_control_document_addressee_body_id"))

    op.drop_table("control_document")
    op.drop_table("control_document_kind")
    with op.batch_alter_table("control_correspondent", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_control_correspondent_name"))

    op.drop_table("control_correspondent")
