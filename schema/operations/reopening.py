"""Reopening closed results: the entitled teacher or class master asks, with a reason; the
director decides. Both steps are versioned (rules.md §3.16 design note; decisions.md A3)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from schema.db import utc_now
from schema.errors import InvariantViolation, NotFound
from schema.models import AnnualAverage, BehaviourMark, PeriodAverage, ReopenRequest, User, YearResult, db
from schema.operations.base import audited, require_reason, unlock
from security import policy
from security.access import require_can_write_marks, require_class_master, require_permission

TARGET_MODELS: dict[str, type] = {
    "period_average": PeriodAverage,
    "annual_average": AnnualAverage,
    "behaviour_mark": BehaviourMark,
    "year_result": YearResult,
}


def _target_kind(row: object) -> str:
    for kind, model in TARGET_MODELS.items():
        if isinstance(row, model):
            return kind
    raise TypeError(f"{type(row).__name__} cannot be reopened")


def _require_entitled(actor: User, row: object) -> None:
    """Averages: the subject's teacher; behaviour and year results: the class master."""
    if isinstance(row, (PeriodAverage, AnnualAverage)):
        require_can_write_marks(actor, row.curriculum_entry, date.today())
    else:
        require_class_master(actor, row.enrolment.school_class)


def target_of(request: ReopenRequest) -> object:
    row = db.session.get(TARGET_MODELS[request.target_kind], request.target_id)
    if row is None or row.school_id != request.school_id:
        raise NotFound("target_missing", "Rezultatul nu mai există.", "The result no longer exists.")
    return row


def request_reopen(actor: User, row: object, *, reason: str, remote_addr: str | None = None) -> ReopenRequest:
    """Ask the director to reopen a closed average, behaviour mark or year result."""
    reason = require_reason(reason)
    _require_entitled(actor, row)
    kind = _target_kind(row)
    if getattr(row, "state", "closed") != "closed":
        raise InvariantViolation("not_closed", "Rezultatul nu este încheiat.", "The result is not closed.")
    pending = db.session.scalar(
        sa.select(ReopenRequest.id).where(
            ReopenRequest.target_kind == kind, ReopenRequest.target_id == row.id, ReopenRequest.approved.is_(None)
        )
    )
    if pending is not None:
        raise InvariantViolation(
            "request_pending", "Există deja o cerere de redeschidere în așteptare.", "A request is already pending."
        )
    with audited(actor, reason, remote_addr):
        request = ReopenRequest(
            school_id=row.school_id, target_kind=kind, target_id=row.id, reason=reason, requested_by_id=actor.id
        )
        db.session.add(request)
    return request


def decide_reopen(actor: User, request: ReopenRequest, *, approve: bool, note: str | None = None,
                  remote_addr: str | None = None) -> ReopenRequest:
    """The director approves (the result becomes editable again) or refuses the request."""
    require_permission(actor, policy.APPROVE, "Doar directorul sau directorul adjunct aprobă redeschiderea.")
    if actor.school_id != request.school_id:
        raise NotFound("request_missing", "Cererea nu există.", "No such request.")
    if request.approved is not None:
        raise InvariantViolation("already_decided", "Cererea a fost deja soluționată.", "Already decided.")
    row = target_of(request)
    decision_reason = f"Redeschidere {'aprobată' if approve else 'respinsă'}: {request.reason}"
    with audited(actor, decision_reason, remote_addr):
        request.approved = approve
        request.decided_by_id = actor.id
        request.decided_at = utc_now()
        request.decision_note = note
        if approve:
            unlock(row)
            if isinstance(row, BehaviourMark):
                db.session.delete(row)  # set again by the class master; the history keeps it
            else:
                row.state = "reopened"
    return request
