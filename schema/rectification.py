"""Requests to rectify a student's personal data (GDPR Art. 16; rules.md R-GDP-01(c)).

A parent (or the student) writes what is wrong in the record and what it should be; the
secretary corrects the record through the usual screens and then resolves the request with a
note, or refuses it with a note saying why. Both steps are versioned like every row, so the
history browser shows who filed, who decided and when.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from schema.db import db, utc_now
from schema.school import _in
from schema.tenancy import TenantMixin, tenant_fk, tenant_key

RECTIFICATION_STATES = ("pending", "resolved", "refused")


class RectificationRequest(TenantMixin, db.Model):
    """A request to correct a student's personal data, filed by a parent and decided by the secretary."""

    __tablename__ = "rectification_requests"
    __versioned__: dict = {}
    __table_args__ = (
        tenant_key(),
        tenant_fk("student_id", "students"),
        tenant_fk("requested_by_id", "users"),
        tenant_fk("resolved_by_id", "users"),
        sa.CheckConstraint(_in("state", RECTIFICATION_STATES), name="state_known"),
        sa.CheckConstraint("(state = 'pending') = (resolved_by_id IS NULL)", name="decision_complete"),
        sa.CheckConstraint("state = 'pending' OR resolution_note IS NOT NULL", name="decision_explained"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(index=True)
    #: The parent's (or the student's own) account that filed the request.
    requested_by_id: Mapped[int] = mapped_column()
    requested_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utc_now)
    #: Which data is wrong, in the parent's words (e.g. "Adresa", "Data nașterii").
    field: Mapped[str] = mapped_column(sa.String(100))
    #: What is wrong and what it should be.
    description: Mapped[str] = mapped_column(sa.Text)
    #: pending, resolved (the record was corrected) or refused; decided once.
    state: Mapped[str] = mapped_column(sa.String(10), default="pending")
    #: The secretary's note: what was corrected, or why the request was refused.
    resolution_note: Mapped[str | None] = mapped_column(sa.Text)
    resolved_by_id: Mapped[int | None] = mapped_column()
    resolved_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    student = relationship("Student", foreign_keys=[student_id])
    requested_by = relationship("User", foreign_keys=[requested_by_id])
    resolved_by = relationship("User", foreign_keys=[resolved_by_id])

    def __str__(self) -> str:
        return f"Rectificare {self.field} ({self.state})"
