"""Messages between staff and families (issue 8; rules.md §8 R-COM-01/02/05/07/14; 004 pt.33-47).

A thread (`MessageThread`) has participants (`ThreadParticipant`): whoever started it and
everyone it was sent to. Each message (`Message`) names its own recipients
(`MessageRecipient`), so a family's answer in a thread sent to a whole class reaches the staff
only, never the other families. The recipient row carries the read receipt: `read_at` is set
once, the first time the recipient opens the thread, and never changes afterwards (004 pt.42:
reading counts as delivery). A participant "deleting" a thread sets `hidden_at` on their own
participant row: the thread leaves their inbox, and nothing else changes (004 pt.45, pt.47).
Nothing here is ever deleted; the version history keeps every row.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from schema.db import db, utc_now
from schema.tenancy import TenantMixin, tenant_fk, tenant_key

#: Longest subject and body accepted (a message, not a document).
MAX_SUBJECT_LENGTH = 200
MAX_BODY_LENGTH = 10_000


class MessageThread(TenantMixin, db.Model):
    """A conversation: its subject, who started it and, optionally, the student it is about."""

    __tablename__ = "message_threads"
    __versioned__: dict = {}
    __table_args__ = (
        tenant_key(),
        tenant_fk("started_by_id", "users"),
        tenant_fk("about_student_id", "students"),
        sa.CheckConstraint("length(trim(subject)) > 0", name="subject_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(sa.String(MAX_SUBJECT_LENGTH))
    started_by_id: Mapped[int] = mapped_column(index=True)
    started_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utc_now)
    #: The student the conversation is about (context for the class master), if any.
    about_student_id: Mapped[int | None] = mapped_column()

    started_by = relationship("User", foreign_keys=[started_by_id])
    about_student = relationship("Student", foreign_keys=[about_student_id])
    participants = relationship(
        "ThreadParticipant", back_populates="thread", foreign_keys="ThreadParticipant.thread_id"
    )
    messages = relationship("Message", back_populates="thread", foreign_keys="Message.thread_id", order_by="Message.id")

    def __str__(self) -> str:
        return self.subject


class ThreadParticipant(TenantMixin, db.Model):
    """A user in a thread; `hidden_at` is their "Șterge" (the thread leaves their inbox only)."""

    __tablename__ = "thread_participants"
    __versioned__: dict = {}
    __table_args__ = (
        tenant_key(),
        tenant_fk("thread_id", "message_threads"),
        tenant_fk("user_id", "users"),
        sa.UniqueConstraint("thread_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(index=True)
    user_id: Mapped[int] = mapped_column(index=True)
    joined_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utc_now)
    #: When this participant "deleted" the thread from their own view; a new message shows it again.
    hidden_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    thread = relationship(MessageThread, back_populates="participants", foreign_keys=[thread_id])
    user = relationship("User", foreign_keys=[user_id])


class Message(TenantMixin, db.Model):
    """One message of a thread: author, text, optional attached file."""

    __tablename__ = "messages"
    __versioned__: dict = {}
    __table_args__ = (
        tenant_key(),
        #: Recipient rows point at (message, author) to prove that nobody is their own recipient.
        sa.UniqueConstraint("school_id", "id", "author_id"),
        tenant_fk("thread_id", "message_threads"),
        tenant_fk("author_id", "users"),
        tenant_fk("attachment_id", "attachments"),
        sa.UniqueConstraint("attachment_id"),
        sa.CheckConstraint("length(trim(body)) > 0", name="body_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(index=True)
    author_id: Mapped[int] = mapped_column(index=True)
    body: Mapped[str] = mapped_column(sa.Text)
    sent_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utc_now)
    #: The attached file (schema/attachments.py), used by this message only.
    attachment_id: Mapped[int | None] = mapped_column()

    thread = relationship(MessageThread, back_populates="messages", foreign_keys=[thread_id])
    author = relationship("User", foreign_keys=[author_id])
    attachment = relationship("Attachment", foreign_keys=[attachment_id])
    recipients = relationship(
        "MessageRecipient",
        back_populates="message",
        foreign_keys="MessageRecipient.message_id",
        order_by="MessageRecipient.id",
    )

    def __str__(self) -> str:
        return f"{self.thread.subject if self.thread else ''} ({self.sent_at:%d.%m.%Y %H:%M})"


class MessageRecipient(TenantMixin, db.Model):
    """A message delivered to one user, with its read receipt (004 pt.42)."""

    __tablename__ = "message_recipients"
    __versioned__: dict = {}
    __table_args__ = (
        tenant_key(),
        tenant_fk("message_id", "messages", extra=(("author_id", "author_id"),)),
        tenant_fk("recipient_id", "users"),
        sa.UniqueConstraint("message_id", "recipient_id"),
        sa.CheckConstraint("recipient_id <> author_id", name="not_to_oneself"),
        sa.Index("ix_message_recipients_unread", "recipient_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(index=True)
    #: The message's author, repeated so that the database refuses a message to oneself.
    author_id: Mapped[int] = mapped_column()
    recipient_id: Mapped[int] = mapped_column()
    #: The read receipt: when the recipient first opened the message; set once, never changed.
    read_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    message = relationship(Message, back_populates="recipients", foreign_keys=[message_id])
    recipient = relationship("User", foreign_keys=[recipient_id])
