"""The family page's remarks and tests cost a fixed number of queries, whatever their number."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from schema.communication import Remark
from schema.models import db
from schema.operations.remarks import record_remark
from schema.operations.tests_calendar import announce_test
from tests.communication.conftest import TODAY, make_parent, text
from tests.pages.conftest import counting_queries


def _add(school, remarks: int, tests: int, first: int = 0) -> None:
    for index in range(first, first + remarks):
        record_remark(
            school.teacher,
            school.enrolment,
            kind=("positive", "negative", "information")[index % 3],
            remarked_on=TODAY - timedelta(days=index),
            text=f"Observația numărul {index}",
            curriculum_entry=school.maths if index % 2 else None,
        )
    for index in range(first, first + tests):
        announce_test(
            school.teacher,
            school.maths,
            kind="written",
            held_on=date(2025, 11, 21) + timedelta(days=index),
            scope=f"Capitolul {index}",
            confirm_over_limit=True,
        )


def _count(client, url: str) -> int:
    client.get(url)  # warm up, and record the first reading
    with counting_queries() as counter:
        response = client.get(url)
    assert response.status_code == 200
    return counter.count


def test_remarks_and_tests_add_no_per_row_queries(app, school, client_for):
    client = client_for(make_parent(school, school.student))
    url = f"/situatie/elev/{school.student.id}"
    _add(school, remarks=1, tests=1)
    few = _count(client, url)
    _add(school, remarks=8, tests=6, first=1)
    many = _count(client, url)
    page = text(client.get(url))
    assert "Observația numărul 8" in page and "Capitolul 6" in page
    assert few == many, (few, many)


def test_the_first_reading_costs_a_fixed_number_of_writes(app, school, client_for):
    client = client_for(make_parent(school, school.student))
    url = f"/situatie/elev/{school.student.id}"
    client.get(url)
    _add(school, remarks=1, tests=0)
    with counting_queries() as one:
        client.get(url)
    _add(school, remarks=1, tests=0, first=1)  # warm state: one new unread remark again
    _add(school, remarks=6, tests=0, first=2)
    with counting_queries() as seven:
        client.get(url)
    # The readings go out as one batched UPDATE (and one batched version INSERT): nothing per row.
    updates = [s for s in seven.statements if s.lstrip().upper().startswith("UPDATE REMARKS")]
    assert len(updates) == 1
    assert seven.count == one.count, (one.count, seven.count)
    assert db.session.scalar(sa.select(sa.func.count(Remark.id)).where(Remark.read_at.is_(None))) == 0
