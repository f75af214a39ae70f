"""plans: annual and quarterly plans, proposals, items with marks; deadline rules count months and days of the next month

Revision ID: 0022_plans
Revises: 0021_control
Create Date: 2026-12-03

The deadline rules table learns two units (app/core/calendar): months, negative amounts allowed
(«a month before the period starts»), and the day N of the next month («by the 10th of the month after
the period»). The amount's check now depends on the unit.
"""

import sqlalchemy as sa
from alembic import op

OLD_UNITS = "unit IN ('calendar_days', 'working_days')"
NEW_UNITS = "unit IN ('calendar_days', 'working_days', 'months', 'next_month_day')"
AMOUNT_FITS_UNIT = (
    "(unit IN ('calendar_days', 'working_days') AND amount > 0)"
    " OR (unit = 'months' AND amount <> 0)"
    " OR (unit = 'next_month_day' AND amount BETWEEN 1 AND 31)"
)


# revision identifiers, used by Alembic.
revision = "0022_plans"
down_revision = "0021_control"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("core_deadline_rule", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_core_deadline_rule_unit"), type_="check")
        batch_op.drop_constraint(op.f("ck_core_deadline_rule_amount_positive"), type_="check")
        batch_op.create_check_constraint(op.f("ck_core_deadline_rule_unit"), NEW_UNITS)
        batch_op.create_check_constraint(op.f("ck_core_deadline_rule_amount_fits_unit"), AMOUNT_FITS_UNIT)

    op.create_table(
        "plans_section",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plans_section")),
        sa.UniqueConstraint("code", name=op.f("uq_plans_section_code")),
        sa.UniqueConstraint("name", name=op.f("uq_plans_section_name")),
    )
    op.create_table(
        "plans_plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.Integer(), nullable=True),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("proposals_due", sa.Date(), nullable=False),
        sa.Column("note_due", sa.Date(), nullable=False),
        sa.Column("approved_act_no", sa.String(length=64), nullable=True),
        sa.Column("approved_on", sa.Date(), nullable=True),
        sa.Column("annulled_at", sa.DateTime(), nullable=True),
        sa.Column("annul_reason", sa.String(length=1000), nullable=True),
        sa.Column("annulled_by_fk", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "(kind = 'annual' AND quarter IS NULL) OR (kind = 'quarterly' AND quarter BETWEEN 1 AND 4)",
            name=op.f("ck_plans_plan_quarter_fits_kind"),
        ),
        sa.CheckConstraint("kind IN ('annual', 'quarterly')", name=op.f("ck_plans_plan_kind")),
        sa.CheckConstraint(
            "status IN ('draft', 'collecting', 'on_approval', 'approved', 'closed')", name=op.f("ck_plans_plan_status")
        ),
        sa.ForeignKeyConstraint(["annulled_by_fk"], ["ab_user.id"], name=op.f("fk_plans_plan_annulled_by_fk_ab_user")),
        sa.ForeignKeyConstraint(["parent_id"], ["plans_plan.id"], name=op.f("fk_plans_plan_parent_id_plans_plan")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plans_plan")),
    )
    with op.batch_alter_table("plans_plan", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plans_plan_parent_id"), ["parent_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_plans_plan_year"), ["year"], unique=False)
        batch_op.create_index(
            "ux_plans_plan_period",
            ["period"],
            unique=True,
            sqlite_where=sa.text("annulled_at IS NULL"),
            postgresql_where=sa.text("annulled_at IS NULL"),
        )

    op.create_table(
        "plans_proposal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("section_id", sa.Integer(), nullable=False),
        sa.Column("submitted_by_body_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=2000), nullable=False),
        sa.Column("responsible_body_id", sa.Integer(), nullable=False),
        sa.Column("responsible_person", sa.String(length=255), nullable=True),
        sa.Column("form", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=True),
        sa.Column("is_late", sa.Boolean(), nullable=False),
        sa.Column("agreed_by_fk", sa.Integer(), nullable=True),
        sa.Column("agreed_on", sa.Date(), nullable=True),
        sa.Column("comment", sa.String(length=2000), nullable=True),
        sa.Column("planned_month", sa.Integer(), nullable=True),
        sa.Column("planned_date", sa.Date(), nullable=True),
        sa.Column("annulled_at", sa.DateTime(), nullable=True),
        sa.Column("annul_reason", sa.String(length=1000), nullable=True),
        sa.Column("annulled_by_fk", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "form IN ('report', 'information', 'draft_decision', 'event')", name=op.f("ck_plans_proposal_form")
        ),
        sa.CheckConstraint(
            "status IN ('draft', 'submitted', 'agreed', 'returned', 'included', 'rejected')",
            name=op.f("ck_plans_proposal_status"),
        ),
        sa.ForeignKeyConstraint(["agreed_by_fk"], ["ab_user.id"], name=op.f("fk_plans_proposal_agreed_by_fk_ab_user")),
        sa.ForeignKeyConstraint(
            ["annulled_by_fk"], ["ab_user.id"], name=op.f("fk_plans_proposal_annulled_by_fk_ab_user")
        ),
        sa.ForeignKeyConstraint(["plan_id"], ["plans_plan.id"], name=op.f("fk_plans_proposal_plan_id_plans_plan")),
        sa.ForeignKeyConstraint(
            ["responsible_body_id"], ["org_body.id"], name=op.f("fk_plans_proposal_responsible_body_id_org_body")
        ),
        sa.ForeignKeyConstraint(
            ["section_id"], ["plans_section.id"], name=op.f("fk_plans_proposal_section_id_plans_section")
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by_body_id"], ["org_body.id"], name=op.f("fk_plans_proposal_submitted_by_body_id_org_body")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plans_proposal")),
    )
    with op.batch_alter_table("plans_proposal", schema=None) as batch_op:
        batch_op.create_index(
            "ix_plans_proposal_current_body",
            ["submitted_by_body_id", "id"],
            unique=False,
            sqlite_where=sa.text("annulled_at IS NULL"),
            postgresql_where=sa.text("annulled_at IS NULL"),
        )
        batch_op.create_index(
            "ix_plans_proposal_current_status",
            ["status", "id"],
            unique=False,
            sqlite_where=sa.text("annulled_at IS NULL"),
            postgresql_where=sa.text("annulled_at IS NULL"),
        )
        batch_op.create_index(batch_op.f("ix_plans_proposal_plan_id"), ["plan_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_plans_proposal_responsible_body_id"), ["responsible_body_id"], unique=False
        )

    op.create_table(
        "plans_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("section_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=2000), nullable=False),
        sa.Column("responsible_body_id", sa.Integer(), nullable=False),
        sa.Column("responsible_person", sa.String(length=255), nullable=True),
        sa.Column("supervisor_id", sa.Integer(), nullable=True),
        sa.Column("form", sa.String(length=16), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("result", sa.String(length=2000), nullable=True),
        sa.Column("reason", sa.String(length=2000), nullable=True),
        sa.Column("marked_on", sa.Date(), nullable=True),
        sa.Column("marked_by_fk", sa.Integer(), nullable=True),
        sa.Column("source_item_id", sa.Integer(), nullable=True),
        sa.Column("proposal_id", sa.Integer(), nullable=True),
        sa.Column("moved_to_item_id", sa.Integer(), nullable=True),
        sa.Column("planned_month", sa.Integer(), nullable=True),
        sa.Column("planned_date", sa.Date(), nullable=True),
        sa.Column("annulled_at", sa.DateTime(), nullable=True),
        sa.Column("annul_reason", sa.String(length=1000), nullable=True),
        sa.Column("annulled_by_fk", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "form IS NULL OR form IN ('report', 'information', 'draft_decision', 'event')",
            name=op.f("ck_plans_item_form"),
        ),
        sa.CheckConstraint(
            "status IN ('planned', 'done', 'moved', 'cancelled', 'not_done')", name=op.f("ck_plans_item_status")
        ),
        sa.ForeignKeyConstraint(["annulled_by_fk"], ["ab_user.id"], name=op.f("fk_plans_item_annulled_by_fk_ab_user")),
        sa.ForeignKeyConstraint(["marked_by_fk"], ["ab_user.id"], name=op.f("fk_plans_item_marked_by_fk_ab_user")),
        sa.ForeignKeyConstraint(
            ["moved_to_item_id"], ["plans_item.id"], name=op.f("fk_plans_item_moved_to_item_id_plans_item")
        ),
        sa.ForeignKeyConstraint(["plan_id"], ["plans_plan.id"], name=op.f("fk_plans_item_plan_id_plans_plan")),
        sa.ForeignKeyConstraint(
            ["proposal_id"], ["plans_proposal.id"], name=op.f("fk_plans_item_proposal_id_plans_proposal")
        ),
        sa.ForeignKeyConstraint(
            ["responsible_body_id"], ["org_body.id"], name=op.f("fk_plans_item_responsible_body_id_org_body")
        ),
        sa.ForeignKeyConstraint(
            ["section_id"], ["plans_section.id"], name=op.f("fk_plans_item_section_id_plans_section")
        ),
        sa.ForeignKeyConstraint(
            ["source_item_id"], ["plans_item.id"], name=op.f("fk_plans_item_source_item_id_plans_item")
        ),
        sa.ForeignKeyConstraint(["supervisor_id"], ["ab_user.id"], name=op.f("fk_plans_item_supervisor_id_ab_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plans_item")),
    )
    with op.batch_alter_table("plans_item", schema=None) as batch_op:
        batch_op.create_index(
            "ix_plans_item_current_body_due",
            ["responsible_body_id", "due_date", "id"],
            unique=False,
            sqlite_where=sa.text("annulled_at IS NULL"),
            postgresql_where=sa.text("annulled_at IS NULL"),
        )
        batch_op.create_index(
            "ix_plans_item_current_due",
            ["due_date", "id"],
            unique=False,
            sqlite_where=sa.text("annulled_at IS NULL"),
            postgresql_where=sa.text("annulled_at IS NULL"),
        )
        batch_op.create_index(
            "ix_plans_item_current_plan_due",
            ["plan_id", "due_date", "id"],
            unique=False,
            sqlite_where=sa.text("annulled_at IS NULL"),
            postgresql_where=sa.text("annulled_at IS NULL"),
        )
        batch_op.create_index(
            "ix_plans_item_current_status_due",
            ["status", "due_date", "id"],
            unique=False,
            sqlite_where=sa.text("annulled_at IS NULL"),
            postgresql_where=sa.text("annulled_at IS NULL"),
        )
        batch_op.create_index("ix_plans_item_plan_position", ["plan_id", "position", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_plans_item_proposal_id"), ["proposal_id"], unique=False)
        batch_op.create_index("ix_plans_item_source", ["source_item_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_plans_item_supervisor_id"), ["supervisor_id"], unique=False)

    op.create_table(
        "plans_proposal_co_executor",
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["body_id"], ["org_body.id"], name=op.f("fk_plans_proposal_co_executor_body_id_org_body")
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["plans_proposal.id"],
            name=op.f("fk_plans_proposal_co_executor_proposal_id_plans_proposal"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("proposal_id", "body_id", name=op.f("pk_plans_proposal_co_executor")),
    )
    with op.batch_alter_table("plans_proposal_co_executor", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plans_proposal_co_executor_body_id"), ["body_id"], unique=False)

    op.create_table(
        "plans_item_co_executor",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["body_id"], ["org_body.id"], name=op.f("fk_plans_item_co_executor_body_id_org_body")),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["plans_item.id"],
            name=op.f("fk_plans_item_co_executor_item_id_plans_item"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("item_id", "body_id", name=op.f("pk_plans_item_co_executor")),
    )
    with op.batch_alter_table("plans_item_co_executor", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plans_item_co_executor_body_id"), ["body_id"], unique=False)


def downgrade():
    with op.batch_alter_table("plans_item_co_executor", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plans_item_co_executor_body_id"))

    op.drop_table("plans_item_co_executor")
    with op.batch_alter_table("plans_proposal_co_executor", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plans_proposal_co_executor_body_id"))

    op.drop_table("plans_proposal_co_executor")
    with op.batch_alter_table("plans_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plans_item_supervisor_id"))
        batch_op.drop_index("ix_plans_item_source")
        batch_op.drop_index(batch_op.f("ix_plans_item_proposal_id"))
        batch_op.drop_index("ix_plans_item_plan_position")
        batch_op.drop_index(
            "ix_plans_item_current_status_due",
            sqlite_where=sa.text("annulled_at IS NULL"),
            postgresql_where=sa.text("annulled_at IS NULL"),
        )
        batch_op.drop_index(
            "ix_plans_item_current_plan_due",
            sqlite_where=sa.text("annulled_at IS NULL"),
            postgresql_where=sa.text("annulled_at IS NULL"),
        )
        batch_op.drop_index(
            "ix_plans_item_current_due",
            sqlite_where=sa.text("annulled_at IS NULL"),
            postgresql_where=sa.text("annulled_at IS NULL"),
        )
        batch_op.drop_index(
            "ix_plans_item_current_body_due",
            sqlite_where=sa.text("annulled_at IS NULL"),
            postgresql_where=sa.text("annulled_at IS NULL"),
        )

    op.drop_table("plans_item")
    with op.batch_alter_table("plans_proposal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plans_proposal_responsible_body_id"))
        batch_op.drop_index(batch_op.f("ix_plans_proposal_plan_id"))
        batch_op.drop_index(
            "ix_plans_proposal_current_status",
            sqlite_where=sa.text("annulled_at IS NULL"),
            postgresql_where=sa.text("annulled_at IS NULL"),
        )
        batch_op.drop_index(
            "ix_plans_proposal_current_body",
            sqlite_where=sa.text("annulled_at IS NULL"),
            postgresql_where=sa.text("annulled_at IS NULL"),
        )

    op.drop_table("plans_proposal")
    with op.batch_alter_table("plans_plan", schema=None) as batch_op:
        batch_op.drop_index(
            "ux_plans_plan_period",
            sqlite_where=sa.text("annulled_at IS NULL"),
            postgresql_where=sa.text("annulled_at IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_plans_plan_year"))
        batch_op.drop_index(batch_op.f("ix_plans_plan_parent_id"))

    op.drop_table("plans_plan")
    op.drop_table("plans_section")
    # Rules of the new units cannot stay: the old table knows days only.
    op.execute("DELETE FROM core_deadline_rule WHERE unit IN ('months', 'next_month_day')")
    with op.batch_alter_table("core_deadline_rule", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_core_deadline_rule_amount_fits_unit"), type_="check")
        batch_op.drop_constraint(op.f("ck_core_deadline_rule_unit"), type_="check")
        batch_op.create_check_constraint(op.f("ck_core_deadline_rule_unit"), OLD_UNITS)
        batch_op.create_check_constraint(op.f("ck_core_deadline_rule_amount_positive"), "amount > 0")
