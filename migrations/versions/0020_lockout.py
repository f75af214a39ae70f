"""lockout: sign-in lock-out per login name and address (core_login_lockout rebuilt)

Revision ID: 0020_lockout
Revises: 0019_jobs
Create Date: 2026-12-01

The lock-out was per account: anybody knowing a user name could lock its owner out again and
again. It is now per login name and client address. The table holds only counters of the last
quarter hour, so it is rebuilt empty rather than converted.
"""

import sqlalchemy as sa
from alembic import op

revision = "0020_lockout"
down_revision = "0019_jobs"
branch_labels = None
depends_on = None


def upgrade():
    op.drop_table("core_login_lockout")
    op.create_table(
        "core_login_lockout",
        sa.Column("login", sa.String(length=128), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_started_at", sa.DateTime(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("login", "address", name=op.f("pk_core_login_lockout")),
    )


def downgrade():
    op.drop_table("core_login_lockout")
    op.create_table(
        "core_login_lockout",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_started_at", sa.DateTime(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["ab_user.id"], name=op.f("fk_core_login_lockout_user_id_ab_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_core_login_lockout")),
    )
