"""The access matrix extended to evaluation sheets, over HTTP: who may open a sheet's page, its
PDF and its files, the campaign's decision list and its statistics; a refusal looks like a
missing page (404), and a refused write changes nothing. The API exposes no evaluation path."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from schema.evaluation import EvaluationScore, EvaluationSheet, EvaluationView
from schema.models import db
from security import policy
from tests.evaluation_pages.conftest import BOARD_DAY, csrf_of, run_to, sheet_of, text_of
from tests.factories import build_school, make_user
from tests.security.access_helpers import login_as


def _sheet_urls(sheet_id: int) -> list[str]:
    return [f"/evaluare/fisa/{sheet_id}", f"/evaluare/fisa/{sheet_id}/fisa.pdf", f"/evaluare/fisa/{sheet_id}/raport"]


def test_an_employee_reads_only_their_own_sheet(app, staff_school, clock, client_for):
    campaign = run_to(staff_school, clock, "self_evaluated")
    employee, colleague = staff_school.teachers["employee"], staff_school.teachers["colleague"]
    own, other = sheet_of(campaign, employee), sheet_of(campaign, colleague)
    client = client_for(employee)
    for url in _sheet_urls(own.id):
        assert client.get(url).status_code == 200, url
    for url in _sheet_urls(other.id) + _sheet_urls(999999):
        response = client.get(url)
        assert response.status_code == 404, url
        assert colleague.last_name not in text_of(response) if url.endswith(str(other.id)) else True
    # The campaign page lists only the employee's own sheet; the decisions list is not theirs.
    page = text_of(client.get(f"/evaluare/campanie/{campaign.id}"))
    assert employee.last_name in page and colleague.last_name not in page
    assert client.get(f"/evaluare/campanie/{campaign.id}/hotarare.pdf").status_code == 404
    assert client.get(f"/evaluare/campanie/{campaign.id}/hotarare.xlsx").status_code == 404


def test_a_department_head_reads_their_department_only(app, staff_school, clock, client_for):
    campaign = run_to(staff_school, clock, "self_evaluated")
    head = staff_school.teachers["head_maths"]
    client = client_for(head)
    maths_sheet = sheet_of(campaign, staff_school.teachers["employee"])
    romanian_sheet = sheet_of(campaign, staff_school.teachers["colleague"])
    for url in _sheet_urls(maths_sheet.id):
        assert client.get(url).status_code == 200, url
    for url in _sheet_urls(romanian_sheet.id):
        assert client.get(url).status_code == 404, url
    page = text_of(client.get(f"/evaluare/campanie/{campaign.id}"))
    assert staff_school.teachers["employee"].last_name in page
    assert staff_school.teachers["colleague"].last_name not in page
    # Scoring another department's sheet by URL: refused as missing, nothing written.
    token = csrf_of(client)
    response = client.post(f"/evaluare/fisa/{romanian_sheet.id}/catedra", data={"csrf_token": token,
                                                                             "meeting_on": "2026-06-24"})
    assert response.status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(EvaluationScore).where(
        EvaluationScore.sheet_id == romanian_sheet.id, EvaluationScore.stage == "department")) == 0


def test_board_secretary_and_auditor_read_every_sheet(app, staff_school, clock, client_for):
    campaign = run_to(staff_school, clock, "self_evaluated")
    sheet = sheet_of(campaign, staff_school.teachers["colleague"])
    for user in (staff_school.director, staff_school.deputy, staff_school.secretary, staff_school.auditor):
        client = client_for(user)
        for url in _sheet_urls(sheet.id):
            assert client.get(url).status_code == 200, (user.last_name, url)
    # The decision list: the board and the auditor; not the secretary.
    assert client_for(staff_school.auditor).get(f"/evaluare/campanie/{campaign.id}/hotarare.pdf").status_code == 200
    assert client_for(staff_school.secretary).get(f"/evaluare/campanie/{campaign.id}/hotarare.pdf").status_code == 404


def test_another_school_sees_nothing(app, staff_school, clock, client_for):
    campaign = run_to(staff_school, clock, "self_evaluated")
    sheet = sheet_of(campaign, staff_school.teachers["employee"])
    other = build_school()
    client = client_for(other.director)
    for url in _sheet_urls(sheet.id) + [f"/evaluare/campanie/{campaign.id}",
                                        f"/evaluare/campanie/{campaign.id}/hotarare.pdf",
                                        f"/evaluare/campanie/{campaign.id}/statistici"]:
        assert client.get(url).status_code == 404, url


def test_every_sheet_view_is_logged(app, staff_school, clock, client_for):
    campaign = run_to(staff_school, clock, "self_evaluated")
    sheet = sheet_of(campaign, staff_school.teachers["employee"])
    client = client_for(staff_school.director)
    for url in _sheet_urls(sheet.id):
        assert client.get(url).status_code == 200
    views = db.session.execute(sa.select(EvaluationView.user_id, EvaluationView.what).where(
        EvaluationView.sheet_id == sheet.id).order_by(EvaluationView.id)).all()
    assert [user_id for user_id, _what in views] == [staff_school.director.id] * 3
    assert len({what for _user, what in views}) == 3
    client.get(f"/evaluare/campanie/{campaign.id}/hotarare.xlsx")
    sheets = db.session.scalar(sa.select(sa.func.count()).select_from(EvaluationSheet).where(
        EvaluationSheet.campaign_id == campaign.id))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(EvaluationView).where(
        EvaluationView.what == "lista calificativelor (XLSX)")) == sheets


def test_the_statistics_viewer_gets_counts_and_no_names(app, staff_school, clock, client_for):
    campaign = run_to(staff_school, clock, "communicated")
    client = client_for(staff_school.statistics_viewer)
    assert "Evaluare anuală" in text_of(client.get("/evaluare/"))
    page = text_of(client.get(f"/evaluare/campanie/{campaign.id}/statistici"))
    assert "Foarte bine" in page and "Nesatisfăcător" in page
    counts = dict(db.session.execute(sa.select(EvaluationSheet.rating, sa.func.count()).where(
        EvaluationSheet.campaign_id == campaign.id).group_by(EvaluationSheet.rating)).all())
    assert counts == {"Foarte bine": 1, "Bine": 2, "Nesatisfăcător": 3}
    for rating, count in (("Foarte bine", 1), ("Bine", 2), ("Satisfăcător", 0), ("Nesatisfăcător", 3)):
        assert f"<tr><td>{rating}</td><td>{count}</td></tr>" in page, rating
    for user in staff_school.teachers.values():
        assert user.last_name not in page and user.first_name not in page
    index = text_of(client.get("/evaluare/"))
    for user in staff_school.teachers.values():
        assert user.last_name not in index
    sheet = sheet_of(campaign, staff_school.teachers["employee"])
    for url in _sheet_urls(sheet.id) + [f"/evaluare/campanie/{campaign.id}",
                                        f"/evaluare/campanie/{campaign.id}/hotarare.pdf"]:
        assert client.get(url).status_code == 404, url


def test_the_administrator_cannot_write_scores(app, staff_school, clock, client_for):
    campaign = run_to(staff_school, clock, "department_scored")
    clock.set(BOARD_DAY)
    sheet = sheet_of(campaign, staff_school.teachers["employee"])
    client = client_for(staff_school.administrator)
    token = csrf_of(client, "/evaluare/sarbatori")
    scores = {f"score-{criterion.id}": str(criterion.max_score) for criterion in campaign.criteria}
    for step in ("autoevaluare", "catedra", "consiliu", "comunicare", "contestatie"):
        response = client.post(f"/evaluare/fisa/{sheet.id}/{step}", data={
            "csrf_token": token, "meeting_on": BOARD_DAY.isoformat(), "present": "da", **scores})
        assert response.status_code == 404, step
    assert client.get(f"/evaluare/fisa/{sheet.id}").status_code == 404
    db.session.expire_all()
    assert db.session.get(EvaluationSheet, sheet.id).stage == "department_scored"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(EvaluationScore).where(
        EvaluationScore.sheet_id == sheet.id, EvaluationScore.stage == "board")) == 0


def test_a_teacher_without_a_sheet_has_no_menu_entry(app, staff_school, clock, client_for):
    outsider = make_user(staff_school.base.school, policy.TEACHER, first_name="Dan", last_name="Fărăfișă")
    client = client_for(outsider)
    assert client.get("/evaluare/").status_code == 403
    run_to(staff_school, clock, "opened")
    assert "Evaluare anuală" in text_of(client_for(staff_school.teachers["employee"]).get("/evaluare/"))
    parent = make_user(staff_school.base.school, policy.PARENT)
    assert login_as(app, parent).get("/evaluare/").status_code == 403


@pytest.mark.parametrize("fragment", ["evalu", "fisa", "fise", "campan"])
def test_no_api_path_exposes_evaluation_sheets(app, fragment):
    """Evaluation is not part of /api/v1: the OpenAPI document has no such path (the API's
    clients are catalog integrations; staff evaluations stay on the pages with their read log)."""
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    assert spec["paths"], "the OpenAPI document lists the API's paths"
    assert not [path for path in spec["paths"] if fragment in path.lower()]
    rules = [rule.rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/")]
    assert not [rule for rule in rules if fragment in rule.lower()]
