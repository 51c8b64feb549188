"""One predicate per page-level capability (house-style.md): the menu shows a link exactly when
the page behind it would let the user in, because both ask the same function."""

from __future__ import annotations

import sqlalchemy as sa
from flask import g, has_request_context

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
    """The documents page (PDFs): someone entitled to at least one document (an evaluation sheet
    counts: non-teaching staff read theirs there too)."""
    return (
        reads_whole_school(user)
        or can_use_class_master_desk(user)
        or can_use_grade_grid(user)
        or can_read_family_pages(user)
        or can_view_statistics(user)
        or can_use_evaluation(user)
    )


#: Roles that hand out the blank paper sheets of every class (rules.md §7.8 R-EMG-03: teachers
#: take them from the secretariat); never the administrator.
PAPER_SHEETS_FOR_EVERY_CLASS = frozenset({policy.DIRECTOR, policy.DEPUTY_DIRECTOR, policy.SECRETARY})


def prints_every_paper_sheet(user: User) -> bool:
    """Director, deputy and secretary print the emergency paper sheets of every class."""
    names = role_names(user) if user.is_authenticated else set()
    return policy.ADMINISTRATOR not in names and bool(names & PAPER_SHEETS_FOR_EVERY_CLASS)


def can_print_paper_sheets(user: User) -> bool:
    """The emergency paper sheets (pdf/documents/paper_sheet.py): the whole school for
    `prints_every_paper_sheet`, a teacher for the subjects they teach and the classes they lead."""
    return prints_every_paper_sheet(user) or can_use_grade_grid(user)


def can_view_late_entries(user: User) -> bool:
    """The report of late entries ("introducere ulterioară"): director, deputy and auditor."""
    return _has(user, policy.READ_HISTORY)


def can_use_evaluation(user: User) -> bool:
    """"Evaluare anuală": whoever reads the counts per rating or every sheet (no query), and staff
    with a sheet to read (own, as evaluator or countersigner), a department to head or a seat in a
    contestation commission — the rule of
    security/evaluation_access.py `can_see_evaluations`, asked here in one query and remembered for
    the request, because the layout asks it for every page. Parents and students never."""
    if not user.is_authenticated:
        return False
    from security.evaluation_access import can_see_evaluation_statistics, reads_all_sheets

    if can_see_evaluation_statistics(user) or reads_all_sheets(user):
        return True
    names = role_names(user)
    if names & {policy.PARENT, policy.STUDENT} and not names & policy.STAFF_ROLES:
        return False
    cache = g.setdefault("catalog_evaluation_capability", {}) if has_request_context() else {}
    if user.id not in cache:
        from schema.evaluation import Department, EvaluationCommissionMember, EvaluationSheet

        has_sheet = sa.exists().where(
            EvaluationSheet.school_id == user.school_id,
            sa.or_(EvaluationSheet.employee_id == user.id, EvaluationSheet.evaluator_id == user.id,
                   EvaluationSheet.countersigner_id == user.id))
        heads = sa.exists().where(Department.school_id == user.school_id, Department.head_id == user.id)
        # A contestation commission member reads the contested sheets of their campaign.
        commission = sa.exists().where(EvaluationCommissionMember.school_id == user.school_id,
                                       EvaluationCommissionMember.user_id == user.id,
                                       EvaluationCommissionMember.is_active.is_(True))
        cache[user.id] = bool(db.session.scalar(sa.select(sa.or_(has_sheet, heads, commission))))
    return cache[user.id]


def can_open_admin(user: User) -> bool:
    return user.is_authenticated and bool(role_names(user) & ADMIN_READERS)


def teaches_anything(user: User) -> bool:
    return db.session.scalar(sa.select(TeachingAssignment.id).where(TeachingAssignment.teacher_id == user.id).limit(1)) is not None


# --- communication (issue 8: remarks, announcements, test calendar) ---------------------------


def can_use_remarks_page(user: User) -> bool:
    """"Observații": teachers write and follow their remarks; the director and deputy read all."""
    return _has(user, policy.WRITE_MARKS) or _has(user, policy.APPROVE)


def reads_all_remarks(user: User) -> bool:
    """The director and deputy read every remark of the school."""
    return _has(user, policy.APPROVE)


def can_read_announcements(user: User) -> bool:
    """"Anunțuri": everybody logged in with a role (each sees what reaches their audience)."""
    return user.is_authenticated and bool(role_names(user))


def can_use_tests_calendar(user: User) -> bool:
    """"Terminar": families read their class's tests; teachers announce theirs."""
    return can_read_family_pages(user) or _has(user, policy.WRITE_MARKS)


# --- messages (issue 8 part 1) -------------------------------------------------------------------


def can_use_messages(user: User) -> bool:
    """"Mesaje": every logged-in account with a role reads its threads and writes within the
    recipient rules (schema/operations/messages.py)."""
    return user.is_authenticated and bool(role_names(user))
