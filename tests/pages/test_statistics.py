"""The statistics viewer (issue 5 item 7): averages distribution per class and subject, absence
totals and closing progress; aggregates only (no name, birth date or CNP in the page or its CSV);
a fixed number of queries; CSV in UTF-8 with BOM."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest

from schema.models import Enrolment
from schema.operations.absences import excuse_absences, record_absence
from schema.operations.closing import close_annual_average, close_period_average
from schema.operations.marks import record_mark
from security import policy
from tests.factories import _save, make_student, make_user
from tests.pages.conftest import counting_queries

TODAY = date(2025, 12, 15)
NAMES = [("Zăvoianu", "Teodora"), ("Brâncoveanu", "Mircea"), ("Țepeș", "Ștefan"), ("Ghiculescu", "Ilinca")]


@pytest.fixture(autouse=True)
def _frozen_today(monkeypatch):
    monkeypatch.setattr("security.access.today", lambda: TODAY)


@pytest.fixture
def viewer(school):
    return make_user(school.school, policy.STATISTICS_VIEWER, first_name="Sorina", last_name="Statisticeanu")


def _students(school, names, school_class=None):
    enrolments = []
    for index, (last, first) in enumerate(names):
        student = make_student(school.school, last_name=last, first_name=first, birth_date=date(2014, 1 + index % 12, 9))
        enrolments.append(_save(Enrolment(school_id=school.school.id, student_id=student.id, year_id=school.year.id,
                                          class_id=(school_class or school.school_class).id, starts_on=date(2025, 9, 8))))
    return enrolments


def _close_maths(school, enrolment, value):
    """Four marks of `value` and a thesis of `value`, closed: the semester I average is `value`."""
    for offset in range(4):
        record_mark(school.teacher, enrolment, school.maths, given_on=date(2025, 10, 6) + timedelta(days=offset), value=value)
    record_mark(school.teacher, enrolment, school.maths, given_on=date(2025, 12, 10), value=value, kind="thesis")
    return close_period_average(school.teacher, enrolment, school.maths, school.semester1)


@pytest.fixture
def data(school):
    """a V-a A: the fixture's student and four more. Three unexcused absences (the fixture's
    student) and two excused ones; maths semester I closed for the four (averages 4, 5, 9, 10);
    a V-a B: one student, nothing closed."""
    enrolments = _students(school, NAMES)
    for day in (3, 4, 5):
        record_absence(school.other_teacher, school.enrolment, school.romanian, occurred_on=date(2025, 11, day),
                       lesson_hour=1)
    for hour in (1, 2):
        record_absence(school.teacher, enrolments[0], school.maths, occurred_on=date(2025, 11, 12), lesson_hour=hour)
    excuse_absences(school.class_master, enrolments[0], kind="medical", document_number="12",
                    document_date=date(2025, 11, 12), covers_from=date(2025, 11, 12), covers_to=date(2025, 11, 12),
                    returned_on=date(2025, 11, 13), presented_on=date(2025, 11, 14))
    for enrolment, value in zip(enrolments, (4, 5, 9, 10), strict=True):
        _close_maths(school, enrolment, value)
    _students(school, [("Olărescu", "Dan")], school.other_class)
    return enrolments


def _text(response) -> str:
    return response.get_data(as_text=True)


@pytest.mark.parametrize("who,status", [
    ("viewer", 200), ("director", 200), ("administrator", 200), ("teacher", 403), ("class_master", 403),
    ("secretary", 403), ("parent", 403),
])
def test_who_sees_the_statistics(app, school, client_for, viewer, who, status):
    user = {"viewer": viewer, "parent": make_user(school.school, policy.PARENT)}.get(who) or getattr(school, who)
    client = client_for(user)
    assert client.get("/statistici/").status_code == status
    assert client.get("/statistici/export/medii.csv").status_code == status


class _Tables(HTMLParser):
    """Every <table> of a page inside a <section id=...>: {section id: [[cell text, ...], ...]}."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.section = ""
        self.row: list[str] | None = None
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "section":
            self.section = dict(attrs).get("id", "")
        elif tag == "tr":
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.row.append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.tables.setdefault(self.section, []).append(self.row)
            self.row = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def tables(html: str) -> dict[str, list[list[str]]]:
    parser = _Tables()
    parser.feed(html)
    return parser.tables


def test_the_page_counts_averages_absences_and_closing(app, school, client_for, viewer, data):
    page = _text(client_for(viewer).get("/statistici/"))
    assert "2025-2026" in page and "Semestrul I" in page
    found = tables(page)
    # Distribution: 4 → under 5, 5 → 5–5,99, 9 and 10 → 9–10.
    assert found["medii"] == [
        ["Clasa · disciplina", "sub 5", "5–5,99", "6–6,99", "7–7,99", "8–8,99", "9–10", "Total"],
        ["a V-a A · Matematică", "1", "1", "0", "0", "0", "2", "4"],
    ]
    # Absences: a V-a A has 5 students, 3 unexcused and 2 excused; a V-a B none.
    assert found["absente"][1:] == [
        ["a V-a A", "5", "3", "2", "5", "0,60", "1,00", "0"],
        ["a V-a B", "1", "0", "0", "0", "0,00", "0,00", "0"],
    ]
    # Closing: a V-a A expects 5 students × 2 subjects, 4 closed; a V-a B 1 × 1 (physics), none.
    assert found["incheiere"][1:] == [["a V-a A", "4", "10", "40 % 40 %"], ["a V-a B", "0", "1", "0 % 0 %"]]


def test_the_whole_year_counts_annual_averages(app, school, client_for, viewer, data):
    for enrolment, value in zip(data[2:], (9, 10), strict=True):
        for offset in range(4):
            record_mark(school.teacher, enrolment, school.maths, given_on=date(2026, 3, 2) + timedelta(days=offset),
                        value=value)
        close_period_average(school.teacher, enrolment, school.maths, school.semester2)
        close_annual_average(school.teacher, enrolment, school.maths)
    page = _text(client_for(viewer).get("/statistici/?an=2025-2026&perioada=anual"))
    found = tables(page)
    assert found["medii"][1:] == [["a V-a A · Matematică", "0", "0", "0", "0", "0", "2", "2"]]
    assert found["incheiere"][1] == ["a V-a A", "2", "10", "20 % 20 %"]
    second = tables(_text(client_for(viewer).get("/statistici/?an=2025-2026&perioada=2")))
    assert second["medii"][1:] == [["a V-a A · Matematică", "0", "0", "0", "0", "0", "2", "2"]]
    assert second["absente"][1][2:5] == ["0", "0", "0"]  # all absences were in semester I


def test_unknown_year_or_period_is_a_404(app, school, client_for, viewer):
    client = client_for(viewer)
    assert client.get("/statistici/?an=2019-2020").status_code == 404
    assert client.get("/statistici/?perioada=7").status_code == 404
    assert client.get("/statistici/export/elevi.csv").status_code == 404


def test_no_name_birth_date_or_cnp_appears_in_the_page_or_the_csv(app, school, client_for, viewer, data):
    client = client_for(viewer)
    outputs = [_text(client.get(url)) for url in (
        "/statistici/", "/statistici/?perioada=anual", "/statistici/export/medii.csv",
        "/statistici/export/absente.csv", "/statistici/export/incheiere.csv")]
    students = [school.student, *[enrolment.student for enrolment in data]]
    people = [(s.last_name, s.first_name) for s in students]
    people += [(u.last_name, u.first_name) for u in (school.teacher, school.other_teacher, school.class_master, viewer)]
    for output in outputs:
        for last, first in people:
            assert last not in output and first not in output, (last, first)
        for student in students:
            assert student.cnp not in output
            assert student.birth_date.strftime("%d.%m.%Y") not in output
            assert student.birth_date.isoformat() not in output


def _csv(response) -> list[list[str]]:
    raw = response.data
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads UTF-8 and shows ș, ț, ă
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))


def test_the_csv_exports_hold_the_same_aggregates(app, school, client_for, viewer, data):
    client = client_for(viewer)
    response = client.get("/statistici/export/medii.csv?an=2025-2026&perioada=1")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="statistici-medii-2025-2026-p1.csv"'
    rows = _csv(response)
    assert rows[0][:4] == ["An școlar", "Perioada", "Clasa", "Disciplina"]
    assert rows[1] == ["2025-2026", "Semestrul I", "a V-a A", "Matematică", "1", "1", "0", "0", "0", "2",
                       "", "", "", "", "4"]
    absences = _csv(client.get("/statistici/export/absente.csv?perioada=1"))
    assert absences[0][3:6] == ["Elevi", "Nemotivate", "Motivate"]
    assert absences[1] == ["2025-2026", "Semestrul I", "a V-a A", "5", "3", "2", "5", "0", "0,60", "1,00"]
    closing = _csv(client.get("/statistici/export/incheiere.csv?perioada=1"))
    assert closing[1:] == [["2025-2026", "Semestrul I", "a V-a A", "4", "10", "40"],
                           ["2025-2026", "Semestrul I", "a V-a B", "0", "1", "0"]]


def _count(client, url: str) -> int:
    client.get(url)
    with counting_queries() as counter:
        response = client.get(url)
    assert response.status_code == 200
    return counter.count


@pytest.mark.parametrize("url", ["/statistici/", "/statistici/?perioada=anual", "/statistici/export/medii.csv"])
def test_the_query_count_does_not_grow_with_the_school(app, school, client_for, viewer, url):
    client = client_for(viewer)
    small = _students(school, NAMES[:2])
    for enrolment, value in zip(small, (5, 8), strict=True):
        _close_maths(school, enrolment, value)
    few = _count(client, url)
    more = _students(school, [(f"Elev{index}", f"Prenume{index}") for index in range(9)])
    for index, enrolment in enumerate(more):
        _close_maths(school, enrolment, 3 + index % 8)
    _students(school, [("Altul", "Unu"), ("Altul", "Doi")], school.other_class)
    assert _count(client, url) == few
    assert few <= 10, few
