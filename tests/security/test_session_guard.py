"""The guard beneath the operations refuses catalog writes by users without the right, whatever
path they take: plain ORM, a request, a script, bulk statements."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from flask_login import login_user

from schema.db import audit_context
from schema.errors import PermissionDenied
from schema.models import Absence, Mark, Role, db
from schema.operations.marks import record_mark
from security import policy
from tests.factories import make_user


def _new_mark(school, **overrides):
    values = dict(school_id=school.school.id, enrolment_id=school.enrolment.id, curriculum_entry_id=school.maths.id,
                  class_id=school.school_class.id, period_id=school.semester1.id, value=8, given_on=date(2025, 10, 6),
                  teacher_id=school.teacher.id)
    return Mark(**(values | overrides))


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count(model.id)))


def test_an_administrator_in_a_request_cannot_insert_a_mark_through_the_orm(app, school):
    with app.test_request_context():
        login_user(school.administrator)
        db.session.add(_new_mark(school))
        with pytest.raises(PermissionDenied) as refused:
            db.session.flush()
    assert refused.value.code == "administrator_cannot_write_catalog"
    assert "¶26" in refused.value.message_ro
    db.session.rollback()
    assert _count(Mark) == 0


def test_an_account_that_is_administrator_and_teacher_is_still_refused_and_told_why(app, school):
    both = make_user(school.school, policy.ADMINISTRATOR, policy.TEACHER)
    from schema.models import TeachingAssignment

    with audit_context(reason="test"):
        db.session.add(TeachingAssignment(school_id=school.school.id, curriculum_entry_id=school.romanian.id, teacher_id=both.id))
        db.session.commit()
    with pytest.raises(PermissionDenied) as refused:
        record_mark(both, school.enrolment, school.romanian, given_on=date(2025, 10, 6), value=9)
    assert refused.value.code == "administrator_cannot_write_catalog"
    with audit_context(reason="x", user_id=both.id):
        db.session.add(_new_mark(school, curriculum_entry_id=school.romanian.id))
        with pytest.raises(PermissionDenied):
            db.session.flush()
    db.session.rollback()
    assert _count(Mark) == 0


def test_a_script_must_name_who_it_acts_for(app, school):
    db.session.add(_new_mark(school))
    with pytest.raises(PermissionDenied) as refused:
        db.session.flush()
    assert refused.value.code == "no_acting_user"
    db.session.rollback()


def test_a_teacher_cannot_write_for_someone_elses_assignment_even_through_the_orm(app, school):
    with audit_context(reason="x", user_id=school.other_teacher.id):
        db.session.add(_new_mark(school, teacher_id=school.other_teacher.id))
        with pytest.raises(PermissionDenied) as refused:
            db.session.flush()
    assert refused.value.code == "not_your_assignment"
    db.session.rollback()


@pytest.mark.parametrize("role", [policy.PARENT, policy.STUDENT, policy.STATISTICS_VIEWER, policy.AUDITOR,
                                  policy.SECRETARY, policy.DIRECTOR])
def test_roles_without_the_right_cannot_record_absences(app, school, role):
    user = make_user(school.school, role)
    with audit_context(reason="x", user_id=user.id):
        db.session.add(Absence(school_id=school.school.id, enrolment_id=school.enrolment.id,
                               curriculum_entry_id=school.maths.id, class_id=school.school_class.id,
                               period_id=school.semester1.id, occurred_on=date(2025, 10, 6), lesson_hour=1,
                               teacher_id=user.id))
        with pytest.raises(PermissionDenied):
            db.session.flush()
    db.session.rollback()


def test_an_entitled_teacher_passes_the_guard(app, school):
    with audit_context(reason="x", user_id=school.teacher.id):
        db.session.add(_new_mark(school))
        db.session.commit()
    assert _count(Mark) == 1


@pytest.mark.parametrize(
    "statement",
    [
        lambda: sa.update(Mark).values(value=10),
        lambda: sa.delete(Mark),
        lambda: sa.update(Absence).values(state="excused"),
        lambda: sa.update(Role).values(description="x"),
    ],
    ids=["update marks", "delete marks", "update absences", "update roles"],
)
def test_bulk_update_and_delete_on_versioned_tables_are_refused(app, school, statement):
    record_mark(school.teacher, school.enrolment, school.maths, given_on=date(2025, 10, 6), value=7)
    with pytest.raises(PermissionDenied) as refused:
        db.session.execute(statement())
    assert refused.value.code == "bulk_write_refused"
    db.session.rollback()
    assert db.session.scalar(sa.select(Mark.value)) == 7


def test_query_level_bulk_delete_is_refused(app, school):
    record_mark(school.teacher, school.enrolment, school.maths, given_on=date(2025, 10, 6), value=7)
    with pytest.raises(PermissionDenied):
        db.session.query(Mark).delete()
    db.session.rollback()
    assert _count(Mark) == 1
