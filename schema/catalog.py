"""The catalog itself: marks, absences, motivations, closed averages, behaviour, year results.

Composite foreign keys make the database prove what the law assumes: a mark's enrolment and its
curriculum entry belong to the same class, so a student can only get marks at subjects their
class studies. Cross-row rules that SQL CHECKs cannot express (a date inside its period, a
thesis only where the curriculum has one) are checked at flush by schema/invariants.py.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from schema.db import db, utc_now
from schema.errors import InvariantViolation
from schema.school import _in
from schema.tenancy import TenantMixin, tenant_fk, tenant_key

CALIFICATIVE = ("FB", "B", "S", "I")
MARK_KINDS = ("regular", "thesis", "exam", "contestation")
INSTRUMENTS = ("oral", "written", "test", "practical", "project", "portfolio", "report", "other")
ABSENCE_STATES = ("unexcused", "excused", "late")
MOTIVATION_KINDS = ("medical", "parent_request", "sports", "olympiad", "representative")
#: Motivations the director approves beforehand (001 Art. 102(5), 103).
MOTIVATIONS_NEEDING_APPROVAL = ("parent_request", "sports", "olympiad")
CLOSING_STATES = ("closed", "reopened")
AVERAGE_SOURCES = ("computed", "exam", "transfer", "difference_exam", "contestation")
YEAR_STATUSES = ("promovat", "corigent", "repetent", "amanat")

_ONE_RESULT = "(value IS NULL) <> (calificativ IS NULL)"
_CALIFICATIV_KNOWN = f"calificativ IS NULL OR {_in('calificativ', CALIFICATIVE)}"


class ClassRowMixin(TenantMixin):
    """A catalog row of one student (enrolment) at one subject (curriculum entry) of a class."""

    enrolment_id: Mapped[int] = mapped_column(index=True)
    curriculum_entry_id: Mapped[int] = mapped_column(index=True)
    #: Copied from the enrolment so the two composite keys can prove they share the class.
    class_id: Mapped[int] = mapped_column()


def _class_row_keys() -> tuple[sa.ForeignKeyConstraint, sa.ForeignKeyConstraint]:
    return (
        tenant_fk("enrolment_id", "enrolments", extra=(("class_id", "class_id"),)),
        tenant_fk("curriculum_entry_id", "curriculum_entries", extra=(("class_id", "class_id"),)),
    )


class Mark(ClassRowMixin, db.Model):
    """A mark 1–10 or a calificativ with its date (001 Art. 117(2)): "Nota/data"."""

    __tablename__ = "marks"
    __versioned__: dict = {}
    __table_args__ = (
        tenant_key(),
        *_class_row_keys(),
        tenant_fk("period_id", "learning_periods"),
        tenant_fk("teacher_id", "users"),
        sa.CheckConstraint(_ONE_RESULT, name="one_result"),
        sa.CheckConstraint("value IS NULL OR value BETWEEN 1 AND 10", name="value_range"),
        sa.CheckConstraint(_CALIFICATIV_KNOWN, name="calificativ_known"),
        sa.CheckConstraint(_in("kind", MARK_KINDS), name="kind_known"),
        sa.CheckConstraint(_in("instrument", INSTRUMENTS), name="instrument_known"),
        #: Fraud at a written evaluation gives 1 or Insuficient (001 Art. 117(1)(d)).
        sa.CheckConstraint("NOT is_fraud OR COALESCE(value, 0) = 1 OR COALESCE(calificativ, '') = 'I'", name="fraud_is_lowest"),
        sa.Index(
            "uq_marks_one_thesis_per_period",
            "enrolment_id",
            "curriculum_entry_id",
            "period_id",
            unique=True,
            sqlite_where=sa.text("kind = 'thesis'"),
            postgresql_where=sa.text("kind = 'thesis'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(index=True)
    #: Whole mark 1–10 (secondary); NULL when a calificativ is given instead.
    value: Mapped[int | None]
    #: FB, B, S or I (grades I–IV).
    calificativ: Mapped[str | None] = mapped_column(sa.String(2))
    given_on: Mapped[date]
    #: regular, thesis (teză), exam or contestation.
    kind: Mapped[str] = mapped_column(sa.String(12), default="regular")
    #: Evaluation instrument (001 Art. 115(1)).
    instrument: Mapped[str] = mapped_column(sa.String(12), default="oral")
    is_fraud: Mapped[bool] = mapped_column(default=False)
    #: The teacher who gave the mark.
    teacher_id: Mapped[int] = mapped_column()
    #: Entered after an outage from a paper sheet ("introducere ulterioară"): more than a day after
    #: the lesson date (schema/rules/late_entry.py).
    entered_late: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utc_now)

    enrolment = relationship("Enrolment", foreign_keys="Mark.enrolment_id")
    curriculum_entry = relationship("CurriculumEntry", foreign_keys="Mark.curriculum_entry_id")
    period = relationship("LearningPeriod", foreign_keys=[period_id])
    teacher = relationship("User", foreign_keys=[teacher_id])

    @validates("value")
    def _validate_value(self, _key: str, value: int | None) -> int | None:
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 10):
            raise InvariantViolation(
                "value_out_of_range",
                f"Nota {value!r} nu este validă: se dau note întregi de la 1 la 10.",
                "A mark must be a whole number from 1 to 10.",
            )
        return value

    @validates("calificativ")
    def _validate_calificativ(self, _key: str, value: str | None) -> str | None:
        if value is not None and value not in CALIFICATIVE:
            raise InvariantViolation(
                "calificativ_unknown",
                f"Calificativul {value!r} nu există: FB, B, S sau I.",
                "Unknown calificativ.",
            )
        return value

    @property
    def display(self) -> str:
        return str(self.value) if self.value is not None else str(self.calificativ)

    def __str__(self) -> str:
        return f"{self.display}/{self.given_on:%d.%m}"


class Motivation(TenantMixin, db.Model):
    """An excuse for absences: the document, the days it covers, and the director's approval
    where the law asks for one (001 Art. 102, 103, 211)."""

    __tablename__ = "motivations"
    __versioned__: dict = {}
    __table_args__ = (
        tenant_key(),
        sa.UniqueConstraint("school_id", "id", "enrolment_id"),
        tenant_fk("enrolment_id", "enrolments"),
        tenant_fk("approved_by_id", "users"),
        tenant_fk("recorded_by_id", "users"),
        sa.CheckConstraint(_in("kind", MOTIVATION_KINDS), name="kind_known"),
        sa.CheckConstraint("covers_from <= covers_to", name="dates_ordered"),
        sa.CheckConstraint("hours >= 1", name="hours_positive"),
        sa.CheckConstraint(
            f"kind NOT IN ({', '.join(repr(k) for k in MOTIVATIONS_NEEDING_APPROVAL)}) OR approved_by_id IS NOT NULL",
            name="approval_required",
        ),
        sa.CheckConstraint("presented_on >= covers_to", name="no_excuse_in_advance"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(index=True)
    #: medical, parent_request, sports, olympiad or representative.
    kind: Mapped[str] = mapped_column(sa.String(20))
    document_number: Mapped[str] = mapped_column(sa.String(50))
    document_date: Mapped[date]
    covers_from: Mapped[date]
    covers_to: Mapped[date]
    #: The day the student came back; documents are due within 7 days (001 Art. 102(6)).
    returned_on: Mapped[date]
    presented_on: Mapped[date]
    #: Lesson hours excused by this motivation (parent requests count against their limit).
    hours: Mapped[int]
    approved_by_id: Mapped[int | None] = mapped_column()
    approved_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    #: The class master who excused the absences.
    recorded_by_id: Mapped[int] = mapped_column()

    enrolment = relationship("Enrolment", foreign_keys=[enrolment_id])
    approved_by = relationship("User", foreign_keys=[approved_by_id])
    recorded_by = relationship("User", foreign_keys=[recorded_by_id])

    def __str__(self) -> str:
        return f"{self.kind} {self.document_number} ({self.covers_from:%d.%m}–{self.covers_to:%d.%m})"


class Absence(ClassRowMixin, db.Model):
    """An absence at one lesson hour; "late" is the teacher's "î" for a late arrival."""

    __tablename__ = "absences"
    __versioned__: dict = {}
    __table_args__ = (
        tenant_key(),
        *_class_row_keys(),
        tenant_fk("period_id", "learning_periods"),
        tenant_fk("teacher_id", "users"),
        #: The motivation must excuse this same student's absences.
        tenant_fk("motivation_id", "motivations", extra=(("enrolment_id", "enrolment_id"),)),
        sa.UniqueConstraint("enrolment_id", "occurred_on", "lesson_hour"),
        sa.CheckConstraint("lesson_hour BETWEEN 0 AND 14", name="lesson_hour_range"),
        sa.CheckConstraint(_in("state", ABSENCE_STATES), name="state_known"),
        sa.CheckConstraint("(state = 'excused') = (motivation_id IS NOT NULL)", name="excused_has_motivation"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(index=True)
    occurred_on: Mapped[date]
    #: 1 for the first lesson of the day (0 for a "zero hour").
    lesson_hour: Mapped[int]
    #: unexcused, excused (by a motivation) or late ("î", excused by the subject teacher).
    state: Mapped[str] = mapped_column(sa.String(10), default="unexcused")
    motivation_id: Mapped[int | None] = mapped_column(index=True)
    teacher_id: Mapped[int] = mapped_column()
    #: "Introducere ulterioară": entered more than a day after `occurred_on` (schema/rules/late_entry.py).
    entered_late: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utc_now)

    enrolment = relationship("Enrolment", foreign_keys="Absence.enrolment_id")
    curriculum_entry = relationship("CurriculumEntry", foreign_keys="Absence.curriculum_entry_id")
    period = relationship("LearningPeriod", foreign_keys=[period_id])
    motivation = relationship(Motivation, foreign_keys=[motivation_id])
    teacher = relationship("User", foreign_keys=[teacher_id])

    def __str__(self) -> str:
        suffix = " î" if self.state == "late" else (" (m)" if self.state == "excused" else "")
        return f"{self.occurred_on:%d.%m} ora {self.lesson_hour}{suffix}"


class ClosedResultMixin:
    """What every closed average records: the rule-set, its inputs, who closed it and when."""

    ruleset: Mapped[str] = mapped_column(sa.String(20))
    ruleset_version: Mapped[str] = mapped_column(sa.String(20))
    #: The inputs the computation used (marks, thesis, exemptions), as JSON.
    inputs: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    #: closed, or reopened after an approved request.
    state: Mapped[str] = mapped_column(sa.String(10), default="closed")
    closed_by_id: Mapped[int] = mapped_column()
    closed_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utc_now)
    #: Why it was closed this way (below the minimum of marks, different from the proposal...).
    reason: Mapped[str | None] = mapped_column(sa.Text)


class PeriodAverage(ClosedResultMixin, ClassRowMixin, db.Model):
    """A closed semester/trimester/module average at one subject (001 Art. 120(2)-(4), 121)."""

    __tablename__ = "period_averages"
    __versioned__: dict = {}
    __table_args__ = (
        tenant_key(),
        *_class_row_keys(),
        tenant_fk("period_id", "learning_periods"),
        tenant_fk("closed_by_id", "users"),
        sa.UniqueConstraint("enrolment_id", "curriculum_entry_id", "period_id"),
        sa.CheckConstraint(_ONE_RESULT, name="one_result"),
        sa.CheckConstraint("value IS NULL OR value BETWEEN 1 AND 10", name="value_range"),
        sa.CheckConstraint(_CALIFICATIV_KNOWN, name="calificativ_known"),
        sa.CheckConstraint(_in("state", CLOSING_STATES), name="state_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(index=True)
    value: Mapped[int | None]
    calificativ: Mapped[str | None] = mapped_column(sa.String(2))

    enrolment = relationship("Enrolment", foreign_keys="PeriodAverage.enrolment_id")
    curriculum_entry = relationship("CurriculumEntry", foreign_keys="PeriodAverage.curriculum_entry_id")
    period = relationship("LearningPeriod", foreign_keys=[period_id])


class AnnualAverage(ClosedResultMixin, ClassRowMixin, db.Model):
    """A closed annual average at one subject: 2 exact decimals (001 Art. 120(5), 144(3))."""

    __tablename__ = "annual_averages"
    __versioned__: dict = {}
    __table_args__ = (
        tenant_key(),
        *_class_row_keys(),
        tenant_fk("closed_by_id", "users"),
        sa.UniqueConstraint("enrolment_id", "curriculum_entry_id"),
        sa.CheckConstraint(_ONE_RESULT, name="one_result"),
        sa.CheckConstraint("value IS NULL OR value BETWEEN 1 AND 10", name="value_range"),
        sa.CheckConstraint(_CALIFICATIV_KNOWN, name="calificativ_known"),
        sa.CheckConstraint(_in("state", CLOSING_STATES), name="state_known"),
        sa.CheckConstraint(_in("source", AVERAGE_SOURCES), name="source_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[Decimal | None] = mapped_column(sa.Numeric(4, 2))
    calificativ: Mapped[str | None] = mapped_column(sa.String(2))
    #: computed from the periods, or an exam / transfer / contestation result.
    source: Mapped[str] = mapped_column(sa.String(20), default="computed")

    enrolment = relationship("Enrolment", foreign_keys="AnnualAverage.enrolment_id")
    curriculum_entry = relationship("CurriculumEntry", foreign_keys="AnnualAverage.curriculum_entry_id")


class BehaviourMark(TenantMixin, db.Model):
    """Purtare: the behaviour mark of a period, proposed from absences and set by the diriginte."""

    __tablename__ = "behaviour_marks"
    __versioned__: dict = {}
    __table_args__ = (
        tenant_key(),
        tenant_fk("enrolment_id", "enrolments"),
        tenant_fk("period_id", "learning_periods"),
        tenant_fk("set_by_id", "users"),
        sa.UniqueConstraint("enrolment_id", "period_id"),
        sa.CheckConstraint(_ONE_RESULT, name="one_result"),
        sa.CheckConstraint("value IS NULL OR value BETWEEN 1 AND 10", name="value_range"),
        sa.CheckConstraint("proposal IS NULL OR proposal BETWEEN 1 AND 10", name="proposal_range"),
        sa.CheckConstraint(_CALIFICATIV_KNOWN, name="calificativ_known"),
        #: A final mark different from the proposal needs a reason (decisions.md "Behaviour").
        sa.CheckConstraint(
            "proposal IS NULL OR value IS NULL OR value = proposal OR (reason IS NOT NULL AND reason <> '')",
            name="reason_when_not_proposal",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(index=True)
    period_id: Mapped[int] = mapped_column()
    #: 10 minus the absence reduction (schema.rules.behaviour_proposal).
    proposal: Mapped[int | None]
    value: Mapped[int | None]
    calificativ: Mapped[str | None] = mapped_column(sa.String(2))
    reason: Mapped[str | None] = mapped_column(sa.Text)
    #: Below 7.00 (8.00 for strict profiles): the teachers' council validates (001 Art. 58(h)).
    needs_council_validation: Mapped[bool] = mapped_column(default=False)
    set_by_id: Mapped[int] = mapped_column()
    set_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utc_now)

    enrolment = relationship("Enrolment", foreign_keys=[enrolment_id])
    period = relationship("LearningPeriod", foreign_keys=[period_id])


class YearResult(TenantMixin, db.Model):
    """The closed school situation of a student for a year: status and general average."""

    __tablename__ = "year_results"
    __versioned__: dict = {}
    __table_args__ = (
        tenant_key(),
        tenant_fk("enrolment_id", "enrolments"),
        tenant_fk("closed_by_id", "users"),
        sa.UniqueConstraint("enrolment_id"),
        sa.CheckConstraint(_in("status", YEAR_STATUSES), name="status_known"),
        sa.CheckConstraint(_in("state", CLOSING_STATES), name="state_known"),
        sa.CheckConstraint(
            "general_average IS NULL OR general_average BETWEEN 1 AND 10", name="general_average_range"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column()
    #: promovat, corigent, repetent or amanat (amânat).
    status: Mapped[str] = mapped_column(sa.String(10))
    general_average: Mapped[Decimal | None] = mapped_column(sa.Numeric(4, 2))
    behaviour_average: Mapped[Decimal | None] = mapped_column(sa.Numeric(4, 2))
    behaviour_calificativ: Mapped[str | None] = mapped_column(sa.String(2))
    #: Failed or deferred subjects, repetent reason and other details, as JSON.
    details: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    ruleset: Mapped[str] = mapped_column(sa.String(20))
    ruleset_version: Mapped[str] = mapped_column(sa.String(20))
    state: Mapped[str] = mapped_column(sa.String(10), default="closed")
    closed_by_id: Mapped[int] = mapped_column()
    closed_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utc_now)

    enrolment = relationship("Enrolment", foreign_keys=[enrolment_id])
