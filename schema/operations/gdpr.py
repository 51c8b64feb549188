"""The data subject's rights that change data (GDPR Art. 16 and 18; rules.md R-GDP-01):
a parent files a rectification request for their own child, the secretary resolves or refuses
it with a note, and the secretary (or the administrator) restricts or frees a student's
processing. Every step is one audited, versioned transaction (docs/gdpr.md)."""

from __future__ import annotations

from schema.db import utc_now
from schema.errors import InvariantViolation, NotFound
from schema.models import RectificationRequest, Student, User, db
from schema.operations.base import audited
from security import policy
from security.access import require_permission, role_names
from security.objects import family_students

FIELD_MAX = 100
TEXT_MAX = 2000


def _text(value: str | None, *, code: str, message_ro: str, limit: int = TEXT_MAX) -> str:
    value = (value or "").strip()
    if not value:
        raise InvariantViolation(code, message_ro, f"{code.replace('_', ' ')}.")
    if len(value) > limit:
        raise InvariantViolation(
            "text_too_long", f"Textul are {len(value)} de caractere; se acceptă cel mult {limit}.", "Text too long."
        )
    return value


def _is_family_of(actor: User, student: Student) -> bool:
    """The actor is a guardian of the student (parent account) or the student themself."""
    return any(child.id == student.id for child in family_students(actor))


def file_rectification_request(
    actor: User, student: Student, *, field: str, description: str, remote_addr: str | None = None
) -> RectificationRequest:
    """A parent (or the student) asks for a correction of the student's personal data."""
    roles = role_names(actor)
    if not (policy.has_permission(roles, policy.READ_OWN_CHILDREN) or policy.has_permission(roles, policy.READ_SELF)) \
            or not _is_family_of(actor, student):
        raise NotFound("not_found", "Elevul nu există.", "No such student.")
    field = _text(field, code="field_required", message_ro="Scrieți ce dată este greșită.", limit=FIELD_MAX)
    description = _text(description, code="description_required",
                        message_ro="Scrieți ce este greșit și cum ar trebui să fie.")
    with audited(actor, f"Cerere de rectificare a datelor personale: {field}", remote_addr):
        request = RectificationRequest(
            school_id=student.school_id,
            student_id=student.id,
            requested_by_id=actor.id,
            field=field,
            description=description,
            state="pending",
        )
        db.session.add(request)
    return request


def resolve_rectification_request(
    actor: User, request: RectificationRequest, *, accept: bool, note: str, remote_addr: str | None = None
) -> RectificationRequest:
    """The secretary marks the request resolved (the record was corrected) or refused, with a note."""
    require_permission(actor, policy.MANAGE_STUDENTS, "Doar secretariatul soluționează cererile de rectificare.")
    if actor.school_id != request.school_id:
        raise NotFound("request_missing", "Cererea nu există.", "No such request.")
    if request.state != "pending":
        raise InvariantViolation(
            "already_decided", "Cererea a fost deja soluționată; decizia nu se mai poate schimba.", "Already decided."
        )
    note = _text(note, code="note_required",
                 message_ro="Scrieți ce s-a corectat sau de ce cererea este respinsă.")
    verdict = "soluționată" if accept else "respinsă"
    with audited(actor, f"Cerere de rectificare {verdict}: {note}", remote_addr):
        request.state = "resolved" if accept else "refused"
        request.resolution_note = note
        request.resolved_by_id = actor.id
        request.resolved_at = utc_now()
    return request


def set_restriction(
    actor: User, student: Student, *, restricted: bool, reason: str, remote_addr: str | None = None
) -> Student:
    """Restrict (or free) the processing of a student's data (GDPR Art. 18); the reason (the
    request's number, the contested data) is kept in the transaction's history."""
    require_permission(actor, policy.MANAGE_STUDENTS,
                       "Doar secretariatul sau administratorul restricționează prelucrarea datelor.")
    if actor.school_id != student.school_id:
        raise NotFound("not_found", "Elevul nu există.", "No such student.")
    reason = _text(reason, code="reason_required", message_ro="Motivul este obligatoriu (de exemplu numărul cererii).")
    if bool(student.is_restricted) == restricted:
        state = "este deja restricționată" if restricted else "nu este restricționată"
        raise InvariantViolation("restriction_unchanged", f"Prelucrarea datelor elevului {state}.", "Nothing to change.")
    verdict = "Restricționarea prelucrării" if restricted else "Ridicarea restricționării"
    with audited(actor, f"{verdict} datelor elevului: {reason}", remote_addr):
        student.is_restricted = restricted
    return student
