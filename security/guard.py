"""The guard beneath the operations: every flush that inserts, updates or deletes a catalog row
(marks, absences, motivations, averages, behaviour, year results, exam results) is checked
against the acting user's rights, whoever issues it: an operation, a Flask-Admin form or inline
edit, a bulk action, the API, an import or a script. Bulk UPDATE/DELETE statements on versioned
tables are refused outside the operations that declare them.

The acting user is the one of the audit context (`schema.db.audit_context`, set by every
operation) or, inside a request, the logged-in user. A catalog write with no acting user is
refused: scripts must say who they act for.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

from schema.catalog import Absence, AnnualAverage, BehaviourMark, Mark, Motivation, PeriodAverage, YearResult
from schema.db import AUDIT_KEY
from schema.errors import PermissionDenied
from schema.exams import ExamCandidate
from schema.models import Enrolment, SchoolClass, User
from security import policy
from security.access import has_active_delegation, is_assigned, today

#: Catalog rows and the permissions that allow writing them (any one of them).
CATALOG_WRITE_PERMISSIONS: dict[type, frozenset[str]] = {
    Mark: frozenset({policy.WRITE_MARKS, policy.ENTER_CONTESTED_MARK}),
    Absence: frozenset({policy.WRITE_MARKS, policy.CLASS_MASTER_DUTIES}),
    Motivation: frozenset({policy.CLASS_MASTER_DUTIES}),
    # APPROVE: the director's approved reopening changes the state of closed results.
    PeriodAverage: frozenset({policy.WRITE_MARKS, policy.ENTER_EXAM_RESULTS, policy.APPROVE}),
    AnnualAverage: frozenset({policy.WRITE_MARKS, policy.ENTER_EXAM_RESULTS, policy.APPROVE}),
    BehaviourMark: frozenset({policy.CLASS_MASTER_DUTIES, policy.APPROVE}),
    YearResult: frozenset({policy.CLASS_MASTER_DUTIES, policy.APPROVE}),
    ExamCandidate: frozenset({policy.ENTER_EXAM_RESULTS, policy.WRITE_MARKS, policy.APPROVE}),
}
#: Session.info key an operation sets to run a bulk UPDATE/DELETE it is responsible for.
BULK_ALLOWED_KEY = "catalog_bulk_allowed"


def acting_user_id(session: Session) -> int | None:
    """The user of the audit context, else the logged-in user of the request."""
    user_id = (session.info.get(AUDIT_KEY) or {}).get("user_id")
    if user_id is not None:
        return user_id
    from flask import has_request_context

    if has_request_context():
        from flask_login import current_user

        return getattr(current_user, "id", None)
    return None


def _refuse(message_ro: str, code: str = "catalog_write_refused") -> None:
    raise PermissionDenied(code, message_ro, "This user may not write this catalog row.")


def _teacher_may_write(session: Session, user: User, row: Any, cache: dict) -> bool:
    """A teacher writes marks and absences only for their assignments or an approved delegation;
    the class master also writes absences of their own class (the "î" and motivations)."""
    entry_id = getattr(row, "curriculum_entry_id", None)
    class_id = getattr(row, "class_id", None)
    if entry_id is None:
        return True  # rows without a subject are checked by role alone
    key = (user.id, entry_id, class_id, getattr(row, "given_on", None) or getattr(row, "occurred_on", None))
    if key not in cache:
        lesson_day = getattr(row, "given_on", None) or getattr(row, "occurred_on", None) or today()
        allowed = is_assigned(user, entry_id) or has_active_delegation(user, entry_id, lesson_day)
        if not allowed and class_id is not None:
            school_class = session.get(SchoolClass, class_id)
            allowed = school_class is not None and school_class.class_master_id == user.id
        cache[key] = allowed
    return cache[key]


def _class_master_row(session: Session, user: User, row: Any) -> bool:
    enrolment = session.get(Enrolment, row.enrolment_id) if getattr(row, "enrolment_id", None) else None
    school_class = session.get(SchoolClass, enrolment.class_id) if enrolment else None
    return school_class is not None and school_class.class_master_id == user.id


def check_catalog_write(session: Session, row: Any, user: User | None, cache: dict) -> None:
    """Refuse the write unless the acting user has the right over this row."""
    if user is None:
        _refuse("Înregistrările din catalog se scriu doar în numele unui utilizator cu drept de scriere.", "no_acting_user")
    names = {role.name for role in user.roles}
    if policy.ADMINISTRATOR in names:
        _refuse(
            "Conturile cu rol de administrator nu pot adăuga, modifica sau șterge note, absențe, medii, "
            "motivări sau note la purtare (Ordinul 3.896/2023, ¶26).",
            "administrator_cannot_write_catalog",
        )
    if row.school_id is not None and row.school_id != user.school_id:
        _refuse("Înregistrarea aparține altei școli.", "other_school")
    granted = policy.permissions_of(names)
    needed = CATALOG_WRITE_PERMISSIONS[type(row)]
    if not granted & needed:
        _refuse("Nu aveți dreptul să scrieți acest tip de înregistrare din catalog.")
    # Object level for teachers: their assignments (or delegation), or their class as diriginte.
    if granted & {policy.ENTER_EXAM_RESULTS, policy.ENTER_CONTESTED_MARK, policy.APPROVE} & needed:
        return
    if isinstance(row, (Mark, Absence, PeriodAverage, AnnualAverage)):
        if not _teacher_may_write(session, user, row, cache):
            _refuse("Nu predați această disciplină la această clasă și nu aveți o delegare aprobată de director.",
                    "not_your_assignment")
    elif isinstance(row, (Motivation, BehaviourMark, YearResult)) and not _class_master_row(session, user, row):
        _refuse("Doar dirigintele clasei poate face această operație.", "not_class_master")


@event.listens_for(Session, "before_flush")
def guard_catalog_writes(session: Session, _flush_context: Any, _instances: Any) -> None:
    rows = [obj for obj in (*session.new, *session.dirty, *session.deleted) if type(obj) in CATALOG_WRITE_PERMISSIONS]
    rows = [obj for obj in rows if obj in session.new or obj in session.deleted or session.is_modified(obj)]
    if not rows:
        return
    with session.no_autoflush:
        user_id = acting_user_id(session)
        user = session.get(User, user_id) if user_id is not None else None
        cache: dict = {}
        for row in rows:
            check_catalog_write(session, row, user, cache)


@event.listens_for(Session, "do_orm_execute")
def refuse_bulk_writes(state: ORMExecuteState) -> None:
    """`session.execute(update(Mark)...)`, `query.update()`/`.delete()` would skip versioning and
    the checks above: refused on versioned tables unless an operation declared it."""
    if not (state.is_update or state.is_delete):
        return
    if state.session.info.get(BULK_ALLOWED_KEY):
        return
    table = getattr(state.statement, "table", None)
    name = getattr(table, "name", "")
    if name and not name.endswith("_version") and name != "transaction":
        raise PermissionDenied(
            "bulk_write_refused",
            "Modificările în masă ale datelor versionate nu sunt permise în afara operațiilor catalogului.",
            "Bulk UPDATE/DELETE on versioned tables is refused outside the operations.",
        )

