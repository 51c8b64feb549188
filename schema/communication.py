"""Remarks in the student's file, announcements and the test calendar (terminar) (issue 8;
rules.md §8 R-COM-03..12; 004 pt.43-52, 61).

Nothing here is hard-deleted (decisions.md "Notes, remarks, messages"): a teacher "deleting" a
remark hides it with a reason, a cancelled test stays in the calendar's history, a withdrawn
announcement stays with its decision. Continuum versions every row.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from schema.db import db, utc_now
from schema.school import _in
from schema.tenancy import TenantMixin, tenant_fk, tenant_key

#: Kinds of remark (observație): pozitivă, negativă, informare.
REMARK_KINDS = ("positive", "negative", "information")
REMARK_KIND_LABELS = {"positive": "pozitivă", "negative": "negativă", "information": "informare"}

#: Who an announcement is for. "class" = the students and parents of one class.
ANNOUNCEMENT_AUDIENCES = ("students", "parents", "families", "staff", "all", "class")
ANNOUNCEMENT_AUDIENCE_LABELS = {
    "students": "Toți elevii",
    "parents": "Toți părinții",
    "families": "Toți elevii și părinții",
    "staff": "Tot personalul școlii",
    "all": "Toată școala (elevi, părinți, personal)",
    "class": "Elevii și părinții unei clase",
}
#: pending = waiting for the director's approval; refused = the director said no.
ANNOUNCEMENT_STATES = ("published", "pending", "refused")

#: Announced tests: lucrare scrisă (written test) or teză (thesis).
TEST_KINDS = ("written", "thesis")
TEST_KIND_LABELS = {"written": "lucrare scrisă", "thesis": "teză"}


class Remark(TenantMixin, db.Model):
    """A teacher's remark (observație) about a student, kept in the student's file (R-COM-03/04)."""

    __tablename__ = "remarks"
    __versioned__: dict = {}
    __table_args__ = (
        tenant_key(),
        #: The enrolment and the class agree (the class the student was in when it was written).
        tenant_fk("enrolment_id", "enrolments", extra=(("class_id", "class_id"),)),
        tenant_fk("curriculum_entry_id", "curriculum_entries", extra=(("class_id", "class_id"),)),
        tenant_fk("class_id", "classes"),
        tenant_fk("author_id", "users"),
        tenant_fk("read_by_id", "users"),
        sa.CheckConstraint(_in("kind", REMARK_KINDS), name="kind_known"),
        sa.CheckConstraint("(read_at IS NULL) = (read_by_id IS NULL)", name="read_complete"),
        sa.CheckConstraint("NOT is_hidden OR hidden_reason IS NOT NULL", name="hidden_has_reason"),
        sa.Index("ix_remarks_class_date", "class_id", "remarked_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(index=True)
    class_id: Mapped[int] = mapped_column()
    #: The subject it concerns, if any.
    curriculum_entry_id: Mapped[int | None] = mapped_column()
    author_id: Mapped[int] = mapped_column(index=True)
    #: positive, negative or information.
    kind: Mapped[str] = mapped_column(sa.String(12))
    #: The day the remark is about (never in the future).
    remarked_on: Mapped[date]
    text: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utc_now)
    #: When a parent or the student first opened it, and who (recorded once).
    read_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    read_by_id: Mapped[int | None] = mapped_column()
    #: "Deleted" by its author: hidden from the file, kept in the database and the history.
    is_hidden: Mapped[bool] = mapped_column(default=False)
    hidden_reason: Mapped[str | None] = mapped_column(sa.Text)
    hidden_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    enrolment = relationship("Enrolment", foreign_keys=[enrolment_id])
    school_class = relationship("SchoolClass", foreign_keys=[class_id])
    curriculum_entry = relationship("CurriculumEntry", foreign_keys=[curriculum_entry_id])
    author = relationship("User", foreign_keys=[author_id])
    read_by = relationship("User", foreign_keys=[read_by_id])

    @property
    def kind_label(self) -> str:
        return REMARK_KIND_LABELS.get(self.kind, self.kind)

    def __str__(self) -> str:
        return f"Observație {self.kind_label} din {self.remarked_on:%d.%m.%Y}"


class Announcement(TenantMixin, db.Model):
    """An announcement (anunț) to a group, shown between two dates (R-COM-08/09/10).

    One about collecting money or an event open to outsiders needs the director's approval
    (`requires_approval`); it stays `pending` until the director or deputy decides, once.
    """

    __tablename__ = "announcements"
    __versioned__: dict = {}
    __table_args__ = (
        tenant_key(),
        tenant_fk("author_id", "users"),
        tenant_fk("class_id", "classes"),
        tenant_fk("decided_by_id", "users"),
        sa.CheckConstraint(_in("audience", ANNOUNCEMENT_AUDIENCES), name="audience_known"),
        sa.CheckConstraint(_in("state", ANNOUNCEMENT_STATES), name="state_known"),
        sa.CheckConstraint("(audience = 'class') = (class_id IS NOT NULL)", name="class_iff_class_audience"),
        sa.CheckConstraint("valid_from <= valid_to", name="dates_ordered"),
        sa.CheckConstraint("requires_approval OR state = 'published'", name="approval_only_when_required"),
        sa.CheckConstraint(
            "(state = 'pending') = (decided_by_id IS NULL AND requires_approval)", name="decision_complete"
        ),
        sa.CheckConstraint("(decided_by_id IS NULL) = (decided_at IS NULL)", name="decision_dated"),
        sa.CheckConstraint("NOT is_withdrawn OR withdrawn_reason IS NOT NULL", name="withdrawn_has_reason"),
        sa.Index("ix_announcements_window", "school_id", "state", "valid_from", "valid_to"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(index=True)
    audience: Mapped[str] = mapped_column(sa.String(10))
    #: The class whose students and parents read it (audience "class" only).
    class_id: Mapped[int | None] = mapped_column(index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text)
    valid_from: Mapped[date]
    valid_to: Mapped[date]
    #: Collecting money or an event open to outsiders (004 pt.50): needs the director's approval.
    requires_approval: Mapped[bool] = mapped_column(default=False)
    state: Mapped[str] = mapped_column(sa.String(10), default="published")
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utc_now)
    decided_by_id: Mapped[int | None] = mapped_column()
    decided_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    #: The director's note (required when refusing).
    decision_note: Mapped[str | None] = mapped_column(sa.Text)
    #: Withdrawn by its author: no longer shown, kept with its history.
    is_withdrawn: Mapped[bool] = mapped_column(default=False)
    withdrawn_reason: Mapped[str | None] = mapped_column(sa.Text)

    author = relationship("User", foreign_keys=[author_id])
    school_class = relationship("SchoolClass", foreign_keys=[class_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])

    @property
    def audience_label(self) -> str:
        label = ANNOUNCEMENT_AUDIENCE_LABELS.get(self.audience, self.audience)
        if self.audience == "class" and self.school_class is not None:
            return f"Elevii și părinții clasei {self.school_class.name}"
        return label

    def __str__(self) -> str:
        return self.title


class AnnouncedTest(TenantMixin, db.Model):
    """A written test or teză announced in the class's calendar (terminar) (R-COM-11/12)."""

    __tablename__ = "announced_tests"
    __versioned__: dict = {}
    __table_args__ = (
        tenant_key(),
        tenant_fk("curriculum_entry_id", "curriculum_entries", extra=(("class_id", "class_id"),)),
        tenant_fk("class_id", "classes"),
        tenant_fk("author_id", "users"),
        sa.CheckConstraint(_in("kind", TEST_KINDS), name="kind_known"),
        sa.CheckConstraint("NOT is_cancelled OR cancel_reason IS NOT NULL", name="cancelled_has_reason"),
        sa.Index("ix_announced_tests_class_day", "class_id", "held_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    curriculum_entry_id: Mapped[int] = mapped_column(index=True)
    class_id: Mapped[int] = mapped_column()
    author_id: Mapped[int] = mapped_column(index=True)
    #: written (lucrare scrisă) or thesis (teză).
    kind: Mapped[str] = mapped_column(sa.String(10))
    held_on: Mapped[date]
    #: The material covered (materia), required by 004 pt.61.
    scope: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utc_now)
    #: The teacher saved it although the class was over the day or week limit.
    over_limit_confirmed: Mapped[bool] = mapped_column(default=False)
    is_cancelled: Mapped[bool] = mapped_column(default=False)
    cancel_reason: Mapped[str | None] = mapped_column(sa.Text)

    curriculum_entry = relationship("CurriculumEntry", foreign_keys=[curriculum_entry_id])
    school_class = relationship("SchoolClass", foreign_keys=[class_id])
    author = relationship("User", foreign_keys=[author_id])

    @property
    def kind_label(self) -> str:
        return TEST_KIND_LABELS.get(self.kind, self.kind)

    def __str__(self) -> str:
        return f"{self.kind_label} {self.held_on:%d.%m.%Y}"
