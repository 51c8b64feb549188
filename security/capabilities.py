"""One predicate per page-level capability (house-style.md): the menu shows a link exactly when
the page behind it would let the user in, because both ask the same function."""

from __future__ import annotations

import sqlalchemy as sa

from schema.models import SchoolClass, TeachingAssignment, User, db
from security import policy
from security.access import role_names

#: Roles the Flask-Admin home lets in (views/admin.py: STRUCTURE_READERS).
ADMIN_READERS = frozenset(
    {policy.ADMINISTRATOR, policy.DIRECTOR, policy.DEPUTY_DIRECTOR, policy.SECRETARY, policy.AUDITOR}
)


def _has(user: User, permission: str) -> bool:
    return user.is_authenticated and policy.has_permission(role_names(user), permission)


def can_use_grade_grid(user: User) -> bool:
    """"Catalogul meu": teachers (never administrators) with an assignment or a delegation."""
    return _has(user, policy.WRITE_MARKS)


def can_use_class_master_desk(user: User) -> bool:
    """The class master's desk: a teacher who is diriginte of at least one class."""
    if not _has(user, policy.CLASS_MASTER_DUTIES):
        return False
    return db.session.scalar(sa.select(SchoolClass.id).where(SchoolClass.class_master_id == user.id).limit(1)) is not None


def can_use_director_desk(user: User) -> bool:
    """The director's desk: approvals, closing progress, login statistics."""
    return _has(user, policy.APPROVE)


def can_read_family_pages(user: User) -> bool:
    """Parents read their children's catalog; students read their own."""
    return _has(user, policy.READ_OWN_CHILDREN) or _has(user, policy.READ_SELF)


def can_browse_history(user: User) -> bool:
    """The version history of every row (auditors, inspectors, the director)."""
    return _has(user, policy.READ_HISTORY)


def can_view_statistics(user: User) -> bool:
    """Aggregates only: no names, birth dates or CNPs."""
    return _has(user, policy.READ_STATISTICS)


def reads_whole_school(user: User) -> bool:
    """Roles that read the whole school's catalog (director, secretary, auditor, administrator...)."""
    return _has(user, policy.READ_ALL_CATALOG)


def can_download_documents(user: User) -> bool:
    """The documents page (PDFs): someone entitled to at least one document."""
    return (
        reads_whole_school(user)
        or can_use_class_master_desk(user)
        or can_use_grade_grid(user)
        or can_read_family_pages(user)
        or can_view_statistics(user)
    )


def can_open_admin(user: User) -> bool:
    return user.is_authenticated and bool(role_names(user) & ADMIN_READERS)


def teaches_anything(user: User) -> bool:
    return db.session.scalar(sa.select(TeachingAssignment.id).where(TeachingAssignment.teacher_id == user.id).limit(1)) is not None
