"""The director's prior approval of a motivation (001 Art. 102(5), 103; decisions.md "Who may
write what"): the class master files the parent's request (or the sports / olympiad letter), the
director or deputy approves or refuses it once; an approved request is then used by one motivation
(schema.operations.absences.excuse_absences)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from schema.catalog import MOTIVATIONS_NEEDING_APPROVAL
from schema.db import utc_now
from schema.errors import InvariantViolation, NotFound
from schema.models import Enrolment, LearningPeriod, MotivationRequest, User, db
from schema.operations.absences import MOTIVATION_KIND_LABELS, parent_request_hours
from schema.operations.base import audited
from schema.operations.excuse_request_notices import notify_family_of_request
from schema.operations.lookups import period_on
from security import policy
from security.access import require_class_master, require_permission


def _approved_unused_hours(enrolment: Enrolment, period_id: int | None, exclude_id: int | None) -> int:
    """Hours of parent requests already approved for this student and year but not yet used: they
    are promised, so a new request or approval cannot count on them."""
    query = (
        sa.select(sa.func.coalesce(sa.func.sum(MotivationRequest.hours), 0))
        .join(Enrolment, Enrolment.id == MotivationRequest.enrolment_id)
        .where(
            Enrolment.student_id == enrolment.student_id,
            Enrolment.year_id == enrolment.year_id,
            MotivationRequest.kind == "parent_request",
            MotivationRequest.state == "approved",
            MotivationRequest.motivation_id.is_(None),
            MotivationRequest.rejected_by_id.is_(None),
        )
    )
    if exclude_id is not None:
        query = query.where(MotivationRequest.id != exclude_id)
    if period_id is not None:
        period = db.session.get(LearningPeriod, period_id)
        query = query.where(MotivationRequest.covers_from >= period.starts_on, MotivationRequest.covers_from <= period.ends_on)
    return int(db.session.scalar(query) or 0)


def _require_within_parent_limit(enrolment: Enrolment, covers_from: date, hours: int, *,
                                 exclude_id: int | None = None) -> None:
    """A parent request asking for more hours than are left (after the approved, not yet used
    requests) is refused before it reaches the director, and again at approval."""
    period = period_on(enrolment.year_id, covers_from)
    status = parent_request_hours(enrolment, period)
    reserved = _approved_unused_hours(enrolment, period.id if status.scope == "period" else None, exclude_id)
    left = max(0, status.left - reserved)
    if hours > left:
        per = "pe semestru" if status.scope == "period" else "pe an școlar"
        promised = f", {reserved} sunt deja aprobate și nefolosite" if reserved else ""
        raise InvariantViolation(
            "parent_hours_exceeded",
            f"Pe baza cererilor părinților se pot motiva cel mult {status.limit} de ore {per}. În {status.span} "
            f"s-au motivat deja {status.used} ore astfel{promised}; mai rămân {left}, iar cererea este pentru {hours}.",
            f"Parent requests may excuse at most {status.limit} hours; {status.used} used, {reserved} approved "
            f"and unused, {hours} requested.",
        )


def request_motivation_approval(
    actor: User,
    enrolment: Enrolment,
    *,
    kind: str,
    covers_from: date,
    covers_to: date,
    hours: int,
    document_number: str,
    document_date: date,
    remote_addr: str | None = None,
) -> MotivationRequest:
    """The class master asks the director to approve a parent-request, sports or olympiad motivation."""
    require_class_master(actor, enrolment.school_class)
    if kind not in MOTIVATIONS_NEEDING_APPROVAL:
        raise InvariantViolation(
            "approval_not_needed",
            "Doar cererile părinților, competițiile sportive și olimpiadele se aprobă de director.",
            "Only parent requests, sports and olympiads need approval.",
        )
    if covers_to < covers_from:
        raise InvariantViolation("dates_ordered", "Data de sfârșit este înaintea celei de început.", "End before start.")
    if isinstance(hours, bool) or not isinstance(hours, int) or hours < 1:
        raise InvariantViolation("hours_positive", "Numărul de ore trebuie să fie cel puțin 1.", "At least one hour.")
    document_number = (document_number or "").strip()
    if not document_number:
        raise InvariantViolation(
            "document_number_required", "Numărul cererii este obligatoriu.", "The request number is required."
        )
    if kind == "parent_request":
        _require_within_parent_limit(enrolment, covers_from, hours)
    reason = f"Cerere de aprobare: {MOTIVATION_KIND_LABELS[kind]}, {hours} ore"
    with audited(actor, reason, remote_addr):
        request = MotivationRequest(
            school_id=enrolment.school_id,
            enrolment_id=enrolment.id,
            kind=kind,
            covers_from=covers_from,
            covers_to=covers_to,
            hours=hours,
            document_number=document_number,
            document_date=document_date,
            requested_by_id=actor.id,
            state="pending",
        )
        db.session.add(request)
    return request


def decide_motivation_request(
    actor: User, request: MotivationRequest, *, approve: bool, note: str | None = None, remote_addr: str | None = None
) -> MotivationRequest:
    """The director or deputy approves or refuses, once; a parent request over the limit is not approved."""
    require_permission(actor, policy.APPROVE, "Doar directorul sau directorul adjunct aprobă motivarea absențelor.")
    if actor.school_id != request.school_id:
        raise NotFound("request_missing", "Cererea nu există.", "No such request.")
    if request.state != "pending":
        raise InvariantViolation(
            "already_decided", "Cererea a fost deja soluționată; decizia nu se mai poate schimba.", "Already decided."
        )
    if approve and request.kind == "parent_request":
        enrolment = db.session.get(Enrolment, request.enrolment_id)
        _require_within_parent_limit(enrolment, request.covers_from, request.hours, exclude_id=request.id)
    note = (note or "").strip() or None
    reason = f"Motivare {'aprobată' if approve else 'respinsă'} de director" + (f": {note}" if note else "")
    with audited(actor, reason, remote_addr):
        request.state = "approved" if approve else "refused"
        request.decided_by_id = actor.id
        request.decided_at = utc_now()
        request.note = note
        if request.filed_by_family:
            if approve:
                notify_family_of_request(request, "Cererea de motivare a fost aprobată de director",
                                         "directorul a aprobat-o; dirigintele o va analiza.")
            else:
                notify_family_of_request(request, "Cererea de motivare a fost respinsă de director",
                                         "directorul a respins-o." + (f" Motivul: {note}" if note else ""))
    return request
