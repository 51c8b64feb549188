"""A family for the online excuse requests: a parent of `school.student`, today frozen on a
Thursday of the first semester."""

from __future__ import annotations

import re
from datetime import date

import pytest

from tests.pages.conftest import client_for  # noqa: F401  (fixture)

from schema.models import Guardian, StudentGuardian
from schema.operations.absences import record_absence
from security import policy
from tests.factories import _save, make_user

TODAY = date(2025, 11, 20)
YESTERDAY = date(2025, 11, 19)


@pytest.fixture(autouse=True)
def _frozen_today(monkeypatch):
    monkeypatch.setattr("security.access.today", lambda: TODAY)


def add_parent(school, student=None, **overrides):
    student = student or school.student
    parent = make_user(school.school, policy.PARENT, first_name="Mihaela", last_name="Ionescu", **overrides)
    guardian = _save(
        Guardian(
            school_id=school.school.id, last_name="Ionescu", first_name="Mihaela", user_id=parent.id, phone="0722000111"
        )
    )
    _save(StudentGuardian(school_id=school.school.id, student_id=student.id, guardian_id=guardian.id, kind="mama"))
    return parent


@pytest.fixture
def parent(app, school):
    return add_parent(school, email="mama@familie.test")


def absent(school, day: date, hours: int, entry=None, enrolment=None, first_hour: int = 1) -> None:
    teacher = school.other_teacher if entry is not None and entry.id == school.romanian.id else school.teacher
    for hour in range(first_hour, first_hour + hours):
        record_absence(teacher, enrolment or school.enrolment, entry or school.maths, occurred_on=day, lesson_hour=hour)


def csrf(client, url: str) -> str:
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    return re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)


def text(response) -> str:
    return response.get_data(as_text=True)
