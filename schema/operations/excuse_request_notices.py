"""What the family is told about an online excuse request (schema/operations/excuse_requests.py).

Kept apart from the operations so that the director's decision (motivation_requests.py) and the
class master's motivation (absences.py) can queue the notice inside their own transaction without
an import cycle.
"""

from __future__ import annotations

from schema.models import Enrolment, MotivationRequest, Student, db
from schema.operations.notifications import family_accounts, notify


def excuse_requests_link(student_id: int) -> str:
    """The family page that lists a child's online excuse requests (views/excuse_requests.py)."""
    return f"/cereri-motivare/elev/{student_id}"


def notify_family_of_request(request: MotivationRequest, subject: str, details: str) -> None:
    """Queue an `excuse_request` notification to the student's family, inside the caller's block."""
    enrolment = db.session.get(Enrolment, request.enrolment_id)
    student = db.session.get(Student, enrolment.student_id)
    body = (
        f"Cererea de motivare a absențelor elevului {student.full_name} din "
        f"{request.covers_from:%d.%m.%Y}–{request.covers_to:%d.%m.%Y} ({request.hours} ore), "
        f"{request.document_number}: {details}"
    )
    notify(
        family_accounts(student),
        kind="excuse_request",
        subject=subject,
        body=body,
        link=excuse_requests_link(student.id),
    )
