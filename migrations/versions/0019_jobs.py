"""background jobs; the import becomes a platform part (saved mappings and the journal move to core)

Revision ID: 0019_jobs
Revises: 0018_numbering
Create Date: 2026-12-03

core_job: the state of background jobs. core_import_mapping and core_import replace
appeals_import_mapping and appeals_import for every domain's import (keyed by the import's name):
the appeals' saved mappings and journal rows are copied over (the default channel and body of a
mapping become its `defaults`), then the old tables are dropped. Downgrade copies them back.
"""

import sqlalchemy as sa
from alembic import op

revision = "0019_jobs"
down_revision = "0018_numbering"
branch_labels = None
depends_on = None

OLD_MAPPING = sa.table(
    "appeals_import_mapping",
    sa.column("id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("columns", sa.JSON),
    sa.column("default_channel_id", sa.Integer),
    sa.column("default_body_id", sa.Integer),
    sa.column("changed_at", sa.DateTime),
    sa.column("version", sa.Integer),
)
OLD_JOURNAL = sa.table(
    "appeals_import",
    sa.column("id", sa.Integer),
    sa.column("imported_at", sa.DateTime),
    sa.column("user_id", sa.Integer),
    sa.column("filename", sa.String),
    sa.column("sha256", sa.String),
    sa.column("mapping_name", sa.String),
    sa.column("rows", sa.Integer),
    sa.column("imported", sa.Integer),
    sa.column("skipped", sa.Integer),
)


def upgrade():
    op.create_table(
        "core_job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("stage", sa.String(length=32), nullable=True),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=True),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("active_key", sa.String(length=255), nullable=True),
        sa.Column("worker", sa.String(length=128), nullable=True),
        sa.CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name=op.f("ck_core_job_status")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["ab_user.id"], name=op.f("fk_core_job_user_id_ab_user"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_core_job")),
        sa.UniqueConstraint("active_key", name=op.f("uq_core_job_active_key")),
    )
    with op.batch_alter_table("core_job", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_core_job_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_core_job_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_core_job_user_id"), ["user_id"], unique=False)

    mapping = op.create_table(
        "core_import_mapping",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("import_name", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("columns", sa.JSON(), nullable=False),
        sa.Column("defaults", sa.JSON(), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_core_import_mapping")),
        sa.UniqueConstraint("import_name", "name", name=op.f("uq_core_import_mapping_import_name")),
    )
    with op.batch_alter_table("core_import_mapping", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_core_import_mapping_import_name"), ["import_name"], unique=False)

    journal = op.create_table(
        "core_import",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("import_name", sa.String(length=64), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("mapping_name", sa.String(length=128), nullable=True),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("imported", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["job_id"], ["core_job.id"], name=op.f("fk_core_import_job_id_core_job"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["ab_user.id"], name=op.f("fk_core_import_user_id_ab_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_core_import")),
    )
    with op.batch_alter_table("core_import", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_core_import_import_name"), ["import_name"], unique=False)
        batch_op.create_index(batch_op.f("ix_core_import_imported_at"), ["imported_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_core_import_job_id"), ["job_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_core_import_user_id"), ["user_id"], unique=False)

    # The appeals' saved mappings and journal, as rows of the platform's tables (read through typed
    # table stubs: dates and JSON come back as values on every database).
    conn = op.get_bind()
    rows = []
    for row in conn.execute(sa.select(OLD_MAPPING).order_by(OLD_MAPPING.c.id)).mappings():
        defaults = {}
        if row["default_channel_id"] is not None:
            defaults["channel"] = row["default_channel_id"]
        if row["default_body_id"] is not None:
            defaults["receiving_body"] = row["default_body_id"]
        rows.append(
            {
                "id": row["id"],
                "import_name": "appeals",
                "name": row["name"],
                "columns": row["columns"],
                "defaults": defaults,
                "changed_at": row["changed_at"],
                "version": row["version"],
            }
        )
    if rows:
        op.bulk_insert(mapping, rows)
    rows = [
        {**dict(row), "import_name": "appeals", "job_id": None}
        for row in conn.execute(sa.select(OLD_JOURNAL).order_by(OLD_JOURNAL.c.id)).mappings()
    ]
    if rows:
        op.bulk_insert(journal, rows)
    if conn.dialect.name == "postgresql":
        # Rows copied with their ids: the sequences continue after them.
        for table in ("core_import_mapping", "core_import"):
            conn.execute(
                sa.text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"coalesce((SELECT max(id) FROM {table}), 0) + 1, false)"
                )
            )

    op.drop_table("appeals_import_mapping")
    with op.batch_alter_table("appeals_import", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_appeals_import_imported_at"))
        batch_op.drop_index(batch_op.f("ix_appeals_import_user_id"))
    op.drop_table("appeals_import")


def downgrade():
    journal = op.create_table(
        "appeals_import",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("mapping_name", sa.String(length=128), nullable=True),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("imported", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["ab_user.id"], name=op.f("fk_appeals_import_user_id_ab_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appeals_import")),
    )
    with op.batch_alter_table("appeals_import", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_appeals_import_user_id"), ["user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_appeals_import_imported_at"), ["imported_at"], unique=False)
    mapping = op.create_table(
        "appeals_import_mapping",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("columns", sa.JSON(), nullable=False),
        sa.Column("default_channel_id", sa.Integer(), nullable=True),
        sa.Column("default_body_id", sa.Integer(), nullable=True),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["default_body_id"], ["org_body.id"], name=op.f("fk_appeals_import_mapping_default_body_id_org_body")
        ),
        sa.ForeignKeyConstraint(
            ["default_channel_id"],
            ["appeals_channel.id"],
            name=op.f("fk_appeals_import_mapping_default_channel_id_appeals_channel"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appeals_import_mapping")),
        sa.UniqueConstraint("name", name=op.f("uq_appeals_import_mapping_name")),
    )

    conn = op.get_bind()
    new_mapping = sa.table(
        "core_import_mapping",
        *(sa.column(c.name, c.type) for c in OLD_MAPPING.c if c.name in ("id", "name", "columns", "changed_at", "version")),
        sa.column("import_name", sa.String),
        sa.column("defaults", sa.JSON),
    )
    new_journal = sa.table("core_import", *(sa.column(c.name, c.type) for c in OLD_JOURNAL.c), sa.column("import_name", sa.String))
    rows = []
    for row in conn.execute(
        sa.select(new_mapping).where(new_mapping.c.import_name == "appeals").order_by(new_mapping.c.id)
    ).mappings():
        defaults = row["defaults"] or {}
        rows.append(
            {
                "id": row["id"],
                "name": row["name"],
                "columns": row["columns"],
                "default_channel_id": defaults.get("channel"),
                "default_body_id": defaults.get("receiving_body"),
                "changed_at": row["changed_at"],
                "version": row["version"],
            }
        )
    if rows:
        op.bulk_insert(mapping, rows)
    rows = [
        {key: value for key, value in row.items() if key != "import_name"}
        for row in conn.execute(
            sa.select(new_journal).where(new_journal.c.import_name == "appeals").order_by(new_journal.c.id)
        ).mappings()
    ]
    if rows:
        op.bulk_insert(journal, rows)

    with op.batch_alter_table("core_import", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_core_import_user_id"))
        batch_op.drop_index(batch_op.f("ix_core_import_job_id"))
        batch_op.drop_index(batch_op.f("ix_core_import_imported_at"))
        batch_op.drop_index(batch_op.f("ix_core_import_import_name"))
    op.drop_table("core_import")
    with op.batch_alter_table("core_import_mapping", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_core_import_mapping_import_name"))
    op.drop_table("core_import_mapping")
    with op.batch_alter_table("core_job", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_core_job_user_id"))
        batch_op.drop_index(batch_op.f("ix_core_job_status"))
        batch_op.drop_index(batch_op.f("ix_core_job_created_at"))
    op.drop_table("core_job")
