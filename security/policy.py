"""The one table mapping roles to permissions (decisions.md "Who may write what").

A permission here says what a role may do in general; the operations also check the object
(a teacher writes only for their own assignments, a class master only for their own class).
"""

from __future__ import annotations

# Roles (Flask-Security role names).
ADMINISTRATOR = "administrator"
DIRECTOR = "director"
DEPUTY_DIRECTOR = "deputy_director"
SECRETARY = "secretary"
TEACHER = "teacher"
PARENT = "parent"
STUDENT = "student"
AUDITOR = "auditor"
STATISTICS_VIEWER = "statistics_viewer"

ROLE_DESCRIPTIONS = {
    ADMINISTRATOR: "Administrator",
    DIRECTOR: "Director",
    DEPUTY_DIRECTOR: "Director adjunct",
    SECRETARY: "Secretar",
    TEACHER: "Profesor",
    PARENT: "Părinte",
    STUDENT: "Elev",
    AUDITOR: "Auditor / inspector",
    STATISTICS_VIEWER: "Statistici",
}

STAFF_ROLES = frozenset({ADMINISTRATOR, DIRECTOR, DEPUTY_DIRECTOR, SECRETARY, TEACHER, AUDITOR, STATISTICS_VIEWER})

# Permissions.
MANAGE_STRUCTURE = "structure.manage"  # years, periods, classes, subjects, curriculum, assignments
MANAGE_ACCOUNTS = "accounts.manage"
MANAGE_STUDENTS = "students.manage"  # personal records, enrolments, transfers
READ_ALL_CATALOG = "catalog.read_all"
READ_OWN_CLASSES = "catalog.read_own_classes"
READ_OWN_CHILDREN = "catalog.read_own_children"
READ_SELF = "catalog.read_self"
WRITE_MARKS = "catalog.write_marks"  # marks, theses, absences, period averages: own assignments
CLASS_MASTER_DUTIES = "catalog.class_master"  # motivations, behaviour, closing the class
ENTER_EXAM_RESULTS = "catalog.exam_results"  # secretary: exams, transfer averages
ENTER_CONTESTED_MARK = "catalog.contested_mark"  # director, after an accepted contestation
APPROVE = "approvals.decide"  # delegations, parent motivations, reopening
READ_HISTORY = "history.read"
READ_STATISTICS = "statistics.read"
MANAGE_EVALUATIONS = "evaluations.manage"  # staff evaluation: campaigns, board decisions, commission
READ_ALL_EVALUATIONS = "evaluations.read_all"  # every evaluation sheet of the school (read-only)
EVALUATION_SECRETARIAT = "evaluations.secretariat"  # register contestations, communicate decisions

POLICY: dict[str, frozenset[str]] = {
    ADMINISTRATOR: frozenset({MANAGE_STRUCTURE, MANAGE_ACCOUNTS, MANAGE_STUDENTS, READ_ALL_CATALOG, READ_STATISTICS}),
    DIRECTOR: frozenset({READ_ALL_CATALOG, APPROVE, ENTER_CONTESTED_MARK, READ_HISTORY, READ_STATISTICS,
                         MANAGE_EVALUATIONS, READ_ALL_EVALUATIONS, EVALUATION_SECRETARIAT}),
    DEPUTY_DIRECTOR: frozenset({READ_ALL_CATALOG, APPROVE, ENTER_CONTESTED_MARK, READ_HISTORY, READ_STATISTICS,
                                MANAGE_EVALUATIONS, READ_ALL_EVALUATIONS, EVALUATION_SECRETARIAT}),
    SECRETARY: frozenset({MANAGE_STUDENTS, READ_ALL_CATALOG, ENTER_EXAM_RESULTS, READ_ALL_EVALUATIONS, EVALUATION_SECRETARIAT}),
    TEACHER: frozenset({READ_OWN_CLASSES, WRITE_MARKS, CLASS_MASTER_DUTIES}),
    PARENT: frozenset({READ_OWN_CHILDREN}),
    STUDENT: frozenset({READ_SELF}),
    AUDITOR: frozenset({READ_ALL_CATALOG, READ_HISTORY, READ_STATISTICS, READ_ALL_EVALUATIONS}),
    STATISTICS_VIEWER: frozenset({READ_STATISTICS}),
}

#: Permissions no account holding the administrator role may exercise, whatever its other roles
#: (000 ¶26: administrators never write marks, calificative, absences, averages or behaviour).
FORBIDDEN_TO_ADMINISTRATORS = frozenset(
    {WRITE_MARKS, CLASS_MASTER_DUTIES, ENTER_EXAM_RESULTS, ENTER_CONTESTED_MARK}
)


def permissions_of(role_names: set[str] | frozenset[str]) -> frozenset[str]:
    """All permissions of a set of roles, minus what administrators may never do."""
    granted: set[str] = set()
    for role in role_names:
        granted |= POLICY.get(role, frozenset())
    if ADMINISTRATOR in role_names:
        granted -= FORBIDDEN_TO_ADMINISTRATORS
    return frozenset(granted)


def has_permission(role_names: set[str] | frozenset[str], permission: str) -> bool:
    return permission in permissions_of(role_names)
