"""staff annual evaluation: departments, staff data, public holidays, campaigns, criteria, sheets, scores,
commission, contestations, view log

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-21 10:00:00.000000

"""
from alembic import op
import flask_security  # noqa: F401  (autogenerate references flask_security.datastore.AsaList)
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('departments_version',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('name', sa.String(length=150), autoincrement=False, nullable=True),
    sa.Column('kind', sa.String(length=20), autoincrement=False, nullable=True),
    sa.Column('head_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('is_active', sa.Boolean(), server_default=sa.true(), autoincrement=False, nullable=True),
    sa.Column('school_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('transaction_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('operation_type', sa.SmallInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', 'transaction_id', name=op.f('pk_departments_version'))
    )

    with op.batch_alter_table('departments_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_departments_version_operation_type'), ['operation_type'], unique=False)
        batch_op.create_index('ix_departments_version_pk_transaction_id', ['id', sa.literal_column('transaction_id DESC')], unique=False)
        batch_op.create_index(batch_op.f('ix_departments_version_school_id'), ['school_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_departments_version_transaction_id'), ['transaction_id'], unique=False)

    op.create_table('evaluation_campaigns_version',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('year_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('category', sa.String(length=20), autoincrement=False, nullable=True),
    sa.Column('name', sa.String(length=150), autoincrement=False, nullable=True),
    sa.Column('evaluated_from', sa.Date(), autoincrement=False, nullable=True),
    sa.Column('evaluated_to', sa.Date(), autoincrement=False, nullable=True),
    sa.Column('starts_on', sa.Date(), autoincrement=False, nullable=True),
    sa.Column('ends_on', sa.Date(), autoincrement=False, nullable=True),
    sa.Column('department_meeting_on', sa.Date(), autoincrement=False, nullable=True),
    sa.Column('board_meeting_on', sa.Date(), autoincrement=False, nullable=True),
    sa.Column('communication_deadline', sa.Date(), autoincrement=False, nullable=True),
    sa.Column('created_by_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), autoincrement=False, nullable=True),
    sa.Column('is_closed', sa.Boolean(), server_default=sa.false(), autoincrement=False, nullable=True),
    sa.Column('school_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('transaction_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('operation_type', sa.SmallInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', 'transaction_id', name=op.f('pk_evaluation_campaigns_version'))
    )

    with op.batch_alter_table('evaluation_campaigns_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_campaigns_version_operation_type'), ['operation_type'], unique=False)
        batch_op.create_index('ix_evaluation_campaigns_version_pk_transaction_id', ['id', sa.literal_column('transaction_id DESC')], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_campaigns_version_school_id'), ['school_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_campaigns_version_transaction_id'), ['transaction_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_campaigns_version_year_id'), ['year_id'], unique=False)

    op.create_table('evaluation_commission_members_version',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('campaign_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('user_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('decision_reference', sa.String(length=100), autoincrement=False, nullable=True),
    sa.Column('appointed_by_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('appointed_at', sa.DateTime(timezone=True), autoincrement=False, nullable=True),
    sa.Column('is_active', sa.Boolean(), server_default=sa.true(), autoincrement=False, nullable=True),
    sa.Column('school_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('transaction_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('operation_type', sa.SmallInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', 'transaction_id', name=op.f('pk_evaluation_commission_members_version'))
    )

    with op.batch_alter_table('evaluation_commission_members_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_commission_members_version_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_commission_members_version_operation_type'), ['operation_type'], unique=False)
        batch_op.create_index('ix_evaluation_commission_members_version_pk_transaction_id', ['id', sa.literal_column('transaction_id DESC')], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_commission_members_version_school_id'), ['school_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_commission_members_version_transaction_id'), ['transaction_id'], unique=False)

    op.create_table('evaluation_contestations_version',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('sheet_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('filed_by_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('filed_on', sa.Date(), autoincrement=False, nullable=True),
    sa.Column('filed_at', sa.DateTime(timezone=True), autoincrement=False, nullable=True),
    sa.Column('grounds', sa.Text(), autoincrement=False, nullable=True),
    sa.Column('filing_deadline', sa.Date(), autoincrement=False, nullable=True),
    sa.Column('solving_deadline', sa.Date(), autoincrement=False, nullable=True),
    sa.Column('union_observer_requested', sa.Boolean(), server_default=sa.false(), autoincrement=False, nullable=True),
    sa.Column('union_observer_name', sa.String(length=150), autoincrement=False, nullable=True),
    sa.Column('union_observer_remarks', sa.Text(), autoincrement=False, nullable=True),
    sa.Column('state', sa.String(length=10), autoincrement=False, nullable=True),
    sa.Column('decided_on', sa.Date(), autoincrement=False, nullable=True),
    sa.Column('decided_by_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('decision_text', sa.Text(), autoincrement=False, nullable=True),
    sa.Column('new_score', sa.Numeric(precision=5, scale=2), autoincrement=False, nullable=True),
    sa.Column('new_rating', sa.String(length=20), autoincrement=False, nullable=True),
    sa.Column('previous_score', sa.Numeric(precision=5, scale=2), autoincrement=False, nullable=True),
    sa.Column('previous_rating', sa.String(length=20), autoincrement=False, nullable=True),
    sa.Column('result_due_on', sa.Date(), autoincrement=False, nullable=True),
    sa.Column('result_communicated_on', sa.Date(), autoincrement=False, nullable=True),
    sa.Column('school_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('transaction_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('operation_type', sa.SmallInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', 'transaction_id', name=op.f('pk_evaluation_contestations_version'))
    )

    with op.batch_alter_table('evaluation_contestations_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_contestations_version_operation_type'), ['operation_type'], unique=False)
        batch_op.create_index('ix_evaluation_contestations_version_pk_transaction_id', ['id', sa.literal_column('transaction_id DESC')], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_contestations_version_school_id'), ['school_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_contestations_version_transaction_id'), ['transaction_id'], unique=False)

    op.create_table('evaluation_criteria_version',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('campaign_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('position', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('domain_code', sa.String(length=10), autoincrement=False, nullable=True),
    sa.Column('domain_title', sa.String(length=200), autoincrement=False, nullable=True),
    sa.Column('code', sa.String(length=10), autoincrement=False, nullable=True),
    sa.Column('text', sa.Text(), autoincrement=False, nullable=True),
    sa.Column('max_score', sa.Numeric(precision=5, scale=2), autoincrement=False, nullable=True),
    sa.Column('is_active', sa.Boolean(), server_default=sa.true(), autoincrement=False, nullable=True),
    sa.Column('school_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('transaction_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('operation_type', sa.SmallInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', 'transaction_id', name=op.f('pk_evaluation_criteria_version'))
    )

    with op.batch_alter_table('evaluation_criteria_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_criteria_version_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_criteria_version_operation_type'), ['operation_type'], unique=False)
        batch_op.create_index('ix_evaluation_criteria_version_pk_transaction_id', ['id', sa.literal_column('transaction_id DESC')], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_criteria_version_school_id'), ['school_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_criteria_version_transaction_id'), ['transaction_id'], unique=False)

    op.create_table('evaluation_participants_version',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('sheet_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('user_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('role', sa.String(length=20), autoincrement=False, nullable=True),
    sa.Column('school_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('transaction_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('operation_type', sa.SmallInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', 'transaction_id', name=op.f('pk_evaluation_participants_version'))
    )

    with op.batch_alter_table('evaluation_participants_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_participants_version_operation_type'), ['operation_type'], unique=False)
        batch_op.create_index('ix_evaluation_participants_version_pk_transaction_id', ['id', sa.literal_column('transaction_id DESC')], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_participants_version_school_id'), ['school_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_participants_version_sheet_id'), ['sheet_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_participants_version_transaction_id'), ['transaction_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_participants_version_user_id'), ['user_id'], unique=False)

    op.create_table('evaluation_scores_version',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('sheet_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('criterion_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('stage', sa.String(length=20), autoincrement=False, nullable=True),
    sa.Column('score', sa.Numeric(precision=5, scale=2), autoincrement=False, nullable=True),
    sa.Column('entered_by_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('entered_at', sa.DateTime(timezone=True), autoincrement=False, nullable=True),
    sa.Column('school_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('transaction_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('operation_type', sa.SmallInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', 'transaction_id', name=op.f('pk_evaluation_scores_version'))
    )

    with op.batch_alter_table('evaluation_scores_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_scores_version_operation_type'), ['operation_type'], unique=False)
        batch_op.create_index('ix_evaluation_scores_version_pk_transaction_id', ['id', sa.literal_column('transaction_id DESC')], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_scores_version_school_id'), ['school_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_scores_version_sheet_id'), ['sheet_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_scores_version_transaction_id'), ['transaction_id'], unique=False)

    op.create_table('evaluation_sheets_version',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('campaign_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('staff_member_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('employee_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('department_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('stage', sa.String(length=20), autoincrement=False, nullable=True),
    sa.Column('opened_by_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('opened_at', sa.DateTime(timezone=True), autoincrement=False, nullable=True),
    sa.Column('self_total', sa.Numeric(precision=5, scale=2), autoincrement=False, nullable=True),
    sa.Column('self_report_attachment_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('self_evaluated_at', sa.DateTime(timezone=True), autoincrement=False, nullable=True),
    sa.Column('department_total', sa.Numeric(precision=5, scale=2), autoincrement=False, nullable=True),
    sa.Column('department_scored_by_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('department_scored_at', sa.DateTime(timezone=True), autoincrement=False, nullable=True),
    sa.Column('department_meeting_on', sa.Date(), autoincrement=False, nullable=True),
    sa.Column('department_minutes', sa.Text(), autoincrement=False, nullable=True),
    sa.Column('department_minutes_attachment_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('final_score', sa.Numeric(precision=5, scale=2), autoincrement=False, nullable=True),
    sa.Column('rating', sa.String(length=20), autoincrement=False, nullable=True),
    sa.Column('board_scored_by_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('board_scored_at', sa.DateTime(timezone=True), autoincrement=False, nullable=True),
    sa.Column('board_meeting_on', sa.Date(), autoincrement=False, nullable=True),
    sa.Column('present_at_board', sa.Boolean(), autoincrement=False, nullable=True),
    sa.Column('employee_argument', sa.Text(), autoincrement=False, nullable=True),
    sa.Column('board_notes', sa.Text(), autoincrement=False, nullable=True),
    sa.Column('communication_due_on', sa.Date(), autoincrement=False, nullable=True),
    sa.Column('communicated_on', sa.Date(), autoincrement=False, nullable=True),
    sa.Column('communicated_by_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('communicated_in_person', sa.Boolean(), autoincrement=False, nullable=True),
    sa.Column('evaluator_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('countersigner_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('evaluator_mark', sa.Numeric(precision=4, scale=2), autoincrement=False, nullable=True),
    sa.Column('evaluated_at', sa.DateTime(timezone=True), autoincrement=False, nullable=True),
    sa.Column('evaluator_notes', sa.Text(), autoincrement=False, nullable=True),
    sa.Column('interview_on', sa.Date(), autoincrement=False, nullable=True),
    sa.Column('evaluator_signed_at', sa.DateTime(timezone=True), autoincrement=False, nullable=True),
    sa.Column('employee_signed_at', sa.DateTime(timezone=True), autoincrement=False, nullable=True),
    sa.Column('employee_point_of_view', sa.Text(), autoincrement=False, nullable=True),
    sa.Column('countersigned_at', sa.DateTime(timezone=True), autoincrement=False, nullable=True),
    sa.Column('countersigner_note', sa.Text(), autoincrement=False, nullable=True),
    sa.Column('countersigner_modified', sa.Boolean(), server_default=sa.false(), autoincrement=False, nullable=True),
    sa.Column('informed_on', sa.Date(), autoincrement=False, nullable=True),
    sa.Column('final_mark', sa.Numeric(precision=4, scale=2), autoincrement=False, nullable=True),
    sa.Column('school_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('transaction_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('operation_type', sa.SmallInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', 'transaction_id', name=op.f('pk_evaluation_sheets_version'))
    )

    with op.batch_alter_table('evaluation_sheets_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_sheets_version_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_sheets_version_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_sheets_version_employee_id'), ['employee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_sheets_version_operation_type'), ['operation_type'], unique=False)
        batch_op.create_index('ix_evaluation_sheets_version_pk_transaction_id', ['id', sa.literal_column('transaction_id DESC')], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_sheets_version_school_id'), ['school_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_sheets_version_transaction_id'), ['transaction_id'], unique=False)

    op.create_table('evaluation_views_version',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), autoincrement=False, nullable=True),
    sa.Column('user_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('sheet_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('what', sa.String(length=100), autoincrement=False, nullable=True),
    sa.Column('ip', sa.String(length=64), autoincrement=False, nullable=True),
    sa.Column('school_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('transaction_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('operation_type', sa.SmallInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', 'transaction_id', name=op.f('pk_evaluation_views_version'))
    )

    with op.batch_alter_table('evaluation_views_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_views_version_occurred_at'), ['occurred_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_views_version_operation_type'), ['operation_type'], unique=False)
        batch_op.create_index('ix_evaluation_views_version_pk_transaction_id', ['id', sa.literal_column('transaction_id DESC')], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_views_version_school_id'), ['school_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_views_version_sheet_id'), ['sheet_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_views_version_transaction_id'), ['transaction_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_views_version_user_id'), ['user_id'], unique=False)

    op.create_table('public_holidays_version',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('day', sa.Date(), autoincrement=False, nullable=True),
    sa.Column('name', sa.String(length=100), autoincrement=False, nullable=True),
    sa.Column('is_active', sa.Boolean(), server_default=sa.true(), autoincrement=False, nullable=True),
    sa.Column('school_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('transaction_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('operation_type', sa.SmallInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', 'transaction_id', name=op.f('pk_public_holidays_version'))
    )

    with op.batch_alter_table('public_holidays_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_public_holidays_version_operation_type'), ['operation_type'], unique=False)
        batch_op.create_index('ix_public_holidays_version_pk_transaction_id', ['id', sa.literal_column('transaction_id DESC')], unique=False)
        batch_op.create_index(batch_op.f('ix_public_holidays_version_school_id'), ['school_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_public_holidays_version_transaction_id'), ['transaction_id'], unique=False)

    op.create_table('staff_members_version',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('user_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('category', sa.String(length=20), autoincrement=False, nullable=True),
    sa.Column('job_title', sa.String(length=100), autoincrement=False, nullable=True),
    sa.Column('department_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('superior_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('employment_started_on', sa.Date(), autoincrement=False, nullable=True),
    sa.Column('employment_ended_on', sa.Date(), autoincrement=False, nullable=True),
    sa.Column('is_debutant', sa.Boolean(), server_default=sa.false(), autoincrement=False, nullable=True),
    sa.Column('probation_ends_on', sa.Date(), autoincrement=False, nullable=True),
    sa.Column('contract_suspended', sa.Boolean(), server_default=sa.false(), autoincrement=False, nullable=True),
    sa.Column('suspension_resumed_on', sa.Date(), autoincrement=False, nullable=True),
    sa.Column('long_absence_resumed_on', sa.Date(), autoincrement=False, nullable=True),
    sa.Column('is_active', sa.Boolean(), server_default=sa.true(), autoincrement=False, nullable=True),
    sa.Column('school_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('transaction_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('operation_type', sa.SmallInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', 'transaction_id', name=op.f('pk_staff_members_version'))
    )

    with op.batch_alter_table('staff_members_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_members_version_operation_type'), ['operation_type'], unique=False)
        batch_op.create_index('ix_staff_members_version_pk_transaction_id', ['id', sa.literal_column('transaction_id DESC')], unique=False)
        batch_op.create_index(batch_op.f('ix_staff_members_version_school_id'), ['school_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_staff_members_version_transaction_id'), ['transaction_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_staff_members_version_user_id'), ['user_id'], unique=False)

    op.create_table('public_holidays',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('is_active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_public_holidays_school_id_schools')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_public_holidays')),
    sa.UniqueConstraint('school_id', 'day', name=op.f('uq_public_holidays_school_id_day')),
    sa.UniqueConstraint('school_id', 'id', name=op.f('uq_public_holidays_school_id_id'))
    )

    with op.batch_alter_table('public_holidays', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_public_holidays_school_id'), ['school_id'], unique=False)

    op.create_table('departments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=150), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('head_id', sa.Integer(), nullable=True),
    sa.Column('is_active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind IN ('catedra', 'compartiment')", name=op.f('ck_departments_kind_known')),
    sa.ForeignKeyConstraint(['school_id', 'head_id'], ['users.school_id', 'users.id'], name=op.f('fk_departments_head_id_users')),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_departments_school_id_schools')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_departments')),
    sa.UniqueConstraint('school_id', 'id', name=op.f('uq_departments_school_id_id')),
    sa.UniqueConstraint('school_id', 'name', name=op.f('uq_departments_school_id_name'))
    )

    with op.batch_alter_table('departments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_departments_school_id'), ['school_id'], unique=False)

    op.create_table('evaluation_campaigns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=150), nullable=False),
    sa.Column('evaluated_from', sa.Date(), nullable=False),
    sa.Column('evaluated_to', sa.Date(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('department_meeting_on', sa.Date(), nullable=True),
    sa.Column('board_meeting_on', sa.Date(), nullable=True),
    sa.Column('communication_deadline', sa.Date(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('is_closed', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("category = 'nedidactic' OR (department_meeting_on IS NOT NULL AND board_meeting_on IS NOT NULL AND ends_on <= department_meeting_on AND department_meeting_on <= board_meeting_on AND board_meeting_on <= communication_deadline)", name=op.f('ck_evaluation_campaigns_teaching_calendar_complete')),
    sa.CheckConstraint("category IN ('didactic', 'didactic_auxiliar', 'nedidactic')", name=op.f('ck_evaluation_campaigns_category_known')),
    sa.CheckConstraint('ends_on <= communication_deadline', name=op.f('ck_evaluation_campaigns_communication_after_window')),
    sa.CheckConstraint('evaluated_from <= evaluated_to', name=op.f('ck_evaluation_campaigns_evaluated_period_ordered')),
    sa.CheckConstraint('starts_on <= ends_on', name=op.f('ck_evaluation_campaigns_evaluation_window_ordered')),
    sa.ForeignKeyConstraint(['school_id', 'created_by_id'], ['users.school_id', 'users.id'], name=op.f('fk_evaluation_campaigns_created_by_id_users')),
    sa.ForeignKeyConstraint(['school_id', 'year_id'], ['school_years.school_id', 'school_years.id'], name=op.f('fk_evaluation_campaigns_year_id_school_years')),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_evaluation_campaigns_school_id_schools')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_campaigns')),
    sa.UniqueConstraint('school_id', 'id', name=op.f('uq_evaluation_campaigns_school_id_id')),
    sa.UniqueConstraint('school_id', 'year_id', 'category', name=op.f('uq_evaluation_campaigns_school_id_year_id_category'))
    )

    with op.batch_alter_table('evaluation_campaigns', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_campaigns_school_id'), ['school_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_campaigns_year_id'), ['year_id'], unique=False)

    op.create_table('evaluation_commission_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('decision_reference', sa.String(length=100), nullable=False),
    sa.Column('appointed_by_id', sa.Integer(), nullable=False),
    sa.Column('appointed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('is_active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['school_id', 'appointed_by_id'], ['users.school_id', 'users.id'], name=op.f('fk_evaluation_commission_members_appointed_by_id_users')),
    sa.ForeignKeyConstraint(['school_id', 'campaign_id'], ['evaluation_campaigns.school_id', 'evaluation_campaigns.id'], name=op.f('fk_evaluation_commission_members_campaign_id_evaluatio_499ce17d')),
    sa.ForeignKeyConstraint(['school_id', 'user_id'], ['users.school_id', 'users.id'], name=op.f('fk_evaluation_commission_members_user_id_users')),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_evaluation_commission_members_school_id_schools')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_commission_members')),
    sa.UniqueConstraint('campaign_id', 'user_id', name=op.f('uq_evaluation_commission_members_campaign_id_user_id')),
    sa.UniqueConstraint('school_id', 'id', name=op.f('uq_evaluation_commission_members_school_id_id'))
    )

    with op.batch_alter_table('evaluation_commission_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_commission_members_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_commission_members_school_id'), ['school_id'], unique=False)

    op.create_table('evaluation_criteria',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('domain_code', sa.String(length=10), nullable=False),
    sa.Column('domain_title', sa.String(length=200), nullable=False),
    sa.Column('code', sa.String(length=10), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('max_score', sa.Numeric(precision=5, scale=2), nullable=True),
    sa.Column('is_active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('max_score IS NULL OR (max_score > 0 AND max_score <= 100)', name=op.f('ck_evaluation_criteria_max_score_range')),
    sa.ForeignKeyConstraint(['school_id', 'campaign_id'], ['evaluation_campaigns.school_id', 'evaluation_campaigns.id'], name=op.f('fk_evaluation_criteria_campaign_id_evaluation_campaigns')),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_evaluation_criteria_school_id_schools')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_criteria')),
    sa.UniqueConstraint('campaign_id', 'position', name=op.f('uq_evaluation_criteria_campaign_id_position')),
    sa.UniqueConstraint('school_id', 'id', name=op.f('uq_evaluation_criteria_school_id_id'))
    )

    with op.batch_alter_table('evaluation_criteria', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_criteria_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_criteria_school_id'), ['school_id'], unique=False)

    op.create_table('staff_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('job_title', sa.String(length=100), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('superior_id', sa.Integer(), nullable=True),
    sa.Column('employment_started_on', sa.Date(), nullable=False),
    sa.Column('employment_ended_on', sa.Date(), nullable=True),
    sa.Column('is_debutant', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('probation_ends_on', sa.Date(), nullable=True),
    sa.Column('contract_suspended', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('suspension_resumed_on', sa.Date(), nullable=True),
    sa.Column('long_absence_resumed_on', sa.Date(), nullable=True),
    sa.Column('is_active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("category IN ('didactic', 'didactic_auxiliar', 'nedidactic')", name=op.f('ck_staff_members_category_known')),
    sa.CheckConstraint('NOT is_debutant OR probation_ends_on IS NOT NULL', name=op.f('ck_staff_members_debutant_has_probation_end')),
    sa.CheckConstraint('employment_ended_on IS NULL OR employment_started_on <= employment_ended_on', name=op.f('ck_staff_members_employment_dates_ordered')),
    sa.CheckConstraint('superior_id IS NULL OR superior_id <> user_id', name=op.f('ck_staff_members_not_own_superior')),
    sa.ForeignKeyConstraint(['school_id', 'department_id'], ['departments.school_id', 'departments.id'], name=op.f('fk_staff_members_department_id_departments')),
    sa.ForeignKeyConstraint(['school_id', 'superior_id'], ['users.school_id', 'users.id'], name=op.f('fk_staff_members_superior_id_users')),
    sa.ForeignKeyConstraint(['school_id', 'user_id'], ['users.school_id', 'users.id'], name=op.f('fk_staff_members_user_id_users')),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_staff_members_school_id_schools')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_members')),
    sa.UniqueConstraint('school_id', 'id', name=op.f('uq_staff_members_school_id_id')),
    sa.UniqueConstraint('school_id', 'user_id', name=op.f('uq_staff_members_school_id_user_id'))
    )

    with op.batch_alter_table('staff_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_members_school_id'), ['school_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_staff_members_user_id'), ['user_id'], unique=False)

    op.create_table('evaluation_sheets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('staff_member_id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('stage', sa.String(length=20), nullable=False),
    sa.Column('opened_by_id', sa.Integer(), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('self_total', sa.Numeric(precision=5, scale=2), nullable=True),
    sa.Column('self_report_attachment_id', sa.Integer(), nullable=True),
    sa.Column('self_evaluated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('department_total', sa.Numeric(precision=5, scale=2), nullable=True),
    sa.Column('department_scored_by_id', sa.Integer(), nullable=True),
    sa.Column('department_scored_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('department_meeting_on', sa.Date(), nullable=True),
    sa.Column('department_minutes', sa.Text(), nullable=True),
    sa.Column('department_minutes_attachment_id', sa.Integer(), nullable=True),
    sa.Column('final_score', sa.Numeric(precision=5, scale=2), nullable=True),
    sa.Column('rating', sa.String(length=20), nullable=True),
    sa.Column('board_scored_by_id', sa.Integer(), nullable=True),
    sa.Column('board_scored_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('board_meeting_on', sa.Date(), nullable=True),
    sa.Column('present_at_board', sa.Boolean(), nullable=True),
    sa.Column('employee_argument', sa.Text(), nullable=True),
    sa.Column('board_notes', sa.Text(), nullable=True),
    sa.Column('communication_due_on', sa.Date(), nullable=True),
    sa.Column('communicated_on', sa.Date(), nullable=True),
    sa.Column('communicated_by_id', sa.Integer(), nullable=True),
    sa.Column('communicated_in_person', sa.Boolean(), nullable=True),
    sa.Column('evaluator_id', sa.Integer(), nullable=True),
    sa.Column('countersigner_id', sa.Integer(), nullable=True),
    sa.Column('evaluator_mark', sa.Numeric(precision=4, scale=2), nullable=True),
    sa.Column('evaluated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('evaluator_notes', sa.Text(), nullable=True),
    sa.Column('interview_on', sa.Date(), nullable=True),
    sa.Column('evaluator_signed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('employee_signed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('employee_point_of_view', sa.Text(), nullable=True),
    sa.Column('countersigned_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('countersigner_note', sa.Text(), nullable=True),
    sa.Column('countersigner_modified', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('informed_on', sa.Date(), nullable=True),
    sa.Column('final_mark', sa.Numeric(precision=4, scale=2), nullable=True),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("stage IN ('opened', 'self_evaluated', 'department_scored', 'board_scored', 'communicated', 'evaluated', 'interviewed', 'countersigned', 'informed')", name=op.f('ck_evaluation_sheets_stage_known')),
    sa.CheckConstraint('countersigner_id IS NULL OR countersigner_id <> evaluator_id', name=op.f('ck_evaluation_sheets_countersigner_not_evaluator')),
    sa.CheckConstraint('department_total IS NULL OR (department_total >= 0 AND department_total <= 100)', name=op.f('ck_evaluation_sheets_department_total_range')),
    sa.CheckConstraint('evaluator_id IS NULL OR evaluator_id <> employee_id', name=op.f('ck_evaluation_sheets_not_own_evaluator')),
    sa.CheckConstraint('final_score IS NULL OR (final_score >= 0 AND final_score <= 100)', name=op.f('ck_evaluation_sheets_final_score_range')),
    sa.CheckConstraint('self_total IS NULL OR (self_total >= 0 AND self_total <= 100)', name=op.f('ck_evaluation_sheets_self_total_range')),
    sa.ForeignKeyConstraint(['school_id', 'board_scored_by_id'], ['users.school_id', 'users.id'], name=op.f('fk_evaluation_sheets_board_scored_by_id_users')),
    sa.ForeignKeyConstraint(['school_id', 'campaign_id'], ['evaluation_campaigns.school_id', 'evaluation_campaigns.id'], name=op.f('fk_evaluation_sheets_campaign_id_evaluation_campaigns')),
    sa.ForeignKeyConstraint(['school_id', 'communicated_by_id'], ['users.school_id', 'users.id'], name=op.f('fk_evaluation_sheets_communicated_by_id_users')),
    sa.ForeignKeyConstraint(['school_id', 'countersigner_id'], ['users.school_id', 'users.id'], name=op.f('fk_evaluation_sheets_countersigner_id_users')),
    sa.ForeignKeyConstraint(['school_id', 'department_id'], ['departments.school_id', 'departments.id'], name=op.f('fk_evaluation_sheets_department_id_departments')),
    sa.ForeignKeyConstraint(['school_id', 'department_minutes_attachment_id'], ['attachments.school_id', 'attachments.id'], name=op.f('fk_evaluation_sheets_department_minutes_attachment_id__cd20a00a')),
    sa.ForeignKeyConstraint(['school_id', 'department_scored_by_id'], ['users.school_id', 'users.id'], name=op.f('fk_evaluation_sheets_department_scored_by_id_users')),
    sa.ForeignKeyConstraint(['school_id', 'employee_id'], ['users.school_id', 'users.id'], name=op.f('fk_evaluation_sheets_employee_id_users')),
    sa.ForeignKeyConstraint(['school_id', 'evaluator_id'], ['users.school_id', 'users.id'], name=op.f('fk_evaluation_sheets_evaluator_id_users')),
    sa.ForeignKeyConstraint(['school_id', 'opened_by_id'], ['users.school_id', 'users.id'], name=op.f('fk_evaluation_sheets_opened_by_id_users')),
    sa.ForeignKeyConstraint(['school_id', 'self_report_attachment_id'], ['attachments.school_id', 'attachments.id'], name=op.f('fk_evaluation_sheets_self_report_attachment_id_attachments')),
    sa.ForeignKeyConstraint(['school_id', 'staff_member_id'], ['staff_members.school_id', 'staff_members.id'], name=op.f('fk_evaluation_sheets_staff_member_id_staff_members')),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_evaluation_sheets_school_id_schools')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_sheets')),
    sa.UniqueConstraint('campaign_id', 'staff_member_id', name=op.f('uq_evaluation_sheets_campaign_id_staff_member_id')),
    sa.UniqueConstraint('school_id', 'id', name=op.f('uq_evaluation_sheets_school_id_id'))
    )

    with op.batch_alter_table('evaluation_sheets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_sheets_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_sheets_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_sheets_employee_id'), ['employee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_sheets_school_id'), ['school_id'], unique=False)

    op.create_table('evaluation_contestations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sheet_id', sa.Integer(), nullable=False),
    sa.Column('filed_by_id', sa.Integer(), nullable=False),
    sa.Column('filed_on', sa.Date(), nullable=False),
    sa.Column('filed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('grounds', sa.Text(), nullable=False),
    sa.Column('filing_deadline', sa.Date(), nullable=False),
    sa.Column('solving_deadline', sa.Date(), nullable=False),
    sa.Column('union_observer_requested', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('union_observer_name', sa.String(length=150), nullable=True),
    sa.Column('union_observer_remarks', sa.Text(), nullable=True),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decision_text', sa.Text(), nullable=True),
    sa.Column('new_score', sa.Numeric(precision=5, scale=2), nullable=True),
    sa.Column('new_rating', sa.String(length=20), nullable=True),
    sa.Column('previous_score', sa.Numeric(precision=5, scale=2), nullable=True),
    sa.Column('previous_rating', sa.String(length=20), nullable=True),
    sa.Column('result_due_on', sa.Date(), nullable=True),
    sa.Column('result_communicated_on', sa.Date(), nullable=True),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("(state = 'admitted') = (new_score IS NOT NULL)", name=op.f('ck_evaluation_contestations_admitted_has_score')),
    sa.CheckConstraint("(state = 'filed') = (decided_on IS NULL)", name=op.f('ck_evaluation_contestations_decision_complete')),
    sa.CheckConstraint("state IN ('filed', 'admitted', 'rejected')", name=op.f('ck_evaluation_contestations_state_known')),
    sa.CheckConstraint('new_score IS NULL OR (new_score >= 0 AND new_score <= 100)', name=op.f('ck_evaluation_contestations_new_score_range')),
    sa.ForeignKeyConstraint(['school_id', 'decided_by_id'], ['users.school_id', 'users.id'], name=op.f('fk_evaluation_contestations_decided_by_id_users')),
    sa.ForeignKeyConstraint(['school_id', 'filed_by_id'], ['users.school_id', 'users.id'], name=op.f('fk_evaluation_contestations_filed_by_id_users')),
    sa.ForeignKeyConstraint(['school_id', 'sheet_id'], ['evaluation_sheets.school_id', 'evaluation_sheets.id'], name=op.f('fk_evaluation_contestations_sheet_id_evaluation_sheets')),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_evaluation_contestations_school_id_schools')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_contestations')),
    sa.UniqueConstraint('school_id', 'id', name=op.f('uq_evaluation_contestations_school_id_id')),
    sa.UniqueConstraint('sheet_id', name=op.f('uq_evaluation_contestations_sheet_id'))
    )

    with op.batch_alter_table('evaluation_contestations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_contestations_school_id'), ['school_id'], unique=False)

    op.create_table('evaluation_participants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sheet_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("role IN ('department_member', 'board_member')", name=op.f('ck_evaluation_participants_role_known')),
    sa.ForeignKeyConstraint(['school_id', 'sheet_id'], ['evaluation_sheets.school_id', 'evaluation_sheets.id'], name=op.f('fk_evaluation_participants_sheet_id_evaluation_sheets')),
    sa.ForeignKeyConstraint(['school_id', 'user_id'], ['users.school_id', 'users.id'], name=op.f('fk_evaluation_participants_user_id_users')),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_evaluation_participants_school_id_schools')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_participants')),
    sa.UniqueConstraint('school_id', 'id', name=op.f('uq_evaluation_participants_school_id_id')),
    sa.UniqueConstraint('sheet_id', 'user_id', 'role', name=op.f('uq_evaluation_participants_sheet_id_user_id_role'))
    )

    with op.batch_alter_table('evaluation_participants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_participants_school_id'), ['school_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_participants_sheet_id'), ['sheet_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_participants_user_id'), ['user_id'], unique=False)

    op.create_table('evaluation_scores',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sheet_id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=20), nullable=False),
    sa.Column('score', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=False),
    sa.Column('entered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("stage IN ('self', 'department', 'board', 'evaluator', 'countersigner')", name=op.f('ck_evaluation_scores_stage_known')),
    sa.CheckConstraint("stage NOT IN ('evaluator', 'countersigner') OR (score >= 1 AND score <= 5)", name=op.f('ck_evaluation_scores_mark_range')),
    sa.CheckConstraint('score >= 0 AND score <= 100', name=op.f('ck_evaluation_scores_score_range')),
    sa.ForeignKeyConstraint(['school_id', 'criterion_id'], ['evaluation_criteria.school_id', 'evaluation_criteria.id'], name=op.f('fk_evaluation_scores_criterion_id_evaluation_criteria')),
    sa.ForeignKeyConstraint(['school_id', 'entered_by_id'], ['users.school_id', 'users.id'], name=op.f('fk_evaluation_scores_entered_by_id_users')),
    sa.ForeignKeyConstraint(['school_id', 'sheet_id'], ['evaluation_sheets.school_id', 'evaluation_sheets.id'], name=op.f('fk_evaluation_scores_sheet_id_evaluation_sheets')),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_evaluation_scores_school_id_schools')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_scores')),
    sa.UniqueConstraint('school_id', 'id', name=op.f('uq_evaluation_scores_school_id_id')),
    sa.UniqueConstraint('sheet_id', 'criterion_id', 'stage', name=op.f('uq_evaluation_scores_sheet_id_criterion_id_stage'))
    )

    with op.batch_alter_table('evaluation_scores', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_scores_school_id'), ['school_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_scores_sheet_id'), ['sheet_id'], unique=False)

    op.create_table('evaluation_views',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('sheet_id', sa.Integer(), nullable=False),
    sa.Column('what', sa.String(length=100), nullable=False),
    sa.Column('ip', sa.String(length=64), nullable=True),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['school_id', 'sheet_id'], ['evaluation_sheets.school_id', 'evaluation_sheets.id'], name=op.f('fk_evaluation_views_sheet_id_evaluation_sheets')),
    sa.ForeignKeyConstraint(['school_id', 'user_id'], ['users.school_id', 'users.id'], name=op.f('fk_evaluation_views_user_id_users')),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_evaluation_views_school_id_schools')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_views'))
    )

    with op.batch_alter_table('evaluation_views', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_views_occurred_at'), ['occurred_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_views_school_id'), ['school_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_views_sheet_id'), ['sheet_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_views_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('evaluation_views', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_views_user_id'))
        batch_op.drop_index(batch_op.f('ix_evaluation_views_sheet_id'))
        batch_op.drop_index(batch_op.f('ix_evaluation_views_school_id'))
        batch_op.drop_index(batch_op.f('ix_evaluation_views_occurred_at'))

    op.drop_table('evaluation_views')

    with op.batch_alter_table('evaluation_scores', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_scores_sheet_id'))
        batch_op.drop_index(batch_op.f('ix_evaluation_scores_school_id'))

    op.drop_table('evaluation_scores')

    with op.batch_alter_table('evaluation_participants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_participants_user_id'))
        batch_op.drop_index(batch_op.f('ix_evaluation_participants_sheet_id'))
        batch_op.drop_index(batch_op.f('ix_evaluation_participants_school_id'))

    op.drop_table('evaluation_participants')

    with op.batch_alter_table('evaluation_contestations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_contestations_school_id'))

    op.drop_table('evaluation_contestations')

    with op.batch_alter_table('evaluation_sheets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_sheets_school_id'))
        batch_op.drop_index(batch_op.f('ix_evaluation_sheets_employee_id'))
        batch_op.drop_index(batch_op.f('ix_evaluation_sheets_department_id'))
        batch_op.drop_index(batch_op.f('ix_evaluation_sheets_campaign_id'))

    op.drop_table('evaluation_sheets')

    with op.batch_alter_table('staff_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_members_user_id'))
        batch_op.drop_index(batch_op.f('ix_staff_members_school_id'))

    op.drop_table('staff_members')

    with op.batch_alter_table('evaluation_criteria', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_criteria_school_id'))
        batch_op.drop_index(batch_op.f('ix_evaluation_criteria_campaign_id'))

    op.drop_table('evaluation_criteria')

    with op.batch_alter_table('evaluation_commission_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_commission_members_school_id'))
        batch_op.drop_index(batch_op.f('ix_evaluation_commission_members_campaign_id'))

    op.drop_table('evaluation_commission_members')

    with op.batch_alter_table('evaluation_campaigns', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_campaigns_year_id'))
        batch_op.drop_index(batch_op.f('ix_evaluation_campaigns_school_id'))

    op.drop_table('evaluation_campaigns')

    with op.batch_alter_table('departments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_departments_school_id'))

    op.drop_table('departments')

    with op.batch_alter_table('public_holidays', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_public_holidays_school_id'))

    op.drop_table('public_holidays')

    with op.batch_alter_table('staff_members_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_members_version_user_id'))
        batch_op.drop_index(batch_op.f('ix_staff_members_version_transaction_id'))
        batch_op.drop_index(batch_op.f('ix_staff_members_version_school_id'))
        batch_op.drop_index('ix_staff_members_version_pk_transaction_id')
        batch_op.drop_index(batch_op.f('ix_staff_members_version_operation_type'))

    op.drop_table('staff_members_version')

    with op.batch_alter_table('public_holidays_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_public_holidays_version_transaction_id'))
        batch_op.drop_index(batch_op.f('ix_public_holidays_version_school_id'))
        batch_op.drop_index('ix_public_holidays_version_pk_transaction_id')
        batch_op.drop_index(batch_op.f('ix_public_holidays_version_operation_type'))

    op.drop_table('public_holidays_version')

    with op.batch_alter_table('evaluation_views_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_views_version_user_id'))
        batch_op.drop_index(batch_op.f('ix_evaluation_views_version_transaction_id'))
        batch_op.drop_index(batch_op.f('ix_evaluation_views_version_sheet_id'))
        batch_op.drop_index(batch_op.f('ix_evaluation_views_version_school_id'))
        batch_op.drop_index('ix_evaluation_views_version_pk_transaction_id')
        batch_op.drop_index(batch_op.f('ix_evaluation_views_version_operation_type'))
        batch_op.drop_index(batch_op.f('ix_evaluation_views_version_occurred_at'))

    op.drop_table('evaluation_views_version')

    with op.batch_alter_table('evaluation_sheets_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_sheets_version_transaction_id'))
        batch_op.drop_index(batch_op.f('ix_evaluation_sheets_version_school_id'))
        batch_op.drop_index('ix_evaluation_sheets_version_pk_transaction_id')
        batch_op.drop_index(batch_op.f('ix_evaluation_sheets_version_operation_type'))
        batch_op.drop_index(batch_op.f('ix_evaluation_sheets_version_employee_id'))
        batch_op.drop_index(batch_op.f('ix_evaluation_sheets_version_department_id'))
        batch_op.drop_index(batch_op.f('ix_evaluation_sheets_version_campaign_id'))

    op.drop_table('evaluation_sheets_version')

    with op.batch_alter_table('evaluation_scores_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_scores_version_transaction_id'))
        batch_op.drop_index(batch_op.f('ix_evaluation_scores_version_sheet_id'))
        batch_op.drop_index(batch_op.f('ix_evaluation_scores_version_school_id'))
        batch_op.drop_index('ix_evaluation_scores_version_pk_transaction_id')
        batch_op.drop_index(batch_op.f('ix_evaluation_scores_version_operation_type'))

    op.drop_table('evaluation_scores_version')

    with op.batch_alter_table('evaluation_participants_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_participants_version_user_id'))
        batch_op.drop_index(batch_op.f('ix_evaluation_participants_version_transaction_id'))
        batch_op.drop_index(batch_op.f('ix_evaluation_participants_version_sheet_id'))
        batch_op.drop_index(batch_op.f('ix_evaluation_participants_version_school_id'))
        batch_op.drop_index('ix_evaluation_participants_version_pk_transaction_id')
        batch_op.drop_index(batch_op.f('ix_evaluation_participants_version_operation_type'))

    op.drop_table('evaluation_participants_version')

    with op.batch_alter_table('evaluation_criteria_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_criteria_version_transaction_id'))
        batch_op.drop_index(batch_op.f('ix_evaluation_criteria_version_school_id'))
        batch_op.drop_index('ix_evaluation_criteria_version_pk_transaction_id')
        batch_op.drop_index(batch_op.f('ix_evaluation_criteria_version_operation_type'))
        batch_op.drop_index(batch_op.f('ix_evaluation_criteria_version_campaign_id'))

    op.drop_table('evaluation_criteria_version')

    with op.batch_alter_table('evaluation_contestations_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_contestations_version_transaction_id'))
        batch_op.drop_index(batch_op.f('ix_evaluation_contestations_version_school_id'))
        batch_op.drop_index('ix_evaluation_contestations_version_pk_transaction_id')
        batch_op.drop_index(batch_op.f('ix_evaluation_contestations_version_operation_type'))

    op.drop_table('evaluation_contestations_version')

    with op.batch_alter_table('evaluation_commission_members_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_commission_members_version_transaction_id'))
        batch_op.drop_index(batch_op.f('ix_evaluation_commission_members_version_school_id'))
        batch_op.drop_index('ix_evaluation_commission_members_version_pk_transaction_id')
        batch_op.drop_index(batch_op.f('ix_evaluation_commission_members_version_operation_type'))
        batch_op.drop_index(batch_op.f('ix_evaluation_commission_members_version_campaign_id'))

    op.drop_table('evaluation_commission_members_version')

    with op.batch_alter_table('evaluation_campaigns_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_campaigns_version_year_id'))
        batch_op.drop_index(batch_op.f('ix_evaluation_campaigns_version_transaction_id'))
        batch_op.drop_index(batch_op.f('ix_evaluation_campaigns_version_school_id'))
        batch_op.drop_index('ix_evaluation_campaigns_version_pk_transaction_id')
        batch_op.drop_index(batch_op.f('ix_evaluation_campaigns_version_operation_type'))

    op.drop_table('evaluation_campaigns_version')

    with op.batch_alter_table('departments_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_departments_version_transaction_id'))
        batch_op.drop_index(batch_op.f('ix_departments_version_school_id'))
        batch_op.drop_index('ix_departments_version_pk_transaction_id')
        batch_op.drop_index(batch_op.f('ix_departments_version_operation_type'))

    op.drop_table('departments_version')
