"""family_accounts: who is told about a student."""

from __future__ import annotations

from schema.models import Guardian, StudentGuardian
from schema.operations.notifications import family_accounts
from security import policy
from tests.factories import _save, make_school, make_student, make_user


def _guardian(school, student, user, kind="mama"):
    guardian = _save(
        Guardian(school_id=school.id, last_name="Ionescu", first_name="Mihaela", user_id=user.id if user else None)
    )
    _save(StudentGuardian(school_id=school.id, student_id=student.id, guardian_id=guardian.id, kind=kind))
    return guardian


def test_guardians_and_the_student_own_account(app, school):
    mother = make_user(school.school, policy.PARENT)
    father = make_user(school.school, policy.PARENT)
    own = make_user(school.school, policy.STUDENT)
    school.student.user_id = own.id
    _save(school.student)
    _guardian(school.school, school.student, mother)
    _guardian(school.school, school.student, father, kind="tata")
    _guardian(school.school, school.student, None, kind="tutore")  # no account: nobody to tell

    assert [u.id for u in family_accounts(school.student)] == sorted([mother.id, father.id]) + [own.id]


def test_inactive_accounts_other_children_and_other_schools_left_out(app, school):
    inactive = make_user(school.school, policy.PARENT, active=False)
    _guardian(school.school, school.student, inactive)
    other_child = make_student(school.school)
    other_parent = make_user(school.school, policy.PARENT)
    _guardian(school.school, other_child, other_parent)
    elsewhere = make_school()
    foreign = make_user(elsewhere, policy.PARENT)
    foreign_child = make_student(elsewhere)
    _guardian(elsewhere, foreign_child, foreign)

    assert family_accounts(school.student) == []
    assert family_accounts(other_child) == [other_parent]
