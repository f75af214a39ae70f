"""perf: indexes for the appeal list's sort orders and filters, the applicant search column

Revision ID: 0016_perf
Revises: 0015_pii_access
Create Date: 2026-11-28

"""

import sqlalchemy as sa
from alembic import op

revision = "0016_perf"
down_revision = "0015_pii_access"
branch_labels = None
depends_on = None

CURRENT = {"sqlite_where": sa.text("annulled_at IS NULL"), "postgresql_where": sa.text("annulled_at IS NULL")}
INDEXES = (
    ("reg_date", ["reg_date", "id"]),
    ("status", ["status", "reg_date", "id"]),
    ("status_body", ["status", "responsible_body_id", "reg_date", "id"]),
    ("responsible", ["responsible_body_id", "reg_date", "id"]),
    ("receiving", ["receiving_body_id", "reg_date", "id"]),
    ("district", ["district_id", "reg_date", "id"]),
    ("executor", ["executor_id", "reg_date", "id"]),
    ("by_status", ["status", "id"]),
    ("by_summary", ["summary", "id"]),
)


def _normalise(text):
    # app.core.filters.normalize_text, frozen here as of this revision.
    return text.lower().replace("ё", "е")


def upgrade():
    op.add_column("appeals_appeal", sa.Column("applicant_search", sa.String(length=1000), nullable=True))
    appeal = sa.table(
        "appeals_appeal",
        sa.column("id", sa.Integer),
        sa.column("applicant_last_name", sa.String),
        sa.column("applicant_first_name", sa.String),
        sa.column("applicant_patronymic", sa.String),
        sa.column("applicant_address", sa.String),
        sa.column("applicant_search", sa.String),
    )
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(
            appeal.c.id,
            appeal.c.applicant_last_name,
            appeal.c.applicant_first_name,
            appeal.c.applicant_patronymic,
            appeal.c.applicant_address,
        )
    ).all()
    updates = [{"pk": pk, "value": _normalise(" ".join(p for p in parts if p))} for pk, *parts in rows if any(parts)]
    if updates:
        conn.execute(
            appeal.update().where(appeal.c.id == sa.bindparam("pk")).values(applicant_search=sa.bindparam("value")),
            updates,
        )

    if conn.dialect.name == "postgresql":
        # Trusted since PostgreSQL 13: the database owner may create it.
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_index(
        "ix_appeals_appeal_applicant_search",
        "appeals_appeal",
        ["applicant_search"],
        postgresql_using="gin",
        postgresql_ops={"applicant_search": "gin_trgm_ops"},
    )
    for name, columns in INDEXES:
        op.create_index(f"ix_appeals_appeal_current_{name}", "appeals_appeal", columns, **CURRENT)


def downgrade():
    for name, _columns in reversed(INDEXES):
        op.drop_index(f"ix_appeals_appeal_current_{name}", table_name="appeals_appeal")
    op.drop_index("ix_appeals_appeal_applicant_search", table_name="appeals_appeal")
    with op.batch_alter_table("appeals_appeal") as batch_op:
        batch_op.drop_column("applicant_search")
