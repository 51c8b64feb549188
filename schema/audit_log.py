"""Append-only logs that the auditor reads: authentication events, access to students' personal
data, and the two-factor codes already used (so a code is accepted once).

None of them ever holds a password, a code or a secret: `AuthEvent.detail` carries only plain
facts (the method, the reason of a failure), and `UsedTotpCode` keeps the time step a code
belonged to, not the code. Like every table they are versioned (test_versioning.py walks the
mappers); nothing updates or deletes their rows.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from schema.db import db, utc_now
from schema.tenancy import TenantMixin, tenant_fk


class AuthEvent(db.Model):
    """One authentication event: login success or failure, lockout, unlock, two-factor set-up and
    use, password change, logout, a delegation decision (issue 4 item 8)."""

    __tablename__ = "auth_events"
    __versioned__: dict = {}

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utc_now, index=True)
    #: What happened: one of security.auth.EVENT_KINDS.
    kind: Mapped[str] = mapped_column(sa.String(40), index=True)
    #: The account, when known (a login attempt with an unknown e-mail has none).
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    #: The account's school, so each school's auditor sees its own events.
    school_id: Mapped[int | None] = mapped_column(sa.ForeignKey("schools.id"), index=True)
    #: The e-mail address typed at login (also for unknown accounts).
    email: Mapped[str | None] = mapped_column(sa.String(255))
    ip: Mapped[str | None] = mapped_column(sa.String(64))
    user_agent: Mapped[str | None] = mapped_column(sa.String(255))
    #: Plain facts about the event (method, reason, who acted); never a password or a code.
    detail: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    user = relationship("User", foreign_keys=[user_id])

    def __str__(self) -> str:
        return f"{self.kind} {self.email or ''}".strip()


class PersonalDataAccess(TenantMixin, db.Model):
    """Who opened which student's record, what they looked at, when and from where (issue 4
    item 7; 004 pt.37-38)."""

    __tablename__ = "personal_data_accesses"
    __versioned__: dict = {}
    __table_args__ = (tenant_fk("user_id", "users"), tenant_fk("student_id", "students"))

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utc_now, index=True)
    user_id: Mapped[int] = mapped_column(index=True)
    student_id: Mapped[int] = mapped_column(index=True)
    #: What was opened, e.g. "fișa elevului", "note", "foaia matricolă".
    what: Mapped[str] = mapped_column(sa.String(100))
    ip: Mapped[str | None] = mapped_column(sa.String(64))

    user = relationship("User", foreign_keys=[user_id])
    student = relationship("Student", foreign_keys=[student_id])


class UsedTotpCode(db.Model):
    """A two-factor code already accepted for a user, by its time step: the same code (or an
    older one) is refused afterwards, and the unique key refuses two requests racing with it."""

    __tablename__ = "used_totp_codes"
    __versioned__: dict = {}
    __table_args__ = (sa.UniqueConstraint("user_id", "counter"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    #: The TOTP time step (Unix time // step seconds) of the accepted code; not the code.
    counter: Mapped[int] = mapped_column(sa.BigInteger)
    used_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utc_now)
