"""The notification queue (issue 8): what the e-mail digest will tell each user.

Operations add rows inside their own transaction (`schema.operations.notifications.notify`), so
a notification exists exactly when the change it announces was committed. A `flask` command run
from cron drains the queue; a request never waits for a mail server. A row stays queued
(`sent_at` empty) until its e-mail went out, so a failing server loses nothing.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from schema.db import db, utc_now
from schema.school import _in
from schema.tenancy import TenantMixin, tenant_fk, tenant_key

#: What a notification is about.
NOTIFICATION_KINDS = (
    "mark",
    "absence",
    "remark",
    "message",
    "announcement",
    "excuse_request",
    "absence_notice",
    "test",
    "evaluation",
)


#: How a delivered notification reached its recipient: by e-mail, by SMS, or only in the portal
#: (users who chose "fără e-mail", and accounts without an address: nothing is sent to them).
DELIVERY_CHANNELS = ("email", "sms", "in_app")


class Notification(TenantMixin, db.Model):
    """One thing to tell one user, queued until the e-mail that carries it has been sent."""

    __tablename__ = "notifications"
    __versioned__: dict = {}
    __table_args__ = (
        tenant_key(),
        tenant_fk("recipient_id", "users"),
        sa.CheckConstraint(_in("kind", NOTIFICATION_KINDS), name="kind_known"),
        sa.CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        sa.Index("ix_notifications_queued", "sent_at", "recipient_id"),
        sa.CheckConstraint(_in("delivered_via", DELIVERY_CHANNELS), name="delivered_via_known"),
        sa.CheckConstraint("(sent_at IS NULL) = (delivered_via IS NULL)", name="delivery_complete"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    #: One line, in Romanian ("Notă nouă la Matematică: 9").
    subject: Mapped[str] = mapped_column(sa.String(200))
    #: A few lines, in Romanian; never a secret.
    body: Mapped[str] = mapped_column(sa.Text)
    #: Path of the page that shows the thing (e.g. "/mesaje/12"), or None.
    link: Mapped[str | None] = mapped_column(sa.String(300))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utc_now)
    #: When the e-mail carrying it went out; None while queued.
    sent_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    #: Failed delivery attempts so far, and the last error (for the administrator).
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    #: email, sms or in_app once delivered (DELIVERY_CHANNELS); None while queued.
    delivered_via: Mapped[str | None] = mapped_column(sa.String(10))

    recipient = relationship("User", foreign_keys=[recipient_id])

    def __str__(self) -> str:
        return self.subject
