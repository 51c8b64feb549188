"""The "Evaluare anuală" section of the Documente page: each user finds the evaluation documents
their access allows (sheet PDFs, the board's decision list) and nothing more; the links work and
the downloads are logged by the evaluation pages."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from schema.evaluation import EvaluationView
from schema.models import db
from schema.operations import evaluation as ops
from tests.evaluation_pages.conftest import run_to, sheet_of, text_of
from tests.factories import make_user


def _section(page: str) -> str:
    """The evaluation section of the Documente page ('' when absent)."""
    start = page.find('id="evaluare-anuala"')
    return page[start : page.find("</section>", start)] if start >= 0 else ""


def test_a_teacher_finds_their_own_sheet_only(app, staff_school, clock, client_for):
    campaign = run_to(staff_school, clock, "self_evaluated")
    employee = staff_school.teachers["employee"]
    sheet = sheet_of(campaign, employee)
    client = client_for(employee)
    section = _section(text_of(client.get("/documente/")))
    assert campaign.name in section
    assert f"/evaluare/fisa/{sheet.id}/fisa.pdf" in section and "(a mea)" in section
    assert staff_school.teachers["colleague"].last_name not in section
    assert "hotarare.pdf" not in section and "Fișele tuturor salariaților" not in section
    # The link works and the download is logged by the evaluation pages.
    response = client.get(f"/evaluare/fisa/{sheet.id}/fisa.pdf")
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/pdf"
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(EvaluationView)
            .where(EvaluationView.user_id == employee.id, EvaluationView.what == "fișa de evaluare (PDF)")
        )
        == 1
    )


def test_a_department_head_finds_their_departments_sheets(app, staff_school, clock, client_for):
    campaign = run_to(staff_school, clock, "self_evaluated")
    head = staff_school.teachers["head_maths"]
    section = _section(text_of(client_for(head).get("/documente/")))
    for name in ("employee", "member", "head_maths"):
        assert f"/evaluare/fisa/{sheet_of(campaign, staff_school.teachers[name]).id}/fisa.pdf" in section, name
    for name in ("colleague", "head_romanian", "member2"):
        assert f"/evaluare/fisa/{sheet_of(campaign, staff_school.teachers[name]).id}/fisa.pdf" not in section, name
    assert "hotarare.pdf" not in section


def test_the_director_and_auditor_get_the_decision_list_the_secretary_the_sheets(app, staff_school, clock, client_for):
    campaign = run_to(staff_school, clock, "communicated")
    decisions = (f"/evaluare/campanie/{campaign.id}/hotarare.pdf", f"/evaluare/campanie/{campaign.id}/hotarare.xlsx")
    for user in (staff_school.director, staff_school.auditor):
        client = client_for(user)
        section = _section(text_of(client.get("/documente/")))
        assert all(url in section for url in decisions), user.last_name
        assert f'/evaluare/campanie/{campaign.id}"' in section  # every sheet: the campaign's page
        for url in decisions:
            assert client.get(url).status_code == 200, (user.last_name, url)
    secretary = client_for(staff_school.secretary)
    section = _section(text_of(secretary.get("/documente/")))
    assert "Fișele tuturor salariaților" in section
    assert not any(url in section for url in decisions)
    # No individual colleague's sheet is listed for a whole-school reader: they are on the campaign's page.
    assert staff_school.teachers["employee"].last_name not in section


def test_non_teaching_staff_reach_their_sheet_from_the_documents_page(app, staff_school, clock, client_for):
    director = staff_school.director
    cleaner = make_user(staff_school.base.school, first_name="Floarea", last_name="Mătușă")  # no catalog role
    client = client_for(cleaner)
    assert client.get("/documente/").status_code == 403  # no document of any kind yet
    clock.set(date(2026, 1, 8))
    campaign = ops.create_campaign(
        director,
        year=staff_school.base.year,
        category="nedidactic",
        evaluated_from=date(2025, 1, 1),
        evaluated_to=date(2025, 12, 31),
        starts_on=date(2026, 1, 5),
        ends_on=date(2026, 1, 30),
        communication_deadline=date(2026, 1, 30),
    )
    staff = ops.save_staff_member(
        director,
        user_id=cleaner.id,
        category="nedidactic",
        job_title="îngrijitor",
        employment_started_on=date(2018, 3, 1),
        superior_id=director.id,
    )
    sheet = ops.open_sheet(director, campaign, staff)
    client = client_for(cleaner)
    page = client.get("/documente/")
    assert page.status_code == 200
    assert f"/evaluare/fisa/{sheet.id}/fisa.pdf" in _section(text_of(page))
    assert "Documente" in text_of(client.get("/evaluare/"))  # the menu offers the page


def test_counts_only_roles_get_no_evaluation_documents(app, staff_school, clock, client_for):
    run_to(staff_school, clock, "communicated")
    # The statistics viewer and the administrator read counts per rating, never a sheet.
    for user in (staff_school.statistics_viewer, staff_school.administrator):
        page = client_for(user).get("/documente/")
        assert page.status_code == 200, user.last_name
        assert _section(text_of(page)) == "" and "/evaluare/fisa/" not in text_of(page), user.last_name
