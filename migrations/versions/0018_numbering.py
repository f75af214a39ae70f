"""numbering: registration journals and counters in core (appeals' counters moved there); DOCX reports journalled

Revision ID: 0018_numbering
Revises: 0017_scope
Create Date: 2026-12-01

"""

import sqlalchemy as sa
from alembic import op

revision = "0018_numbering"
down_revision = "0017_scope"
branch_labels = None
depends_on = None

# The appeals journal as of this revision (app/appeals/__init__.py declares it; `flask app init` keeps it current).
APPEALS = {"code": "appeals", "name": "Журнал регистрации обращений граждан", "pattern": "ОГ-{year}-{seq:06d}"}
APPEALS_PREFIX = "ОГ"


def upgrade():
    op.create_table(
        "core_numbering_journal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("pattern", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_core_numbering_journal")),
        sa.UniqueConstraint("code", name=op.f("uq_core_numbering_journal_code")),
    )
    op.create_table(
        "core_numbering_counter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("journal_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["journal_id"],
            ["core_numbering_journal.id"],
            name=op.f("fk_core_numbering_counter_journal_id_core_numbering_journal"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_core_numbering_counter")),
        sa.UniqueConstraint("journal_id", "year", name=op.f("uq_core_numbering_counter_journal_id")),
    )
    journal = sa.table(
        "core_numbering_journal",
        sa.column("id", sa.Integer),
        sa.column("code", sa.String),
        sa.column("name", sa.String),
        sa.column("pattern", sa.String),
    )
    conn = op.get_bind()
    conn.execute(journal.insert().values(**APPEALS))
    # Every year's counter of appeals moves as it is: no number given before is given again.
    conn.execute(
        sa.text(
            "INSERT INTO core_numbering_counter (journal_id, year, last_number) "
            "SELECT j.id, c.year, c.last_number FROM appeals_registration_counter c "
            "JOIN core_numbering_journal j ON j.code = :code WHERE c.prefix = :prefix"
        ),
        {"code": APPEALS["code"], "prefix": APPEALS_PREFIX},
    )
    op.drop_table("appeals_registration_counter")
    # A report printed as Word (app/core/reports) is journalled like a list export.
    with op.batch_alter_table("core_export_log", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_core_export_log_file_format"), type_="check")
        batch_op.create_check_constraint("file_format", "file_format IN ('xlsx', 'csv', 'docx')")


def downgrade():
    op.get_bind().execute(sa.text("DELETE FROM core_export_log WHERE file_format = 'docx'"))
    with op.batch_alter_table("core_export_log", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_core_export_log_file_format"), type_="check")
        batch_op.create_check_constraint("file_format", "file_format IN ('xlsx', 'csv')")
    op.create_table(
        "appeals_registration_counter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("prefix", sa.String(length=8), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appeals_registration_counter")),
        sa.UniqueConstraint("prefix", "year", name=op.f("uq_appeals_registration_counter_prefix")),
    )
    op.get_bind().execute(
        sa.text(
            "INSERT INTO appeals_registration_counter (prefix, year, last_number) "
            "SELECT :prefix, c.year, c.last_number FROM core_numbering_counter c "
            "JOIN core_numbering_journal j ON j.id = c.journal_id WHERE j.code = :code"
        ),
        {"code": APPEALS["code"], "prefix": APPEALS_PREFIX},
    )
    op.drop_table("core_numbering_counter")
    op.drop_table("core_numbering_journal")
