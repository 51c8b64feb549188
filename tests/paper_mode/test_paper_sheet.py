"""The blank daily sheets for outages (pdf/documents/paper_sheet.py, views/documents.py
`paper_sheet`): the PDF's text (pdftotext), one page per school day, who may print which sheet,
the links on the Documente page and in the grid, and a fixed number of queries."""

from __future__ import annotations

import re
import subprocess
from datetime import date

import pytest
import sqlalchemy as sa

from pdf.documents.paper_sheet import paper_sheet_context, render_paper_sheet, school_days
from schema.errors import InvariantViolation
from schema.audit_log import PersonalDataAccess
from schema.models import CurriculumEntry, Enrolment, Guardian, StudentGuardian, TeachingAssignment, db
from security import policy
from tests.factories import _save, make_student, make_user
from tests.pages.conftest import counting_queries


def pdf_text(content: bytes) -> tuple[str, int]:
    """The PDF's text with collapsed white space (pdftotext) and its page count (form feeds)."""
    assert content.startswith(b"%PDF-")
    raw = subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True).stdout
    text = raw.decode("utf-8")
    pages = len([page for page in text.split("\f") if page.strip()])
    return re.sub(r"\s+", " ", text), pages


def enrol(school, last_name: str, first_name: str, *, starts_on=date(2025, 9, 8), ends_on=None, status="active"):
    student = make_student(school.school, last_name=last_name, first_name=first_name)
    return _save(
        Enrolment(
            school_id=school.school.id,
            student_id=student.id,
            year_id=school.year.id,
            class_id=school.school_class.id,
            starts_on=starts_on,
            ends_on=ends_on,
            status=status,
        )
    )


def physics_entry(school) -> CurriculumEntry:
    """Physics in a V-a B (tests/factories.py: build_school), taught by nobody yet."""
    return db.session.scalar(sa.select(CurriculumEntry).where(CurriculumEntry.class_id == school.other_class.id))


def test_the_sheet_lists_the_class_in_catalog_order_with_the_romanian_headings(app, school):
    enrol(school, "Țurcanu", "Ana")
    enrol(school, "Albu", "Ștefan")
    enrol(school, "Șerban", "Ioana")
    text, pages = pdf_text(render_paper_sheet(school.maths.id, date(2025, 11, 20), date(2025, 11, 20)))
    assert pages == 1
    for heading in (
        "Fișă zilnică — situație de urgență",
        "Clasa: a V-a A",
        "Disciplina: Matematică",
        "Profesor: Vasilescu Ion",
        "joi, 20.11.2025",
        "Ora de curs",
        "Subiectul lecției",
        "Elevul",
        "Absent",
        "Nota",
        "Teză / observații",
        "Semnătura profesorului",
        school.school.name,
    ):
        assert heading in text, heading
    # Numbered, in the Romanian alphabet's order: Albu, Ionescu, Șerban (Ș after S), Țurcanu.
    order = [text.index(name) for name in ("1 Albu Ștefan", "2 Ionescu Ștefania", "3 Șerban Ioana", "4 Țurcanu Ana")]
    assert order == sorted(order)
    assert "ş" not in text and "ţ" not in text  # comma below, never cedilla


def test_a_range_prints_one_page_per_school_day_and_each_day_its_enrolled_students(app, school):
    enrol(school, "Albu", "Ștefan", starts_on=date(2025, 11, 19))  # joins on Wednesday
    left = enrol(school, "Zamfir", "Dan", ends_on=date(2025, 11, 18), status="transferred")
    # Monday 17 to Sunday 23 November: five school days.
    context = paper_sheet_context(school.maths.id, date(2025, 11, 17), date(2025, 11, 23))
    assert [page["date"] for page in context["pages"]] == [date(2025, 11, d) for d in (17, 18, 19, 20, 21)]
    names = {page["date"].day: [s["name"] for s in page["students"]] for page in context["pages"]}
    assert names[17] == ["Ionescu Ștefania", "Zamfir Dan"]
    assert names[19] == ["Albu Ștefan", "Ionescu Ștefania"]
    assert left.id  # the transferred student is on the sheets before the transfer only
    _text, pages = pdf_text(render_paper_sheet(school.maths.id, date(2025, 11, 17), date(2025, 11, 23)))
    assert pages == 5


def test_holidays_between_periods_are_left_out_and_an_empty_range_is_refused(app, school):
    periods = [
        (school.semester1.starts_on, school.semester1.ends_on),
        (school.semester2.starts_on, school.semester2.ends_on),
    ]
    assert school_days(date(2026, 1, 29), date(2026, 2, 10), periods) == [
        date(2026, 1, 29),
        date(2026, 1, 30),
        date(2026, 2, 9),
        date(2026, 2, 10),
    ]
    with pytest.raises(InvariantViolation) as refused:
        paper_sheet_context(school.maths.id, date(2026, 2, 2), date(2026, 2, 6))
    assert refused.value.code == "no_school_days"
    with pytest.raises(InvariantViolation) as too_long:
        paper_sheet_context(school.maths.id, date(2025, 10, 1), date(2025, 11, 20))
    assert too_long.value.code == "range_too_long"


def test_the_context_costs_the_same_few_queries_for_one_day_and_a_month_and_many_students(app, school):
    with counting_queries() as small:
        paper_sheet_context(school.maths.id, date(2025, 11, 20), date(2025, 11, 20))
    for index in range(12):
        enrol(school, f"Elev{index}", "Test")
    with counting_queries() as large:
        paper_sheet_context(school.maths.id, date(2025, 11, 3), date(2025, 11, 28))
    assert small.count == large.count <= 6


# --- who may print which sheet -------------------------------------------------------------------
def _sheet_url(entry_id: int, day: str = "2025-11-20", until: str = "") -> str:
    url = f"/documente/fisa-urgenta.pdf?disciplina={entry_id}&zi={day}"
    return f"{url}&pana={until}" if until else url


def test_the_teacher_prints_the_sheets_of_their_subject(app, school, client_for):
    response = client_for(school.teacher).get(_sheet_url(school.maths.id, "2025-11-17", "2025-11-21"))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    text, pages = pdf_text(response.data)
    assert pages == 5 and "Ionescu Ștefania" in text


def test_another_class_teacher_a_parent_and_the_administrator_get_404(app, school, client_for):
    physics_teacher = make_user(school.school, policy.TEACHER, last_name="Fizicescu")
    physics = physics_entry(school)
    _save(TeachingAssignment(school_id=school.school.id, curriculum_entry_id=physics.id, teacher_id=physics_teacher.id))
    parent = make_user(school.school, policy.PARENT, last_name="Ionescu", first_name="Mihai")
    guardian = _save(Guardian(school_id=school.school.id, last_name="Ionescu", first_name="Mihai", user_id=parent.id))
    _save(
        StudentGuardian(
            school_id=school.school.id,
            student_id=school.student.id,
            guardian_id=guardian.id,
            kind="tata",
            is_primary_contact=True,
        )
    )
    auditor = make_user(school.school, policy.AUDITOR)
    for user in (physics_teacher, parent, school.administrator, auditor):
        assert client_for(user).get(_sheet_url(school.maths.id)).status_code == 404, user.roles
    # ... and the physics teacher prints their own class's sheet.
    assert client_for(physics_teacher).get(_sheet_url(physics.id)).status_code == 200
    # A teacher of the same class but another subject does not print maths.
    assert client_for(school.other_teacher).get(_sheet_url(school.maths.id)).status_code == 404


def test_the_class_master_director_deputy_and_secretary_print_every_subject_they_hand_out(app, school, client_for):
    deputy = make_user(school.school, policy.DEPUTY_DIRECTOR)
    for user in (school.class_master, school.director, deputy, school.secretary):
        assert client_for(user).get(_sheet_url(school.romanian.id)).status_code == 200, user.roles
    # The class master prints only the classes they lead.
    other = physics_entry(school)
    assert client_for(school.class_master).get(_sheet_url(other.id)).status_code == 404
    assert client_for(school.secretary).get(_sheet_url(other.id)).status_code == 200


def test_a_bad_date_or_a_missing_subject_is_404_and_an_empty_range_says_why(app, school, client_for):
    client = client_for(school.teacher)
    assert client.get(_sheet_url(school.maths.id, "2025-13-01")).status_code == 404
    assert client.get("/documente/fisa-urgenta.pdf").status_code == 404
    holiday = client.get(_sheet_url(school.maths.id, "2026-02-02", "2026-02-06"))
    assert holiday.status_code == 422
    assert "nu este nicio zi de școală" in holiday.get_data(as_text=True)


def test_the_documents_page_and_the_grid_offer_the_sheets(app, school, client_for):
    page = client_for(school.teacher).get("/documente/").get_data(as_text=True)
    assert "Fișe zilnice pentru situații de urgență" in page
    assert f'<option value="{school.maths.id}">a V-a A — Matematică</option>' in page
    assert f'value="{school.romanian.id}"' not in page  # not the teacher's subject
    secretary_page = client_for(school.secretary).get("/documente/").get_data(as_text=True)
    assert f'value="{school.romanian.id}"' in secretary_page and f'value="{school.maths.id}"' in secretary_page
    admin_page = client_for(school.administrator).get("/documente/").get_data(as_text=True)
    assert "Fișe zilnice pentru situații de urgență" not in admin_page
    grid = client_for(school.teacher).get(f"/catalogul-meu/{school.maths.id}").get_data(as_text=True)
    assert f"/documente/fisa-urgenta.pdf?disciplina={school.maths.id}" in grid


def test_the_download_is_logged_per_student_named(app, school, client_for):
    enrol(school, "Albu", "Ștefan")
    assert client_for(school.teacher).get(_sheet_url(school.maths.id)).status_code == 200
    db.session.rollback()
    rows = db.session.scalars(
        sa.select(PersonalDataAccess).where(PersonalDataAccess.user_id == school.teacher.id)
    ).all()
    assert len(rows) == 2 and all(row.what.startswith("PDF fișă zilnică") for row in rows)
