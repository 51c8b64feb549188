"""The smaller documents (pdf/documents/student_report.py, attendance_register.py,
parent_notice.py): real PDFs rendered from catalog rows written through the operations, checked by
extracting their text with pypdf: names with diacritics, marks, averages, absences, page count;
refusals in Romanian; a fixed number of queries; hostile values render as text."""

from __future__ import annotations

import builtins
import io
import re
import socket
from datetime import date, timedelta

import pytest
from pypdf import PdfReader

from pdf.documents.attendance_register import attendance_register_context, render_attendance_register, week_of
from pdf.documents.parent_notice import parent_notice_context, render_parent_notice
from pdf.documents.student_report import render_student_report, student_report_context
from pdf.render import render_html
from schema.db import audit_context
from schema.errors import InvariantViolation, NotFound
from schema.models import ExamSession, Guardian, School, Student, StudentGuardian, TeachingAssignment, db
from schema.operations.absences import excuse_absences, record_absence
from schema.operations.closing import close_annual_average, close_period_average, close_year_result, set_behaviour_mark
from schema.operations.marks import record_mark
from security import policy
from tests.factories import _save, make_user
from tests.pages.conftest import counting_queries

TODAY = date(2026, 7, 1)


@pytest.fixture(autouse=True)
def _frozen_today(monkeypatch):
    monkeypatch.setattr("security.access.today", lambda: TODAY)
    monkeypatch.setattr("pdf.documents.student_report.today", lambda: TODAY)
    monkeypatch.setattr("pdf.documents.parent_notice.today", lambda: TODAY)
    monkeypatch.setattr("pdf.documents.attendance_register.today", lambda: TODAY)


def pdf_text(content: bytes) -> tuple[str, int]:
    """The PDF's text with collapsed white space, and its page count."""
    assert content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(content))
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    return re.sub(r"\s+", " ", text), len(reader.pages)


def add_guardian(school, student, last_name="Ionescu", first_name="Mihai", kind="tata", address="Str. Florilor 3, Iași"):
    guardian = _save(Guardian(school_id=school.school.id, last_name=last_name, first_name=first_name, address=address))
    _save(StudentGuardian(school_id=school.school.id, student_id=student.id, guardian_id=guardian.id, kind=kind,
                          is_primary_contact=True))
    return guardian


def unexcused_absences(school, count, *, start=date(2025, 10, 6), entry=None, teacher=None):
    """`count` unexcused absences in semester I, two per school day (hours 1 and 2)."""
    entry, teacher = entry or school.maths, teacher or school.teacher
    day, made = start, 0
    while made < count:
        if day.weekday() < 5:
            for hour in (1, 2):
                if made < count:
                    record_absence(teacher, school.enrolment, entry, occurred_on=day, lesson_hour=hour)
                    made += 1
        day += timedelta(days=1)


def full_year(school):
    """Both semesters: maths failed (4,...; thesis 3) and Romanian passed (9, 10, ...), one excused
    absence, behaviour, averages and the year result (corigent at maths), through the operations."""
    record_absence(school.teacher, school.enrolment, school.maths, occurred_on=date(2025, 11, 3), lesson_hour=2)
    record_absence(school.other_teacher, school.enrolment, school.romanian, occurred_on=date(2025, 11, 5), lesson_hour=4)
    excuse_absences(school.class_master, school.enrolment, kind="medical", document_number="77",
                    document_date=date(2025, 11, 6), covers_from=date(2025, 11, 5), covers_to=date(2025, 11, 5),
                    returned_on=date(2025, 11, 6), presented_on=date(2025, 11, 10))
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


# --- situația școlară ----------------------------------------------------------------------
def test_the_period_report_shows_marks_thesis_averages_absences_and_behaviour(app, school):
    full_year(school)
    text, pages = pdf_text(render_student_report(school.student.id, school.semester1.id))
    assert pages == 1
    assert "Școala Gimnazială „Mihai Eminescu”" in text
    assert "Situația școlară — Semestrul I" in text
    assert "Ionescu Ștefania" in text and "a V-a A" in text and "Stănescu Elena" in text
    assert "Limba și literatura română" in text and "Matematică" in text
    # Marks with their dates, the thesis, the closed period averages (maths: (3*4.25+3)/4 -> 4).
    for mark in ("9/06.10", "8/08.10", "10/09.10", "4/06.10", "5/07.10"):
        assert mark in text
    assert "3/10.12" in text
    context = student_report_context(school.student.id, school.semester1.id)
    averages = {row["name"]: row["period_averages"] for row in context["subjects"]}
    assert averages == {"Limba și literatura română": ["9"], "Matematică": ["4"]}
    assert "Medii sub 5 la: Matematică" in text
    # Absences of the period: 2 in total, 1 unexcused, 1 excused; behaviour 10.
    assert "Total: 2 — nemotivate: 1, motivate: 1" in text
    assert "Semestrul I: 10" in text
    # Semester II marks are not in the semester I report.
    assert "9/02.03" not in text


def test_the_annual_report_shows_both_periods_the_annual_averages_and_the_status(app, school):
    result = full_year(school)
    assert result.status == "corigent"
    text, pages = pdf_text(render_student_report(school.student.id))
    assert pages == 1
    assert "Situația școlară — Anul școlar" in text and "2025-2026" in text
    context = student_report_context(school.student.id)
    assert context["is_annual"] and [p["name"] for p in context["periods"]] == ["Semestrul I", "Semestrul al II-lea"]
    rows = {row["name"]: row for row in context["subjects"]}
    assert rows["Limba și literatura română"]["annual_average"] == "9,00"
    assert rows["Matematică"]["period_averages"] == ["4", "4"]
    assert "9,00" in text and "Corigent" in text and "Corigent la: Matematică" in text
    general = f"{result.general_average:.2f}".replace(".", ",")
    assert f"media generală {general}" in text
    assert "9/02.03" in text and "4/06.10" in text


def test_the_report_costs_a_fixed_number_of_queries(app, school):
    record_mark(school.teacher, school.enrolment, school.maths, given_on=date(2025, 10, 6), value=7)
    db.session.expire_all()
    with counting_queries() as few:
        student_report_context(school.student.id, school.semester1.id)
    unexcused_absences(school, 6, start=date(2025, 11, 17))
    full_year(school)
    db.session.expire_all()
    with counting_queries() as many:
        student_report_context(school.student.id, school.semester1.id)
    assert many.count == few.count <= 10


def test_a_period_of_another_school_or_an_unknown_student_is_not_found(app, school):
    from tests.factories import build_school

    other = build_school()
    with pytest.raises(NotFound):
        student_report_context(school.student.id, other.semester1.id)
    with pytest.raises(NotFound):
        student_report_context(987654)


# --- condica de prezență --------------------------------------------------------------------
def test_the_condica_lists_the_lessons_derived_from_absences_and_marks(app, school):
    teacher = make_user(school.school, policy.TEACHER, first_name="Ștefan", last_name="Țăranu")
    _save(TeachingAssignment(school_id=school.school.id, curriculum_entry_id=school.romanian.id, teacher_id=teacher.id))
    monday = date(2025, 11, 3)
    record_absence(teacher, school.enrolment, school.romanian, occurred_on=monday, lesson_hour=3)
    record_absence(teacher, school.enrolment, school.romanian, occurred_on=monday + timedelta(days=2), lesson_hour=5)
    record_mark(teacher, school.enrolment, school.romanian, given_on=monday, value=8)
    record_mark(teacher, school.enrolment, school.romanian, given_on=monday + timedelta(days=3), value=9)
    # Another teacher's lesson the same day is not in this teacher's condica.
    record_absence(school.teacher, school.enrolment, school.maths, occurred_on=monday, lesson_hour=1)

    context = attendance_register_context(teacher.id, *week_of(monday + timedelta(days=2)))
    days = {day["date"]: day["lessons"] for day in context["days"]}
    assert [d.weekday() for d in days] == [0, 1, 2, 3, 4]  # the weekend has no lessons: left out
    assert days[monday] == [{"hour": 3, "class_name": "a V-a A", "subject": "Limba și literatura română",
                             "absences": 1, "marks": 1}]
    assert days[monday + timedelta(days=1)] == []
    assert days[monday + timedelta(days=2)][0]["hour"] == 5
    assert days[monday + timedelta(days=3)] == [{"hour": None, "class_name": "a V-a A",
                                                 "subject": "Limba și literatura română", "absences": 0, "marks": 1}]
    assert context["lesson_count"] == 3

    text, pages = pdf_text(render_attendance_register(teacher.id, monday, monday + timedelta(days=6)))
    assert pages == 1
    assert "Condica de prezență" in text and "Țăranu Ștefan" in text
    assert "03.11.2025 – 09.11.2025" in text
    assert "luni, 03.11.2025" in text and "marți, 04.11.2025" in text and "vineri, 07.11.2025" in text
    assert "aplicația nu are orar".lower() in text.lower()
    assert "Subiectul lecției" in text and "Semnătura" in text
    assert "Lecții deduse din catalog: 3" in text
    assert "a V-a A — Limba și literatura română (5 ore/săptămână)" in text


def test_the_condica_of_one_day_and_its_limits(app, school):
    day = date(2025, 11, 4)
    record_absence(school.teacher, school.enrolment, school.maths, occurred_on=day, lesson_hour=2)
    context = attendance_register_context(school.teacher.id, day, day)
    assert len(context["days"]) == 1 and context["days"][0]["lessons"][0]["subject"] == "Matematică"
    with pytest.raises(InvariantViolation) as reversed_dates:
        attendance_register_context(school.teacher.id, day, day - timedelta(days=1))
    assert "înaintea" in reversed_dates.value.message_ro
    with pytest.raises(InvariantViolation):
        attendance_register_context(school.teacher.id, day, day + timedelta(days=40))
    with pytest.raises(NotFound):
        attendance_register_context(987654, day, day)


def test_the_condica_costs_a_fixed_number_of_queries(app, school):
    monday = date(2025, 11, 3)
    db.session.expire_all()
    with counting_queries() as empty:
        attendance_register_context(school.teacher.id, *week_of(monday))
    unexcused_absences(school, 8, start=monday)
    for offset in range(4):
        record_mark(school.teacher, school.enrolment, school.maths, given_on=monday + timedelta(days=offset), value=9)
    db.session.expire_all()
    with counting_queries() as busy:
        attendance_register_context(school.teacher.id, *week_of(monday))
    assert busy.count == empty.count <= 6


# --- înștiințare ----------------------------------------------------------------------------
def test_the_absence_notice_gives_the_count_the_threshold_and_the_guardians(app, school):
    add_guardian(school, school.student)
    add_guardian(school, school.student, first_name="Ioana", kind="mama", address=None)
    unexcused_absences(school, 9)
    with pytest.raises(InvariantViolation) as below:
        parent_notice_context(school.student.id, "absente", period_id=school.semester1.id)
    assert below.value.code == "below_notice_threshold"
    assert "9 absențe nemotivate" in below.value.message_ro and "de la 10" in below.value.message_ro

    record_absence(school.other_teacher, school.enrolment, school.romanian, occurred_on=date(2025, 12, 1), lesson_hour=6)
    text, pages = pdf_text(render_parent_notice(school.student.id, "absente", period_id=school.semester1.id,
                                                number="1234"))
    assert pages == 1
    assert "ÎNȘTIINȚARE" in text and "privind absențe nemotivate" in text
    assert "Nr. 1234 / 01.07.2026" in text
    assert "Ionescu Mihai (tata), Str. Florilor 3, Iași" in text and "Ionescu Ioana (mama)" in text
    assert "Ionescu Ștefania" in text and "a V-a A" in text
    assert "un număr de 10 absențe nemotivate" in text
    assert "Pragul de la care școala înștiințează în scris părinții este de 10 absențe" in text
    assert "Matematică 9" in text and "Limba și literatura română 1" in text
    assert "Director, Țurcanu Doina" in text and "Stănescu Elena" in text


def test_the_absence_notice_defaults_to_the_current_period_and_leaves_the_number_blank(app, school, monkeypatch):
    monkeypatch.setattr("pdf.documents.parent_notice.today", lambda: date(2025, 12, 15))
    unexcused_absences(school, 10)
    context = parent_notice_context(school.student.id, "absente")
    assert context["period_name"] == "Semestrul I" and context["unexcused"] == 10 and context["number"] == ""
    text, _pages = pdf_text(render_parent_notice(school.student.id, "absente"))
    assert "Nr. ............ / 15.12.2025" in text


def test_the_corigenta_notice_names_the_subjects_and_the_session(app, school):
    full_year(school)
    with audit_context(reason="test"):
        db.session.add(ExamSession(school_id=school.school.id, year_id=school.year.id, kind="corigenta",
                                   name="Sesiunea de corigențe august 2026", starts_on=date(2026, 8, 17),
                                   ends_on=date(2026, 8, 21), president_id=school.director.id))
        db.session.commit()
    text, pages = pdf_text(render_parent_notice(school.student.id, "corigent"))
    assert pages == 1
    assert "privind corigență" in text
    assert "corigent(ă) la sfârșitul anului școlar 2025-2026 la: Matematică" in text
    assert "Sesiunea de corigențe august 2026, 17.08.2026 – 21.08.2026" in text
    # The status notices are refused when the year result says otherwise.
    for kind in ("repetent", "amanat"):
        with pytest.raises(InvariantViolation) as refused:
            parent_notice_context(school.student.id, kind)
        assert refused.value.code == "notice_not_applicable"
    with pytest.raises(NotFound):
        parent_notice_context(school.student.id, "premiu")


def test_a_status_notice_before_the_year_is_closed_is_refused(app, school):
    with pytest.raises(InvariantViolation) as refused:
        parent_notice_context(school.student.id, "corigent")
    assert "nu este încheiată ca corigență" in refused.value.message_ro


# --- hostile values -------------------------------------------------------------------------
HOSTILE_NAME = '<img src="file:///etc/passwd">Popa'
HOSTILE_URL = "<a href='http://203.0.113.9/x.png'>http://203.0.113.9/x.png</a>"


def test_hostile_values_render_as_text_without_file_or_network_access(app, school, monkeypatch):
    student = db.session.get(Student, school.student.id)
    student.last_name = HOSTILE_NAME
    _save(student)
    school_row = db.session.get(School, school.school.id)
    school_row.address = HOSTILE_URL
    _save(school_row)
    add_guardian(school, student, last_name="<script>alert(1)</script>", address="<b>Str. X</b>")
    unexcused_absences(school, 10)
    record_mark(school.teacher, school.enrolment, school.maths, given_on=date(2025, 10, 6), value=7)

    html = render_html("student_report.html", student_report_context(student.id, school.semester1.id))
    assert "&lt;img src=&#34;file:///etc/passwd&#34;&gt;Popa" in html and "<img" not in html

    opened: list[str] = []
    real_open = builtins.open

    def recording_open(file, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003
        opened.append(str(file))
        return real_open(file, *args, **kwargs)

    def no_network(*args, **kwargs):  # noqa: ANN002, ANN003
        raise AssertionError("a document tried to open a network connection")

    monkeypatch.setattr(builtins, "open", recording_open)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    documents = [
        render_student_report(student.id, school.semester1.id),
        render_parent_notice(student.id, "absente", period_id=school.semester1.id, number="<b>7</b>"),
        render_attendance_register(school.teacher.id, date(2025, 10, 6), date(2025, 10, 10)),
    ]
    monkeypatch.undo()
    assert not [path for path in opened if "passwd" in path]
    report, notice = pdf_text(documents[0])[0], pdf_text(documents[1])[0]
    assert '<img src="file:///etc/passwd">Popa' in report
    assert "http://203.0.113.9/x.png" in report
    assert "<script>alert(1)</script>" in notice and "<b>Str. X</b>" in notice and "Nr. <b>7</b>" in notice


# --- the demo school ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo_school(tmp_path_factory):
    from tests.conftest import make_test_app, new_database_url

    url, drop = new_database_url(str(tmp_path_factory.mktemp("demo-docs")))
    portal = make_test_app(url)
    with portal.app_context():
        db.create_all()
        result = portal.test_cli_runner().invoke(args=["demo", "seed", "--students", "40", "--seed", "5"])
        assert result.exit_code == 0, result.output
    yield portal
    with portal.app_context():
        db.session.remove()
        db.engine.dispose()
    drop()


@pytest.mark.slow
def test_the_documents_render_from_the_demo_school(demo_school):
    import sqlalchemy as sa

    from schema.models import Absence, Enrolment, Mark, YearResult

    with demo_school.app_context():
        # The student and period with the most marks: the report shows each of them with its date.
        enrolment_id, period_id, _count = db.session.execute(
            sa.select(Mark.enrolment_id, Mark.period_id, sa.func.count(Mark.id))
            .group_by(Mark.enrolment_id, Mark.period_id).order_by(sa.func.count(Mark.id).desc(), Mark.enrolment_id)
            .limit(1)).one()
        enrolment = db.session.get(Enrolment, enrolment_id)
        student = enrolment.student
        context = student_report_context(student.id, period_id)
        text, pages = pdf_text(render_student_report(student.id, period_id))
        assert pages >= 1 and student.last_name in text and student.first_name in text
        marks = db.session.scalars(sa.select(Mark).where(Mark.enrolment_id == enrolment_id, Mark.period_id == period_id,
                                                         Mark.kind == "regular")).all()
        assert marks and all(f"{mark.display}/{mark.given_on:%d.%m}" in text for mark in marks)
        for row in context["subjects"]:
            assert row["name"] in text
            for average in row["period_averages"]:
                assert average in text

        # The teacher and week with the most recorded absences: their lessons are in the condica.
        teacher_id, day = db.session.execute(
            sa.select(Absence.teacher_id, Absence.occurred_on).group_by(Absence.teacher_id, Absence.occurred_on)
            .order_by(sa.func.count(Absence.id).desc(), Absence.occurred_on).limit(1)).one()
        register = attendance_register_context(teacher_id, *week_of(day))
        assert register["lesson_count"] >= 1
        text, pages = pdf_text(render_attendance_register(teacher_id, *week_of(day)))
        assert pages >= 1 and register["teacher"] in text and f"{day:%d.%m.%Y}" in text

        # A closed year with a corigent, amânat or repetent student gives that notice.
        status_row = db.session.execute(
            sa.select(Enrolment.student_id, YearResult.status, Enrolment.year_id)
            .join(YearResult, YearResult.enrolment_id == Enrolment.id)
            .where(YearResult.status.in_(("corigent", "amanat", "repetent"))).limit(1)).first()
        assert status_row is not None, "the demo school has no corigent/amânat/repetent student"
        student_id, status, year_id = status_row
        text, pages = pdf_text(render_parent_notice(student_id, status, year_id=year_id))
        assert pages == 1 and "ÎNȘTIINȚARE" in text
        assert db.session.get(Student, student_id).first_name in text
