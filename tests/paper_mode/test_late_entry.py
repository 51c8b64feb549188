"""Late entry ("introducere ulterioară", schema/rules/late_entry.py): a mark or an absence entered
more than a day after its lesson date is flagged on the row and versioned with that reason, through
the operations, the grid's JSON and form posts and the absences per lesson; the administrator is
never allowed to enter it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy_continuum import version_class

from schema.errors import PermissionDenied
from schema.models import Absence, Mark, db
from schema.operations.absences import record_absence
from schema.operations.marks import record_mark
from schema.rules.late_entry import LATE_ENTRY_REASON, days_late, is_late_entry
from tests.paper_mode.conftest import TODAY, csrf


def reason_of(row) -> str | None:
    db.session.rollback()
    versions = db.session.scalars(
        sa.select(version_class(type(row))).where(version_class(type(row)).id == row.id)
    ).all()
    assert len(versions) == 1
    return versions[0].transaction.reason


def test_the_rule_counts_more_than_one_day():
    assert not is_late_entry(date(2025, 11, 20), date(2025, 11, 20))
    assert not is_late_entry(date(2025, 11, 19), date(2025, 11, 20))
    assert is_late_entry(date(2025, 11, 18), date(2025, 11, 20))
    assert days_late(date(2025, 11, 10), date(2025, 11, 20)) == 10
    assert days_late(date(2025, 11, 21), date(2025, 11, 20)) == 0


@pytest.mark.parametrize(("days_ago", "late"), [(0, False), (1, False), (2, True), (15, True)])
def test_a_mark_is_flagged_and_versioned_as_late_only_after_more_than_a_day(app, school, days_ago, late):
    mark = record_mark(
        school.teacher, school.enrolment, school.maths, given_on=TODAY - timedelta(days=days_ago), value=8
    )
    assert mark.entered_late is late
    assert reason_of(mark) == (LATE_ENTRY_REASON if late else None)


@pytest.mark.parametrize(("days_ago", "late"), [(1, False), (3, True)])
def test_an_absence_is_flagged_and_versioned_as_late_only_after_more_than_a_day(app, school, days_ago, late):
    absence = record_absence(
        school.teacher, school.enrolment, school.maths, occurred_on=TODAY - timedelta(days=days_ago), lesson_hour=2
    )
    assert absence.entered_late is late
    assert reason_of(absence) == (LATE_ENTRY_REASON if late else None)


def test_a_replay_of_entries_made_on_their_day_is_not_late(app, school):
    """The demo seed records a semester's past marks as if entered on their day."""
    day = date(2025, 10, 1)
    mark = record_mark(school.teacher, school.enrolment, school.maths, given_on=day, value=9, entered_on=day)
    absence = record_absence(
        school.teacher, school.enrolment, school.maths, occurred_on=day, lesson_hour=1, entered_on=day
    )
    assert mark.entered_late is False and absence.entered_late is False


def test_the_administrator_never_enters_late_data(app, school):
    for attempt in (
        lambda: record_mark(school.administrator, school.enrolment, school.maths, given_on=date(2025, 11, 3), value=7),
        lambda: record_absence(
            school.administrator, school.enrolment, school.maths, occurred_on=date(2025, 11, 3), lesson_hour=1
        ),
    ):
        with pytest.raises(PermissionDenied):
            attempt()
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Mark.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(Absence.id))) == 0


def test_the_administrator_gets_no_grid_to_enter_late_data(app, school, client_for):
    client = client_for(school.administrator)
    assert client.get(f"/catalogul-meu/{school.maths.id}").status_code in (403, 404)
    response = client.post(
        f"/catalogul-meu/{school.maths.id}/absente",
        data={"occurred_on": "2025-11-03", "lesson_hour": "1", "absent": [str(school.enrolment.id)]},
    )
    assert response.status_code in (400, 403, 404)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Absence.id))) == 0


def test_the_grid_accepts_a_past_date_and_marks_it_as_a_late_entry(app, school, client_for):
    client = client_for(school.teacher)
    url = f"/catalogul-meu/{school.maths.id}"
    token = csrf(client, url)
    response = client.post(
        f"{url}/note",
        json={
            "enrolment_id": school.enrolment.id,
            "value": "9",
            "given_on": "2025-11-10",
            "period_id": school.semester1.id,
        },
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    assert LATE_ENTRY_REASON in response.get_json()["message"]
    on_time = client.post(
        f"{url}/note",
        json={
            "enrolment_id": school.enrolment.id,
            "value": "7",
            "given_on": "2025-11-19",
            "period_id": school.semester1.id,
        },
        headers={"X-CSRFToken": token},
    )
    assert LATE_ENTRY_REASON not in on_time.get_json()["message"]
    db.session.rollback()
    marks = {m.given_on: m.entered_late for m in db.session.scalars(sa.select(Mark))}
    assert marks == {date(2025, 11, 10): True, date(2025, 11, 19): False}
    grid = client.get(url).get_data(as_text=True)
    assert grid.count('introducere ulterioară">') == 1  # the chip's title of the late mark only
    assert 'class="late-entry"' in grid


def test_the_plain_form_batch_records_a_late_lesson_with_the_late_reason(app, school, client_for):
    client = client_for(school.teacher)
    url = f"/catalogul-meu/{school.maths.id}"
    token = csrf(client, url)
    response = client.post(
        f"{url}/note",
        data={
            "csrf_token": token,
            "given_on": "2025-11-05",
            "period_id": school.semester1.id,
            f"mark-{school.enrolment.id}": "10",
        },
        follow_redirects=True,
    )
    assert f"Au fost trecute 1 notă ({LATE_ENTRY_REASON})" in response.get_data(as_text=True)
    db.session.rollback()
    mark = db.session.scalars(sa.select(Mark)).one()
    assert mark.entered_late is True
    assert reason_of(mark).startswith(f"{LATE_ENTRY_REASON}: Note la Matematică")


def test_absences_per_lesson_of_a_past_day_are_late_entries(app, school, client_for):
    client = client_for(school.teacher)
    url = f"/catalogul-meu/{school.maths.id}/absente"
    token = csrf(client, url)
    saved = client.post(
        url,
        data={
            "csrf_token": token,
            "occurred_on": "2025-11-12",
            "lesson_hour": "3",
            "absent": [str(school.enrolment.id)],
        },
        follow_redirects=True,
    )
    assert f"pe 12.11.2025, ora 3 ({LATE_ENTRY_REASON})" in saved.get_data(as_text=True)
    today_lesson = client.post(
        url,
        data={
            "csrf_token": token,
            "occurred_on": TODAY.isoformat(),
            "lesson_hour": "1",
            "absent": [str(school.enrolment.id)],
        },
        follow_redirects=True,
    )
    assert LATE_ENTRY_REASON not in today_lesson.get_data(as_text=True).split("ora 1")[0][-200:]
    db.session.rollback()
    absences = {a.occurred_on: a for a in db.session.scalars(sa.select(Absence))}
    assert absences[date(2025, 11, 12)].entered_late is True
    assert absences[TODAY].entered_late is False
    assert reason_of(absences[date(2025, 11, 12)]).startswith(f"{LATE_ENTRY_REASON}: Absențe la Matematică")
    assert not (reason_of(absences[TODAY]) or "").startswith(LATE_ENTRY_REASON)
