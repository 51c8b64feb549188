"""Cross-row invariants checked at every flush, whoever writes: operations, Flask-Admin forms,
imports or scripts. SQL CHECK constraints cannot see other rows; these rules need them.

Each refusal is an `InvariantViolation` with a code and a Romanian message.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from schema.catalog import Absence, AnnualAverage, BehaviourMark, Mark, Motivation, PeriodAverage, YearResult
from schema.cnp import birth_date_from_cnp
from schema.db import AUDIT_KEY
from schema.errors import InvariantViolation
from schema.people import Enrolment, Exemption, Student, StudentGuardian
from schema.school import CurriculumEntry, LearningPeriod, SchoolClass, SchoolYear

#: Catalog rows whose modification or deletion needs a reason (decisions.md "Who may write what").
REASON_REQUIRED_ON_CHANGE = (Mark, Absence, Motivation, PeriodAverage, AnnualAverage, BehaviourMark, YearResult)
#: Closed results: locked once closed (rules.md §3.16 design note); only operations that the law
#: allows to change them (reopening approved by the director, exam results, contestations,
#: transfers) unlock a row for their transaction with `schema.operations.base.unlock`.
LOCKED_WHEN_CLOSED = (PeriodAverage, AnnualAverage, BehaviourMark, YearResult)
#: Session.info key: {(class name, id)} of closed rows an operation may change in this transaction.
UNLOCKED_KEY = "catalog_unlocked"


def _get(session: Session, obj: Any, relationship_name: str, cls: type, id_attr: str) -> Any:
    """The related object, from the relationship if set, else by id from the identity map/DB."""
    related = getattr(obj, relationship_name, None)
    if related is not None:
        return related
    ident = getattr(obj, id_attr)
    return session.get(cls, ident) if ident is not None else None


def _fmt(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def check_dated_class_row(session: Session, row: Mark | Absence, day: date) -> None:
    """The row's date lies inside its period, its period belongs to its class's year, and the
    student was enrolled in the class on that day."""
    period = _get(session, row, "period", LearningPeriod, "period_id")
    enrolment = _get(session, row, "enrolment", Enrolment, "enrolment_id")
    if period is None or enrolment is None:
        return  # NOT NULL and foreign keys refuse these
    school_class = _get(session, enrolment, "school_class", SchoolClass, "class_id")
    if school_class is not None and period.year_id != school_class.year_id:
        raise InvariantViolation(
            "period_not_in_year",
            f"Perioada „{period.name}” nu aparține anului școlar al clasei.",
            "The learning period does not belong to the class's school year.",
        )
    if not period.starts_on <= day <= period.ends_on:
        raise InvariantViolation(
            "date_outside_period",
            f"Data {_fmt(day)} nu se află în perioada „{period.name}” "
            f"({_fmt(period.starts_on)}–{_fmt(period.ends_on)}).",
            "The date lies outside the learning period.",
        )
    if day < enrolment.starts_on or (enrolment.ends_on is not None and day > enrolment.ends_on):
        raise InvariantViolation(
            "date_outside_enrolment",
            f"Elevul nu era înscris în clasă la data {_fmt(day)}.",
            "The student was not enrolled in the class on that date.",
        )


def check_thesis_allowed(session: Session, mark: Mark) -> None:
    """A teză only at a subject that has one in that period (001 Art. 118(7))."""
    if mark.kind != "thesis":
        return
    entry = _get(session, mark, "curriculum_entry", CurriculumEntry, "curriculum_entry_id")
    if entry is not None and not entry.has_thesis_in(mark.period_id):
        raise InvariantViolation(
            "thesis_not_in_curriculum",
            "Disciplina nu are teză în această perioadă.",
            "The subject has no thesis in this period.",
        )


def check_period_in_year(session: Session, period: LearningPeriod) -> None:
    """A learning period lies inside its school year."""
    year = _get(session, period, "year", SchoolYear, "year_id")
    if year is not None and not (year.starts_on <= period.starts_on and period.ends_on <= year.ends_on):
        raise InvariantViolation(
            "period_outside_year",
            f"Perioada „{period.name}” depășește anul școlar {year.name}.",
            "The learning period lies outside its school year.",
        )


def _was_closed(year: SchoolYear) -> bool:
    """The year's `is_closed` as committed, before this flush's change (closing is allowed)."""
    history = inspect(year).attrs.is_closed.history
    return bool(history.deleted[0]) if history.deleted else bool(year.is_closed)


def check_closed_year_unchanged(session: Session, obj: SchoolYear | LearningPeriod) -> None:
    """A closed school year keeps its structure: neither the year nor its periods change, and no
    period is added or removed (decisions.md "Periods": past years are read-only)."""
    year = obj if isinstance(obj, SchoolYear) else _get(session, obj, "year", SchoolYear, "year_id")
    if year is not None and year.id is not None and _was_closed(year):
        raise InvariantViolation(
            "year_closed",
            f"Anul școlar {year.name} este închis: structura lui nu mai poate fi modificată.",
            "A closed school year and its periods are read-only.",
        )


def check_student_birth_date(student: Student) -> None:
    encoded = birth_date_from_cnp(student.cnp) if student.cnp else None
    if encoded is not None and student.birth_date != encoded:
        raise InvariantViolation(
            "birth_date_mismatch",
            "Data nașterii nu corespunde CNP-ului.",
            "The birth date does not match the CNP.",
        )


def check_exemption_subject(session: Session, exemption: Exemption) -> None:
    entry = _get(session, exemption, "curriculum_entry", CurriculumEntry, "curriculum_entry_id")
    if entry is None:
        return
    subject = entry.subject
    if exemption.kind == "pe_medical" and not subject.is_physical_education:
        raise InvariantViolation(
            "exemption_not_pe", "Scutirea medicală se dă doar la educație fizică.", "A medical exemption is for PE only."
        )
    if exemption.kind == "religion_opt_out" and not subject.is_religion:
        raise InvariantViolation(
            "exemption_not_religion", "Renunțarea se aplică doar la religie.", "An opt-out applies to Religion only."
        )


def check_closed_row_unlocked(session: Session, obj: Any) -> None:
    """A closed result changes only through an operation that unlocked it."""
    if isinstance(obj, BehaviourMark):
        was_closed = True  # behaviour marks have no state: recorded means closed
    else:
        history = inspect(obj).attrs.state.history
        previous = history.deleted[0] if history.deleted else obj.state
        was_closed = previous == "closed"
    if was_closed and (type(obj).__name__, obj.id) not in session.info.get(UNLOCKED_KEY, set()):
        raise InvariantViolation(
            "closed_locked",
            "Rezultatul este încheiat și nu mai poate fi modificat; redeschiderea se cere directorului, cu motiv.",
            "The result is closed; reopening needs the director's approval.",
        )


def check_reason_given(session: Session, obj: Any, action: str) -> None:
    """Modify and delete of catalog rows carry a non-empty reason in the audit context."""
    reason = (session.info.get(AUDIT_KEY) or {}).get("reason")
    if not reason or not str(reason).strip():
        raise InvariantViolation(
            "reason_required",
            f"Pentru {action} unei înregistrări din catalog este obligatoriu un motiv.",
            f"A reason is required to {'modify' if action == 'modificarea' else 'delete'} a catalog record.",
        )


def _restricted_refusal() -> InvariantViolation:
    return InvariantViolation(
        "student_restricted",
        "Prelucrarea datelor elevului este restricționată (GDPR): fișa lui poate fi doar citită. "
        "Secretariatul ridică restricția înainte de orice modificare.",
        "The student's processing is restricted: the personal record is read-only.",
    )


def check_restricted_student(session: Session, obj: Student | StudentGuardian, *, deleting: bool = False) -> None:
    """A student whose processing is restricted (GDPR Art. 18) keeps a read-only personal record:
    neither the student row nor the links to guardians change, except lifting the restriction
    itself (docs/gdpr.md). Catalog rows are not refused: keeping the catalog is a legal duty."""
    if isinstance(obj, Student):
        history = inspect(obj).attrs.is_restricted.history
        was_restricted = bool(history.deleted[0]) if history.deleted else bool(obj.is_restricted)
        if not was_restricted or obj in session.new:
            return
        columns = {prop.key for prop in inspect(Student).column_attrs} - {"is_restricted"}
        changed = [attr.key for attr in inspect(obj).attrs if attr.key in columns and attr.history.has_changes()]
        if deleting or changed:
            raise _restricted_refusal()
        return
    student = _get(session, obj, "student", Student, "student_id")
    if student is not None and student.is_restricted:
        raise _restricted_refusal()


@event.listens_for(Session, "before_flush")
def validate_before_flush(session: Session, _flush_context: Any, _instances: Any) -> None:
    with session.no_autoflush:
        for obj in list(session.new) + list(session.dirty):
            if isinstance(obj, Mark):
                check_dated_class_row(session, obj, obj.given_on)
                check_thesis_allowed(session, obj)
            elif isinstance(obj, Absence):
                check_dated_class_row(session, obj, obj.occurred_on)
            elif isinstance(obj, LearningPeriod):
                check_period_in_year(session, obj)
                if obj in session.new or session.is_modified(obj, include_collections=False):
                    check_closed_year_unchanged(session, obj)
            elif isinstance(obj, Student):
                check_student_birth_date(obj)
                check_restricted_student(session, obj)
            elif isinstance(obj, StudentGuardian):
                check_restricted_student(session, obj)
            elif isinstance(obj, Exemption):
                check_exemption_subject(session, obj)
        for obj in session.dirty:
            if isinstance(obj, SchoolYear) and session.is_modified(obj, include_collections=False):
                check_closed_year_unchanged(session, obj)
            if isinstance(obj, REASON_REQUIRED_ON_CHANGE) and session.is_modified(obj, include_collections=False):
                check_reason_given(session, obj, "modificarea")
                if isinstance(obj, LOCKED_WHEN_CLOSED):
                    check_closed_row_unlocked(session, obj)
        for obj in session.deleted:
            if isinstance(obj, (Student, StudentGuardian)):
                check_restricted_student(session, obj, deleting=True)
            if isinstance(obj, (SchoolYear, LearningPeriod)):
                check_closed_year_unchanged(session, obj)
            if isinstance(obj, REASON_REQUIRED_ON_CHANGE):
                check_reason_given(session, obj, "ștergerea")
            if isinstance(obj, LOCKED_WHEN_CLOSED):
                check_closed_row_unlocked(session, obj)
