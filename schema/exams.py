"""Exams organised by the school, contestations of written marks, and requests to reopen closed
results (001 Art. 133, 142-147, 212(22); decisions.md A24, A25; rules.md §3.13-§3.14, §3.16)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from schema.db import db, utc_now
from schema.school import _in
from schema.tenancy import TenantMixin, tenant_fk, tenant_key

EXAM_KINDS = ("corigenta", "amanat", "diferenta", "reexaminare")
REOPEN_TARGETS = ("period_average", "annual_average", "behaviour_mark", "year_result")


class ExamSession(TenantMixin, db.Model):
    """A session of exams (corigență, closing amânat situations, difference exams, re-examination)
    with its commission president, appointed by the director (001 Art. 142(4))."""

    __tablename__ = "exam_sessions"
    __versioned__: dict = {}
    __table_args__ = (
        tenant_key(),
        tenant_fk("year_id", "school_years"),
        tenant_fk("president_id", "users"),
        sa.CheckConstraint(_in("kind", EXAM_KINDS), name="kind_known"),
        sa.CheckConstraint("starts_on <= ends_on", name="dates_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year_id: Mapped[int] = mapped_column(index=True)
    #: corigenta, amanat, diferenta or reexaminare.
    kind: Mapped[str] = mapped_column(sa.String(12))
    name: Mapped[str] = mapped_column(sa.String(100))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    president_id: Mapped[int] = mapped_column()
    #: The day the results were posted; the secretary enters them within 5 days (Art. 146(1)).
    results_posted_on: Mapped[date | None]

    year = relationship("SchoolYear", foreign_keys=[year_id])
    president = relationship("User", foreign_keys=[president_id])
    subjects = relationship("ExamSubject", back_populates="session", foreign_keys="ExamSubject.session_id")

    def __str__(self) -> str:
        return self.name


class ExamSubject(TenantMixin, db.Model):
    """One subject examined in a session by two examiners (001 Art. 142(4))."""

    __tablename__ = "exam_subjects"
    __versioned__: dict = {}
    __table_args__ = (
        tenant_key(),
        sa.UniqueConstraint("session_id", "subject_id"),
        tenant_fk("session_id", "exam_sessions"),
        tenant_fk("subject_id", "subjects"),
        tenant_fk("examiner_1_id", "users"),
        tenant_fk("examiner_2_id", "users"),
        sa.CheckConstraint("examiner_1_id <> examiner_2_id", name="two_examiners"),
        sa.CheckConstraint("probe_count BETWEEN 2 AND 3", name="probe_count_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(index=True)
    subject_id: Mapped[int] = mapped_column()
    examiner_1_id: Mapped[int] = mapped_column()
    examiner_2_id: Mapped[int] = mapped_column()
    #: Written + oral, or written + practical (+ oral): 2 or 3 probes (001 Art. 142(1)).
    probe_count: Mapped[int] = mapped_column(default=2)

    session = relationship(ExamSession, back_populates="subjects", foreign_keys=[session_id])
    subject = relationship("Subject", foreign_keys=[subject_id])
    examiner_1 = relationship("User", foreign_keys=[examiner_1_id])
    examiner_2 = relationship("User", foreign_keys=[examiner_2_id])


class ExamCandidate(TenantMixin, db.Model):
    """A student sitting one exam subject: each examiner's probe marks and final mark, the
    president's mediation if needed, the exam average, and its entry into the catalog."""

    __tablename__ = "exam_candidates"
    __versioned__: dict = {}
    __table_args__ = (
        tenant_key(),
        sa.UniqueConstraint("exam_subject_id", "enrolment_id"),
        tenant_fk("exam_subject_id", "exam_subjects"),
        tenant_fk("enrolment_id", "enrolments", extra=(("class_id", "class_id"),)),
        tenant_fk("curriculum_entry_id", "curriculum_entries", extra=(("class_id", "class_id"),)),
        tenant_fk("period_id", "learning_periods"),
        tenant_fk("entered_by_id", "users"),
        sa.CheckConstraint("examiner_1_final IS NULL OR examiner_1_final BETWEEN 1 AND 10", name="final_1_range"),
        sa.CheckConstraint("examiner_2_final IS NULL OR examiner_2_final BETWEEN 1 AND 10", name="final_2_range"),
        sa.CheckConstraint("average IS NULL OR average BETWEEN 1 AND 10", name="average_range"),
        sa.CheckConstraint(
            "examiner_1_calificativ IS NULL OR examiner_1_calificativ IN ('FB', 'B', 'S', 'I')", name="calificativ_1_known"
        ),
        sa.CheckConstraint(
            "examiner_2_calificativ IS NULL OR examiner_2_calificativ IN ('FB', 'B', 'S', 'I')", name="calificativ_2_known"
        ),
        sa.CheckConstraint(
            "final_calificativ IS NULL OR final_calificativ IN ('FB', 'B', 'S', 'I')", name="final_calificativ_known"
        ),
        sa.CheckConstraint("average IS NULL OR final_calificativ IS NULL", name="mark_or_calificativ"),
        #: Examiners more than 1 point apart: no average until the president mediates (Art. 143(4)).
        sa.CheckConstraint(
            "average IS NULL OR mediated OR abs(examiner_1_final - examiner_2_final) <= 1", name="mediation_needed"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    exam_subject_id: Mapped[int] = mapped_column(index=True)
    enrolment_id: Mapped[int] = mapped_column(index=True)
    class_id: Mapped[int] = mapped_column()
    #: The subject of the student's class the exam result goes to.
    curriculum_entry_id: Mapped[int] = mapped_column()
    #: Set when the exam closes a single period (amânat for a semester, difference exam for one
    #: semester): its average becomes that period's average (001 Art. 144(4)).
    period_id: Mapped[int | None] = mapped_column()
    examiner_1_probes: Mapped[list | None] = mapped_column(sa.JSON)
    examiner_2_probes: Mapped[list | None] = mapped_column(sa.JSON)
    examiner_1_final: Mapped[int | None]
    examiner_2_final: Mapped[int | None]
    #: The president recorded mediated final marks.
    mediated: Mapped[bool] = mapped_column(default=False)
    average: Mapped[Decimal | None] = mapped_column(sa.Numeric(4, 2))
    #: Grades I–IV: each examiner's global calificativ after the probes, and the one the two
    #: examiners agree on (001 Art. 143(5), R-EX-07).
    examiner_1_calificativ: Mapped[str | None] = mapped_column(sa.String(2))
    examiner_2_calificativ: Mapped[str | None] = mapped_column(sa.String(2))
    final_calificativ: Mapped[str | None] = mapped_column(sa.String(2))
    passed: Mapped[bool | None]
    #: The secretary wrote the result into the class catalog (001 Art. 146(1)).
    entered_by_id: Mapped[int | None] = mapped_column()
    entered_on: Mapped[date | None]

    exam_subject = relationship(ExamSubject, foreign_keys=[exam_subject_id])
    enrolment = relationship("Enrolment", foreign_keys=[enrolment_id])
    curriculum_entry = relationship("CurriculumEntry", foreign_keys=[curriculum_entry_id])
    period = relationship("LearningPeriod", foreign_keys=[period_id])


class Contestation(TenantMixin, db.Model):
    """A parent's or adult student's request to re-evaluate a written mark (001 Art. 212(22))."""

    __tablename__ = "contestations"
    __versioned__: dict = {}
    __table_args__ = (
        tenant_key(),
        sa.UniqueConstraint("school_id", "reference"),
        tenant_fk("mark_id", "marks"),
        tenant_fk("re_evaluator_1_id", "users"),
        tenant_fk("re_evaluator_2_id", "users"),
        tenant_fk("decided_by_id", "users"),
        sa.CheckConstraint("re_evaluator_1_id <> re_evaluator_2_id", name="two_re_evaluators"),
        sa.CheckConstraint("re_mark_1 IS NULL OR re_mark_1 BETWEEN 1 AND 10", name="re_mark_1_range"),
        sa.CheckConstraint("re_mark_2 IS NULL OR re_mark_2 BETWEEN 1 AND 10", name="re_mark_2_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mark_id: Mapped[int] = mapped_column(index=True)
    #: Registration number of the written request, e.g. "1234/12.03.2026".
    reference: Mapped[str] = mapped_column(sa.String(50))
    filed_on: Mapped[date]
    #: Who filed it (parent or adult student), as written on the request.
    filed_by: Mapped[str] = mapped_column(sa.String(200))
    initial_mark: Mapped[int]
    re_evaluator_1_id: Mapped[int] = mapped_column()
    re_evaluator_2_id: Mapped[int] = mapped_column()
    re_mark_1: Mapped[Decimal | None] = mapped_column(sa.Numeric(4, 2))
    re_mark_2: Mapped[Decimal | None] = mapped_column(sa.Numeric(4, 2))
    #: trunc2 of the two re-evaluators' mean (decisions.md A25).
    re_evaluation: Mapped[Decimal | None] = mapped_column(sa.Numeric(4, 2))
    accepted: Mapped[bool | None]
    #: The mark the director entered after an accepted contestation.
    new_mark: Mapped[int | None]
    decided_by_id: Mapped[int | None] = mapped_column()
    decided_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    mark = relationship("Mark", foreign_keys=[mark_id])


class ReopenRequest(TenantMixin, db.Model):
    """A request to reopen a closed result, with its reason, and the director's decision."""

    __tablename__ = "reopen_requests"
    __versioned__: dict = {}
    __table_args__ = (
        tenant_key(),
        tenant_fk("requested_by_id", "users"),
        tenant_fk("decided_by_id", "users"),
        sa.CheckConstraint(_in("target_kind", REOPEN_TARGETS), name="target_known"),
        sa.CheckConstraint("length(trim(reason)) > 0", name="reason_given"),
        sa.CheckConstraint("(approved IS NULL) = (decided_by_id IS NULL)", name="decision_complete"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: period_average, annual_average, behaviour_mark or year_result.
    target_kind: Mapped[str] = mapped_column(sa.String(20))
    target_id: Mapped[int]
    reason: Mapped[str] = mapped_column(sa.Text)
    requested_by_id: Mapped[int] = mapped_column()
    requested_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utc_now)
    approved: Mapped[bool | None]
    decided_by_id: Mapped[int | None] = mapped_column()
    decided_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    decision_note: Mapped[str | None] = mapped_column(sa.Text)

    requested_by = relationship("User", foreign_keys=[requested_by_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])
