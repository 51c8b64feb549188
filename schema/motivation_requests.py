"""The director's prior approval of parent requests, sports and olympiad motivations
(001 Art. 102(5), 103; decisions.md "Who may write what", "Absences").

The class master files the request with the days and hours it covers and the written request's
number; the director (or deputy) approves or refuses it once. An approved request is then used by
exactly one motivation (`motivation_id`), whose `approved_by_id` is the director who decided.

Online excuse requests (issue 8, views/excuse_requests.py) are the same rows, filed by a parent or
an adult student (`filed_by_family`) with a reason and an optional attachment: they go through the
same director approval; the class master then accepts (one motivation, as above) or rejects them
(`rejected_*`). One approval path for both ways of asking.
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
        tenant_fk("attachment_id", "attachments"),
        tenant_fk("rejected_by_id", "users"),
        #: An online request is a parent request with the family's reason; only it carries a file.
        sa.CheckConstraint(
            "NOT filed_by_family OR (kind = 'parent_request' AND reason IS NOT NULL)", name="family_request_complete"
        ),
        sa.CheckConstraint("attachment_id IS NULL OR filed_by_family", name="attachment_only_online"),
        #: The class master rejects only an approved online request that was not used.
        sa.CheckConstraint(
            "rejected_by_id IS NULL OR (filed_by_family AND state = 'approved' AND motivation_id IS NULL)",
            name="rejected_only_unused_online",
        ),
        sa.CheckConstraint(
            "(rejected_by_id IS NULL) = (rejected_at IS NULL) AND (rejected_by_id IS NULL) = (rejection_reason IS NULL)",
            name="rejection_complete",
        ),
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
    #: Filed online by a parent or an adult student (the requester is `requested_by_id`).
    filed_by_family: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    #: The family's reason for the absences (online requests).
    reason: Mapped[str | None] = mapped_column(sa.Text)
    #: A document the family attached (online requests), e.g. a scanned note.
    attachment_id: Mapped[int | None] = mapped_column()
    #: The class master's rejection of an approved online request, with the reason shown to the family.
    rejected_by_id: Mapped[int | None] = mapped_column()
    rejected_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    rejection_reason: Mapped[str | None] = mapped_column(sa.Text)

    enrolment = relationship("Enrolment", foreign_keys=[enrolment_id])
    requested_by = relationship("User", foreign_keys=[requested_by_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])
    motivation = relationship("Motivation", foreign_keys=[motivation_id])
    attachment = relationship("Attachment", foreign_keys=[attachment_id])
    rejected_by = relationship("User", foreign_keys=[rejected_by_id])

    @property
    def family_state(self) -> str:
        """pending, approved (by the director), accepted (excused), refused (by the director) or rejected
        (by the class master): what the family sees."""
        if self.state != "approved":
            return self.state
        if self.motivation_id is not None:
            return "accepted"
        if self.rejected_by_id is not None:
            return "rejected"
        return "approved"

    def __str__(self) -> str:
        return f"{self.kind} {self.document_number} ({self.covers_from:%d.%m}–{self.covers_to:%d.%m})"
