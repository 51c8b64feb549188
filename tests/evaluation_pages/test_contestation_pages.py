"""Contestations from the pages, beyond the employee's own form: a plain teacher appointed to the
campaign's commission reads the contested sheet (only that one) and records the decision; the
secretariat registers a contestation the employee filed on paper, refused when registered late."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from schema.evaluation import EvaluationContestation, EvaluationSheet, EvaluationView
from schema.models import db
from schema.operations import evaluation as ops
from tests.evaluation_pages.conftest import (
    LAST_FILING_DAY,
    RESOLUTION_DAY,
    csrf_of,
    run_to,
    sheet_of,
    text_of,
)


def _contested_campaign(staff_school, clock):
    """A communicated campaign; the maths employee contests on the last day; the commission is
    three teachers of the Romanian catedră (none evaluated the contested sheet)."""
    campaign = run_to(staff_school, clock, "communicated")
    employee = staff_school.teachers["employee"]
    sheet = sheet_of(campaign, employee)
    clock.set(LAST_FILING_DAY)
    ops.file_contestation(employee, sheet, grounds="Raportul nu a fost luat în seamă.")
    clock.set(RESOLUTION_DAY)
    members = [staff_school.teachers[name] for name in ("head_romanian", "colleague", "member2")]
    ops.appoint_commission(
        staff_school.director, campaign, [user.id for user in members], decision_reference="Decizia nr. 45/08.07.2026"
    )
    return campaign, sheet


def test_a_commission_member_resolves_the_contested_sheet_from_its_page(app, staff_school, clock, client_for):
    campaign, sheet = _contested_campaign(staff_school, clock)
    member = staff_school.teachers["member2"]  # a plain teacher (Bălan Ioana), appointed to the commission
    client = client_for(member)

    # The campaign is listed for the member, with the contested sheet and no other colleague's.
    index = text_of(client.get("/evaluare/"))
    assert f"/evaluare/campanie/{campaign.id}" in index
    campaign_page = text_of(client.get(f"/evaluare/campanie/{campaign.id}"))
    assert f"/evaluare/fisa/{sheet.id}" in campaign_page
    assert staff_school.teachers["head_maths"].last_name not in campaign_page

    page = client.get(f"/evaluare/fisa/{sheet.id}")
    assert page.status_code == 200
    assert "Soluționarea contestației" in text_of(page) and "Raportul nu a fost luat în seamă." in text_of(page)
    # Their read is logged like anyone else's.
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(EvaluationView)
            .where(EvaluationView.user_id == member.id, EvaluationView.sheet_id == sheet.id)
        )
        == 1
    )
    assert client.get(f"/evaluare/fisa/{sheet.id}/fisa.pdf").status_code == 200

    response = client.post(
        f"/evaluare/fisa/{sheet.id}/contestatie/solutionare",
        data={
            "csrf_token": csrf_of(client, f"/evaluare/fisa/{sheet.id}"),
            "outcome": "respinsa",
            "decided_on": RESOLUTION_DAY.isoformat(),
            "decision_text": "Se respinge: punctajul este justificat.",
        },
    )
    assert response.status_code == 302, text_of(response)
    db.session.expire_all()
    contestation = db.session.scalar(
        sa.select(EvaluationContestation).where(EvaluationContestation.sheet_id == sheet.id)
    )
    assert contestation.state == "rejected" and contestation.decided_by_id == member.id
    assert "Respinsă" in text_of(client.get(f"/evaluare/fisa/{sheet.id}"))


def test_a_commission_member_reads_only_the_contested_sheets(app, staff_school, clock, client_for):
    campaign, sheet = _contested_campaign(staff_school, clock)
    member = staff_school.teachers["member2"]
    client = client_for(member)
    # Another sheet of the same campaign (not contested), by URL: missing.
    other = sheet_of(campaign, staff_school.teachers["head_maths"])
    for url in (f"/evaluare/fisa/{other.id}", f"/evaluare/fisa/{other.id}/fisa.pdf"):
        assert client.get(url).status_code == 404, url
    # Their own sheet stays theirs.
    assert client.get(f"/evaluare/fisa/{sheet_of(campaign, member).id}").status_code == 200
    # Once retired from the commission, the contested sheet is closed to them too.
    for row in ops.commission_members(campaign):
        if row.user_id == member.id:
            row.is_active = False
    db.session.commit()
    assert client.get(f"/evaluare/fisa/{sheet.id}").status_code == 404


def test_a_teacher_outside_the_commission_gets_404_and_cannot_resolve(app, staff_school, clock, client_for):
    campaign, sheet = _contested_campaign(staff_school, clock)
    outsider = staff_school.teachers["member"]  # a maths teacher, not on the commission
    score_before = sheet.final_score
    client = client_for(outsider)
    assert client.get(f"/evaluare/fisa/{sheet.id}").status_code == 404
    response = client.post(
        f"/evaluare/fisa/{sheet.id}/contestatie/solutionare",
        data={"csrf_token": csrf_of(client), "outcome": "admisa", "new_score": "95", "decision_text": "Se admite."},
    )
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.scalar(sa.select(EvaluationContestation.state)) == "filed"
    assert db.session.get(EvaluationSheet, sheet.id).final_score == score_before


def test_the_secretariat_registers_a_paper_contestation_with_its_date(app, staff_school, clock, client_for):
    campaign = run_to(staff_school, clock, "communicated")
    employee = staff_school.teachers["employee"]
    sheet = sheet_of(campaign, employee)
    clock.set(date(2026, 7, 9))  # the secretary types it in two days after the paper was registered
    client = client_for(staff_school.secretary)
    page = text_of(client.get(f"/evaluare/fisa/{sheet.id}"))
    assert "Înregistrează contestația depusă la secretariat" in page
    assert "Depune contestație" not in page  # the employee's own form is not the secretary's
    response = client.post(
        f"/evaluare/fisa/{sheet.id}/contestatie/secretariat",
        data={
            "csrf_token": csrf_of(client),
            "filed_on": LAST_FILING_DAY.isoformat(),
            "grounds": "Cerere scrisă nr. 1234: punctajul de la domeniul b).",
            "union_observer_requested": "da",
        },
    )
    assert response.status_code == 302, text_of(response)
    contestation = db.session.scalar(
        sa.select(EvaluationContestation).where(EvaluationContestation.sheet_id == sheet.id)
    )
    assert contestation.filed_on == LAST_FILING_DAY and contestation.filed_by_id == staff_school.secretary.id
    assert contestation.union_observer_requested
    # The employee sees it on their sheet.
    assert "Cerere scrisă nr. 1234" in text_of(client_for(employee).get(f"/evaluare/fisa/{sheet.id}"))


def test_the_secretariat_is_refused_a_late_paper_contestation_with_the_reason(app, staff_school, clock, client_for):
    campaign = run_to(staff_school, clock, "communicated")
    sheet = sheet_of(campaign, staff_school.teachers["colleague"])
    clock.set(date(2026, 7, 9))
    client = client_for(staff_school.secretary)
    response = client.post(
        f"/evaluare/fisa/{sheet.id}/contestatie/secretariat",
        data={"csrf_token": csrf_of(client), "filed_on": "2026-07-08", "grounds": "Cerere scrisă nr. 1240."},
    )
    assert response.status_code == 422
    page = text_of(response)
    assert "termenul a expirat la 07.07.2026" in page and "Data depunerii: 08.07.2026" in page
    assert "2 zile lucrătoare" in page
    assert "Cerere scrisă nr. 1240." in page and 'value="2026-07-08"' in page  # the input is kept
    assert db.session.scalar(sa.select(sa.func.count()).select_from(EvaluationContestation)) == 0


def test_only_the_secretariat_gets_the_paper_form(app, staff_school, clock, client_for):
    campaign = run_to(staff_school, clock, "communicated")
    sheet = sheet_of(campaign, staff_school.teachers["employee"])
    head = client_for(staff_school.teachers["head_maths"])  # reads the sheet, is not the secretariat
    assert "Înregistrează contestația depusă la secretariat" not in text_of(head.get(f"/evaluare/fisa/{sheet.id}"))
    response = head.post(
        f"/evaluare/fisa/{sheet.id}/contestatie/secretariat",
        data={"csrf_token": csrf_of(head), "filed_on": "2026-07-03", "grounds": "În numele colegului."},
    )
    assert response.status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(EvaluationContestation)) == 0
    # The auditor reads every sheet but registers nothing.
    auditor = client_for(staff_school.auditor)
    assert "Înregistrează contestația depusă la secretariat" not in text_of(auditor.get(f"/evaluare/fisa/{sheet.id}"))
