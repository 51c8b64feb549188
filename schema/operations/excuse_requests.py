"""Online excuse requests (issue 8 part 5; rules.md R-MOT-05, R-MOT-11; decisions.md "Absences").

A parent, or an adult student, asks online to excuse past unexcused absences, with a reason and an
optional attachment. The request is a `MotivationRequest` with `filed_by_family`, so it goes through
the same director approval as a request the class master files (decide_motivation_request). Once
approved, the class master accepts it, which runs `excuse_absences(kind="parent_request")` with the
approval and every limit of the rule-set, or rejects it with a reason. The family is notified of each
decision (kind "excuse_request").

The document of the motivation is the online request itself: number "Cerere online nr. {id}", date
the day it was submitted. The 7-day rule (001 Art. 102(6)-(7)) is applied to the submission: the
document counts as presented on the submission day, and the student as returned on the first
weekday after the last absent day (`online_request_dates`). A request filed more than 7 days after
that return is refused at submission, and the class master's acceptance uses the same two dates, so
the time the request waits for the director and the class master never makes it late.
"""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from schema.db import utc_now
from schema.errors import InvariantViolation, NotFound, PermissionDenied
from schema.models import (
    Absence,
    Enrolment,
    Guardian,
    Motivation,
    MotivationRequest,
    SchoolYear,
    Student,
    StudentGuardian,
    User,
    db,
)
from schema.operations.absences import excuse_absences
from schema.operations.attachments import store_attachment
from schema.operations.base import audited, require_reason
from schema.operations.excuse_request_notices import notify_family_of_request
from schema.operations.motivation_requests import _require_within_parent_limit
from schema.rules import motivation_in_time
from security import access
from security.access import require_class_master
from security.auth import is_minor

#: What the family sees (MotivationRequest.family_state).
FAMILY_STATE_LABELS = {
    "pending": "în așteptare",
    "approved": "aprobată de director",
    "accepted": "acceptată",
    "refused": "respinsă de director",
    "rejected": "respinsă de diriginte",
}


def is_guardian_of(user: User, student: Student) -> bool:
    return (
        db.session.scalar(
            sa.select(sa.func.count(StudentGuardian.id))
            .join(Guardian, Guardian.id == StudentGuardian.guardian_id)
            .where(StudentGuardian.student_id == student.id, Guardian.user_id == user.id)
        )
        > 0
    )


def require_may_file_for(user: User, student: Student) -> None:
    """A guardian of the student, or the student themself when of age (R-MOT-05: "the adult
    student"); a minor student's requests are filed by the parent. Anyone else: the student is missing."""
    if user.school_id != student.school_id or not user.active:
        raise NotFound("student_missing", "Elevul nu există.", "No such student.")
    if is_guardian_of(user, student):
        return
    if student.user_id is not None and student.user_id == user.id:
        if is_minor(student, access.today()):
            raise PermissionDenied(
                "minor_student",
                "Elevii minori nu pot depune cereri de motivare; cererea o depune părintele sau tutorele.",
                "A minor student may not file an excuse request.",
            )
        return
    raise NotFound("student_missing", "Elevul nu există.", "No such student.")


def current_enrolment(student: Student) -> Enrolment:
    """The student's active enrolment in the school year containing today."""
    day = access.today()
    enrolment = db.session.scalar(
        sa.select(Enrolment)
        .join(SchoolYear, SchoolYear.id == Enrolment.year_id)
        .where(
            Enrolment.student_id == student.id,
            Enrolment.status == "active",
            SchoolYear.starts_on <= day,
            SchoolYear.ends_on >= day,
        )
    )
    if enrolment is None:
        raise InvariantViolation(
            "not_enrolled", "Elevul nu este înscris într-o clasă în acest an școlar.", "The student is not enrolled."
        )
    return enrolment


def returned_on_after(last_absent_day: date) -> date:
    """The first weekday after the last absent day: when the student is taken to be back at school."""
    day = last_absent_day + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def online_request_dates(request: MotivationRequest) -> tuple[date, date]:
    """(returned_on, presented_on) of the motivation made from an online request (see module doc)."""
    return returned_on_after(request.covers_to), request.document_date


def unexcused_absences(enrolment: Enrolment, covers_from: date, covers_to: date) -> list[Absence]:
    return list(
        db.session.scalars(
            sa.select(Absence)
            .where(
                Absence.enrolment_id == enrolment.id,
                Absence.state == "unexcused",
                Absence.occurred_on >= covers_from,
                Absence.occurred_on <= covers_to,
            )
            .order_by(Absence.occurred_on, Absence.lesson_hour)
        )
    )


def _require_no_open_request(enrolment: Enrolment, covers_from: date, covers_to: date) -> None:
    """One open request per absence: a pending or approved, unused and not rejected request
    overlapping the dates is answered first."""
    overlapping = db.session.scalar(
        sa.select(MotivationRequest.id)
        .where(
            MotivationRequest.enrolment_id == enrolment.id,
            MotivationRequest.kind == "parent_request",
            MotivationRequest.state.in_(("pending", "approved")),
            MotivationRequest.motivation_id.is_(None),
            MotivationRequest.rejected_by_id.is_(None),
            MotivationRequest.covers_from <= covers_to,
            MotivationRequest.covers_to >= covers_from,
        )
        .limit(1)
    )
    if overlapping is not None:
        raise InvariantViolation(
            "request_open",
            "Există deja o cerere de motivare în lucru pentru aceste zile; așteptați răspunsul ei.",
            "An open request already covers these days.",
        )


def submit_excuse_request(
    actor: User,
    student: Student,
    *,
    covers_from: date,
    covers_to: date,
    reason: str,
    attachment: tuple[str, bytes] | None = None,
    remote_addr: str | None = None,
) -> MotivationRequest:
    """A parent (or the adult student) asks to excuse the unexcused absences between two past dates."""
    require_may_file_for(actor, student)
    enrolment = current_enrolment(student)
    day = access.today()
    if covers_to < covers_from:
        raise InvariantViolation(
            "dates_ordered", "Data de sfârșit este înaintea celei de început.", "End before start."
        )
    if covers_to > day:
        raise InvariantViolation(
            "excuse_in_advance",
            "Nu se pot motiva absențe în avans: alegeți zile care au trecut (ROFUIP, 004 pt. 41).",
            "Absences cannot be excused in advance.",
        )
    reason = (reason or "").strip()
    if not reason:
        raise InvariantViolation(
            "reason_required", "Scrieți motivul absențelor.", "The reason for the absences is required."
        )
    absences = unexcused_absences(enrolment, covers_from, covers_to)
    if not absences:
        raise InvariantViolation(
            "nothing_to_excuse", "Nu există absențe nemotivate în intervalul ales.", "No unexcused absences in range."
        )
    returned_on = returned_on_after(covers_to)
    if not motivation_in_time(returned_on, day):
        raise InvariantViolation(
            "motivation_late",
            f"Cererea se depune în cel mult 7 zile de la revenirea elevului la școală ({returned_on:%d.%m.%Y}); "
            "pentru aceste absențe termenul a trecut (ROFUIP art. 102(6)–(7)).",
            "More than 7 days after the student's return.",
        )
    _require_no_open_request(enrolment, covers_from, covers_to)
    _require_within_parent_limit(enrolment, covers_from, len(absences))
    with audited(actor, f"Cerere online de motivare, {len(absences)} ore", remote_addr):
        stored = store_attachment(actor, attachment[0], attachment[1]) if attachment else None
        if stored is not None:
            db.session.flush()
        request = MotivationRequest(
            school_id=enrolment.school_id,
            enrolment_id=enrolment.id,
            kind="parent_request",
            covers_from=covers_from,
            covers_to=covers_to,
            hours=len(absences),
            document_number="Cerere online",
            document_date=day,
            requested_by_id=actor.id,
            state="pending",
            filed_by_family=True,
            reason=reason,
            attachment_id=stored.id if stored else None,
        )
        db.session.add(request)
        db.session.flush()
        request.document_number = f"Cerere online nr. {request.id}"
    return request


def _require_waiting_for_class_master(request: MotivationRequest) -> None:
    if not request.filed_by_family:
        raise NotFound("request_missing", "Cererea nu există.", "No such online request.")
    if request.family_state != "approved":
        raise InvariantViolation(
            "request_not_approved",
            "Cererea nu așteaptă decizia dirigintelui: fie nu a fost încă aprobată de director, fie a fost deja "
            "soluționată.",
            "The request is not waiting for the class master.",
        )


def accept_excuse_request(actor: User, request: MotivationRequest, *, remote_addr: str | None = None) -> Motivation:
    """The class master accepts an approved online request: its absences are excused as a parent
    request, with every limit of the rule-set (excuse_absences); nothing is saved if one fails."""
    enrolment = db.session.get(Enrolment, request.enrolment_id)
    if enrolment is None or enrolment.school_id != actor.school_id:
        raise NotFound("request_missing", "Cererea nu există.", "No such request.")
    require_class_master(actor, enrolment.school_class)
    _require_waiting_for_class_master(request)
    returned_on, presented_on = online_request_dates(request)
    # excuse_absences queues the family's notice in its own transaction (approval.filed_by_family).
    return excuse_absences(
        actor,
        enrolment,
        kind="parent_request",
        document_number=request.document_number,
        document_date=request.document_date,
        covers_from=request.covers_from,
        covers_to=request.covers_to,
        returned_on=returned_on,
        presented_on=presented_on,
        approval=request,
        remote_addr=remote_addr,
    )


def reject_excuse_request(
    actor: User, request: MotivationRequest, *, reason: str, remote_addr: str | None = None
) -> MotivationRequest:
    """The class master rejects an approved online request, with a reason the family reads."""
    enrolment = db.session.get(Enrolment, request.enrolment_id)
    if enrolment is None or enrolment.school_id != actor.school_id:
        raise NotFound("request_missing", "Cererea nu există.", "No such request.")
    require_class_master(actor, enrolment.school_class)
    _require_waiting_for_class_master(request)
    reason = require_reason(reason)
    with audited(actor, f"Cerere online de motivare respinsă: {reason}", remote_addr):
        request.rejected_by_id = actor.id
        request.rejected_at = utc_now()
        request.rejection_reason = reason
        notify_family_of_request(
            request, "Cererea de motivare a fost respinsă de diriginte", f"dirigintele a respins-o. Motivul: {reason}"
        )
    return request
