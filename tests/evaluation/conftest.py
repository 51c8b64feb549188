"""A school with staff for the evaluation tests: one catedră with its head, teachers for the
contestation commission, a deputy director, and non-teaching staff with their superiors.

Today is frozen at 2026-10-01 (after the department meeting of the teaching campaign below);
tests move it with `ev.set_today(day)`.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from schema.evaluation import NON_TEACHING, TEACHING, EvaluationCampaign, EvaluationSheet, StaffMember
from schema.models import User, db
from schema.operations import evaluation as ops
from security import policy
from tests.factories import SchoolFixture, build_school, make_user

#: Synthetic holiday inside the contestation window of the teaching campaign (a Monday).
SYNTHETIC_HOLIDAY = date(2026, 10, 12)


@dataclass
class EvaluationFixture:
    base: SchoolFixture
    monkeypatch: Any
    director: User
    deputy: User
    secretary: User
    administrator: User
    head: User  # head of the maths catedră (also a teacher)
    teacher: User  # evaluated teacher, in the maths catedră
    colleague: User  # another teacher of the same catedră
    outsiders: list[User]  # three teachers of another catedră (commission candidates)
    caretaker_boss: User  # administrator de patrimoniu: non-teaching, superior = director
    caretaker: User  # îngrijitor: non-teaching, superior = caretaker_boss
    staff: dict[int, StaffMember]

    def set_today(self, day: date) -> None:
        self.monkeypatch.setattr("security.access.today", lambda: day)

    def teaching_campaign(self) -> EvaluationCampaign:
        return ops.create_campaign(
            self.director,
            year=self.base.year,
            category=TEACHING,
            evaluated_from=date(2025, 9, 1),
            evaluated_to=date(2026, 8, 31),
            starts_on=date(2026, 9, 14),
            ends_on=date(2026, 9, 25),
            department_meeting_on=date(2026, 9, 30),
            board_meeting_on=date(2026, 10, 7),
            communication_deadline=date(2026, 10, 9),
        )

    def non_teaching_campaign(self) -> EvaluationCampaign:
        return ops.create_campaign(
            self.director,
            year=self.base.year,
            category=NON_TEACHING,
            evaluated_from=date(2025, 1, 1),
            evaluated_to=date(2025, 12, 31),
            starts_on=date(2026, 1, 5),
            ends_on=date(2026, 1, 30),
            communication_deadline=date(2026, 1, 30),
        )

    def sheet_for(self, campaign: EvaluationCampaign, user: User) -> EvaluationSheet:
        return ops.open_sheet(self.director, campaign, self.staff[user.id])


def points(campaign: EvaluationCampaign, minus: str = "0") -> dict[int, Decimal]:
    """Every criterion at its maximum, then `minus` points taken off, criterion by criterion."""
    criteria = ops.active_criteria(campaign)
    values = {criterion.id: criterion.max_score for criterion in criteria}
    left = Decimal(minus)
    for criterion in criteria:
        taken = min(left, values[criterion.id])
        values[criterion.id] -= taken
        left -= taken
    return values


def marks(campaign: EvaluationCampaign, *values: int | str) -> dict[int, object]:
    """Criterion marks in order; the last value repeats for the remaining criteria."""
    criteria = ops.active_criteria(campaign)
    return {criterion.id: values[min(index, len(values) - 1)] for index, criterion in enumerate(criteria)}


@pytest.fixture
def ev(app, monkeypatch) -> EvaluationFixture:
    monkeypatch.setattr("security.access.today", lambda: date(2026, 10, 1))
    base = build_school()
    school = base.school
    deputy = make_user(school, policy.DEPUTY_DIRECTOR, first_name="Sorin", last_name="Vlădescu")
    outsiders = [
        make_user(school, policy.TEACHER, first_name=first, last_name=last)
        for first, last in (("Andrei", "Munteanu"), ("Ioana", "Rusu"), ("Mihai", "Ciobanu"), ("Elisabeta", "Șerban"))
    ]
    caretaker_boss = make_user(school, first_name="Gheorghe", last_name="Bălan")
    caretaker = make_user(school, first_name="Florica", last_name="Țăranu")
    director = base.director
    maths = ops.save_department(director, name="Catedra de matematică", head_id=base.class_master.id)
    humanities = ops.save_department(director, name="Catedra de limbă și comunicare", head_id=outsiders[0].id)
    services = ops.save_department(
        director, name="Compartimentul administrativ", kind="compartiment", head_id=caretaker_boss.id
    )
    staff: dict[int, StaffMember] = {}

    def add(user: User, category: str, title: str, department_id: int | None, **facts: Any) -> None:
        staff[user.id] = ops.save_staff_member(
            director,
            user_id=user.id,
            category=category,
            job_title=title,
            department_id=department_id,
            employment_started_on=facts.pop("employment_started_on", date(2010, 9, 1)),
            **facts,
        )

    for user in (base.class_master, base.teacher, base.other_teacher):
        add(user, TEACHING, "profesor", maths.id)
    for user in outsiders:
        add(user, TEACHING, "profesor", humanities.id)
    add(caretaker_boss, NON_TEACHING, "administrator de patrimoniu", services.id, superior_id=director.id)
    add(caretaker, NON_TEACHING, "îngrijitor", services.id, superior_id=caretaker_boss.id)
    ops.ensure_default_holidays(director, 2026)
    ops.save_public_holiday(director, day=SYNTHETIC_HOLIDAY, name="Zi liberă (calendar de test)")
    db.session.expire_all()
    return EvaluationFixture(
        base=base,
        monkeypatch=monkeypatch,
        director=director,
        deputy=deputy,
        secretary=base.secretary,
        administrator=base.administrator,
        head=base.class_master,
        teacher=base.teacher,
        colleague=base.other_teacher,
        outsiders=outsiders,
        caretaker_boss=caretaker_boss,
        caretaker=caretaker,
        staff=staff,
    )


@contextlib.contextmanager
def refused(kind: type[Exception], pattern: str | None = None) -> Iterator[pytest.ExceptionInfo]:
    """`pytest.raises(kind)` that also matches `pattern` against the Romanian message."""
    with pytest.raises(kind) as info:
        yield info
    if pattern is not None:
        assert re.search(pattern, info.value.message_ro), info.value.message_ro
