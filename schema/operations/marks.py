"""Recording, changing and deleting marks (001 Art. 117-118; 000 ¶18-¶22, ¶26)."""

from __future__ import annotations

from datetime import date

from schema.errors import InvariantViolation
from schema.models import CurriculumEntry, Enrolment, LearningPeriod, Mark, User, db
from schema.operations.base import audited, require_reason
from schema.operations.catalog_notices import notify_new_mark
from schema.operations.lookups import period_on, require_period_open, require_same_class
from schema.rules.late_entry import LATE_ENTRY_REASON, is_late_entry
from security import access
from security.access import require_can_write_marks


def record_mark(
    actor: User,
    enrolment: Enrolment,
    entry: CurriculumEntry,
    *,
    given_on: date,
    value: int | None = None,
    calificativ: str | None = None,
    kind: str = "regular",
    instrument: str = "oral",
    is_fraud: bool = False,
    period: LearningPeriod | None = None,
    remote_addr: str | None = None,
    token_id: int | None = None,
    entered_on: date | None = None,
) -> Mark:
    """A teacher gives a mark (or calificativ) to a student at one of their assignments.

    A mark entered more than a day after `given_on` is an "introducere ulterioară" (after an
    outage, from the paper sheet): the row is flagged `entered_late` and the audit reason says so.
    `entered_on` is the day of entry, today unless a script replays entries made on their day
    (the demo seed).
    """
    require_same_class(enrolment, entry)
    require_can_write_marks(actor, entry, given_on)
    if is_fraud and not (value == 1 or calificativ == "I"):
        raise InvariantViolation(
            "fraud_mark",
            "La fraudă se trece nota 1 (calificativul Insuficient), conform ROFUIP art. 117(1)(d).",
            "Fraud gives the mark 1 (Insuficient).",
        )
    period = period or period_on(enrolment.year_id, given_on)
    require_period_open(enrolment.id, entry.id, period.id)
    entered_late = is_late_entry(given_on, entered_on or access.today())
    with audited(actor, LATE_ENTRY_REASON if entered_late else None, remote_addr, token_id):
        mark = Mark(
            school_id=enrolment.school_id,
            enrolment_id=enrolment.id,
            curriculum_entry_id=entry.id,
            class_id=enrolment.class_id,
            period_id=period.id,
            value=value,
            calificativ=calificativ,
            given_on=given_on,
            kind=kind,
            instrument=instrument,
            is_fraud=is_fraud,
            teacher_id=actor.id,
            entered_late=entered_late,
        )
        db.session.add(mark)
        notify_new_mark(enrolment, entry, mark)
    return mark


def change_mark(actor: User, mark: Mark, *, reason: str, value: int | None = None, calificativ: str | None = None,
                given_on: date | None = None, remote_addr: str | None = None, token_id: int | None = None) -> Mark:
    """Correct a mark; the reason goes into the version history."""
    reason = require_reason(reason)
    require_can_write_marks(actor, mark.curriculum_entry, given_on or mark.given_on)
    require_period_open(mark.enrolment_id, mark.curriculum_entry_id, mark.period_id)
    with audited(actor, reason, remote_addr, token_id):
        if value is not None:
            mark.value = value
        if calificativ is not None:
            mark.calificativ = calificativ
        if given_on is not None:
            mark.given_on = given_on
            mark.period_id = period_on(mark.enrolment.year_id, given_on).id
    return mark


def delete_mark(actor: User, mark: Mark, *, reason: str, remote_addr: str | None = None,
                token_id: int | None = None) -> None:
    """Delete a mark; the row stays in the version history with the reason."""
    reason = require_reason(reason)
    require_can_write_marks(actor, mark.curriculum_entry, mark.given_on)
    require_period_open(mark.enrolment_id, mark.curriculum_entry_id, mark.period_id)
    with audited(actor, reason, remote_addr, token_id):
        db.session.delete(mark)
