"""Object-level access predicates: one predicate per capability, used by the operations and by
the pages alike (house-style.md). Each `require_*` raises PermissionDenied with a reason."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from schema.errors import PermissionDenied
from schema.models import CurriculumEntry, Delegation, DelegationDecision, SchoolClass, TeachingAssignment, User, db
from security import policy


def role_names(user: User) -> set[str]:
    return {role.name for role in user.roles}


def is_assigned(user: User, curriculum_entry_id: int) -> bool:
    """The user teaches this subject of this class (încadrare)."""
    return (
        db.session.scalar(
            sa.select(TeachingAssignment.id).where(
                TeachingAssignment.curriculum_entry_id == curriculum_entry_id,
                TeachingAssignment.teacher_id == user.id,
            )
        )
        is not None
    )


def today() -> date:
    """The current date for time-bounded rights (one place, so tests can freeze it)."""
    return date.today()


def delegated_entry_ids(user: User, *days: date) -> set[int]:
    """Curriculum entries delegated to `user` by a director-approved delegation that covers every
    one of `days` (000 ¶20)."""
    query = (
        sa.select(TeachingAssignment.curriculum_entry_id)
        .join(Delegation, Delegation.assignment_id == TeachingAssignment.id)
        .join(DelegationDecision, DelegationDecision.delegation_id == Delegation.id)
        .where(Delegation.to_teacher_id == user.id, DelegationDecision.approved.is_(True))
    )
    for day in days:
        query = query.where(Delegation.starts_on <= day, Delegation.ends_on >= day)
    return set(db.session.scalars(query))


def has_active_delegation(user: User, curriculum_entry_id: int, on_day: date) -> bool:
    """A director-approved delegation to this user covers this assignment today, and `on_day`
    (the lesson's date) lies within it too: the right is time-bounded and cannot be used later
    to write into the delegated weeks."""
    return curriculum_entry_id in delegated_entry_ids(user, on_day, today())


def _refuse_administrator(user: User) -> None:
    if policy.ADMINISTRATOR in role_names(user):
        raise PermissionDenied(
            "administrator_cannot_write_catalog",
            "Conturile cu rol de administrator nu pot adăuga, modifica sau șterge note, absențe, "
            "medii sau note la purtare (Ordinul 3.896/2023, ¶26).",
            "Administrator accounts never write marks, absences, averages or behaviour marks.",
        )


def require_can_write_marks(user: User, entry: CurriculumEntry, on_day: date) -> None:
    """Marks, theses, absences and averages: only the entitled teacher (000 ¶18, ¶21, ¶26)."""
    _refuse_administrator(user)
    if user.school_id != entry.school_id:
        raise PermissionDenied("other_school", "Această clasă nu aparține școlii dumneavoastră.", "Another school's class.")
    if not policy.has_permission(role_names(user), policy.WRITE_MARKS):
        raise PermissionDenied("not_a_teacher", "Doar profesorii pot trece note și absențe.", "Only teachers write marks.")
    if not (is_assigned(user, entry.id) or has_active_delegation(user, entry.id, on_day)):
        raise PermissionDenied(
            "not_your_assignment",
            "Nu predați această disciplină la această clasă și nu aveți o delegare aprobată de director.",
            "You do not teach this subject to this class and hold no approved delegation.",
        )


def require_class_master(user: User, school_class: SchoolClass) -> None:
    """Motivations, behaviour and closing the class: only this class's diriginte."""
    _refuse_administrator(user)
    if not policy.has_permission(role_names(user), policy.CLASS_MASTER_DUTIES) or school_class.class_master_id != user.id:
        raise PermissionDenied(
            "not_class_master",
            f"Doar dirigintele clasei {school_class.name} poate face această operație.",
            "Only the class master of this class may do this.",
        )


def require_permission(user: User, permission: str, message_ro: str) -> None:
    """A role-level permission of security/policy.py."""
    if not policy.has_permission(role_names(user), permission):
        raise PermissionDenied("permission_denied", message_ro, f"Missing permission {permission}.")


def require_same_school(user: User, school_id: int) -> None:
    """Rows of another school answer as missing, never as "not yours" (no leak)."""
    if user.school_id != school_id:
        from schema.errors import NotFound

        raise NotFound("not_found", "Înregistrarea nu există.", "No such record.")
