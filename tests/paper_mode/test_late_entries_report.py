"""The report of late entries (views/late_entries.py): what was entered more than a day after the
lesson, by whom and when, never the on-time entries; filters, CSV with BOM, who may open it, and a
fixed number of queries whatever the rows."""

from __future__ import annotations

import csv
import io
from datetime import date
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from schema.models import Enrolment, Mark, TeachingAssignment, db
from schema.operations.absences import record_absence
from schema.operations.marks import record_mark
from security import policy
from tests.factories import _save, make_student, make_user
from tests.pages.conftest import counting_queries
from tests.paper_mode.conftest import TODAY

URL = "/directiune/introduceri-ulterioare/"


def entry_day() -> date:
    """The school-time day the test's rows were created (created_at is the real clock)."""
    db.session.rollback()
    moment = db.session.scalar(sa.select(sa.func.max(Mark.created_at)))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo("UTC"))
    return moment.astimezone(ZoneInfo("Europe/Bucharest")).date()


def late_and_on_time(school):
    record_mark(school.teacher, school.enrolment, school.maths, given_on=date(2025, 11, 10), value=9)  # late
    record_mark(school.teacher, school.enrolment, school.maths, given_on=date(2025, 11, 19), value=4)  # on time
    record_absence(
        school.other_teacher, school.enrolment, school.romanian, occurred_on=date(2025, 11, 11), lesson_hour=3
    )  # late
    record_absence(school.other_teacher, school.enrolment, school.romanian, occurred_on=TODAY, lesson_hour=1)


def test_the_director_sees_the_late_entries_with_who_and_when_and_not_the_on_time_ones(app, school, client_for):
    late_and_on_time(school)
    html = client_for(school.director).get(URL).get_data(as_text=True)
    assert "2 înregistrări" in html
    assert "10.11.2025" in html and "11.11.2025" in html
    body = html.split("<tbody>")[1]
    assert "19.11.2025" not in body and "<td>20.11.2025</td>" not in body  # the on-time mark and absence
    assert "Vasilescu Ion" in body and "Dumitrescu Maria" in body  # who entered them
    assert "<td>notă</td><td>9</td>" in body and "<td>absență</td><td>ora 3, nemotivată</td>" in body
    assert "Ionescu Ștefania" in body
    # Days of delay: from the lesson to the day the row was created (its created_at, school time).
    for lesson_on in (date(2025, 11, 10), date(2025, 11, 11)):
        assert f"<td>{(entry_day() - lesson_on).days}</td>" in body
    assert "<td>4</td>" not in body  # the on-time mark 4 is not listed


def test_the_filters_choose_lesson_dates_and_the_class(app, school, client_for):
    late_and_on_time(school)
    other = make_student(school.school, last_name="Barbu", first_name="Dan")
    enrolment = _save(
        Enrolment(
            school_id=school.school.id,
            student_id=other.id,
            year_id=school.year.id,
            class_id=school.other_class.id,
            starts_on=date(2025, 9, 8),
        )
    )
    physics_teacher = make_user(school.school, policy.TEACHER, last_name="Fizicescu", first_name="Petru")
    from tests.paper_mode.test_paper_sheet import physics_entry

    physics = physics_entry(school)
    _save(TeachingAssignment(school_id=school.school.id, curriculum_entry_id=physics.id, teacher_id=physics_teacher.id))
    record_mark(physics_teacher, enrolment, physics, given_on=date(2025, 10, 1), value=6)
    client = client_for(school.director)
    everything = client.get(URL).get_data(as_text=True)
    assert "3 înregistrări" in everything and "Barbu Dan" in everything
    one_class = client.get(f"{URL}?clasa={school.other_class.id}").get_data(as_text=True)
    assert "1 înregistrare" in one_class and "Barbu Dan" in one_class and "Ionescu Ștefania" not in one_class
    november = client.get(f"{URL}?de_la=2025-11-01&pana_la=2025-11-10").get_data(as_text=True)
    assert "1 înregistrare" in november and "10.11.2025" in november
    assert client.get(f"{URL}?clasa=999999").status_code == 404


def test_the_csv_has_a_bom_a_header_and_the_rows(app, school, client_for):
    late_and_on_time(school)
    response = client_for(school.director).get(f"{URL}export.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == [
        "Clasa",
        "Disciplina",
        "Elevul",
        "Data lecției",
        "Ce",
        "Valoarea",
        "Introdusă de",
        "Introdusă la",
        "Zile de întârziere",
    ]
    assert len(rows) == 3
    assert rows[1][:5] == ["a V-a A", "Matematică", "Ionescu Ștefania", "10.11.2025", "notă"]
    assert rows[1][6] == "Vasilescu Ion" and rows[1][8] == str((entry_day() - date(2025, 11, 10)).days)


def test_director_deputy_and_auditor_open_it_others_are_refused(app, school, client_for):
    deputy = make_user(school.school, policy.DEPUTY_DIRECTOR)
    auditor = make_user(school.school, policy.AUDITOR)
    for user in (school.director, deputy, auditor):
        assert client_for(user).get(URL).status_code == 200
    for user in (school.teacher, school.class_master, school.secretary, school.administrator):
        assert client_for(user).get(URL).status_code == 403
        assert client_for(user).get(f"{URL}export.csv").status_code == 403
    assert "Introduceri ulterioare" in client_for(school.director).get("/directiune/").get_data(as_text=True)


def test_the_report_needs_the_same_queries_for_few_and_many_rows(app, school, client_for):
    client = client_for(school.director)
    record_mark(school.teacher, school.enrolment, school.maths, given_on=date(2025, 11, 3), value=8)
    client.get(URL)
    with counting_queries() as few:
        assert client.get(URL).status_code == 200
    for index in range(8):
        student = make_student(school.school, last_name=f"Elev{index}", first_name="Test")
        enrolment = _save(
            Enrolment(
                school_id=school.school.id,
                student_id=student.id,
                year_id=school.year.id,
                class_id=school.school_class.id,
                starts_on=date(2025, 9, 8),
            )
        )
        record_mark(school.teacher, enrolment, school.maths, given_on=date(2025, 11, 4), value=7)
        record_absence(school.other_teacher, enrolment, school.romanian, occurred_on=date(2025, 11, 5), lesson_hour=1)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Mark.id)).where(Mark.entered_late.is_(True))) == 9
    with counting_queries() as many:
        html = client.get(URL).get_data(as_text=True)
    assert "17 înregistrări" in html
    assert many.count == few.count
