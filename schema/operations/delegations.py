"""Delegation of rights (000 ¶20; decisions.md A39): a teacher asks that another teacher may write
for one of their assignments, for a time; only the director's approval, recorded once and never
changed, gives the other teacher write access."""

from __future__ import annotations

from datetime import date

from schema.errors import InvariantViolation, NotFound, PermissionDenied
from schema.models import Delegation, DelegationDecision, TeachingAssignment, User, db
from schema.operations.base import audited, require_reason
from security import policy
from security.access import require_permission, role_names
from security.auth import DELEGATION_DECIDED, record_auth_event


def request_delegation(actor: User, assignment: TeachingAssignment, to_teacher: User, *, starts_on: date,
                       ends_on: date, reason: str, remote_addr: str | None = None) -> Delegation:
    """The assignment's teacher asks that `to_teacher` may write for it between two dates."""
    reason = require_reason(reason)
    if assignment.teacher_id != actor.id:
        raise PermissionDenied(
            "not_your_assignment",
            "Delegarea o cere profesorul care are încadrarea respectivă.",
            "Only the assignment's teacher asks for a delegation.",
        )
    if to_teacher.id == actor.id or to_teacher.school_id != actor.school_id or policy.TEACHER not in role_names(to_teacher):
        raise InvariantViolation(
            "delegate_not_teacher",
            "Drepturile se pot delega doar unui alt profesor al școlii.",
            "The delegate must be another teacher of the school.",
        )
    if ends_on < starts_on:
        raise InvariantViolation("dates_ordered", "Data de sfârșit este înaintea celei de început.", "End before start.")
    with audited(actor, reason, remote_addr):
        delegation = Delegation(
            school_id=assignment.school_id, from_teacher_id=actor.id, to_teacher_id=to_teacher.id,
            assignment_id=assignment.id, starts_on=starts_on, ends_on=ends_on, reason=reason,
        )
        db.session.add(delegation)
    return delegation


def decide_delegation(actor: User, delegation: Delegation, *, approve: bool, note: str | None = None,
                      remote_addr: str | None = None) -> DelegationDecision:
    """The director approves or refuses; the decision is recorded once and can never change."""
    require_permission(actor, policy.APPROVE, "Doar directorul sau directorul adjunct aprobă delegarea drepturilor.")
    if actor.school_id != delegation.school_id:
        raise NotFound("delegation_missing", "Delegarea nu există.", "No such delegation.")
    if delegation.decision is not None:
        raise InvariantViolation(
            "already_decided", "Delegarea a fost deja aprobată sau respinsă; decizia nu se mai poate schimba.",
            "The delegation is already decided.",
        )
    reason = f"Delegare {'aprobată' if approve else 'respinsă'} de director" + (f": {note}" if note else "")
    with audited(actor, reason, remote_addr):
        decision = DelegationDecision(
            school_id=delegation.school_id, delegation_id=delegation.id, approved=approve, decided_by_id=actor.id,
            note=note,
        )
        db.session.add(decision)
        # Delegation decisions are auth events too (the auditor's log and the structured log).
        record_auth_event(DELEGATION_DECIDED, user=actor, delegation_id=delegation.id, approved=approve)
    return decision
