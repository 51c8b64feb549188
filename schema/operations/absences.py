"""Recording absences and excusing them (001 Art. 102, 211; decisions.md "Absences")."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from schema.errors import InvariantViolation
from schema.models import Absence, CurriculumEntry, Enrolment, LearningPeriod, Motivation, User, db
from schema.operations.base import audited, require_reason
from schema.operations.lookups import period_on, require_period_open, require_same_class
from schema.catalog import MOTIVATIONS_NEEDING_APPROVAL
from schema.rules import motivation_in_time
from security.access import require_can_write_marks, require_class_master


def record_absence(
    actor: User,
    enrolment: Enrolment,
    entry: CurriculumEntry,
    *,
    occurred_on: date,
    lesson_hour: int,
    period: LearningPeriod | None = None,
    remote_addr: str | None = None,
) -> Absence:
    """The teacher of the lesson records an absence (001 Art. 102(1), 211(2))."""
    require_same_class(enrolment, entry)
    require_can_write_marks(actor, entry, occurred_on)
    period = period or period_on(enrolment.year_id, occurred_on)
    require_period_open(enrolment.id, entry.id, period.id)
    with audited(actor, None, remote_addr):
        absence = Absence(
            school_id=enrolment.school_id,
            enrolment_id=enrolment.id,
            curriculum_entry_id=entry.id,
            class_id=enrolment.class_id,
            period_id=period.id,
            occurred_on=occurred_on,
            lesson_hour=lesson_hour,
            state="unexcused",
            teacher_id=actor.id,
        )
        db.session.add(absence)
    return absence


def excuse_absences(
    actor: User,
    enrolment: Enrolment,
    *,
    kind: str,
    document_number: str,
    document_date: date,
    covers_from: date,
    covers_to: date,
    returned_on: date,
    presented_on: date,
    approved_by: User | None = None,
    remote_addr: str | None = None,
) -> Motivation:
    """The class master excuses the student's unexcused absences between two dates.

    Documents are due within 7 calendar days of the student's return (001 Art. 102(6)-(7));
    parent requests, sports and olympiads need the director's prior approval (Art. 102(5), 103).
    """
    require_class_master(actor, enrolment.school_class)
    if not motivation_in_time(returned_on, presented_on):
        raise InvariantViolation(
            "motivation_late",
            f"Documentul a fost prezentat pe {presented_on:%d.%m.%Y}, la mai mult de 7 zile de la revenirea "
            f"elevului ({returned_on:%d.%m.%Y}); absențele rămân nemotivate (ROFUIP art. 102(7)).",
            "Documents presented more than 7 days after the return; absences stay unexcused.",
        )
    if kind in MOTIVATIONS_NEEDING_APPROVAL and approved_by is None:
        raise InvariantViolation(
            "approval_required",
            "Această motivare necesită aprobarea prealabilă a directorului.",
            "This motivation needs the director's prior approval.",
        )
    absences = db.session.scalars(
        sa.select(Absence).where(
            Absence.enrolment_id == enrolment.id,
            Absence.state == "unexcused",
            Absence.occurred_on >= covers_from,
            Absence.occurred_on <= covers_to,
        )
    ).all()
    if not absences:
        raise InvariantViolation(
            "nothing_to_excuse", "Nu există absențe nemotivate în intervalul ales.", "No unexcused absences in range."
        )
    with audited(actor, "Motivare absențe", remote_addr):
        motivation = Motivation(
            school_id=enrolment.school_id,
            enrolment_id=enrolment.id,
            kind=kind,
            document_number=document_number,
            document_date=document_date,
            covers_from=covers_from,
            covers_to=covers_to,
            returned_on=returned_on,
            presented_on=presented_on,
            hours=len(absences),
            approved_by_id=approved_by.id if approved_by else None,
            recorded_by_id=actor.id,
        )
        db.session.add(motivation)
        for absence in absences:
            absence.state = "excused"
            absence.motivation = motivation
    return motivation


def delete_absence(actor: User, absence: Absence, *, reason: str, remote_addr: str | None = None) -> None:
    """Remove an absence recorded by mistake; the version history keeps it with the reason."""
    reason = require_reason(reason)
    require_can_write_marks(actor, absence.curriculum_entry, absence.occurred_on)
    with audited(actor, reason, remote_addr):
        db.session.delete(absence)
