"""events: programmes with their organising committee, events, the title campaign and its petitions

Revision ID: 0024_events
Revises: 0022_plans
Create Date: 2026-12-03

The event calendar of an anniversary programme (issue 17): events keep their local calendar days beside
their UTC times (the month view and the statistics by month read them), the organising committee's
bodies are copied onto each event (its row scope), and a resident's petition links to the appeal
registered for it.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0024_events"
down_revision = "0022_plans"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "events_programme",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("approved_act", sa.String(length=255), nullable=True),
        sa.Column("approved_on", sa.Date(), nullable=True),
        sa.Column("coordinator_body_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("annulled_at", sa.DateTime(), nullable=True),
        sa.Column("annul_reason", sa.String(length=1000), nullable=True),
        sa.Column("annulled_by_fk", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["annulled_by_fk"], ["ab_user.id"], name=op.f("fk_events_programme_annulled_by_fk_ab_user")
        ),
        sa.ForeignKeyConstraint(
            ["coordinator_body_id"], ["org_body.id"], name=op.f("fk_events_programme_coordinator_body_id_org_body")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events_programme")),
    )
    with op.batch_alter_table("events_programme", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_events_programme_coordinator_body_id"), ["coordinator_body_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_events_programme_year"), ["year"], unique=False)

    op.create_table(
        "events_title_campaign",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("honorary_title", sa.String(length=255), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("granted_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("coordinator_body_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("annulled_at", sa.DateTime(), nullable=True),
        sa.Column("annul_reason", sa.String(length=1000), nullable=True),
        sa.Column("annulled_by_fk", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["annulled_by_fk"], ["ab_user.id"], name=op.f("fk_events_title_campaign_annulled_by_fk_ab_user")
        ),
        sa.ForeignKeyConstraint(
            ["coordinator_body_id"], ["org_body.id"], name=op.f("fk_events_title_campaign_coordinator_body_id_org_body")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events_title_campaign")),
    )
    with op.batch_alter_table("events_title_campaign", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_events_title_campaign_coordinator_body_id"), ["coordinator_body_id"], unique=False
        )

    op.create_table(
        "events_committee_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("person_name", sa.String(length=255), nullable=False),
        sa.Column("position", sa.String(length=500), nullable=True),
        sa.Column("body_id", sa.Integer(), nullable=True),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("included_on", sa.Date(), nullable=False),
        sa.Column("included_by", sa.String(length=255), nullable=False),
        sa.Column("excluded_on", sa.Date(), nullable=True),
        sa.Column("excluded_by", sa.String(length=255), nullable=True),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["body_id"], ["org_body.id"], name=op.f("fk_events_committee_member_body_id_org_body")),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["events_programme.id"],
            name=op.f("fk_events_committee_member_programme_id_events_programme"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events_committee_member")),
    )
    with op.batch_alter_table("events_committee_member", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_events_committee_member_body_id"), ["body_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_events_committee_member_programme_id"), ["programme_id"], unique=False)

    op.create_table(
        "events_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("ends_at", sa.DateTime(), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("place", sa.String(length=500), nullable=True),
        sa.Column("district_id", sa.Integer(), nullable=True),
        sa.Column("organiser_body_id", sa.Integer(), nullable=True),
        sa.Column("organiser_name", sa.String(length=255), nullable=True),
        sa.Column("coordinator_body_id", sa.Integer(), nullable=False),
        sa.Column("responsible_person", sa.String(length=255), nullable=True),
        sa.Column("planned_format", sa.String(length=16), nullable=False),
        sa.Column("actual_format", sa.String(length=16), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("postponed_from", sa.DateTime(), nullable=True),
        sa.Column("change_reason", sa.String(length=1000), nullable=True),
        sa.Column("participants_planned", sa.Integer(), nullable=True),
        sa.Column("participants_actual", sa.Integer(), nullable=True),
        sa.Column("annulled_at", sa.DateTime(), nullable=True),
        sa.Column("annul_reason", sa.String(length=1000), nullable=True),
        sa.Column("annulled_by_fk", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["annulled_by_fk"], ["ab_user.id"], name=op.f("fk_events_event_annulled_by_fk_ab_user")
        ),
        sa.ForeignKeyConstraint(
            ["coordinator_body_id"], ["org_body.id"], name=op.f("fk_events_event_coordinator_body_id_org_body")
        ),
        sa.ForeignKeyConstraint(
            ["district_id"], ["org_district.id"], name=op.f("fk_events_event_district_id_org_district")
        ),
        sa.ForeignKeyConstraint(
            ["organiser_body_id"], ["org_body.id"], name=op.f("fk_events_event_organiser_body_id_org_body")
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"], ["events_programme.id"], name=op.f("fk_events_event_programme_id_events_programme")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events_event")),
    )
    with op.batch_alter_table("events_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_events_event_coordinator_body_id"), ["coordinator_body_id"], unique=False)
        batch_op.create_index(
            "ix_events_event_current_coordinator",
            ["coordinator_body_id", "start_date", "id"],
            unique=False,
            sqlite_where=sa.text("annulled_at IS NULL"),
            postgresql_where=sa.text("annulled_at IS NULL"),
        )
        batch_op.create_index(
            "ix_events_event_current_days",
            ["start_date", "end_date", "id"],
            unique=False,
            sqlite_where=sa.text("annulled_at IS NULL"),
            postgresql_where=sa.text("annulled_at IS NULL"),
        )
        batch_op.create_index(
            "ix_events_event_current_district",
            ["district_id", "start_date", "id"],
            unique=False,
            sqlite_where=sa.text("annulled_at IS NULL"),
            postgresql_where=sa.text("annulled_at IS NULL"),
        )
        batch_op.create_index(
            "ix_events_event_current_end_date",
            ["end_date", "id"],
            unique=False,
            sqlite_where=sa.text("annulled_at IS NULL"),
            postgresql_where=sa.text("annulled_at IS NULL"),
        )
        batch_op.create_index(
            "ix_events_event_current_organiser",
            ["organiser_body_id", "start_date", "id"],
            unique=False,
            sqlite_where=sa.text("annulled_at IS NULL"),
            postgresql_where=sa.text("annulled_at IS NULL"),
        )
        batch_op.create_index(
            "ix_events_event_current_programme",
            ["programme_id", "start_date", "id"],
            unique=False,
            sqlite_where=sa.text("annulled_at IS NULL"),
            postgresql_where=sa.text("annulled_at IS NULL"),
        )
        batch_op.create_index(
            "ix_events_event_current_starts_at",
            ["starts_at", "id"],
            unique=False,
            sqlite_where=sa.text("annulled_at IS NULL"),
            postgresql_where=sa.text("annulled_at IS NULL"),
        )
        batch_op.create_index(
            "ix_events_event_current_status",
            ["status", "end_date", "id"],
            unique=False,
            sqlite_where=sa.text("annulled_at IS NULL"),
            postgresql_where=sa.text("annulled_at IS NULL"),
        )
        batch_op.create_index(batch_op.f("ix_events_event_district_id"), ["district_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_events_event_organiser_body_id"), ["organiser_body_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_events_event_programme_id"), ["programme_id"], unique=False)

    op.create_table(
        "events_title_petition",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("applicant_type", sa.String(length=16), nullable=False),
        sa.Column("applicant_last_name", sa.String(length=100), nullable=True),
        sa.Column("applicant_first_name", sa.String(length=100), nullable=True),
        sa.Column("applicant_patronymic", sa.String(length=100), nullable=True),
        sa.Column("applicant_address", sa.String(length=500), nullable=True),
        sa.Column("organisation_name", sa.String(length=500), nullable=True),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("summary", sa.String(length=1000), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("appeal_id", sa.Integer(), nullable=True),
        sa.Column("incoming_number", sa.String(length=64), nullable=True),
        sa.Column("incoming_date", sa.Date(), nullable=True),
        sa.Column("annulled_at", sa.DateTime(), nullable=True),
        sa.Column("annul_reason", sa.String(length=1000), nullable=True),
        sa.Column("annulled_by_fk", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["annulled_by_fk"], ["ab_user.id"], name=op.f("fk_events_title_petition_annulled_by_fk_ab_user")
        ),
        sa.ForeignKeyConstraint(
            ["appeal_id"], ["appeals_appeal.id"], name=op.f("fk_events_title_petition_appeal_id_appeals_appeal")
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["events_title_campaign.id"],
            name=op.f("fk_events_title_petition_campaign_id_events_title_campaign"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events_title_petition")),
    )
    with op.batch_alter_table("events_title_petition", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_events_title_petition_appeal_id"), ["appeal_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_events_title_petition_campaign_id"), ["campaign_id"], unique=False)
        batch_op.create_index(
            "ix_events_title_petition_current_received",
            ["received_on", "id"],
            unique=False,
            sqlite_where=sa.text("annulled_at IS NULL"),
            postgresql_where=sa.text("annulled_at IS NULL"),
        )
        batch_op.create_index(
            "ix_events_title_petition_current_type",
            ["applicant_type", "received_on", "id"],
            unique=False,
            sqlite_where=sa.text("annulled_at IS NULL"),
            postgresql_where=sa.text("annulled_at IS NULL"),
        )

    op.create_table(
        "events_event_committee_body",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["body_id"], ["org_body.id"], name=op.f("fk_events_event_committee_body_body_id_org_body")
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events_event.id"],
            name=op.f("fk_events_event_committee_body_event_id_events_event"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("event_id", "body_id", name=op.f("pk_events_event_committee_body")),
    )
    with op.batch_alter_table("events_event_committee_body", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_events_event_committee_body_body_id"), ["body_id"], unique=False)


def downgrade():
    with op.batch_alter_table("events_event_committee_body", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_events_event_committee_body_body_id"))

    op.drop_table("events_event_committee_body")
    with op.batch_alter_table("events_title_petition", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_events_title_petition_current_type",
            sqlite_where=sa.text("annulled_at IS NULL"),
            postgresql_where=sa.text("annulled_at IS NULL"),
        )
        batch_op.drop_index(
            "ix_events_title_petition_current_received",
            sqlite_where=sa.text("annulled_at IS NULL"),
            postgresql_where=sa.text("annulled_at IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_events_title_petition_campaign_id"))
        batch_op.drop_index(batch_op.f("ix_events_title_petition_appeal_id"))

    op.drop_table("events_title_petition")
    with op.batch_alter_table("events_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_events_event_programme_id"))
        batch_op.drop_index(batch_op.f("ix_events_event_organiser_body_id"))
        batch_op.drop_index(batch_op.f("ix_events_event_district_id"))
        batch_op.drop_index(
            "ix_events_event_current_status",
            sqlite_where=sa.text("annulled_at IS NULL"),
            postgresql_where=sa.text("annulled_at IS NULL"),
        )
        batch_op.drop_index(
            "ix_events_event_current_starts_at",
            sqlite_where=sa.text("annulled_at IS NULL"),
            postgresql_where=sa.text("annulled_at IS NULL"),
        )
        batch_op.drop_index(
            "ix_events_event_current_programme",
            sqlite_where=sa.text("annulled_at IS NULL"),
            postgresql_where=sa.text("annulled_at IS NULL"),
        )
        batch_op.drop_index(
            "ix_events_event_current_organiser",
            sqlite_where=sa.text("annulled_at IS NULL"),
            postgresql_where=sa.text("annulled_at IS NULL"),
        )
        batch_op.drop_index(
            "ix_events_event_current_end_date",
            sqlite_where=sa.text("annulled_at IS NULL"),
            postgresql_where=sa.text("annulled_at IS NULL"),
        )
        batch_op.drop_index(
            "ix_events_event_current_district",
            sqlite_where=sa.text("annulled_at IS NULL"),
            postgresql_where=sa.text("annulled_at IS NULL"),
        )
        batch_op.drop_index(
            "ix_events_event_current_days",
            sqlite_where=sa.text("annulled_at IS NULL"),
            postgresql_where=sa.text("annulled_at IS NULL"),
        )
        batch_op.drop_index(
            "ix_events_event_current_coordinator",
            sqlite_where=sa.text("annulled_at IS NULL"),
            postgresql_where=sa.text("annulled_at IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_events_event_coordinator_body_id"))

    op.drop_table("events_event")
    with op.batch_alter_table("events_committee_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_events_committee_member_programme_id"))
        batch_op.drop_index(batch_op.f("ix_events_committee_member_body_id"))

    op.drop_table("events_committee_member")
    with op.batch_alter_table("events_title_campaign", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_events_title_campaign_coordinator_body_id"))

    op.drop_table("events_title_campaign")
    with op.batch_alter_table("events_programme", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_events_programme_year"))
        batch_op.drop_index(batch_op.f("ix_events_programme_coordinator_body_id"))

    op.drop_table("events_programme")
