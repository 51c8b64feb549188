"""rectification requests: a parent asks the secretary to correct a student's personal data (GDPR)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22 10:00:00.000000

"""
from alembic import op
import flask_security  # noqa: F401  (autogenerate references flask_security.datastore.AsaList)
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('rectification_requests_version',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('student_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('requested_by_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('requested_at', sa.DateTime(timezone=True), autoincrement=False, nullable=True),
    sa.Column('field', sa.String(length=100), autoincrement=False, nullable=True),
    sa.Column('description', sa.Text(), autoincrement=False, nullable=True),
    sa.Column('state', sa.String(length=10), autoincrement=False, nullable=True),
    sa.Column('resolution_note', sa.Text(), autoincrement=False, nullable=True),
    sa.Column('resolved_by_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('resolved_at', sa.DateTime(timezone=True), autoincrement=False, nullable=True),
    sa.Column('school_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('transaction_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('operation_type', sa.SmallInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', 'transaction_id', name=op.f('pk_rectification_requests_version'))
    )
    with op.batch_alter_table('rectification_requests_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rectification_requests_version_operation_type'), ['operation_type'], unique=False)
        batch_op.create_index('ix_rectification_requests_version_pk_transaction_id', ['id', sa.literal_column('transaction_id DESC')], unique=False)
        batch_op.create_index(batch_op.f('ix_rectification_requests_version_school_id'), ['school_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rectification_requests_version_student_id'), ['student_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rectification_requests_version_transaction_id'), ['transaction_id'], unique=False)

    op.create_table('rectification_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('field', sa.String(length=100), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('resolution_note', sa.Text(), nullable=True),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("(state = 'pending') = (resolved_by_id IS NULL)", name=op.f('ck_rectification_requests_decision_complete')),
    sa.CheckConstraint("state = 'pending' OR resolution_note IS NOT NULL", name=op.f('ck_rectification_requests_decision_explained')),
    sa.CheckConstraint("state IN ('pending', 'resolved', 'refused')", name=op.f('ck_rectification_requests_state_known')),
    sa.ForeignKeyConstraint(['school_id', 'requested_by_id'], ['users.school_id', 'users.id'], name=op.f('fk_rectification_requests_requested_by_id_users')),
    sa.ForeignKeyConstraint(['school_id', 'resolved_by_id'], ['users.school_id', 'users.id'], name=op.f('fk_rectification_requests_resolved_by_id_users')),
    sa.ForeignKeyConstraint(['school_id', 'student_id'], ['students.school_id', 'students.id'], name=op.f('fk_rectification_requests_student_id_students')),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_rectification_requests_school_id_schools')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rectification_requests')),
    sa.UniqueConstraint('school_id', 'id', name=op.f('uq_rectification_requests_school_id_id'))
    )
    with op.batch_alter_table('rectification_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rectification_requests_school_id'), ['school_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rectification_requests_student_id'), ['student_id'], unique=False)


def downgrade():
    with op.batch_alter_table('rectification_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rectification_requests_student_id'))
        batch_op.drop_index(batch_op.f('ix_rectification_requests_school_id'))

    op.drop_table('rectification_requests')
    with op.batch_alter_table('rectification_requests_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rectification_requests_version_transaction_id'))
        batch_op.drop_index(batch_op.f('ix_rectification_requests_version_student_id'))
        batch_op.drop_index(batch_op.f('ix_rectification_requests_version_school_id'))
        batch_op.drop_index('ix_rectification_requests_version_pk_transaction_id')
        batch_op.drop_index(batch_op.f('ix_rectification_requests_version_operation_type'))

    op.drop_table('rectification_requests_version')
