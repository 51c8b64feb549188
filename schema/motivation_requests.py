"""The director's prior approval of parent requests, sports and olympiad motivations
(001 Art. 102(5), 103; decisions.md "Who may write what", "Absences").

The class master files the request with the days and hours it covers and the written request's
number; the director (or deputy) approves or refuses it once. An approved request is then used by
exactly one motivation (`motivation_id`), whose `approved_by_id` is the director who decided.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from schema.catalog import MOTIVATIONS_NEEDING_APPROVAL
from schema.db import db, utc_now
from schema.school import _in
from schema.tenancy import TenantMixin, tenant_fk, tenant_key

REQUEST_STATES = ("pending", "approved", "refused")


class MotivationRequest(TenantMixin, db.Model):
    """A request for the director's approval of a parent-request (or sports/olympiad) motivation."""

    __tablename__ = "motivation_requests"
    __versioned__: dict = {}
    __table_args__ = (
        tenant_key(),
        tenant_fk("enrolment_id", "enrolments"),
        tenant_fk("requested_by_id", "users"),
        tenant_fk("decided_by_id", "users"),
        #: The motivation that used the approval excuses this same student's absences.
        tenant_fk("motivation_id", "motivations", extra=(("enrolment_id", "enrolment_id"),)),
        sa.UniqueConstraint("motivation_id"),
        sa.CheckConstraint(_in("kind", MOTIVATIONS_NEEDING_APPROVAL), name="kind_known"),
        sa.CheckConstraint(_in("state", REQUEST_STATES), name="state_known"),
        sa.CheckConstraint("covers_from <= covers_to", name="dates_ordered"),
        sa.CheckConstraint("hours >= 1", name="hours_positive"),
        sa.CheckConstraint("(state = 'pending') = (decided_by_id IS NULL)", name="decision_complete"),
        sa.CheckConstraint("motivation_id IS NULL OR state = 'approved'", name="used_only_when_approved"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(index=True)
    #: parent_request, sports or olympiad.
    kind: Mapped[str] = mapped_column(sa.String(20))
    covers_from: Mapped[date]
    covers_to: Mapped[date]
    #: Lesson hours the request asks to excuse.
    hours: Mapped[int]
    #: Registration number and date of the parent's written request (or of the federation's letter).
    document_number: Mapped[str] = mapped_column(sa.String(50))
    document_date: Mapped[date]
    #: The class master who filed it.
    requested_by_id: Mapped[int] = mapped_column()
    requested_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utc_now)
    #: pending, approved or refused; decided once.
    state: Mapped[str] = mapped_column(sa.String(10), default="pending")
    decided_by_id: Mapped[int | None] = mapped_column()
    decided_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    #: The director's note on the decision.
    note: Mapped[str | None] = mapped_column(sa.Text)
    #: The motivation that excused the absences under this approval (used once).
    motivation_id: Mapped[int | None] = mapped_column()

    enrolment = relationship("Enrolment", foreign_keys=[enrolment_id])
    requested_by = relationship("User", foreign_keys=[requested_by_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])
    motivation = relationship("Motivation", foreign_keys=[motivation_id])

    def __str__(self) -> str:
        return f"{self.kind} {self.document_number} ({self.covers_from:%d.%m}–{self.covers_to:%d.%m})"
