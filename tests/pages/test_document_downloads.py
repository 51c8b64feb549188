"""Downloading the documents (views/documents.py): who may download what (403 for a role without
the document, 404 for "not yours" exactly like "missing"), application/pdf with an ASCII file
name, and the download log: one personal-data access row per student document, one per student
of the class for the catalog, none for the aggregate statistics and the condica."""

from __future__ import annotations

import logging
from datetime import date

import pytest
import sqlalchemy as sa

from schema.audit_log import PersonalDataAccess
from schema.models import Student, db
from schema.operations.absences import record_absence
from security import policy
from tests.factories import _save, make_student, make_user
from tests.pages.test_family import enrol, make_parent
from tests.pdf.test_documents_small import full_year, pdf_text, unexcused_absences

TODAY = date(2025, 11, 20)


@pytest.fixture(autouse=True)
def _frozen_today(monkeypatch):
    monkeypatch.setattr("security.access.today", lambda: TODAY)


def _accesses(student_id: int | None = None) -> list[PersonalDataAccess]:
    query = sa.select(PersonalDataAccess).order_by(PersonalDataAccess.id)
    if student_id is not None:
        query = query.where(PersonalDataAccess.student_id == student_id)
    return list(db.session.scalars(query))


def _is_pdf(response, filename_start: str) -> None:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith(f'attachment; filename="{filename_start}') and disposition.endswith('.pdf"')
    disposition.encode("ascii")  # ASCII-safe
    assert response.headers["Cache-Control"] == "private, no-store"


def _classmate(school):
    classmate = make_student(school.school, last_name="Șerban", first_name="Bogdan", sex="M")
    enrol(school, classmate)
    return classmate


# --- the class master ---------------------------------------------------------------------
def test_the_class_master_downloads_the_documents_of_their_class(app, school, client_for, caplog):
    classmate = _classmate(school)
    client = client_for(school.class_master)

    with caplog.at_level(logging.INFO, logger="catalog.documents"):
        catalog = client.get(f"/documente/clasa/{school.school_class.id}/catalog.pdf")
    _is_pdf(catalog, "catalog-a-V-a-A-2025-2026")
    rows = _accesses()
    assert sorted(row.student_id for row in rows) == sorted([school.student.id, classmate.id])
    assert {row.user_id for row in rows} == {school.class_master.id}
    assert {row.what for row in rows} == {"PDF catalogul clasei a V-a A"}
    assert any('"document": "catalog"' in record.getMessage() for record in caplog.records)

    statistics = client.get(f"/documente/clasa/{school.school_class.id}/statistici.pdf?perioada={school.semester1.id}")
    _is_pdf(statistics, "statistici-a-V-a-A-Semestrul-I")
    assert len(_accesses()) == 2  # aggregates: no personal-data row

    report = client.get(f"/documente/elev/{school.student.id}/situatie.pdf?perioada={school.semester1.id}")
    _is_pdf(report, "situatia-scolara-Ionescu-Stefania-Semestrul-I")
    text, pages = pdf_text(report.data)
    assert "Ionescu Ștefania" in text and pages == 1
    transcript = client.get(f"/documente/elev/{classmate.id}/foaie-matricola.pdf")
    _is_pdf(transcript, "foaie-matricola-Serban-Bogdan")
    assert [row.what for row in _accesses(school.student.id)][-1] == "PDF situația școlară (Semestrul I)"
    assert [row.what for row in _accesses(classmate.id)][-1] == "PDF foaia matricolă"


def test_the_class_master_gets_a_404_for_another_class_and_its_students(app, school, client_for):
    stranger = make_student(school.school, last_name="Marin", first_name="Dan", sex="M")
    enrol(school, stranger, school.other_class)
    client = client_for(school.class_master)
    for url in (f"/documente/clasa/{school.other_class.id}/catalog.pdf",
                f"/documente/clasa/{school.other_class.id}/statistici.pdf",
                f"/documente/clasa/{school.other_class.id}",
                f"/documente/elev/{stranger.id}/situatie.pdf",
                f"/documente/elev/{stranger.id}/foaie-matricola.pdf",
                f"/documente/elev/{stranger.id}/instiintare-absente.pdf"):
        foreign = client.get(url)
        missing = client.get(url.replace(str(stranger.id), "987654").replace(f"clasa/{school.other_class.id}", "clasa/987654"))
        assert foreign.status_code == missing.status_code == 404, url
        assert "Marin" not in foreign.get_data(as_text=True)
    assert _accesses() == []


def test_notices_from_the_class_page(app, school, client_for):
    unexcused_absences(school, 10)
    client = client_for(school.class_master)
    page = client.get(f"/documente/clasa/{school.school_class.id}?perioada={school.semester1.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    link = f"/documente/elev/{school.student.id}/instiintare-absente.pdf?perioada={school.semester1.id}"
    assert link in html and "Ionescu Ștefania" in html

    notice = client.get(link + "&nr=55")
    _is_pdf(notice, "instiintare-absente-Ionescu-Stefania")
    text, _pages = pdf_text(notice.data)
    assert "Nr. 55" in text and "10 absențe nemotivate" in text
    assert [row.what for row in _accesses(school.student.id)] == ["PDF înștiințare (absențe nemotivate)"]
    # No year result yet: the corigență notice is refused, in Romanian, and nothing is logged.
    refused = client.get(f"/documente/elev/{school.student.id}/instiintare-corigent.pdf")
    assert refused.status_code == 422
    assert "nu este încheiată ca corigență" in refused.get_data(as_text=True)
    assert client.get(f"/documente/elev/{school.student.id}/instiintare-premiu.pdf").status_code == 404
    assert len(_accesses()) == 1


def test_an_absence_notice_below_the_threshold_is_refused(app, school, client_for):
    record_absence(school.teacher, school.enrolment, school.maths, occurred_on=date(2025, 11, 3), lesson_hour=1)
    response = client_for(school.class_master).get(
        f"/documente/elev/{school.student.id}/instiintare-absente.pdf?perioada={school.semester1.id}")
    assert response.status_code == 422
    assert "1 absențe nemotivate" in response.get_data(as_text=True)
    assert _accesses() == []


def test_a_status_notice_after_the_year_is_closed(app, school, client_for):
    full_year(school)
    client = client_for(school.class_master)
    html = client.get(f"/documente/clasa/{school.school_class.id}").get_data(as_text=True)
    assert f"/documente/elev/{school.student.id}/instiintare-corigent.pdf" in html
    notice = client.get(f"/documente/elev/{school.student.id}/instiintare-corigent.pdf?an={school.year.id}")
    _is_pdf(notice, "instiintare-corigent-Ionescu-Stefania")
    assert "corigent(ă)" in pdf_text(notice.data)[0] and "Matematică" in pdf_text(notice.data)[0]


# --- whole-school readers -----------------------------------------------------------------
@pytest.mark.parametrize("role", [policy.DIRECTOR, policy.DEPUTY_DIRECTOR, policy.SECRETARY, policy.AUDITOR,
                                  policy.ADMINISTRATOR])
def test_whole_school_readers_download_every_document_of_their_school(app, school, client_for, role):
    user = make_user(school.school, role, first_name="Mirela", last_name="Pîrvu")
    stranger = make_student(school.school, last_name="Marin", first_name="Dan", sex="M")
    enrol(school, stranger, school.other_class)
    unexcused_absences(school, 10)
    client = client_for(user)
    _is_pdf(client.get(f"/documente/clasa/{school.other_class.id}/catalog.pdf"), "catalog-a-V-a-B")
    _is_pdf(client.get(f"/documente/clasa/{school.school_class.id}/statistici.pdf"), "statistici-a-V-a-A-anual")
    _is_pdf(client.get(f"/documente/elev/{stranger.id}/foaie-matricola.pdf"), "foaie-matricola-Marin-Dan")
    _is_pdf(client.get(f"/documente/elev/{school.student.id}/situatie.pdf"), "situatia-scolara-Ionescu-Stefania-anual")
    _is_pdf(client.get(f"/documente/elev/{school.student.id}/instiintare-absente.pdf?perioada={school.semester1.id}"),
            "instiintare-absente")
    _is_pdf(client.get(f"/documente/profesor/{school.teacher.id}/condica.pdf?zi=2025-10-08"),
            "condica-Vasilescu-Ion-2025-10-06-saptamana")
    assert {row.user_id for row in _accesses()} == {user.id}
    assert len(_accesses()) == 1 + 1 + 1 + 1  # the catalog of a V-a B (one student), transcript, report, notice

    index = client.get("/documente/").get_data(as_text=True)
    assert f"/documente/clasa/{school.school_class.id}/catalog.pdf" in index
    assert f"/documente/profesor/{school.teacher.id}/condica.pdf" in index


def test_another_schools_documents_are_missing(app, school, client_for):
    from tests.factories import build_school

    other = build_school()
    client = client_for(school.director)
    assert client.get(f"/documente/clasa/{other.school_class.id}/catalog.pdf").status_code == 404
    assert client.get(f"/documente/elev/{other.student.id}/situatie.pdf").status_code == 404
    assert client.get(f"/documente/profesor/{other.teacher.id}/condica.pdf").status_code == 404
    # A period of another school's year is missing too.
    assert client.get(f"/documente/clasa/{school.school_class.id}/statistici.pdf?perioada={other.semester1.id}"
                      ).status_code == 404


# --- teachers -----------------------------------------------------------------------------
def test_a_teacher_downloads_only_their_own_condica(app, school, client_for):
    record_absence(school.teacher, school.enrolment, school.maths, occurred_on=date(2025, 11, 18), lesson_hour=3)
    client = client_for(school.teacher)
    own = client.get(f"/documente/profesor/{school.teacher.id}/condica.pdf?zi=2025-11-18&interval=zi")
    _is_pdf(own, "condica-Vasilescu-Ion-2025-11-18-zi")
    text, pages = pdf_text(own.data)
    assert pages == 1 and "marți, 18.11.2025" in text and "Matematică" in text
    week = client.get(f"/documente/profesor/{school.teacher.id}/condica.pdf")  # this week (frozen today)
    _is_pdf(week, "condica-Vasilescu-Ion-2025-11-17-saptamana")
    assert client.get(f"/documente/profesor/{school.other_teacher.id}/condica.pdf").status_code == 404
    assert client.get(f"/documente/profesor/{school.teacher.id}/condica.pdf?zi=mâine").status_code == 404
    # Not the class's documents, not a student's.
    assert client.get(f"/documente/clasa/{school.school_class.id}/catalog.pdf").status_code == 403
    assert client.get(f"/documente/clasa/{school.school_class.id}").status_code == 403
    assert client.get(f"/documente/elev/{school.student.id}/situatie.pdf").status_code == 403
    assert client.get(f"/documente/elev/{school.student.id}/foaie-matricola.pdf").status_code == 403
    assert _accesses() == []
    index = client.get("/documente/").get_data(as_text=True)
    assert f"/documente/profesor/{school.teacher.id}/condica.pdf" in index and "catalog.pdf" not in index


# --- parents, students, statistics viewers ------------------------------------------------
def test_a_parent_downloads_the_situatie_of_their_own_child_only(app, school, client_for):
    other_child = make_student(school.school, last_name="Marin", first_name="Bogdan", sex="M")
    enrol(school, other_child)
    make_parent(school, other_child, first_name="Cristian")
    parent = make_parent(school, school.student)
    client = client_for(parent)

    index = client.get("/documente/").get_data(as_text=True)
    link = f"/documente/elev/{school.student.id}/situatie.pdf?perioada={school.semester1.id}"
    assert link in index and "Marin" not in index
    report = client.get(link)
    _is_pdf(report, "situatia-scolara-Ionescu-Stefania-Semestrul-I")
    assert [(row.user_id, row.what) for row in _accesses(school.student.id)] == [
        (parent.id, "PDF situația școlară (Semestrul I)")]

    foreign = client.get(f"/documente/elev/{other_child.id}/situatie.pdf")
    missing = client.get("/documente/elev/987654/situatie.pdf")
    assert foreign.status_code == missing.status_code == 404
    assert foreign.get_data(as_text=True) == missing.get_data(as_text=True)
    # A period of a year the child was not enrolled in: missing as well.
    from tests.factories import build_school

    assert client.get(f"/documente/elev/{school.student.id}/situatie.pdf?perioada={build_school().semester1.id}"
                      ).status_code == 404
    for url in (f"/documente/elev/{school.student.id}/foaie-matricola.pdf",
                f"/documente/elev/{school.student.id}/instiintare-absente.pdf",
                f"/documente/clasa/{school.school_class.id}/catalog.pdf",
                f"/documente/clasa/{school.school_class.id}/statistici.pdf",
                f"/documente/profesor/{school.teacher.id}/condica.pdf"):
        assert client.get(url).status_code == 403, url
    assert len(_accesses()) == 1


def test_a_student_downloads_their_own_situatie(app, school, client_for):
    account = make_user(school.school, policy.STUDENT, first_name="Ștefania", last_name="Ionescu")
    student = db.session.get(Student, school.student.id)
    student.user_id = account.id
    _save(student)
    classmate = _classmate(school)
    client = client_for(account)
    _is_pdf(client.get(f"/documente/elev/{school.student.id}/situatie.pdf"), "situatia-scolara-Ionescu-Stefania-anual")
    assert client.get(f"/documente/elev/{classmate.id}/situatie.pdf").status_code == 404


def test_the_statistics_viewer_downloads_class_statistics_only(app, school, client_for):
    viewer = make_user(school.school, policy.STATISTICS_VIEWER)
    client = client_for(viewer)
    _is_pdf(client.get(f"/documente/clasa/{school.other_class.id}/statistici.pdf"), "statistici-a-V-a-B-anual")
    assert client.get(f"/documente/clasa/{school.school_class.id}/catalog.pdf").status_code == 403
    assert client.get(f"/documente/clasa/{school.school_class.id}").status_code == 403
    assert client.get(f"/documente/elev/{school.student.id}/situatie.pdf").status_code == 403
    index = client.get("/documente/").get_data(as_text=True)
    assert "statistici.pdf" in index and "catalog.pdf" not in index
    assert _accesses() == []


def test_anonymous_users_are_sent_to_the_login(app, school):
    from tests.security.helpers import FreshContextClient

    client = FreshContextClient(app, app.response_class, use_cookies=True)
    client.environ_base["wsgi.url_scheme"] = "https"
    response = client.get(f"/documente/elev/{school.student.id}/situatie.pdf")
    assert response.status_code in (302, 401)
    assert _accesses() == []
