"""api tokens: personal access tokens for the REST API (stored as SHA-256 hashes)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-21 06:55:53.207842

"""
from alembic import op
import flask_security  # noqa: F401  (autogenerate references flask_security.datastore.AsaList)
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('api_tokens_version',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('owner_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('name', sa.String(length=100), autoincrement=False, nullable=True),
    sa.Column('scope', sa.String(length=12), autoincrement=False, nullable=True),
    sa.Column('prefix', sa.String(length=12), autoincrement=False, nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), autoincrement=False, nullable=True),
    sa.Column('expires_at', sa.DateTime(timezone=True), autoincrement=False, nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), autoincrement=False, nullable=True),
    sa.Column('school_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('transaction_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('operation_type', sa.SmallInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', 'transaction_id', name=op.f('pk_api_tokens_version'))
    )
    with op.batch_alter_table('api_tokens_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_tokens_version_operation_type'), ['operation_type'], unique=False)
        batch_op.create_index(batch_op.f('ix_api_tokens_version_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index('ix_api_tokens_version_pk_transaction_id', ['id', sa.literal_column('transaction_id DESC')], unique=False)
        batch_op.create_index(batch_op.f('ix_api_tokens_version_school_id'), ['school_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_api_tokens_version_transaction_id'), ['transaction_id'], unique=False)

    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('scope', sa.String(length=12), nullable=False),
    sa.Column('secret_hash', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("scope IN ('read', 'read_write')", name=op.f('ck_api_tokens_scope_known')),
    sa.CheckConstraint('created_at < expires_at', name=op.f('ck_api_tokens_expires_after_creation')),
    sa.ForeignKeyConstraint(['school_id', 'owner_id'], ['users.school_id', 'users.id'], name=op.f('fk_api_tokens_owner_id_users')),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_api_tokens_school_id_schools')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('school_id', 'id', name=op.f('uq_api_tokens_school_id_id')),
    sa.UniqueConstraint('secret_hash', name=op.f('uq_api_tokens_secret_hash'))
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_tokens_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_api_tokens_school_id'), ['school_id'], unique=False)


def downgrade():
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_tokens_school_id'))
        batch_op.drop_index(batch_op.f('ix_api_tokens_owner_id'))

    op.drop_table('api_tokens')
    with op.batch_alter_table('api_tokens_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_tokens_version_transaction_id'))
        batch_op.drop_index(batch_op.f('ix_api_tokens_version_school_id'))
        batch_op.drop_index('ix_api_tokens_version_pk_transaction_id')
        batch_op.drop_index(batch_op.f('ix_api_tokens_version_owner_id'))
        batch_op.drop_index(batch_op.f('ix_api_tokens_version_operation_type'))

    op.drop_table('api_tokens_version')

