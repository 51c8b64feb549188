"""A whole teaching-staff campaign through the pages, as the people of the school would run it:
the director creates the campaign and opens the sheets, the employee self-evaluates with the
report, the head of the catedră scores, the director gives the board's score and records the
communication, the employee contests, the director appoints the commission (a board member who
evaluated is refused, in Romanian) and resolves the contestation. Then the documents."""

from __future__ import annotations

import io
import re
import subprocess
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from openpyxl import load_workbook

from schema.evaluation import (
    EvaluationCampaign,
    EvaluationCommissionMember,
    EvaluationContestation,
    EvaluationCriterion,
    EvaluationSheet,
)
from schema.models import db
from tests.evaluation_pages.conftest import (
    BOARD_DAY,
    COMMUNICATION_DEADLINE,
    DEPARTMENT_DAY,
    LAST_FILING_DAY,
    REPORT,
    RESOLUTION_DAY,
    SELF_DAY,
    csrf_of,
    full_marks,
    run_to,
    sheet_of,
    text_of,
)
from schema.operations.evaluation import open_sheet, open_sheets
from tests.evaluation_pages.conftest import _staff
from tests.factories import make_user
from tests.pages.conftest import counting_queries


def pdf_text(content: bytes) -> str:
    """The PDF's text as pdftotext extracts it, white space collapsed."""
    assert content.startswith(b"%PDF-")
    result = subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True)
    return " ".join(result.stdout.decode("utf-8").split())


def _score_form(scores) -> dict[str, str]:
    return {f"score-{criterion_id}": str(value).replace(".", ",") for criterion_id, value in scores.items()}


def _flash(page: str) -> list[str]:
    return re.findall(r'<div class="flash flash-\w+" role="status">([^<]*)</div>', page)


def test_a_whole_campaign_through_the_pages(app, staff_school, clock, client_for):
    director, deputy = staff_school.director, staff_school.deputy
    employee, head = staff_school.teachers["employee"], staff_school.teachers["head_maths"]
    member = staff_school.teachers["member"]
    board_teacher = staff_school.teachers["member2"]  # sits in the board, not in the catedră

    # The director creates the campaign (calendar) and opens the sheets.
    clock.set(date(2026, 6, 15))
    boss = client_for(director)
    index = text_of(boss.get("/evaluare/"))
    assert "Campanie nouă" in index and "Evaluare anuală" in index
    response = boss.post("/evaluare/campanii", data={
        "csrf_token": csrf_of(boss), "year_id": str(staff_school.base.year.id), "category": "didactic",
        "evaluated_from": "2025-09-01", "evaluated_to": "2026-08-31", "starts_on": "2026-06-22",
        "ends_on": "2026-06-26", "department_meeting_on": DEPARTMENT_DAY.isoformat(),
        "board_meeting_on": BOARD_DAY.isoformat(), "communication_deadline": COMMUNICATION_DEADLINE.isoformat()})
    assert response.status_code == 302, text_of(response)
    campaign = db.session.scalar(sa.select(EvaluationCampaign))
    assert campaign.category == "didactic" and campaign.communication_deadline == COMMUNICATION_DEADLINE
    criteria_page = text_of(boss.get(f"/evaluare/campanie/{campaign.id}/criterii"))
    assert "Proiectarea activit" in criteria_page
    assert 'id="total-maxim">100' in criteria_page
    response = boss.post(f"/evaluare/campanie/{campaign.id}/fise", data={"csrf_token": csrf_of(boss)})
    assert response.status_code == 302
    sheet = sheet_of(campaign, employee)
    assert sheet.stage == "opened"

    # A second campaign for the same year and category is refused, the form kept.
    again = boss.post("/evaluare/campanii", data={
        "csrf_token": csrf_of(boss), "year_id": str(staff_school.base.year.id), "category": "didactic",
        "name": "Dublură", "evaluated_from": "2025-09-01", "evaluated_to": "2026-08-31", "starts_on": "2026-06-22",
        "ends_on": "2026-06-26", "department_meeting_on": DEPARTMENT_DAY.isoformat(),
        "board_meeting_on": BOARD_DAY.isoformat(), "communication_deadline": COMMUNICATION_DEADLINE.isoformat()})
    assert again.status_code >= 400
    assert "Există deja o campanie" in text_of(again) and 'value="Dublură"' in text_of(again)

    # The employee self-evaluates, attaching the report; a score above its maximum is refused first.
    clock.set(SELF_DAY)
    me = client_for(employee)
    assert campaign.name in text_of(me.get("/evaluare/"))
    page = text_of(me.get(f"/evaluare/fisa/{sheet.id}"))
    assert "Autoevaluare" in page and "running-total" in page and "Proiectarea" in page
    scores = full_marks(campaign, 10)
    first = next(iter(scores))
    too_much = dict(_score_form(scores), **{f"score-{first}": "99"})
    refused = me.post(f"/evaluare/fisa/{sheet.id}/autoevaluare", content_type="multipart/form-data", data={
        "csrf_token": csrf_of(me), **too_much, "report": (io.BytesIO(REPORT), "raport.pdf")})
    assert refused.status_code >= 400
    assert 'value="99"' in text_of(refused)  # the input is kept
    db.session.expire_all()
    assert db.session.get(EvaluationSheet, sheet.id).stage == "opened"
    response = me.post(f"/evaluare/fisa/{sheet.id}/autoevaluare", content_type="multipart/form-data", data={
        "csrf_token": csrf_of(me), **_score_form(scores), "report": (io.BytesIO(REPORT), "raport.pdf")})
    assert response.status_code == 302, text_of(response)
    db.session.expire_all()
    sheet = db.session.get(EvaluationSheet, sheet.id)
    assert sheet.stage == "self_evaluated" and sheet.self_total == 90
    report = me.get(f"/evaluare/fisa/{sheet.id}/raport")
    assert report.status_code == 200 and report.data == REPORT
    assert report.headers["Content-Disposition"].startswith("attachment")

    # The head of the catedră scores, with the members present and the minutes.
    clock.set(DEPARTMENT_DAY)
    chief = client_for(head)
    page = text_of(chief.get(f"/evaluare/fisa/{sheet.id}"))
    assert "Evaluarea în catedră/compartiment" in page
    response = chief.post(f"/evaluare/fisa/{sheet.id}/catedra", content_type="multipart/form-data", data={
        "csrf_token": csrf_of(chief), "meeting_on": DEPARTMENT_DAY.isoformat(), "member_ids": [str(member.id), str(head.id)],
        "minutes": "Procesul-verbal nr. 7/29.06.2026", **_score_form(full_marks(campaign, 12))})
    assert response.status_code == 302, text_of(response)
    db.session.expire_all()
    assert db.session.get(EvaluationSheet, sheet.id).department_total == 88

    # The director gives the board's score with the employee's argument, then communicates.
    clock.set(BOARD_DAY)
    page = text_of(boss.get(f"/evaluare/fisa/{sheet.id}"))
    assert "Susținerea salariatului" in page
    response = boss.post(f"/evaluare/fisa/{sheet.id}/consiliu", data={
        "csrf_token": csrf_of(boss), "meeting_on": BOARD_DAY.isoformat(), "board_member_ids": [str(deputy.id), str(board_teacher.id)],
        "present": "da", "employee_argument": "Am organizat olimpiada locală de matematică.",
        **_score_form(full_marks(campaign, Decimal("15.50")))})
    assert response.status_code == 302, text_of(response)
    db.session.expire_all()
    sheet = db.session.get(EvaluationSheet, sheet.id)
    assert str(sheet.final_score) == "84.50" and sheet.rating == "Bine"
    response = boss.post(f"/evaluare/fisa/{sheet.id}/comunicare", data={
        "csrf_token": csrf_of(boss), "communicated_on": BOARD_DAY.isoformat(), "in_person": "da"})
    assert response.status_code == 302, text_of(response)
    page = text_of(me.get(f"/evaluare/fisa/{sheet.id}"))
    assert "84,50" in page and 'id="calificativ">Bine<' in page
    assert f'id="termen-contestatie">{LAST_FILING_DAY:%d.%m.%Y}<' in page  # 2 working days after Fri 3 July
    assert "Depune contestație" in page

    # The employee contests on the last allowed day, asking for the union's observer.
    clock.set(LAST_FILING_DAY)
    response = me.post(f"/evaluare/fisa/{sheet.id}/contestatie", data={
        "csrf_token": csrf_of(me), "grounds": "Punctajul la domeniul „Proiectarea activității” nu ține seama de raport.",
        "union_observer_requested": "da", "union_observer_name": "Gheorghe Sindicalu"})
    assert response.status_code == 302, text_of(response)
    contestation = db.session.scalar(sa.select(EvaluationContestation))
    assert contestation.filed_on == LAST_FILING_DAY and contestation.union_observer_requested

    # The commission: a member who evaluated in the board is refused, with the Romanian reason.
    clock.set(RESOLUTION_DAY)
    campaign_page = text_of(boss.get(f"/evaluare/campanie/{campaign.id}"))
    assert "Comisia de soluționare a contestațiilor" in campaign_page and "Depusă" in campaign_page
    newcomer = make_user(staff_school.base.school, "teacher", first_name="Oana", last_name="Neutră")
    _staff(director, newcomer, staff_school.departments["romanian"])
    others = [staff_school.teachers["head_romanian"], staff_school.teachers["colleague"], newcomer]
    response = boss.post(f"/evaluare/campanie/{campaign.id}/comisie", data={
        "csrf_token": csrf_of(boss), "decision_reference": "Decizia nr. 45/08.07.2026",
        "member_ids": [str(board_teacher.id)] + [str(user.id) for user in others[:2]]}, follow_redirects=True)
    messages = " ".join(_flash(text_of(response)))
    assert f"{board_teacher.last_name} {board_teacher.first_name} nu poate face parte din comisie" in messages
    assert "a evaluat în consiliul de administrație" in messages
    response = boss.post(f"/evaluare/campanie/{campaign.id}/comisie", data={
        "csrf_token": csrf_of(boss), "decision_reference": "Decizia nr. 45/08.07.2026",
        "member_ids": [str(member.id)] + [str(user.id) for user in others[:2]]}, follow_redirects=True)
    assert "a evaluat în catedră/compartiment" in " ".join(_flash(text_of(response)))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(EvaluationCommissionMember)) == 0
    response = boss.post(f"/evaluare/campanie/{campaign.id}/comisie", data={
        "csrf_token": csrf_of(boss), "decision_reference": "Decizia nr. 45/08.07.2026",
        "member_ids": [str(user.id) for user in others]}, follow_redirects=True)
    assert "Comisia de soluționare a contestațiilor a fost numită." in _flash(text_of(response))

    # The director records the commission's decision: admitted, new score 86 → Foarte bine.
    page = text_of(boss.get(f"/evaluare/fisa/{sheet.id}"))
    assert "Soluționarea contestației" in page and "Observațiile reprezentantului sindicatului" in page
    response = boss.post(f"/evaluare/fisa/{sheet.id}/contestatie/solutionare", data={
        "csrf_token": csrf_of(boss), "outcome": "admisa", "new_score": "86", "decided_on": RESOLUTION_DAY.isoformat(),
        "decision_text": "Se admite: raportul justifică punctajul la proiectare.",
        "union_observer_remarks": "Fără obiecții."})
    assert response.status_code == 302, text_of(response)
    db.session.expire_all()
    sheet = db.session.get(EvaluationSheet, sheet.id)
    assert sheet.rating == "Foarte bine" and str(sheet.final_score) == "86.00"
    page = text_of(me.get(f"/evaluare/fisa/{sheet.id}"))
    assert "Admisă" in page and "Foarte bine" in page

    # The sheet's PDF: every stage per criterion, the totals, the rating, the contestation.
    content = me.get(f"/evaluare/fisa/{sheet.id}/fisa.pdf")
    assert content.status_code == 200 and content.headers["Content-Type"] == "application/pdf"
    text = pdf_text(content.data)
    for expected in ("Fișa de evaluare", employee.last_name, "Catedra de matematică", "Autoevaluare",
                     "Consiliul de administrație", "90,00", "88,00", "84,50", "Foarte bine", "Admisă",
                     "Proiectarea activității", "Semnătura", "01.07.2026"):
        assert expected in text, expected
    assert "ş" not in text and "ţ" not in text

    # The board's decision list: PDF and XLSX with every sheet of the campaign.
    decisions = boss.get(f"/evaluare/campanie/{campaign.id}/hotarare.pdf")
    assert decisions.status_code == 200
    text = pdf_text(decisions.data)
    assert "Hotărârea consiliului de administrație" in text and employee.last_name in text and "86,00" in text
    assert "admisă" in text
    workbook = load_workbook(io.BytesIO(boss.get(f"/evaluare/campanie/{campaign.id}/hotarare.xlsx").data))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[3][:6] == ("Nr.", "Numele și prenumele", "Funcția", "Catedra / compartimentul", "Punctaj final",
                           "Calificativ")
    by_name = {row[1]: row for row in rows[4:]}
    assert len(by_name) == db.session.scalar(sa.select(sa.func.count()).select_from(EvaluationSheet))
    row = by_name[employee.full_name]
    assert row[2] == "profesor" and row[3] == "Catedra de matematică" and row[4] == 86.0 and row[5] == "Foarte bine"
    assert row[6].startswith("admisă")


def test_a_late_contestation_is_refused_with_the_deadline(app, staff_school, clock, client_for):
    campaign = run_to(staff_school, clock, "communicated")
    employee = staff_school.teachers["employee"]
    sheet = sheet_of(campaign, employee)
    clock.set(date(2026, 7, 8))  # the day after the last allowed day
    client = client_for(employee)
    response = client.post(f"/evaluare/fisa/{sheet.id}/contestatie", data={
        "csrf_token": csrf_of(client), "grounds": "Nu sunt de acord."})
    assert response.status_code >= 400
    page = text_of(response)
    assert "termenul a expirat la 07.07.2026" in page
    assert "Nu sunt de acord." in page  # the grounds are kept
    assert db.session.scalar(sa.select(sa.func.count()).select_from(EvaluationContestation)) == 0


def test_an_absent_employee_shows_the_three_day_deadline(app, staff_school, clock, client_for):
    campaign = run_to(staff_school, clock, "department_scored")
    clock.set(BOARD_DAY)
    sheet = sheet_of(campaign, staff_school.teachers["colleague"])
    boss = client_for(staff_school.director)
    response = boss.post(f"/evaluare/fisa/{sheet.id}/consiliu", data={
        "csrf_token": csrf_of(boss), "meeting_on": BOARD_DAY.isoformat(), "board_member_ids": [str(staff_school.deputy.id)],
        "present": "nu", **_score_form(full_marks(campaign, 20))})
    assert response.status_code == 302, text_of(response)
    page = text_of(boss.get(f"/evaluare/fisa/{sheet.id}"))
    assert "salariatul a lipsit" in page and "până la 04.07.2026 (3 zile)" in page


def test_the_director_sheet_list_runs_a_fixed_number_of_queries(app, staff_school, clock, client_for):
    campaign = run_to(staff_school, clock, "self_evaluated")
    client = client_for(staff_school.director)
    client.get(f"/evaluare/campanie/{campaign.id}")  # warm up
    with counting_queries() as few:
        page = client.get(f"/evaluare/campanie/{campaign.id}")
    assert page.status_code == 200
    sheets = db.session.scalar(sa.select(sa.func.count()).select_from(EvaluationSheet))
    assert text_of(page).count('href="/evaluare/fisa/') == sheets == 6
    # Six more teachers with sheets: the same number of queries.
    for number in range(6):
        user = make_user(staff_school.base.school, "teacher", first_name="Nou", last_name=f"Profesor{number}")
        staff = _staff(staff_school.director, user, staff_school.departments["romanian"])
        open_sheet(staff_school.director, campaign, staff)
    client.get(f"/evaluare/campanie/{campaign.id}")  # warm up again
    with counting_queries() as many:
        page = client.get(f"/evaluare/campanie/{campaign.id}")
    assert text_of(page).count('href="/evaluare/fisa/') == 12
    assert many.count == few.count, "\n".join(s[:120] for s in few.statements + ["----"] + many.statements)


def test_criteria_changes_and_holidays(app, staff_school, clock, client_for):
    clock.set(date(2026, 6, 15))
    from tests.evaluation_pages.conftest import teaching_campaign

    campaign = teaching_campaign(staff_school)
    boss = client_for(staff_school.director)
    criterion = db.session.scalar(sa.select(EvaluationCriterion).where(EvaluationCriterion.campaign_id == campaign.id)
                                  .order_by(EvaluationCriterion.position))
    response = boss.post(f"/evaluare/campanie/{campaign.id}/criterii", data={
        "csrf_token": csrf_of(boss), "action": "update", "criterion_id": str(criterion.id),
        "text": "Respectarea programei școlare (text revizuit)", "max_score": str(criterion.max_score)},
        follow_redirects=True)
    assert "Criteriul a fost modificat." in text_of(response)
    assert "(text revizuit)" in text_of(boss.get(f"/evaluare/campanie/{campaign.id}/criterii"))
    # A teacher cannot change the criteria.
    open_sheets(staff_school.director, campaign)
    teacher = client_for(staff_school.teachers["employee"])
    assert teacher.post(f"/evaluare/campanie/{campaign.id}/criterii", data={
        "csrf_token": csrf_of(teacher), "action": "retire", "criterion_id": str(criterion.id)}).status_code == 403
    db.session.expire_all()
    assert db.session.get(EvaluationCriterion, criterion.id).is_active

    # The holiday calendar: add a day, then remove it.
    response = boss.post("/evaluare/sarbatori", data={"csrf_token": csrf_of(boss), "action": "add",
                                                      "day": "2026-07-06", "name": "Zi liberă de test"},
                         follow_redirects=True)
    assert "Zi liberă de test" in text_of(response) and "06.07.2026" in text_of(response)
    from schema.evaluation import PublicHoliday

    holiday = db.session.scalar(sa.select(PublicHoliday).where(PublicHoliday.name == "Zi liberă de test"))
    response = boss.post("/evaluare/sarbatori", data={"csrf_token": csrf_of(boss), "action": "remove",
                                                      "holiday_id": str(holiday.id)}, follow_redirects=True)
    assert "Zi liberă de test" not in text_of(response)
    response = boss.post("/evaluare/sarbatori", data={"csrf_token": csrf_of(boss), "action": "legal",
                                                      "calendar_year": "2026"}, follow_redirects=True)
    assert "01.12.2026" in text_of(response)
    assert client_for(staff_school.teachers["employee"]).get("/evaluare/sarbatori").status_code == 403
