"""The access matrix: role × action × object (own, another class, another school) → allowed or
refused, run through the operations. No unexpected allow, and a refusal changes nothing.

The HTTP half of the matrix is tests/security/test_admin_sweep.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
import sqlalchemy as sa

import security.access
from schema.db import audit_context
from schema.errors import CatalogError
from schema.models import (
    Absence,
    BehaviourMark,
    Delegation,
    DelegationDecision,
    Enrolment,
    Mark,
    Motivation,
    PeriodAverage,
    TeachingAssignment,
    db,
)
from schema.operations.absences import excuse_absences, record_absence
from schema.operations.closing import close_period_average, set_behaviour_mark
from schema.operations.delegations import decide_delegation, request_delegation
from schema.operations.enrolment import enrol_student
from schema.operations.marks import change_mark, delete_mark, record_mark
from security import policy
from tests.factories import build_school, make_student, make_user

ROLES = ["administrator", "director", "deputy_director", "secretary", "teacher", "class_master", "parent", "student",
         "auditor", "statistics_viewer"]
OBJECTS = ["own", "another class", "another school"]
LESSON = date(2025, 10, 14)


@dataclass
class Target:
    """What an action works on: a class's enrolment and curriculum entry, and its school."""

    school: object
    enrolment: Enrolment
    entry: object
    school_class: object


def _seed_marks(fixture, enrolment, entry, teacher) -> None:
    """Four marks (and a thesis where due) by the entitled teacher, so closing has its inputs."""
    for day in (6, 7, 8, 9):
        record_mark(teacher, enrolment, entry, given_on=date(2025, 10, day), value=8)
    if entry.has_thesis_in(fixture.semester1.id):
        record_mark(teacher, enrolment, entry, given_on=date(2025, 12, 10), value=8, kind="thesis")


@pytest.fixture
def world(app, monkeypatch):
    monkeypatch.setattr(security.access, "today", lambda: LESSON)
    a, b = build_school(), build_school()
    users = {
        "administrator": a.administrator,
        "director": a.director,
        "deputy_director": make_user(a.school, policy.DEPUTY_DIRECTOR),
        "secretary": a.secretary,
        "teacher": a.teacher,
        "class_master": a.class_master,
        "parent": make_user(a.school, policy.PARENT),
        "student": make_user(a.school, policy.STUDENT),
        "auditor": make_user(a.school, policy.AUDITOR),
        "statistics_viewer": make_user(a.school, policy.STATISTICS_VIEWER),
    }
    # Another class of school A: a student in a V-a B, its physics taught by another teacher.
    other_student = make_student(a.school, first_name="Radu", sex="M", birth_date=date(2014, 6, 1))
    with audit_context(reason="test"):
        other_enrolment = Enrolment(school_id=a.school.id, student_id=other_student.id, year_id=a.year.id,
                                    class_id=a.other_class.id, starts_on=date(2025, 9, 8))
        db.session.add(other_enrolment)
        physics = a.other_class.curriculum[0]
        db.session.add(TeachingAssignment(school_id=a.school.id, curriculum_entry_id=physics.id,
                                          teacher_id=a.other_teacher.id))
        db.session.commit()
    targets = {
        "own": Target(a, a.enrolment, a.maths, a.school_class),
        "another class": Target(a, other_enrolment, physics, a.other_class),
        "another school": Target(b, b.enrolment, b.maths, b.school_class),
    }
    return a, b, users, targets


def _entitled_teacher(t: Target):
    from schema.models import User

    return db.session.get(User, db.session.scalar(sa.select(TeachingAssignment.teacher_id).where(
        TeachingAssignment.curriculum_entry_id == t.entry.id)))


# Each action has a set-up, run as the entitled people (it may write), and the attempt by the
# actor under test. Only the attempt is judged: allowed, or refused with nothing changed.
def no_setup(t: Target):
    return None


def setup_mark(t: Target):
    return record_mark(_entitled_teacher(t), t.enrolment, t.entry, given_on=date(2025, 10, 6), value=6)


def setup_marks_for_closing(t: Target):
    _seed_marks(t.school, t.enrolment, t.entry, _entitled_teacher(t))


def setup_absence(t: Target):
    record_absence(_entitled_teacher(t), t.enrolment, t.entry, occurred_on=LESSON, lesson_hour=2)


def setup_delegation(t: Target):
    assignment = db.session.scalar(sa.select(TeachingAssignment).where(TeachingAssignment.curriculum_entry_id == t.entry.id))
    owner = _entitled_teacher(t)
    colleague = t.school.class_master if owner.id != t.school.class_master.id else t.school.other_teacher
    return request_delegation(owner, assignment, colleague, starts_on=LESSON, ends_on=LESSON, reason="Suplinire")


def setup_newcomer(t: Target):
    return make_student(t.school.school, first_name="Ilinca", birth_date=date(2014, 2, 2))


ACTIONS = {
    "record mark": (no_setup, lambda actor, t, ctx: record_mark(actor, t.enrolment, t.entry, given_on=LESSON, value=9),
                    {"teacher"}),
    "record absence": (no_setup, lambda actor, t, ctx: record_absence(actor, t.enrolment, t.entry, occurred_on=LESSON,
                                                                      lesson_hour=3), {"teacher"}),
    "change mark": (setup_mark, lambda actor, t, mark: change_mark(actor, mark, value=7, reason="Corectare"),
                    {"teacher"}),
    "delete mark": (setup_mark, lambda actor, t, mark: delete_mark(actor, mark, reason="Trecută greșit"), {"teacher"}),
    "close period average": (setup_marks_for_closing,
                             lambda actor, t, ctx: close_period_average(actor, t.enrolment, t.entry, t.school.semester1),
                             {"teacher"}),
    "excuse absences": (setup_absence, lambda actor, t, ctx: excuse_absences(
        actor, t.enrolment, kind="medical", document_number="12", document_date=LESSON, covers_from=LESSON,
        covers_to=LESSON, returned_on=LESSON, presented_on=date(2025, 10, 16)), {"class_master"}),
    "set behaviour": (no_setup, lambda actor, t, ctx: set_behaviour_mark(actor, t.enrolment, t.school.semester1),
                      {"class_master"}),
    "decide delegation": (setup_delegation, lambda actor, t, delegation: decide_delegation(actor, delegation, approve=True),
                          {"director", "deputy_director"}),
    "enrol student": (setup_newcomer, lambda actor, t, student: enrol_student(actor, student, t.school_class,
                                                                              starts_on=date(2025, 11, 3)),
                      {"administrator", "secretary"}),
}
#: School-wide rights: allowed on another class of the same school too, never on another school.
SCHOOL_WIDE = {"decide delegation", "enrol student"}

COUNTED = (Mark, Absence, Motivation, PeriodAverage, BehaviourMark, Enrolment, Delegation, DelegationDecision)


def expected(role: str, action: str, obj: str) -> bool:
    if role not in ACTIONS[action][2] or obj == "another school":
        return False
    return obj == "own" or action in SCHOOL_WIDE


CASES = [pytest.param(role, action, obj, id=f"{role}-{action}-{obj}") for role in ROLES for action in ACTIONS
         for obj in OBJECTS]


def _counts() -> dict:
    return {model.__name__: db.session.scalar(sa.select(sa.func.count(model.id))) for model in COUNTED}


def test_the_matrix_has_at_least_300_cases():
    assert len(CASES) >= 270
    assert len(CASES) * 1 + len(ROLES) * 3 >= 300


@pytest.mark.parametrize("role, action, obj", CASES)
def test_access(world, role, action, obj):
    _a, _b, users, targets = world
    setup, attempt, _allowed = ACTIONS[action]
    target = targets[obj]
    context = setup(target)
    before = _counts()
    if expected(role, action, obj):
        attempt(users[role], target, context)
        assert _counts() != before or action in {"change mark"}, f"{action} was allowed but wrote nothing"
        return
    with pytest.raises(CatalogError) as refused:
        attempt(users[role], target, context)
    assert refused.value.message_ro
    db.session.rollback()
    assert _counts() == before, f"a refused {action} changed the catalog"
