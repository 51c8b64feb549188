"""The people of the messages tests: the fixture school (tests/factories.build_school) with two
students of a V-a A who have accounts, a parent for each, a family of a V-a B, and a teacher of
another school."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from schema.models import Enrolment, Guardian, Student, StudentGuardian, User
from security import policy
from tests.factories import SchoolFixture, _save, make_school, make_student, make_user
from tests.pages.conftest import client_for  # noqa: F401  (re-exported fixture)

TODAY = date(2025, 11, 20)


@pytest.fixture(autouse=True)
def _frozen_today(monkeypatch):
    monkeypatch.setattr("security.access.today", lambda: TODAY)


def make_family_account(school, student: Student, *, first_name: str, last_name: str) -> User:
    """A parent account linked to `student` as their guardian."""
    user = make_user(school, policy.PARENT, first_name=first_name, last_name=last_name)
    guardian = _save(Guardian(school_id=school.id, last_name=last_name, first_name=first_name, user_id=user.id))
    _save(StudentGuardian(school_id=school.id, student_id=student.id, guardian_id=guardian.id, kind="mama"))
    return user


def give_student_account(school, student: Student, *, first_name: str) -> User:
    user = make_user(school, policy.STUDENT, first_name=first_name, last_name=student.last_name)
    student.user_id = user.id
    _save(student)
    return user


def enrol(built: SchoolFixture, school_class, **student_fields) -> Student:
    student = make_student(built.school, **student_fields)
    _save(
        Enrolment(
            school_id=built.school.id,
            student_id=student.id,
            year_id=built.year.id,
            class_id=school_class.id,
            starts_on=date(2025, 9, 8),
        )
    )
    return student


@dataclass
class People:
    school: SchoolFixture
    parent: User
    student_user: User
    other_parent: User
    other_student_user: User
    b_parent: User
    b_student: Student
    stranger: User  # a teacher of another school


@pytest.fixture
def people(school) -> People:
    parent = make_family_account(school.school, school.student, first_name="Mihaela", last_name="Ionescu")
    student_user = give_student_account(school.school, school.student, first_name="Ștefania")
    other = enrol(school, school.school_class, last_name="Barbu", first_name="Călin", sex="M")
    other_parent = make_family_account(school.school, other, first_name="Sorin", last_name="Barbu")
    other_student_user = give_student_account(school.school, other, first_name="Călin")
    b_student = enrol(school, school.other_class, last_name="Țăranu", first_name="Ilinca")
    b_parent = make_family_account(school.school, b_student, first_name="Oana", last_name="Țăranu")
    elsewhere = make_school(name="Școala Gimnazială nr. 2")
    stranger = make_user(elsewhere, policy.TEACHER, first_name="Vlad", last_name="Străinu")
    return People(school, parent, student_user, other_parent, other_student_user, b_parent, b_student, stranger)
