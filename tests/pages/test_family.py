"""Parent and student pages (issue 5 item 5): the child's marks, averages, absences, behaviour
and year status, read-only; a parent switches between children; another parent's child is a 404
exactly like a missing id; staff are refused; the query count does not grow with the data; every
opening is recorded in the personal-data log."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from schema.audit_log import PersonalDataAccess
from schema.models import (
    CurriculumEntry,
    Enrolment,
    Guardian,
    SchoolYear,
    StudentGuardian,
    Subject,
    TeachingAssignment,
    db,
)
from schema.operations.absences import excuse_absences, record_absence
from schema.operations.closing import (
    close_annual_average,
    close_period_average,
    close_year_result,
    set_behaviour_mark,
)
from schema.operations.marks import record_mark
from security import policy
from tests.factories import _save, make_student, make_user
from tests.pages.conftest import counting_queries

TODAY = date(2025, 11, 20)


@pytest.fixture(autouse=True)
def _frozen_today(monkeypatch):
    monkeypatch.setattr("security.access.today", lambda: TODAY)


def make_parent(school, *children, first_name="Mihai", kind="tata"):
    """A parent account linked (Guardian + StudentGuardian) to `children`."""
    user = make_user(school.school, policy.PARENT, first_name=first_name, last_name="Ionescu")
    guardian = _save(Guardian(school_id=school.school.id, last_name="Ionescu", first_name=first_name, user_id=user.id))
    for child in children:
        _save(StudentGuardian(school_id=school.school.id, student_id=child.id, guardian_id=guardian.id, kind=kind))
    return user


def enrol(school, student, school_class=None):
    return _save(Enrolment(school_id=school.school.id, student_id=student.id, year_id=school.year.id,
                           class_id=(school_class or school.school_class).id, starts_on=date(2025, 9, 8)))


def _text(response) -> str:
    return response.get_data(as_text=True)


def _plain(html: str) -> str:
    """The page's text without tags and with collapsed spaces."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# --- who may open what --------------------------------------------------------------------
def test_a_parent_with_two_children_switches_between_them(app, school, client_for):
    sibling = make_student(school.school, first_name="Andrei", sex="M", birth_date=date(2012, 5, 2))
    enrol(school, sibling, school.other_class)
    parent = make_parent(school, school.student, sibling)
    client = client_for(parent)

    chooser = client.get("/situatie/")
    assert chooser.status_code == 200
    page = _text(chooser)
    for child in (school.student, sibling):
        assert f"/situatie/elev/{child.id}" in page
    assert "a V-a A" in page and "a V-a B" in page

    first = _text(client.get(f"/situatie/elev/{school.student.id}"))
    assert "Ionescu Ștefania" in first and 'class="tabs"' in first
    # The switcher links to the sibling; following it shows the sibling's class.
    assert f'href="/situatie/elev/{sibling.id}"' in first
    second = client.get(f"/situatie/elev/{sibling.id}")
    assert second.status_code == 200
    assert "Clasa a V-a B" in _text(second) and "Ionescu Andrei" in _text(second)


def test_a_parent_with_one_child_goes_straight_to_the_childs_page(app, school, client_for):
    parent = make_parent(school, school.student)
    response = client_for(parent).get("/situatie/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/situatie/elev/{school.student.id}")


def test_another_parents_child_is_a_404_like_a_missing_id(app, school, client_for):
    other_child = make_student(school.school, last_name="Marin", first_name="Bogdan", sex="M")
    enrol(school, other_child)
    make_parent(school, other_child, first_name="Cristian")
    parent = make_parent(school, school.student)
    client = client_for(parent)

    foreign = client.get(f"/situatie/elev/{other_child.id}")
    missing = client.get("/situatie/elev/987654")
    assert foreign.status_code == missing.status_code == 404
    assert _text(foreign) == _text(missing)
    assert "Marin" not in _text(foreign) and "Bogdan" not in _text(foreign)
    # A year that is not the child's is a 404 too (no other year is ever looked at).
    assert client.get(f"/situatie/elev/{school.student.id}?an=2019-2020").status_code == 404
    assert not db.session.scalar(sa.select(PersonalDataAccess).where(PersonalDataAccess.student_id == other_child.id))


def test_a_student_sees_only_themself(app, school, client_for):
    account = make_user(school.school, policy.STUDENT, first_name="Ștefania", last_name="Ionescu")
    with_account = db.session.get(type(school.student), school.student.id)
    with_account.user_id = account.id
    _save(with_account)
    classmate = make_student(school.school, last_name="Marin", first_name="Bogdan", sex="M")
    enrol(school, classmate)
    client = client_for(account)

    start = client.get("/situatie/")
    assert start.status_code == 302 and start.headers["Location"].endswith(f"/situatie/elev/{school.student.id}")
    own = client.get(f"/situatie/elev/{school.student.id}")
    assert own.status_code == 200 and "Ionescu Ștefania" in _text(own)
    assert "Marin" not in _text(own)
    assert client.get(f"/situatie/elev/{classmate.id}").status_code == 404


@pytest.mark.parametrize("who", ["teacher", "class_master", "administrator", "director", "secretary"])
def test_staff_have_no_family_pages(app, school, client_for, who):
    client = client_for(getattr(school, who))
    assert client.get("/situatie/").status_code == 403
    assert client.get(f"/situatie/elev/{school.student.id}").status_code == 403


def test_the_menu_shows_the_page_to_parents_only(app, school, client_for):
    parent = make_parent(school, school.student)
    assert "Situația școlară" in _text(client_for(parent).get("/cont/"))
    assert "/situatie/" not in _text(client_for(school.teacher).get("/cont/"))


# --- what the page shows ------------------------------------------------------------------
def _full_year(school):
    """Semester I and II marks, a thesis, closed averages, absences (one excused), behaviour and
    the year result, all through the operations with the right actors."""
    record_absence(school.teacher, school.enrolment, school.maths, occurred_on=date(2025, 11, 3), lesson_hour=2)
    record_absence(school.other_teacher, school.enrolment, school.romanian, occurred_on=date(2025, 11, 5), lesson_hour=4)
    record_absence(school.other_teacher, school.enrolment, school.romanian, occurred_on=date(2025, 11, 6), lesson_hour=1)
    excuse_absences(school.class_master, school.enrolment, kind="medical", document_number="77",
                    document_date=date(2025, 11, 6), covers_from=date(2025, 11, 5), covers_to=date(2025, 11, 6),
                    returned_on=date(2025, 11, 7), presented_on=date(2025, 11, 10))
    maths_marks = {school.semester1: [4, 5, 4, 4], school.semester2: [4, 5, 4, 4]}
    romanian_marks = {school.semester1: [9, 9, 8, 10, 9], school.semester2: [9, 10, 9, 9, 10]}
    starts = {school.semester1: date(2025, 10, 6), school.semester2: date(2026, 3, 2)}
    for entry, teacher, marks in ((school.maths, school.teacher, maths_marks),
                                  (school.romanian, school.other_teacher, romanian_marks)):
        for period, values in marks.items():
            for offset, value in enumerate(values):
                record_mark(teacher, school.enrolment, entry, given_on=starts[period] + timedelta(days=offset), value=value)
            if entry.has_thesis_in(period.id):
                record_mark(teacher, school.enrolment, entry, given_on=date(2025, 12, 10), value=3, kind="thesis")
            close_period_average(teacher, school.enrolment, entry, period)
        close_annual_average(teacher, school.enrolment, entry)
    for period in (school.semester1, school.semester2):
        set_behaviour_mark(school.class_master, school.enrolment, period)
    return close_year_result(school.class_master, school.enrolment)


def test_the_page_shows_marks_absences_behaviour_and_year_status(app, school, client_for):
    result = _full_year(school)
    assert result.status == "corigent"
    parent = make_parent(school, school.student)
    response = client_for(parent).get(f"/situatie/elev/{school.student.id}")
    assert response.status_code == 200
    html = _text(response)
    text = _plain(html)

    # Marks with dates, the thesis, averages.
    assert "Matematică" in text and "Limba și literatura română" in text
    assert "4 6 oct." in text and "10 6 mar." in text
    assert "Teză: 3 10 dec." in text
    assert html.count('<details class="subject"') == 2
    assert "Media anuală: 4," in text  # maths failed
    # Absences: two taps (the "Absențe" link at the top leads to the list).
    assert html.index('href="#absente"') < html.index('id="absente"')
    assert "1 nemotivată" in text and "2 motivate" in text
    assert "03.11.2025 2 Matematică nemotivată" in text
    assert "06.11.2025 1 Limba și literatura română motivată (certificat medical)" in text
    # Behaviour per period and the year's status with its Romanian label.
    assert "Semestrul I: 10" in text and "Semestrul al II-lea: 10" in text
    assert "Corigent" in text and "Corigent la: Matematică" in text
    assert "media generală" in text
    # Read-only: no form writes anything (the only form is the layout's logout button).
    assert html.count("<form") == 1 and 'action="/logout"' in html
    assert response.headers["Cache-Control"] == "private, no-store"


def test_the_current_year_is_the_default_and_past_years_can_be_chosen(app, school, client_for):
    past = _save(SchoolYear(school_id=school.school.id, name="2024-2025", starts_on=date(2024, 9, 1),
                            ends_on=date(2025, 8, 31), period_kind="semester"))
    from schema.models import LearningPeriod, SchoolClass

    _save(LearningPeriod(school_id=school.school.id, year_id=past.id, ordinal=1, name="Semestrul I",
                         starts_on=date(2024, 9, 9), ends_on=date(2025, 1, 31), teaching_weeks=18))
    old_class = _save(SchoolClass(school_id=school.school.id, year_id=past.id, grade_level_id=school.grade.id,
                                  name="a IV-a A"))
    _save(Enrolment(school_id=school.school.id, student_id=school.student.id, year_id=past.id, class_id=old_class.id,
                    starts_on=date(2024, 9, 9), ends_on=date(2025, 6, 20), status="graduated"))
    client = client_for(make_parent(school, school.student))
    current = _text(client.get(f"/situatie/elev/{school.student.id}"))
    assert "anul școlar 2025-2026" in current and "Clasa a V-a A" in current
    assert "?an=2024-2025" in current
    earlier = _text(client.get(f"/situatie/elev/{school.student.id}?an=2024-2025"))
    assert "anul școlar 2024-2025" in earlier and "Clasa a IV-a A" in earlier


def test_every_opening_is_logged(app, school, client_for):
    parent = make_parent(school, school.student)
    client = client_for(parent)
    client.get(f"/situatie/elev/{school.student.id}")
    client.get(f"/situatie/elev/{school.student.id}")
    rows = db.session.scalars(sa.select(PersonalDataAccess)).all()
    assert [(row.user_id, row.student_id, row.what) for row in rows] == [
        (parent.id, school.student.id, "situația școlară 2025-2026")] * 2


# --- query count --------------------------------------------------------------------------
def _subjects_with_marks(school, first, count):
    """`count` more subjects in the class, each with 3 marks and an absence, taught by `teacher`."""
    for index in range(first, first + count):
        subject = _save(Subject(school_id=school.school.id, name=f"Opțional {index:02d}", short_name=f"O{index:02d}"))
        entry = _save(CurriculumEntry(school_id=school.school.id, class_id=school.school_class.id,
                                      subject_id=subject.id, weekly_hours=1))
        _save(TeachingAssignment(school_id=school.school.id, curriculum_entry_id=entry.id, teacher_id=school.teacher.id))
        for day in range(3):
            record_mark(school.teacher, school.enrolment, entry, given_on=date(2025, 10, 6 + day), value=8 + day % 3)
        record_absence(school.teacher, school.enrolment, entry, occurred_on=date(2025, 10, 13), lesson_hour=index + 1)


def _count_queries(client, url):
    client.get(url)  # warm up the session (login, roles)
    with counting_queries() as counter:
        response = client.get(url)
    assert response.status_code == 200
    return counter.count


def test_the_query_count_does_not_grow_with_subjects_and_marks(app, school, client_for):
    parent = make_parent(school, school.student)
    client = client_for(parent)
    url = f"/situatie/elev/{school.student.id}"
    _subjects_with_marks(school, 0, 2)
    few = _count_queries(client, url)
    _subjects_with_marks(school, 2, 8)
    many = _count_queries(client, url)
    assert "Opțional 09" in _text(client.get(url))
    assert few == many, (few, many)
    assert many <= 16, many  # 15 + the menu's unread-messages count (views/messages.py: unread_count)


def test_after_a_transfer_the_page_shows_the_new_class_and_the_old_marks(app, school, client_for):
    from schema.operations.enrolment import transfer_student

    record_mark(school.teacher, school.enrolment, school.maths, given_on=date(2025, 10, 8), value=7)
    transfer_student(school.secretary, school.enrolment, school.other_class, on=date(2025, 11, 10),
                     reason="Transfer aprobat de CA, decizia 9/2025")
    text = _plain(_text(client_for(make_parent(school, school.student)).get(f"/situatie/elev/{school.student.id}")))
    assert "Clasa a V-a B" in text
    assert "Fizică" in text  # the new class's subject
    assert "Matematică" in text and "7 8 oct." in text  # the mark from the old class stays visible
    assert "Limba și literatura română" not in text  # an old subject without any data is not listed
