"""communication: attachments, notification queue, messages with read receipts, remarks, announcements,
test calendar, online excuse requests, absence notices, late-entry flag defaults, school settings

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-21 10:00:00.000000

"""
from alembic import op
import flask_security  # noqa: F401  (autogenerate references flask_security.datastore.AsaList)
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('absence_notices_version',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('enrolment_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('period_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('unexcused', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('threshold', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('level', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('sent_by_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), autoincrement=False, nullable=True),
    sa.Column('channel', sa.String(length=20), autoincrement=False, nullable=True),
    sa.Column('notes', sa.Text(), autoincrement=False, nullable=True),
    sa.Column('message_thread_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('school_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('transaction_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('operation_type', sa.SmallInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', 'transaction_id', name=op.f('pk_absence_notices_version'))
    )

    with op.batch_alter_table('absence_notices_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_absence_notices_version_enrolment_id'), ['enrolment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_absence_notices_version_message_thread_id'), ['message_thread_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_absence_notices_version_operation_type'), ['operation_type'], unique=False)
        batch_op.create_index(batch_op.f('ix_absence_notices_version_period_id'), ['period_id'], unique=False)
        batch_op.create_index('ix_absence_notices_version_pk_transaction_id', ['id', sa.literal_column('transaction_id DESC')], unique=False)
        batch_op.create_index(batch_op.f('ix_absence_notices_version_school_id'), ['school_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_absence_notices_version_transaction_id'), ['transaction_id'], unique=False)

    op.create_table('announced_tests_version',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('curriculum_entry_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('class_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('author_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('kind', sa.String(length=10), autoincrement=False, nullable=True),
    sa.Column('held_on', sa.Date(), autoincrement=False, nullable=True),
    sa.Column('scope', sa.Text(), autoincrement=False, nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), autoincrement=False, nullable=True),
    sa.Column('over_limit_confirmed', sa.Boolean(), autoincrement=False, nullable=True),
    sa.Column('is_cancelled', sa.Boolean(), autoincrement=False, nullable=True),
    sa.Column('cancel_reason', sa.Text(), autoincrement=False, nullable=True),
    sa.Column('school_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('transaction_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('operation_type', sa.SmallInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', 'transaction_id', name=op.f('pk_announced_tests_version'))
    )

    with op.batch_alter_table('announced_tests_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_announced_tests_version_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_announced_tests_version_curriculum_entry_id'), ['curriculum_entry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_announced_tests_version_operation_type'), ['operation_type'], unique=False)
        batch_op.create_index('ix_announced_tests_version_pk_transaction_id', ['id', sa.literal_column('transaction_id DESC')], unique=False)
        batch_op.create_index(batch_op.f('ix_announced_tests_version_school_id'), ['school_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_announced_tests_version_transaction_id'), ['transaction_id'], unique=False)

    op.create_table('announcements_version',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('author_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('audience', sa.String(length=10), autoincrement=False, nullable=True),
    sa.Column('class_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('title', sa.String(length=200), autoincrement=False, nullable=True),
    sa.Column('body', sa.Text(), autoincrement=False, nullable=True),
    sa.Column('valid_from', sa.Date(), autoincrement=False, nullable=True),
    sa.Column('valid_to', sa.Date(), autoincrement=False, nullable=True),
    sa.Column('requires_approval', sa.Boolean(), autoincrement=False, nullable=True),
    sa.Column('state', sa.String(length=10), autoincrement=False, nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), autoincrement=False, nullable=True),
    sa.Column('decided_by_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), autoincrement=False, nullable=True),
    sa.Column('decision_note', sa.Text(), autoincrement=False, nullable=True),
    sa.Column('is_withdrawn', sa.Boolean(), autoincrement=False, nullable=True),
    sa.Column('withdrawn_reason', sa.Text(), autoincrement=False, nullable=True),
    sa.Column('school_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('transaction_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('operation_type', sa.SmallInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', 'transaction_id', name=op.f('pk_announcements_version'))
    )

    with op.batch_alter_table('announcements_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_announcements_version_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_announcements_version_class_id'), ['class_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_announcements_version_operation_type'), ['operation_type'], unique=False)
        batch_op.create_index('ix_announcements_version_pk_transaction_id', ['id', sa.literal_column('transaction_id DESC')], unique=False)
        batch_op.create_index(batch_op.f('ix_announcements_version_school_id'), ['school_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_announcements_version_transaction_id'), ['transaction_id'], unique=False)

    op.create_table('attachments_version',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('filename', sa.String(length=200), autoincrement=False, nullable=True),
    sa.Column('content_type', sa.String(length=100), autoincrement=False, nullable=True),
    sa.Column('size_bytes', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('sha256', sa.String(length=64), autoincrement=False, nullable=True),
    sa.Column('uploaded_by_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), autoincrement=False, nullable=True),
    sa.Column('school_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('transaction_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('operation_type', sa.SmallInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', 'transaction_id', name=op.f('pk_attachments_version'))
    )

    with op.batch_alter_table('attachments_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachments_version_operation_type'), ['operation_type'], unique=False)
        batch_op.create_index('ix_attachments_version_pk_transaction_id', ['id', sa.literal_column('transaction_id DESC')], unique=False)
        batch_op.create_index(batch_op.f('ix_attachments_version_school_id'), ['school_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachments_version_transaction_id'), ['transaction_id'], unique=False)

    op.create_table('message_recipients_version',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('message_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('author_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('recipient_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('read_at', sa.DateTime(timezone=True), autoincrement=False, nullable=True),
    sa.Column('school_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('transaction_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('operation_type', sa.SmallInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', 'transaction_id', name=op.f('pk_message_recipients_version'))
    )

    with op.batch_alter_table('message_recipients_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_message_recipients_version_message_id'), ['message_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_message_recipients_version_operation_type'), ['operation_type'], unique=False)
        batch_op.create_index('ix_message_recipients_version_pk_transaction_id', ['id', sa.literal_column('transaction_id DESC')], unique=False)
        batch_op.create_index(batch_op.f('ix_message_recipients_version_school_id'), ['school_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_message_recipients_version_transaction_id'), ['transaction_id'], unique=False)

    op.create_table('message_threads_version',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('subject', sa.String(length=200), autoincrement=False, nullable=True),
    sa.Column('started_by_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), autoincrement=False, nullable=True),
    sa.Column('about_student_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('school_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('transaction_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('operation_type', sa.SmallInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', 'transaction_id', name=op.f('pk_message_threads_version'))
    )

    with op.batch_alter_table('message_threads_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_message_threads_version_operation_type'), ['operation_type'], unique=False)
        batch_op.create_index('ix_message_threads_version_pk_transaction_id', ['id', sa.literal_column('transaction_id DESC')], unique=False)
        batch_op.create_index(batch_op.f('ix_message_threads_version_school_id'), ['school_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_message_threads_version_started_by_id'), ['started_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_message_threads_version_transaction_id'), ['transaction_id'], unique=False)

    op.create_table('messages_version',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('thread_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('author_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('body', sa.Text(), autoincrement=False, nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), autoincrement=False, nullable=True),
    sa.Column('attachment_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('school_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('transaction_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('operation_type', sa.SmallInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', 'transaction_id', name=op.f('pk_messages_version'))
    )

    with op.batch_alter_table('messages_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_messages_version_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_messages_version_operation_type'), ['operation_type'], unique=False)
        batch_op.create_index('ix_messages_version_pk_transaction_id', ['id', sa.literal_column('transaction_id DESC')], unique=False)
        batch_op.create_index(batch_op.f('ix_messages_version_school_id'), ['school_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_messages_version_thread_id'), ['thread_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_messages_version_transaction_id'), ['transaction_id'], unique=False)

    op.create_table('notifications_version',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('recipient_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('kind', sa.String(length=20), autoincrement=False, nullable=True),
    sa.Column('subject', sa.String(length=200), autoincrement=False, nullable=True),
    sa.Column('body', sa.Text(), autoincrement=False, nullable=True),
    sa.Column('link', sa.String(length=300), autoincrement=False, nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), autoincrement=False, nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), autoincrement=False, nullable=True),
    sa.Column('attempts', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('last_error', sa.Text(), autoincrement=False, nullable=True),
    sa.Column('delivered_via', sa.String(length=10), autoincrement=False, nullable=True),
    sa.Column('school_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('transaction_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('operation_type', sa.SmallInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', 'transaction_id', name=op.f('pk_notifications_version'))
    )

    with op.batch_alter_table('notifications_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notifications_version_operation_type'), ['operation_type'], unique=False)
        batch_op.create_index('ix_notifications_version_pk_transaction_id', ['id', sa.literal_column('transaction_id DESC')], unique=False)
        batch_op.create_index(batch_op.f('ix_notifications_version_recipient_id'), ['recipient_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notifications_version_school_id'), ['school_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notifications_version_transaction_id'), ['transaction_id'], unique=False)

    op.create_table('remarks_version',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('enrolment_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('class_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('curriculum_entry_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('author_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('kind', sa.String(length=12), autoincrement=False, nullable=True),
    sa.Column('remarked_on', sa.Date(), autoincrement=False, nullable=True),
    sa.Column('text', sa.Text(), autoincrement=False, nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), autoincrement=False, nullable=True),
    sa.Column('read_at', sa.DateTime(timezone=True), autoincrement=False, nullable=True),
    sa.Column('read_by_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('is_hidden', sa.Boolean(), autoincrement=False, nullable=True),
    sa.Column('hidden_reason', sa.Text(), autoincrement=False, nullable=True),
    sa.Column('hidden_at', sa.DateTime(timezone=True), autoincrement=False, nullable=True),
    sa.Column('school_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('transaction_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('operation_type', sa.SmallInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', 'transaction_id', name=op.f('pk_remarks_version'))
    )

    with op.batch_alter_table('remarks_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_remarks_version_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_remarks_version_enrolment_id'), ['enrolment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_remarks_version_operation_type'), ['operation_type'], unique=False)
        batch_op.create_index('ix_remarks_version_pk_transaction_id', ['id', sa.literal_column('transaction_id DESC')], unique=False)
        batch_op.create_index(batch_op.f('ix_remarks_version_school_id'), ['school_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_remarks_version_transaction_id'), ['transaction_id'], unique=False)

    op.create_table('thread_participants_version',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('thread_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('user_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('joined_at', sa.DateTime(timezone=True), autoincrement=False, nullable=True),
    sa.Column('hidden_at', sa.DateTime(timezone=True), autoincrement=False, nullable=True),
    sa.Column('school_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('transaction_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('operation_type', sa.SmallInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', 'transaction_id', name=op.f('pk_thread_participants_version'))
    )

    with op.batch_alter_table('thread_participants_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_thread_participants_version_operation_type'), ['operation_type'], unique=False)
        batch_op.create_index('ix_thread_participants_version_pk_transaction_id', ['id', sa.literal_column('transaction_id DESC')], unique=False)
        batch_op.create_index(batch_op.f('ix_thread_participants_version_school_id'), ['school_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_thread_participants_version_thread_id'), ['thread_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_thread_participants_version_transaction_id'), ['transaction_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_thread_participants_version_user_id'), ['user_id'], unique=False)

    op.create_table('attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=True),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('length(sha256) = 64', name=op.f('ck_attachments_sha256_length')),
    sa.CheckConstraint('size_bytes BETWEEN 1 AND 5242880', name=op.f('ck_attachments_size_allowed')),
    sa.ForeignKeyConstraint(['school_id', 'uploaded_by_id'], ['users.school_id', 'users.id'], name=op.f('fk_attachments_uploaded_by_id_users')),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_attachments_school_id_schools')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachments')),
    sa.UniqueConstraint('school_id', 'id', name=op.f('uq_attachments_school_id_id'))
    )

    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachments_school_id'), ['school_id'], unique=False)

    op.create_table('notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recipient_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('link', sa.String(length=300), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('delivered_via', sa.String(length=10), nullable=True),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("delivered_via IN ('email', 'sms', 'in_app')", name=op.f('ck_notifications_delivered_via_known')),
    sa.CheckConstraint("kind IN ('mark', 'absence', 'remark', 'message', 'announcement', 'excuse_request', 'absence_notice', 'test', 'evaluation')", name=op.f('ck_notifications_kind_known')),
    sa.CheckConstraint('(sent_at IS NULL) = (delivered_via IS NULL)', name=op.f('ck_notifications_delivery_complete')),
    sa.CheckConstraint('attempts >= 0', name=op.f('ck_notifications_attempts_not_negative')),
    sa.ForeignKeyConstraint(['school_id', 'recipient_id'], ['users.school_id', 'users.id'], name=op.f('fk_notifications_recipient_id_users')),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_notifications_school_id_schools')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications')),
    sa.UniqueConstraint('school_id', 'id', name=op.f('uq_notifications_school_id_id'))
    )

    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index('ix_notifications_queued', ['sent_at', 'recipient_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notifications_recipient_id'), ['recipient_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notifications_school_id'), ['school_id'], unique=False)

    op.create_table('announcements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('audience', sa.String(length=10), nullable=False),
    sa.Column('class_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=False),
    sa.Column('requires_approval', sa.Boolean(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=True),
    sa.Column('is_withdrawn', sa.Boolean(), nullable=False),
    sa.Column('withdrawn_reason', sa.Text(), nullable=True),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("(audience = 'class') = (class_id IS NOT NULL)", name=op.f('ck_announcements_class_iff_class_audience')),
    sa.CheckConstraint("(state = 'pending') = (decided_by_id IS NULL AND requires_approval)", name=op.f('ck_announcements_decision_complete')),
    sa.CheckConstraint("audience IN ('students', 'parents', 'families', 'staff', 'all', 'class')", name=op.f('ck_announcements_audience_known')),
    sa.CheckConstraint("requires_approval OR state = 'published'", name=op.f('ck_announcements_approval_only_when_required')),
    sa.CheckConstraint("state IN ('published', 'pending', 'refused')", name=op.f('ck_announcements_state_known')),
    sa.CheckConstraint('(decided_by_id IS NULL) = (decided_at IS NULL)', name=op.f('ck_announcements_decision_dated')),
    sa.CheckConstraint('NOT is_withdrawn OR withdrawn_reason IS NOT NULL', name=op.f('ck_announcements_withdrawn_has_reason')),
    sa.CheckConstraint('valid_from <= valid_to', name=op.f('ck_announcements_dates_ordered')),
    sa.ForeignKeyConstraint(['school_id', 'author_id'], ['users.school_id', 'users.id'], name=op.f('fk_announcements_author_id_users')),
    sa.ForeignKeyConstraint(['school_id', 'class_id'], ['classes.school_id', 'classes.id'], name=op.f('fk_announcements_class_id_classes')),
    sa.ForeignKeyConstraint(['school_id', 'decided_by_id'], ['users.school_id', 'users.id'], name=op.f('fk_announcements_decided_by_id_users')),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_announcements_school_id_schools')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_announcements')),
    sa.UniqueConstraint('school_id', 'id', name=op.f('uq_announcements_school_id_id'))
    )

    with op.batch_alter_table('announcements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_announcements_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_announcements_class_id'), ['class_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_announcements_school_id'), ['school_id'], unique=False)
        batch_op.create_index('ix_announcements_window', ['school_id', 'state', 'valid_from', 'valid_to'], unique=False)

    op.create_table('message_threads',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('started_by_id', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('about_student_id', sa.Integer(), nullable=True),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('length(trim(subject)) > 0', name=op.f('ck_message_threads_subject_not_empty')),
    sa.ForeignKeyConstraint(['school_id', 'about_student_id'], ['students.school_id', 'students.id'], name=op.f('fk_message_threads_about_student_id_students')),
    sa.ForeignKeyConstraint(['school_id', 'started_by_id'], ['users.school_id', 'users.id'], name=op.f('fk_message_threads_started_by_id_users')),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_message_threads_school_id_schools')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_message_threads')),
    sa.UniqueConstraint('school_id', 'id', name=op.f('uq_message_threads_school_id_id'))
    )

    with op.batch_alter_table('message_threads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_message_threads_school_id'), ['school_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_message_threads_started_by_id'), ['started_by_id'], unique=False)

    op.create_table('absence_notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enrolment_id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('unexcused', sa.Integer(), nullable=False),
    sa.Column('threshold', sa.Integer(), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('sent_by_id', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('message_thread_id', sa.Integer(), nullable=True),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("(channel = 'letter_and_message') = (message_thread_id IS NOT NULL)", name=op.f('ck_absence_notices_message_matches_channel')),
    sa.CheckConstraint("channel IN ('letter', 'letter_and_message')", name=op.f('ck_absence_notices_channel_known')),
    sa.CheckConstraint('level >= 1', name=op.f('ck_absence_notices_level_positive')),
    sa.CheckConstraint('threshold >= 1', name=op.f('ck_absence_notices_threshold_positive')),
    sa.CheckConstraint('unexcused >= threshold * level', name=op.f('ck_absence_notices_count_reaches_level')),
    sa.ForeignKeyConstraint(['school_id', 'enrolment_id'], ['enrolments.school_id', 'enrolments.id'], name=op.f('fk_absence_notices_enrolment_id_enrolments')),
    sa.ForeignKeyConstraint(['school_id', 'message_thread_id'], ['message_threads.school_id', 'message_threads.id'], name=op.f('fk_absence_notices_message_thread_id_message_threads')),
    sa.ForeignKeyConstraint(['school_id', 'period_id'], ['learning_periods.school_id', 'learning_periods.id'], name=op.f('fk_absence_notices_period_id_learning_periods')),
    sa.ForeignKeyConstraint(['school_id', 'sent_by_id'], ['users.school_id', 'users.id'], name=op.f('fk_absence_notices_sent_by_id_users')),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_absence_notices_school_id_schools')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_absence_notices')),
    sa.UniqueConstraint('enrolment_id', 'period_id', 'level', name=op.f('uq_absence_notices_enrolment_id_period_id_level')),
    sa.UniqueConstraint('school_id', 'id', name=op.f('uq_absence_notices_school_id_id'))
    )

    with op.batch_alter_table('absence_notices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_absence_notices_enrolment_id'), ['enrolment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_absence_notices_message_thread_id'), ['message_thread_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_absence_notices_period_id'), ['period_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_absence_notices_school_id'), ['school_id'], unique=False)

    op.create_table('announced_tests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('curriculum_entry_id', sa.Integer(), nullable=False),
    sa.Column('class_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('scope', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('over_limit_confirmed', sa.Boolean(), nullable=False),
    sa.Column('is_cancelled', sa.Boolean(), nullable=False),
    sa.Column('cancel_reason', sa.Text(), nullable=True),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind IN ('written', 'thesis')", name=op.f('ck_announced_tests_kind_known')),
    sa.CheckConstraint('NOT is_cancelled OR cancel_reason IS NOT NULL', name=op.f('ck_announced_tests_cancelled_has_reason')),
    sa.ForeignKeyConstraint(['school_id', 'author_id'], ['users.school_id', 'users.id'], name=op.f('fk_announced_tests_author_id_users')),
    sa.ForeignKeyConstraint(['school_id', 'class_id'], ['classes.school_id', 'classes.id'], name=op.f('fk_announced_tests_class_id_classes')),
    sa.ForeignKeyConstraint(['school_id', 'curriculum_entry_id', 'class_id'], ['curriculum_entries.school_id', 'curriculum_entries.id', 'curriculum_entries.class_id'], name=op.f('fk_announced_tests_curriculum_entry_id_class_id_curric_6740c898')),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_announced_tests_school_id_schools')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_announced_tests')),
    sa.UniqueConstraint('school_id', 'id', name=op.f('uq_announced_tests_school_id_id'))
    )

    with op.batch_alter_table('announced_tests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_announced_tests_author_id'), ['author_id'], unique=False)
        batch_op.create_index('ix_announced_tests_class_day', ['class_id', 'held_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_announced_tests_curriculum_entry_id'), ['curriculum_entry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_announced_tests_school_id'), ['school_id'], unique=False)

    op.create_table('messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('thread_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('attachment_id', sa.Integer(), nullable=True),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('length(trim(body)) > 0', name=op.f('ck_messages_body_not_empty')),
    sa.ForeignKeyConstraint(['school_id', 'attachment_id'], ['attachments.school_id', 'attachments.id'], name=op.f('fk_messages_attachment_id_attachments')),
    sa.ForeignKeyConstraint(['school_id', 'author_id'], ['users.school_id', 'users.id'], name=op.f('fk_messages_author_id_users')),
    sa.ForeignKeyConstraint(['school_id', 'thread_id'], ['message_threads.school_id', 'message_threads.id'], name=op.f('fk_messages_thread_id_message_threads')),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_messages_school_id_schools')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_messages')),
    sa.UniqueConstraint('attachment_id', name=op.f('uq_messages_attachment_id')),
    sa.UniqueConstraint('school_id', 'id', 'author_id', name=op.f('uq_messages_school_id_id_author_id')),
    sa.UniqueConstraint('school_id', 'id', name=op.f('uq_messages_school_id_id'))
    )

    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_messages_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_messages_school_id'), ['school_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_messages_thread_id'), ['thread_id'], unique=False)

    op.create_table('remarks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enrolment_id', sa.Integer(), nullable=False),
    sa.Column('class_id', sa.Integer(), nullable=False),
    sa.Column('curriculum_entry_id', sa.Integer(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('remarked_on', sa.Date(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('read_by_id', sa.Integer(), nullable=True),
    sa.Column('is_hidden', sa.Boolean(), nullable=False),
    sa.Column('hidden_reason', sa.Text(), nullable=True),
    sa.Column('hidden_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind IN ('positive', 'negative', 'information')", name=op.f('ck_remarks_kind_known')),
    sa.CheckConstraint('(read_at IS NULL) = (read_by_id IS NULL)', name=op.f('ck_remarks_read_complete')),
    sa.CheckConstraint('NOT is_hidden OR hidden_reason IS NOT NULL', name=op.f('ck_remarks_hidden_has_reason')),
    sa.ForeignKeyConstraint(['school_id', 'author_id'], ['users.school_id', 'users.id'], name=op.f('fk_remarks_author_id_users')),
    sa.ForeignKeyConstraint(['school_id', 'class_id'], ['classes.school_id', 'classes.id'], name=op.f('fk_remarks_class_id_classes')),
    sa.ForeignKeyConstraint(['school_id', 'curriculum_entry_id', 'class_id'], ['curriculum_entries.school_id', 'curriculum_entries.id', 'curriculum_entries.class_id'], name=op.f('fk_remarks_curriculum_entry_id_class_id_curriculum_entries')),
    sa.ForeignKeyConstraint(['school_id', 'enrolment_id', 'class_id'], ['enrolments.school_id', 'enrolments.id', 'enrolments.class_id'], name=op.f('fk_remarks_enrolment_id_class_id_enrolments')),
    sa.ForeignKeyConstraint(['school_id', 'read_by_id'], ['users.school_id', 'users.id'], name=op.f('fk_remarks_read_by_id_users')),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_remarks_school_id_schools')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_remarks')),
    sa.UniqueConstraint('school_id', 'id', name=op.f('uq_remarks_school_id_id'))
    )

    with op.batch_alter_table('remarks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_remarks_author_id'), ['author_id'], unique=False)
        batch_op.create_index('ix_remarks_class_date', ['class_id', 'remarked_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_remarks_enrolment_id'), ['enrolment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_remarks_school_id'), ['school_id'], unique=False)

    op.create_table('thread_participants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('thread_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('joined_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('hidden_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['school_id', 'thread_id'], ['message_threads.school_id', 'message_threads.id'], name=op.f('fk_thread_participants_thread_id_message_threads')),
    sa.ForeignKeyConstraint(['school_id', 'user_id'], ['users.school_id', 'users.id'], name=op.f('fk_thread_participants_user_id_users')),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_thread_participants_school_id_schools')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_thread_participants')),
    sa.UniqueConstraint('school_id', 'id', name=op.f('uq_thread_participants_school_id_id')),
    sa.UniqueConstraint('thread_id', 'user_id', name=op.f('uq_thread_participants_thread_id_user_id'))
    )

    with op.batch_alter_table('thread_participants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_thread_participants_school_id'), ['school_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_thread_participants_thread_id'), ['thread_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_thread_participants_user_id'), ['user_id'], unique=False)

    op.create_table('message_recipients',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('recipient_id', sa.Integer(), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('recipient_id <> author_id', name=op.f('ck_message_recipients_not_to_oneself')),
    sa.ForeignKeyConstraint(['school_id', 'message_id', 'author_id'], ['messages.school_id', 'messages.id', 'messages.author_id'], name=op.f('fk_message_recipients_message_id_author_id_messages')),
    sa.ForeignKeyConstraint(['school_id', 'recipient_id'], ['users.school_id', 'users.id'], name=op.f('fk_message_recipients_recipient_id_users')),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_message_recipients_school_id_schools')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_message_recipients')),
    sa.UniqueConstraint('message_id', 'recipient_id', name=op.f('uq_message_recipients_message_id_recipient_id')),
    sa.UniqueConstraint('school_id', 'id', name=op.f('uq_message_recipients_school_id_id'))
    )

    with op.batch_alter_table('message_recipients', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_message_recipients_message_id'), ['message_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_message_recipients_school_id'), ['school_id'], unique=False)
        batch_op.create_index('ix_message_recipients_unread', ['recipient_id', 'read_at'], unique=False)

    with op.batch_alter_table('motivation_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('filed_by_family', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('attachment_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('rejected_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('rejected_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('rejection_reason', sa.Text(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_motivation_requests_attachment_id_attachments'), 'attachments', ['school_id', 'attachment_id'], ['school_id', 'id'])
        batch_op.create_foreign_key(batch_op.f('fk_motivation_requests_rejected_by_id_users'), 'users', ['school_id', 'rejected_by_id'], ['school_id', 'id'])

    with op.batch_alter_table('motivation_requests_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('filed_by_family', sa.Boolean(), server_default=sa.false(), autoincrement=False, nullable=True))
        batch_op.add_column(sa.Column('reason', sa.Text(), autoincrement=False, nullable=True))
        batch_op.add_column(sa.Column('attachment_id', sa.Integer(), autoincrement=False, nullable=True))
        batch_op.add_column(sa.Column('rejected_by_id', sa.Integer(), autoincrement=False, nullable=True))
        batch_op.add_column(sa.Column('rejected_at', sa.DateTime(timezone=True), autoincrement=False, nullable=True))
        batch_op.add_column(sa.Column('rejection_reason', sa.Text(), autoincrement=False, nullable=True))

    with op.batch_alter_table('schools', schema=None) as batch_op:
        batch_op.add_column(sa.Column('absence_notice_threshold', sa.Integer(), server_default='10', nullable=False))
        batch_op.add_column(sa.Column('max_tests_per_day', sa.Integer(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('max_tests_per_week', sa.Integer(), server_default='3', nullable=False))

    with op.batch_alter_table('schools_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('absence_notice_threshold', sa.Integer(), server_default='10', autoincrement=False, nullable=True))
        batch_op.add_column(sa.Column('max_tests_per_day', sa.Integer(), server_default='1', autoincrement=False, nullable=True))
        batch_op.add_column(sa.Column('max_tests_per_week', sa.Integer(), server_default='3', autoincrement=False, nullable=True))

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notification_preference', sa.String(length=10), server_default='digest', nullable=False))

    with op.batch_alter_table('users_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notification_preference', sa.String(length=10), server_default='digest', autoincrement=False, nullable=True))

    # CHECK constraints on existing tables (autogenerate does not see them).
    with op.batch_alter_table('schools', schema=None) as batch_op:
        batch_op.create_check_constraint('notice_threshold_positive', 'absence_notice_threshold >= 1')
        batch_op.create_check_constraint(
            'test_limits_sane', 'max_tests_per_day >= 1 AND max_tests_per_week >= max_tests_per_day'
        )

    with op.batch_alter_table('motivation_requests', schema=None) as batch_op:
        batch_op.create_check_constraint(
            'family_request_complete', "NOT filed_by_family OR (kind = 'parent_request' AND reason IS NOT NULL)"
        )
        batch_op.create_check_constraint('attachment_only_online', 'attachment_id IS NULL OR filed_by_family')
        batch_op.create_check_constraint(
            'rejected_only_unused_online',
            "rejected_by_id IS NULL OR (filed_by_family AND state = 'approved' AND motivation_id IS NULL)",
        )
        batch_op.create_check_constraint(
            'rejection_complete',
            '(rejected_by_id IS NULL) = (rejected_at IS NULL) AND (rejected_by_id IS NULL) = (rejection_reason IS NULL)',
        )

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_check_constraint(
            'notification_preference_known', "notification_preference IN ('immediate', 'digest', 'none', 'sms')"
        )

    # Late entries ("introducere ulterioară"): the flag defaults to false in the database too.
    with op.batch_alter_table('marks', schema=None) as batch_op:
        batch_op.alter_column('entered_late', server_default=sa.false())
    with op.batch_alter_table('absences', schema=None) as batch_op:
        batch_op.alter_column('entered_late', server_default=sa.false())


def downgrade():
    with op.batch_alter_table('absences', schema=None) as batch_op:
        batch_op.alter_column('entered_late', server_default=None)
    with op.batch_alter_table('marks', schema=None) as batch_op:
        batch_op.alter_column('entered_late', server_default=None)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_users_notification_preference_known'), type_='check')

    with op.batch_alter_table('motivation_requests', schema=None) as batch_op:
        for name in ('family_request_complete', 'attachment_only_online', 'rejected_only_unused_online',
                     'rejection_complete'):
            batch_op.drop_constraint(op.f(f'ck_motivation_requests_{name}'), type_='check')

    with op.batch_alter_table('schools', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_schools_notice_threshold_positive'), type_='check')
        batch_op.drop_constraint(op.f('ck_schools_test_limits_sane'), type_='check')

    with op.batch_alter_table('users_version', schema=None) as batch_op:
        batch_op.drop_column('notification_preference')

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('notification_preference')

    with op.batch_alter_table('schools_version', schema=None) as batch_op:
        batch_op.drop_column('max_tests_per_week')
        batch_op.drop_column('max_tests_per_day')
        batch_op.drop_column('absence_notice_threshold')

    with op.batch_alter_table('schools', schema=None) as batch_op:
        batch_op.drop_column('max_tests_per_week')
        batch_op.drop_column('max_tests_per_day')
        batch_op.drop_column('absence_notice_threshold')

    with op.batch_alter_table('motivation_requests_version', schema=None) as batch_op:
        batch_op.drop_column('rejection_reason')
        batch_op.drop_column('rejected_at')
        batch_op.drop_column('rejected_by_id')
        batch_op.drop_column('attachment_id')
        batch_op.drop_column('reason')
        batch_op.drop_column('filed_by_family')

    with op.batch_alter_table('motivation_requests', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_motivation_requests_rejected_by_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_motivation_requests_attachment_id_attachments'), type_='foreignkey')
        batch_op.drop_column('rejection_reason')
        batch_op.drop_column('rejected_at')
        batch_op.drop_column('rejected_by_id')
        batch_op.drop_column('attachment_id')
        batch_op.drop_column('reason')
        batch_op.drop_column('filed_by_family')

    with op.batch_alter_table('message_recipients', schema=None) as batch_op:
        batch_op.drop_index('ix_message_recipients_unread')
        batch_op.drop_index(batch_op.f('ix_message_recipients_school_id'))
        batch_op.drop_index(batch_op.f('ix_message_recipients_message_id'))

    op.drop_table('message_recipients')

    with op.batch_alter_table('thread_participants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_thread_participants_user_id'))
        batch_op.drop_index(batch_op.f('ix_thread_participants_thread_id'))
        batch_op.drop_index(batch_op.f('ix_thread_participants_school_id'))

    op.drop_table('thread_participants')

    with op.batch_alter_table('remarks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_remarks_school_id'))
        batch_op.drop_index(batch_op.f('ix_remarks_enrolment_id'))
        batch_op.drop_index('ix_remarks_class_date')
        batch_op.drop_index(batch_op.f('ix_remarks_author_id'))

    op.drop_table('remarks')

    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_messages_thread_id'))
        batch_op.drop_index(batch_op.f('ix_messages_school_id'))
        batch_op.drop_index(batch_op.f('ix_messages_author_id'))

    op.drop_table('messages')

    with op.batch_alter_table('announced_tests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_announced_tests_school_id'))
        batch_op.drop_index(batch_op.f('ix_announced_tests_curriculum_entry_id'))
        batch_op.drop_index('ix_announced_tests_class_day')
        batch_op.drop_index(batch_op.f('ix_announced_tests_author_id'))

    op.drop_table('announced_tests')

    with op.batch_alter_table('absence_notices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_absence_notices_school_id'))
        batch_op.drop_index(batch_op.f('ix_absence_notices_period_id'))
        batch_op.drop_index(batch_op.f('ix_absence_notices_message_thread_id'))
        batch_op.drop_index(batch_op.f('ix_absence_notices_enrolment_id'))

    op.drop_table('absence_notices')

    with op.batch_alter_table('message_threads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_message_threads_started_by_id'))
        batch_op.drop_index(batch_op.f('ix_message_threads_school_id'))

    op.drop_table('message_threads')

    with op.batch_alter_table('announcements', schema=None) as batch_op:
        batch_op.drop_index('ix_announcements_window')
        batch_op.drop_index(batch_op.f('ix_announcements_school_id'))
        batch_op.drop_index(batch_op.f('ix_announcements_class_id'))
        batch_op.drop_index(batch_op.f('ix_announcements_author_id'))

    op.drop_table('announcements')

    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notifications_school_id'))
        batch_op.drop_index(batch_op.f('ix_notifications_recipient_id'))
        batch_op.drop_index('ix_notifications_queued')

    op.drop_table('notifications')

    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachments_school_id'))

    op.drop_table('attachments')

    with op.batch_alter_table('thread_participants_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_thread_participants_version_user_id'))
        batch_op.drop_index(batch_op.f('ix_thread_participants_version_transaction_id'))
        batch_op.drop_index(batch_op.f('ix_thread_participants_version_thread_id'))
        batch_op.drop_index(batch_op.f('ix_thread_participants_version_school_id'))
        batch_op.drop_index('ix_thread_participants_version_pk_transaction_id')
        batch_op.drop_index(batch_op.f('ix_thread_participants_version_operation_type'))

    op.drop_table('thread_participants_version')

    with op.batch_alter_table('remarks_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_remarks_version_transaction_id'))
        batch_op.drop_index(batch_op.f('ix_remarks_version_school_id'))
        batch_op.drop_index('ix_remarks_version_pk_transaction_id')
        batch_op.drop_index(batch_op.f('ix_remarks_version_operation_type'))
        batch_op.drop_index(batch_op.f('ix_remarks_version_enrolment_id'))
        batch_op.drop_index(batch_op.f('ix_remarks_version_author_id'))

    op.drop_table('remarks_version')

    with op.batch_alter_table('notifications_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notifications_version_transaction_id'))
        batch_op.drop_index(batch_op.f('ix_notifications_version_school_id'))
        batch_op.drop_index(batch_op.f('ix_notifications_version_recipient_id'))
        batch_op.drop_index('ix_notifications_version_pk_transaction_id')
        batch_op.drop_index(batch_op.f('ix_notifications_version_operation_type'))

    op.drop_table('notifications_version')

    with op.batch_alter_table('messages_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_messages_version_transaction_id'))
        batch_op.drop_index(batch_op.f('ix_messages_version_thread_id'))
        batch_op.drop_index(batch_op.f('ix_messages_version_school_id'))
        batch_op.drop_index('ix_messages_version_pk_transaction_id')
        batch_op.drop_index(batch_op.f('ix_messages_version_operation_type'))
        batch_op.drop_index(batch_op.f('ix_messages_version_author_id'))

    op.drop_table('messages_version')

    with op.batch_alter_table('message_threads_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_message_threads_version_transaction_id'))
        batch_op.drop_index(batch_op.f('ix_message_threads_version_started_by_id'))
        batch_op.drop_index(batch_op.f('ix_message_threads_version_school_id'))
        batch_op.drop_index('ix_message_threads_version_pk_transaction_id')
        batch_op.drop_index(batch_op.f('ix_message_threads_version_operation_type'))

    op.drop_table('message_threads_version')

    with op.batch_alter_table('message_recipients_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_message_recipients_version_transaction_id'))
        batch_op.drop_index(batch_op.f('ix_message_recipients_version_school_id'))
        batch_op.drop_index('ix_message_recipients_version_pk_transaction_id')
        batch_op.drop_index(batch_op.f('ix_message_recipients_version_operation_type'))
        batch_op.drop_index(batch_op.f('ix_message_recipients_version_message_id'))

    op.drop_table('message_recipients_version')

    with op.batch_alter_table('attachments_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachments_version_transaction_id'))
        batch_op.drop_index(batch_op.f('ix_attachments_version_school_id'))
        batch_op.drop_index('ix_attachments_version_pk_transaction_id')
        batch_op.drop_index(batch_op.f('ix_attachments_version_operation_type'))

    op.drop_table('attachments_version')

    with op.batch_alter_table('announcements_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_announcements_version_transaction_id'))
        batch_op.drop_index(batch_op.f('ix_announcements_version_school_id'))
        batch_op.drop_index('ix_announcements_version_pk_transaction_id')
        batch_op.drop_index(batch_op.f('ix_announcements_version_operation_type'))
        batch_op.drop_index(batch_op.f('ix_announcements_version_class_id'))
        batch_op.drop_index(batch_op.f('ix_announcements_version_author_id'))

    op.drop_table('announcements_version')

    with op.batch_alter_table('announced_tests_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_announced_tests_version_transaction_id'))
        batch_op.drop_index(batch_op.f('ix_announced_tests_version_school_id'))
        batch_op.drop_index('ix_announced_tests_version_pk_transaction_id')
        batch_op.drop_index(batch_op.f('ix_announced_tests_version_operation_type'))
        batch_op.drop_index(batch_op.f('ix_announced_tests_version_curriculum_entry_id'))
        batch_op.drop_index(batch_op.f('ix_announced_tests_version_author_id'))

    op.drop_table('announced_tests_version')

    with op.batch_alter_table('absence_notices_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_absence_notices_version_transaction_id'))
        batch_op.drop_index(batch_op.f('ix_absence_notices_version_school_id'))
        batch_op.drop_index('ix_absence_notices_version_pk_transaction_id')
        batch_op.drop_index(batch_op.f('ix_absence_notices_version_period_id'))
        batch_op.drop_index(batch_op.f('ix_absence_notices_version_operation_type'))
        batch_op.drop_index(batch_op.f('ix_absence_notices_version_message_thread_id'))
        batch_op.drop_index(batch_op.f('ix_absence_notices_version_enrolment_id'))

    op.drop_table('absence_notices_version')
