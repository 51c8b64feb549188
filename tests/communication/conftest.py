"""Fixtures for remarks, announcements and the test calendar: a frozen today, parents, enrolments."""

from __future__ import annotations

import re
from datetime import date

import pytest

from tests.pages.conftest import client_for  # noqa: F401  (fixture)

from schema.models import Enrolment, Guardian, StudentGuardian, User
from security import policy
from tests.factories import _save, make_student, make_user

#: A Thursday; its ISO week runs from Monday 17 to Sunday 23 November 2025.
TODAY = date(2025, 11, 20)


@pytest.fixture(autouse=True)
def _frozen_today(monkeypatch):
    monkeypatch.setattr("security.access.today", lambda: TODAY)


def make_parent(school, *children, first_name="Mihai") -> User:
    """A parent account linked (Guardian + StudentGuardian) to `children`."""
    user = make_user(school.school, policy.PARENT, first_name=first_name, last_name="Ionescu")
    guardian = _save(Guardian(school_id=school.school.id, last_name="Ionescu", first_name=first_name, user_id=user.id))
    for child in children:
        _save(StudentGuardian(school_id=school.school.id, student_id=child.id, guardian_id=guardian.id, kind="tata"))
    return user


def make_student_account(school, student) -> User:
    """The student's own portal account."""
    from schema.db import audit_context
    from schema.models import db

    user = make_user(school.school, policy.STUDENT, first_name=student.first_name, last_name=student.last_name)
    with audit_context(reason="test fixture"):
        student.user_id = user.id
        db.session.commit()
    return user


def enrol_other(school, first_name="Andrei"):
    """A second student, in class a V-a B, and their enrolment."""
    student = make_student(school.school, first_name=first_name, sex="M", birth_date=date(2014, 6, 1))
    enrolment = _save(
        Enrolment(
            school_id=school.school.id,
            student_id=student.id,
            year_id=school.year.id,
            class_id=school.other_class.id,
            starts_on=date(2025, 9, 8),
        )
    )
    return student, enrolment


def csrf(client, url: str) -> str:
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    return re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))
