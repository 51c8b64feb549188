"""Înștiințări pentru absențe nemotivate: the written notice the class master sends the parents
when a student's unexcused absences in a learning period reach the school's threshold (rules.md
§4.6 R-NOT-01, 001 Art. 76 pt.4(d); decisions.md "Absences": the threshold is the setting
`School.absence_notice_threshold`, default 10; the notice is a printable PDF letter plus an in-app
message, and the PDF is the "în scris" copy).

One notice per threshold multiple ("level") and period: with a threshold of 10 the class master is
asked to notify at 10, again at 20, again at 30 unexcused absences in the same period. A level is
notified once; a notice records the count at the time it was sent (the absences may be excused
later, the notice stays as it was). The row is what the class master sent, by whom and when; the
PDF letter is pdf/documents/parent_notice.py (kind ``absente``).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from schema.db import db, utc_now
from schema.school import _in
from schema.tenancy import TenantMixin, tenant_fk, tenant_key

#: letter: the printed letter only; letter_and_message: the letter and an in-app message.
NOTICE_CHANNELS = ("letter", "letter_and_message")
NOTICE_CHANNEL_LABELS = {"letter": "scrisoare (PDF)", "letter_and_message": "scrisoare (PDF) și mesaj în aplicație"}


class AbsenceNotice(TenantMixin, db.Model):
    """A written notice to a student's parents about unexcused absences in one period."""

    __tablename__ = "absence_notices"
    __versioned__: dict = {}
    __table_args__ = (
        tenant_key(),
        tenant_fk("enrolment_id", "enrolments"),
        tenant_fk("period_id", "learning_periods"),
        tenant_fk("sent_by_id", "users"),
        tenant_fk("message_thread_id", "message_threads"),
        #: One notice per threshold multiple in a period.
        sa.UniqueConstraint("enrolment_id", "period_id", "level"),
        sa.CheckConstraint("threshold >= 1", name="threshold_positive"),
        sa.CheckConstraint("level >= 1", name="level_positive"),
        #: The count at the time reached the level notified.
        sa.CheckConstraint("unexcused >= threshold * level", name="count_reaches_level"),
        sa.CheckConstraint(_in("channel", NOTICE_CHANNELS), name="channel_known"),
        sa.CheckConstraint(
            "(channel = 'letter_and_message') = (message_thread_id IS NOT NULL)", name="message_matches_channel"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(index=True)
    period_id: Mapped[int] = mapped_column(index=True)
    #: Unexcused absences of the student in the period when the notice was sent.
    unexcused: Mapped[int]
    #: The school's threshold at the time (School.absence_notice_threshold).
    threshold: Mapped[int]
    #: Which multiple of the threshold this notice is for: 1 at 10, 2 at 20, ... (threshold 10).
    level: Mapped[int]
    #: The class master who sent it.
    sent_by_id: Mapped[int] = mapped_column()
    sent_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utc_now)
    #: letter or letter_and_message.
    channel: Mapped[str] = mapped_column(sa.String(20), default="letter")
    #: Registration number of the letter, how it was handed over, anything the class master notes.
    notes: Mapped[str | None] = mapped_column(sa.Text)
    #: The in-app message sent with the notice (schema/messages.py), when there was one.
    message_thread_id: Mapped[int | None] = mapped_column(index=True)

    enrolment = relationship("Enrolment", foreign_keys=[enrolment_id])
    period = relationship("LearningPeriod", foreign_keys=[period_id])
    sent_by = relationship("User", foreign_keys=[sent_by_id])

    def __str__(self) -> str:
        return f"înștiințare {self.unexcused} absențe nemotivate ({self.level} × {self.threshold})"
