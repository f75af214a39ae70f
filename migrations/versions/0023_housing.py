"""housing: household cases, list periods (queue positions are computed from them), premises, decisions

Revision ID: 0023_housing
Revises: 0025_appeals_ux
Create Date: 2026-12-03

The queue order of a list on any date is answered by one index (ix_housing_queue_entry_order: the
list, then queue date, application time and number, the period's dates included on PostgreSQL);
names and addresses are searched through normalised shadow columns with trigram indexes.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0023_housing'
down_revision = "0025_appeals_ux"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        # Trusted since PostgreSQL 13 (0016_perf created it already; kept for a database restored without it).
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_table('housing_decision_type',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=48), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('effect', sa.String(length=16), nullable=False),
    sa.Column('basis', sa.String(length=500), nullable=True),
    sa.Column('fund_categories', sa.String(length=500), nullable=True),
    sa.Column('ends_registration', sa.Boolean(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("effect IN ('register', 'refuse', 'remove', 'provide', 'change_list', 'restore')", name=op.f('ck_housing_decision_type_effect')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_housing_decision_type')),
    sa.UniqueConstraint('code', name=op.f('uq_housing_decision_type_code'))
    )
    op.create_table('housing_fund_category',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=48), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('article', sa.String(length=128), nullable=True),
    sa.Column('is_specialised', sa.Boolean(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_housing_fund_category')),
    sa.UniqueConstraint('code', name=op.f('uq_housing_fund_category_code'))
    )
    op.create_table('housing_ground',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=500), nullable=False),
    sa.Column('article', sa.String(length=128), nullable=True),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind IN ('need', 'refusal', 'removal')", name=op.f('ck_housing_ground_kind')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_housing_ground')),
    sa.UniqueConstraint('kind', 'code', name=op.f('uq_housing_ground_kind'))
    )
    op.create_table('housing_list_type',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('basis', sa.String(length=255), nullable=True),
    sa.Column('is_out_of_turn', sa.Boolean(), nullable=False),
    sa.Column('is_legacy', sa.Boolean(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_housing_list_type')),
    sa.UniqueConstraint('code', name=op.f('uq_housing_list_type_code'))
    )
    op.create_table('housing_norm',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('value_m2', sa.Numeric(precision=8, scale=2), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('act', sa.String(length=500), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind IN ('accounting', 'provision', 'manoeuvre')", name=op.f('ck_housing_norm_kind')),
    sa.CheckConstraint('value_m2 > 0', name=op.f('ck_housing_norm_value_positive')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_housing_norm')),
    sa.UniqueConstraint('kind', 'valid_from', name=op.f('uq_housing_norm_kind'))
    )
    op.create_table('housing_household',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_number', sa.String(length=32), nullable=False),
    sa.Column('application_year', sa.Integer(), nullable=False),
    sa.Column('application_seq', sa.Integer(), nullable=False),
    sa.Column('application_date', sa.Date(), nullable=False),
    sa.Column('application_time', sa.DateTime(), nullable=False),
    sa.Column('documents_complete_on', sa.Date(), nullable=True),
    sa.Column('documents_submitted', sa.Text(), nullable=True),
    sa.Column('registering_body_id', sa.Integer(), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('applicant_last_name', sa.String(length=100), nullable=False),
    sa.Column('applicant_first_name', sa.String(length=100), nullable=False),
    sa.Column('applicant_patronymic', sa.String(length=100), nullable=True),
    sa.Column('applicant_birth_date', sa.Date(), nullable=True),
    sa.Column('applicant_snils', sa.String(length=14), nullable=True),
    sa.Column('applicant_passport', sa.String(length=255), nullable=True),
    sa.Column('address', sa.String(length=500), nullable=False),
    sa.Column('phone', sa.String(length=64), nullable=True),
    sa.Column('applicant_search', sa.String(length=1000), nullable=True),
    sa.Column('is_low_income', sa.Boolean(), nullable=False),
    sa.Column('current_area', sa.Numeric(precision=8, scale=2), nullable=True),
    sa.Column('family_size', sa.Integer(), nullable=False),
    sa.Column('area_per_person', sa.Numeric(precision=8, scale=2), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('queue_date', sa.Date(), nullable=True),
    sa.Column('decision_due_date', sa.Date(), nullable=True),
    sa.Column('decision_due_unconfirmed', sa.Boolean(), nullable=False),
    sa.Column('removal_ground_id', sa.Integer(), nullable=True),
    sa.Column('removal_ground_found_on', sa.Date(), nullable=True),
    sa.Column('last_reregistration_on', sa.Date(), nullable=True),
    sa.Column('restored_by_court', sa.Boolean(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('annulled_at', sa.DateTime(), nullable=True),
    sa.Column('annul_reason', sa.String(length=1000), nullable=True),
    sa.Column('annulled_by_fk', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("status IN ('received', 'under_review', 'on_register', 'refused', 'removed', 'provided')", name=op.f('ck_housing_household_status')),
    sa.ForeignKeyConstraint(['annulled_by_fk'], ['ab_user.id'], name=op.f('fk_housing_household_annulled_by_fk_ab_user')),
    sa.ForeignKeyConstraint(['district_id'], ['org_district.id'], name=op.f('fk_housing_household_district_id_org_district')),
    sa.ForeignKeyConstraint(['registering_body_id'], ['org_body.id'], name=op.f('fk_housing_household_registering_body_id_org_body')),
    sa.ForeignKeyConstraint(['removal_ground_id'], ['housing_ground.id'], name=op.f('fk_housing_household_removal_ground_id_housing_ground')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_housing_household')),
    sa.UniqueConstraint('application_number', name=op.f('uq_housing_household_application_number')),
    sa.UniqueConstraint('application_year', 'application_seq', name=op.f('uq_housing_household_application_year'))
    )
    with op.batch_alter_table('housing_household', schema=None) as batch_op:
        batch_op.create_index('ix_housing_household_applicant_search', ['applicant_search'], unique=False, postgresql_using='gin', postgresql_ops={'applicant_search': 'gin_trgm_ops'})
        batch_op.create_index('ix_housing_household_current_application', ['application_date', 'id'], unique=False, sqlite_where=sa.text('annulled_at IS NULL'), postgresql_where=sa.text('annulled_at IS NULL'))
        batch_op.create_index('ix_housing_household_current_body', ['registering_body_id', 'application_date', 'id'], unique=False, sqlite_where=sa.text('annulled_at IS NULL'), postgresql_where=sa.text('annulled_at IS NULL'))
        batch_op.create_index('ix_housing_household_current_district', ['district_id', 'application_date', 'id'], unique=False, sqlite_where=sa.text('annulled_at IS NULL'), postgresql_where=sa.text('annulled_at IS NULL'))
        batch_op.create_index('ix_housing_household_current_due', ['decision_due_date', 'id'], unique=False, sqlite_where=sa.text('annulled_at IS NULL'), postgresql_where=sa.text('annulled_at IS NULL'))
        batch_op.create_index('ix_housing_household_current_queue_date', ['queue_date', 'id'], unique=False, sqlite_where=sa.text('annulled_at IS NULL'), postgresql_where=sa.text('annulled_at IS NULL'))
        batch_op.create_index('ix_housing_household_current_status', ['status', 'application_date', 'id'], unique=False, sqlite_where=sa.text('annulled_at IS NULL'), postgresql_where=sa.text('annulled_at IS NULL'))
        batch_op.create_index(batch_op.f('ix_housing_household_district_id'), ['district_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_housing_household_registering_body_id'), ['registering_body_id'], unique=False)

    op.create_table('housing_certificate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('number_year', sa.Integer(), nullable=False),
    sa.Column('number_seq', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('applicant_name', sa.String(length=310), nullable=False),
    sa.Column('positions', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['household_id'], ['housing_household.id'], name=op.f('fk_housing_certificate_household_id_housing_household')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_housing_certificate')),
    sa.UniqueConstraint('number', name=op.f('uq_housing_certificate_number')),
    sa.UniqueConstraint('number_year', 'number_seq', name=op.f('uq_housing_certificate_number_year'))
    )
    with op.batch_alter_table('housing_certificate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_housing_certificate_household_id'), ['household_id'], unique=False)

    op.create_table('housing_household_ground',
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('ground_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['ground_id'], ['housing_ground.id'], name=op.f('fk_housing_household_ground_ground_id_housing_ground')),
    sa.ForeignKeyConstraint(['household_id'], ['housing_household.id'], name=op.f('fk_housing_household_ground_household_id_housing_household'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('household_id', 'ground_id', name=op.f('pk_housing_household_ground'))
    )
    op.create_table('housing_household_list',
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('list_type_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['household_id'], ['housing_household.id'], name=op.f('fk_housing_household_list_household_id_housing_household'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['list_type_id'], ['housing_list_type.id'], name=op.f('fk_housing_household_list_list_type_id_housing_list_type')),
    sa.PrimaryKeyConstraint('household_id', 'list_type_id', name=op.f('pk_housing_household_list'))
    )
    with op.batch_alter_table('housing_household_list', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_housing_household_list_list_type_id'), ['list_type_id'], unique=False)

    op.create_table('housing_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('last_name', sa.String(length=100), nullable=False),
    sa.Column('first_name', sa.String(length=100), nullable=False),
    sa.Column('patronymic', sa.String(length=100), nullable=True),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('relation', sa.String(length=16), nullable=False),
    sa.Column('snils', sa.String(length=14), nullable=True),
    sa.Column('passport', sa.String(length=255), nullable=True),
    sa.Column('address', sa.String(length=500), nullable=True),
    sa.Column('phone', sa.String(length=64), nullable=True),
    sa.Column('left_on', sa.Date(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("relation IN ('spouse', 'child', 'parent', 'sibling', 'grandchild', 'grandparent', 'other')", name=op.f('ck_housing_member_relation')),
    sa.ForeignKeyConstraint(['household_id'], ['housing_household.id'], name=op.f('fk_housing_member_household_id_housing_household'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_housing_member'))
    )
    with op.batch_alter_table('housing_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_housing_member_household_id'), ['household_id'], unique=False)

    op.create_table('housing_premises',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('street', sa.String(length=255), nullable=False),
    sa.Column('house', sa.String(length=32), nullable=False),
    sa.Column('building', sa.String(length=32), nullable=True),
    sa.Column('apartment', sa.String(length=32), nullable=True),
    sa.Column('full_address', sa.String(length=500), nullable=False),
    sa.Column('address_search', sa.String(length=500), nullable=True),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('cadastral_number', sa.String(length=40), nullable=True),
    sa.Column('ownership', sa.String(length=16), nullable=False),
    sa.Column('fund_category_id', sa.Integer(), nullable=False),
    sa.Column('rooms', sa.Integer(), nullable=False),
    sa.Column('total_area', sa.Numeric(precision=8, scale=2), nullable=False),
    sa.Column('living_area', sa.Numeric(precision=8, scale=2), nullable=True),
    sa.Column('floor', sa.Integer(), nullable=True),
    sa.Column('condition', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('offered_to_id', sa.Integer(), nullable=True),
    sa.Column('tenant_household_id', sa.Integer(), nullable=True),
    sa.Column('contract_number', sa.String(length=64), nullable=True),
    sa.Column('contract_date', sa.Date(), nullable=True),
    sa.Column('annulled_at', sa.DateTime(), nullable=True),
    sa.Column('annul_reason', sa.String(length=1000), nullable=True),
    sa.Column('annulled_by_fk', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("condition IN ('good', 'needs_repair', 'unfit', 'emergency')", name=op.f('ck_housing_premises_condition')),
    sa.CheckConstraint("ownership IN ('municipal', 'state', 'private')", name=op.f('ck_housing_premises_ownership')),
    sa.CheckConstraint("status IN ('vacant', 'offered', 'occupied', 'under_repair', 'excluded')", name=op.f('ck_housing_premises_status')),
    sa.CheckConstraint('rooms > 0', name=op.f('ck_housing_premises_rooms_positive')),
    sa.CheckConstraint('total_area > 0', name=op.f('ck_housing_premises_total_area_positive')),
    sa.ForeignKeyConstraint(['annulled_by_fk'], ['ab_user.id'], name=op.f('fk_housing_premises_annulled_by_fk_ab_user')),
    sa.ForeignKeyConstraint(['district_id'], ['org_district.id'], name=op.f('fk_housing_premises_district_id_org_district')),
    sa.ForeignKeyConstraint(['fund_category_id'], ['housing_fund_category.id'], name=op.f('fk_housing_premises_fund_category_id_housing_fund_category')),
    sa.ForeignKeyConstraint(['offered_to_id'], ['housing_household.id'], name=op.f('fk_housing_premises_offered_to_id_housing_household')),
    sa.ForeignKeyConstraint(['tenant_household_id'], ['housing_household.id'], name=op.f('fk_housing_premises_tenant_household_id_housing_household')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_housing_premises')),
    sa.UniqueConstraint('cadastral_number', name=op.f('uq_housing_premises_cadastral_number'))
    )
    with op.batch_alter_table('housing_premises', schema=None) as batch_op:
        batch_op.create_index('ix_housing_premises_address_search', ['address_search'], unique=False, postgresql_using='gin', postgresql_ops={'address_search': 'gin_trgm_ops'})
        batch_op.create_index('ix_housing_premises_current_address', ['full_address', 'id'], unique=False, sqlite_where=sa.text('annulled_at IS NULL'), postgresql_where=sa.text('annulled_at IS NULL'))
        batch_op.create_index('ix_housing_premises_current_district', ['district_id', 'full_address', 'id'], unique=False, sqlite_where=sa.text('annulled_at IS NULL'), postgresql_where=sa.text('annulled_at IS NULL'))
        batch_op.create_index('ix_housing_premises_current_status', ['status', 'district_id', 'id'], unique=False, sqlite_where=sa.text('annulled_at IS NULL'), postgresql_where=sa.text('annulled_at IS NULL'))
        batch_op.create_index(batch_op.f('ix_housing_premises_district_id'), ['district_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_housing_premises_fund_category_id'), ['fund_category_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_housing_premises_tenant_household_id'), ['tenant_household_id'], unique=False)

    op.create_table('housing_decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('number_year', sa.Integer(), nullable=False),
    sa.Column('number_seq', sa.Integer(), nullable=False),
    sa.Column('decision_date', sa.Date(), nullable=False),
    sa.Column('decision_type_id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('issuing_body_id', sa.Integer(), nullable=False),
    sa.Column('list_type_id', sa.Integer(), nullable=True),
    sa.Column('from_list_type_id', sa.Integer(), nullable=True),
    sa.Column('queue_date', sa.Date(), nullable=True),
    sa.Column('premises_id', sa.Integer(), nullable=True),
    sa.Column('ground_id', sa.Integer(), nullable=True),
    sa.Column('basis', sa.String(length=500), nullable=True),
    sa.Column('protocol', sa.String(length=255), nullable=True),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('handover_due', sa.Date(), nullable=False),
    sa.Column('handed_over_on', sa.Date(), nullable=True),
    sa.Column('handover_method', sa.String(length=16), nullable=True),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('applicant_name', sa.String(length=310), nullable=False),
    sa.Column('address', sa.String(length=500), nullable=True),
    sa.Column('applicant_search', sa.String(length=1000), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('annulled_at', sa.DateTime(), nullable=True),
    sa.Column('annul_reason', sa.String(length=1000), nullable=True),
    sa.Column('annulled_by_fk', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("handover_method IN ('in_person', 'post', 'email', 'epgu')", name=op.f('ck_housing_decision_handover_method')),
    sa.ForeignKeyConstraint(['annulled_by_fk'], ['ab_user.id'], name=op.f('fk_housing_decision_annulled_by_fk_ab_user')),
    sa.ForeignKeyConstraint(['decision_type_id'], ['housing_decision_type.id'], name=op.f('fk_housing_decision_decision_type_id_housing_decision_type')),
    sa.ForeignKeyConstraint(['district_id'], ['org_district.id'], name=op.f('fk_housing_decision_district_id_org_district')),
    sa.ForeignKeyConstraint(['from_list_type_id'], ['housing_list_type.id'], name=op.f('fk_housing_decision_from_list_type_id_housing_list_type')),
    sa.ForeignKeyConstraint(['ground_id'], ['housing_ground.id'], name=op.f('fk_housing_decision_ground_id_housing_ground')),
    sa.ForeignKeyConstraint(['household_id'], ['housing_household.id'], name=op.f('fk_housing_decision_household_id_housing_household')),
    sa.ForeignKeyConstraint(['issuing_body_id'], ['org_body.id'], name=op.f('fk_housing_decision_issuing_body_id_org_body')),
    sa.ForeignKeyConstraint(['list_type_id'], ['housing_list_type.id'], name=op.f('fk_housing_decision_list_type_id_housing_list_type')),
    sa.ForeignKeyConstraint(['premises_id'], ['housing_premises.id'], name=op.f('fk_housing_decision_premises_id_housing_premises')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_housing_decision')),
    sa.UniqueConstraint('number', name=op.f('uq_housing_decision_number')),
    sa.UniqueConstraint('number_year', 'number_seq', name=op.f('uq_housing_decision_number_year'))
    )
    with op.batch_alter_table('housing_decision', schema=None) as batch_op:
        batch_op.create_index('ix_housing_decision_applicant_search', ['applicant_search'], unique=False, postgresql_using='gin', postgresql_ops={'applicant_search': 'gin_trgm_ops'})
        batch_op.create_index('ix_housing_decision_current_date', ['decision_date', 'id'], unique=False, sqlite_where=sa.text('annulled_at IS NULL'), postgresql_where=sa.text('annulled_at IS NULL'))
        batch_op.create_index('ix_housing_decision_current_district', ['district_id', 'decision_date', 'id'], unique=False, sqlite_where=sa.text('annulled_at IS NULL'), postgresql_where=sa.text('annulled_at IS NULL'))
        batch_op.create_index('ix_housing_decision_current_handover', ['handed_over_on', 'handover_due', 'id'], unique=False, sqlite_where=sa.text('annulled_at IS NULL'), postgresql_where=sa.text('annulled_at IS NULL'))
        batch_op.create_index('ix_housing_decision_current_type', ['decision_type_id', 'decision_date', 'id'], unique=False, sqlite_where=sa.text('annulled_at IS NULL'), postgresql_where=sa.text('annulled_at IS NULL'))
        batch_op.create_index(batch_op.f('ix_housing_decision_district_id'), ['district_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_housing_decision_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_housing_decision_issuing_body_id'), ['issuing_body_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_housing_decision_premises_id'), ['premises_id'], unique=False)

    op.create_table('housing_queue_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('list_type_id', sa.Integer(), nullable=False),
    sa.Column('queue_date', sa.Date(), nullable=False),
    sa.Column('application_time', sa.DateTime(), nullable=False),
    sa.Column('application_seq', sa.Integer(), nullable=False),
    sa.Column('included_on', sa.Date(), nullable=False),
    sa.Column('excluded_on', sa.Date(), nullable=True),
    sa.Column('included_by_id', sa.Integer(), nullable=True),
    sa.Column('excluded_by_id', sa.Integer(), nullable=True),
    sa.Column('is_void', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['excluded_by_id'], ['housing_decision.id'], name=op.f('fk_housing_queue_entry_excluded_by_id_housing_decision')),
    sa.ForeignKeyConstraint(['household_id'], ['housing_household.id'], name=op.f('fk_housing_queue_entry_household_id_housing_household'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['included_by_id'], ['housing_decision.id'], name=op.f('fk_housing_queue_entry_included_by_id_housing_decision')),
    sa.ForeignKeyConstraint(['list_type_id'], ['housing_list_type.id'], name=op.f('fk_housing_queue_entry_list_type_id_housing_list_type')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_housing_queue_entry'))
    )
    with op.batch_alter_table('housing_queue_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_housing_queue_entry_excluded_by_id'), ['excluded_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_housing_queue_entry_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_housing_queue_entry_included_by_id'), ['included_by_id'], unique=False)
        batch_op.create_index('ix_housing_queue_entry_order', ['list_type_id', 'queue_date', 'application_time', 'application_seq', 'household_id'], unique=False, postgresql_include=['included_on', 'excluded_on'], postgresql_where=sa.text('NOT is_void'), sqlite_where=sa.text('is_void = 0'))



def downgrade():
    with op.batch_alter_table('housing_queue_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_housing_queue_entry_order', postgresql_include=['included_on', 'excluded_on'], postgresql_where=sa.text('NOT is_void'), sqlite_where=sa.text('is_void = 0'))
        batch_op.drop_index(batch_op.f('ix_housing_queue_entry_included_by_id'))
        batch_op.drop_index(batch_op.f('ix_housing_queue_entry_household_id'))
        batch_op.drop_index(batch_op.f('ix_housing_queue_entry_excluded_by_id'))

    op.drop_table('housing_queue_entry')
    with op.batch_alter_table('housing_decision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_housing_decision_premises_id'))
        batch_op.drop_index(batch_op.f('ix_housing_decision_issuing_body_id'))
        batch_op.drop_index(batch_op.f('ix_housing_decision_household_id'))
        batch_op.drop_index(batch_op.f('ix_housing_decision_district_id'))
        batch_op.drop_index('ix_housing_decision_current_type', sqlite_where=sa.text('annulled_at IS NULL'), postgresql_where=sa.text('annulled_at IS NULL'))
        batch_op.drop_index('ix_housing_decision_current_handover', sqlite_where=sa.text('annulled_at IS NULL'), postgresql_where=sa.text('annulled_at IS NULL'))
        batch_op.drop_index('ix_housing_decision_current_district', sqlite_where=sa.text('annulled_at IS NULL'), postgresql_where=sa.text('annulled_at IS NULL'))
        batch_op.drop_index('ix_housing_decision_current_date', sqlite_where=sa.text('annulled_at IS NULL'), postgresql_where=sa.text('annulled_at IS NULL'))
        batch_op.drop_index('ix_housing_decision_applicant_search', postgresql_using='gin', postgresql_ops={'applicant_search': 'gin_trgm_ops'})

    op.drop_table('housing_decision')
    with op.batch_alter_table('housing_premises', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_housing_premises_tenant_household_id'))
        batch_op.drop_index(batch_op.f('ix_housing_premises_fund_category_id'))
        batch_op.drop_index(batch_op.f('ix_housing_premises_district_id'))
        batch_op.drop_index('ix_housing_premises_current_status', sqlite_where=sa.text('annulled_at IS NULL'), postgresql_where=sa.text('annulled_at IS NULL'))
        batch_op.drop_index('ix_housing_premises_current_district', sqlite_where=sa.text('annulled_at IS NULL'), postgresql_where=sa.text('annulled_at IS NULL'))
        batch_op.drop_index('ix_housing_premises_current_address', sqlite_where=sa.text('annulled_at IS NULL'), postgresql_where=sa.text('annulled_at IS NULL'))
        batch_op.drop_index('ix_housing_premises_address_search', postgresql_using='gin', postgresql_ops={'address_search': 'gin_trgm_ops'})

    op.drop_table('housing_premises')
    with op.batch_alter_table('housing_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_housing_member_household_id'))

    op.drop_table('housing_member')
    with op.batch_alter_table('housing_household_list', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_housing_household_list_list_type_id'))

    op.drop_table('housing_household_list')
    op.drop_table('housing_household_ground')
    with op.batch_alter_table('housing_certificate', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_housing_certificate_household_id'))

    op.drop_table('housing_certificate')
    with op.batch_alter_table('housing_household', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_housing_household_registering_body_id'))
        batch_op.drop_index(batch_op.f('ix_housing_household_district_id'))
        batch_op.drop_index('ix_housing_household_current_status', sqlite_where=sa.text('annulled_at IS NULL'), postgresql_where=sa.text('annulled_at IS NULL'))
        batch_op.drop_index('ix_housing_household_current_queue_date', sqlite_where=sa.text('annulled_at IS NULL'), postgresql_where=sa.text('annulled_at IS NULL'))
        batch_op.drop_index('ix_housing_household_current_due', sqlite_where=sa.text('annulled_at IS NULL'), postgresql_where=sa.text('annulled_at IS NULL'))
        batch_op.drop_index('ix_housing_household_current_district', sqlite_where=sa.text('annulled_at IS NULL'), postgresql_where=sa.text('annulled_at IS NULL'))
        batch_op.drop_index('ix_housing_household_current_body', sqlite_where=sa.text('annulled_at IS NULL'), postgresql_where=sa.text('annulled_at IS NULL'))
        batch_op.drop_index('ix_housing_household_current_application', sqlite_where=sa.text('annulled_at IS NULL'), postgresql_where=sa.text('annulled_at IS NULL'))
        batch_op.drop_index('ix_housing_household_applicant_search', postgresql_using='gin', postgresql_ops={'applicant_search': 'gin_trgm_ops'})

    op.drop_table('housing_household')
    op.drop_table('housing_norm')
    op.drop_table('housing_list_type')
    op.drop_table('housing_ground')
    op.drop_table('housing_fund_category')
    op.drop_table('housing_decision_type')
