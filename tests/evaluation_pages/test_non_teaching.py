"""Non-teaching staff through the pages: the evaluator's marks 1–5 with their mean, the interview
signed by both with the employee's point of view, the countersigner modifying the sheet (the
employee then sees it was modified), the day the employee learned the rating and the 5-day
contestation window. Plus the staff-data admin screens that feed it."""

from __future__ import annotations

import re
from datetime import date

import sqlalchemy as sa

from schema.evaluation import Department, EvaluationCampaign, EvaluationSheet, StaffMember
from schema.models import db
from schema.operations import evaluation as ops
from tests.evaluation_pages.conftest import csrf_of, text_of
from tests.evaluation_pages.test_campaign_walkthrough import pdf_text
from tests.factories import make_user


def _marks(campaign, values) -> dict[str, str]:
    criteria = [c for c in campaign.criteria if c.is_active]
    return {f"score-{c.id}": str(values[index % len(values)]) for index, c in enumerate(criteria)}


def test_a_non_teaching_sheet_through_the_pages(app, staff_school, clock, client_for):
    director = staff_school.director
    school = staff_school.base.school
    chief = make_user(school, first_name="Viorel", last_name="Administratu")  # șef de compartiment administrativ
    cleaner = make_user(school, first_name="Floarea", last_name="Mătușă")
    compartment = ops.save_department(director, name="Compartimentul administrativ", kind="compartiment",
                                      head_id=chief.id)
    ops.save_staff_member(director, user_id=chief.id, category="nedidactic", job_title="administrator de patrimoniu",
                          employment_started_on=date(2010, 9, 1), department_id=compartment.id)
    ops.save_staff_member(director, user_id=cleaner.id, category="nedidactic", job_title="îngrijitor",
                          employment_started_on=date(2018, 3, 1), department_id=compartment.id, superior_id=chief.id)
    clock.set(date(2026, 1, 8))
    campaign = ops.create_campaign(
        director, year=staff_school.base.year, category="nedidactic", evaluated_from=date(2025, 1, 1),
        evaluated_to=date(2025, 12, 31), starts_on=date(2026, 1, 5), ends_on=date(2026, 1, 30),
        communication_deadline=date(2026, 1, 30))
    boss = client_for(director)
    response = boss.post(f"/evaluare/campanie/{campaign.id}/fise", data={"csrf_token": csrf_of(boss)},
                         follow_redirects=True)
    # The chief has no superior recorded: refused, with the reason, in Romanian.
    assert "nu are trecut un șef direct" in text_of(response)
    sheet = db.session.scalar(sa.select(EvaluationSheet).where(EvaluationSheet.employee_id == cleaner.id))
    assert sheet.evaluator_id == chief.id and sheet.countersigner_id == director.id

    # The evaluator marks every criterion 1-5.
    evaluator = client_for(chief)
    page = text_of(evaluator.get(f"/evaluare/fisa/{sheet.id}"))
    assert "Notarea de către evaluator" in page and "Media" in page
    response = evaluator.post(f"/evaluare/fisa/{sheet.id}/evaluator", data={
        "csrf_token": csrf_of(evaluator), "notes": "Foarte conștiincioasă.", **_marks(campaign, [4, 3])})
    assert response.status_code == 302, text_of(response)
    db.session.expire_all()
    sheet = db.session.get(EvaluationSheet, sheet.id)
    assert sheet.stage == "evaluated" and 3 <= sheet.evaluator_mark <= 4

    # The interview: both sign; the employee records her point of view.
    clock.set(date(2026, 1, 12))
    assert evaluator.post(f"/evaluare/fisa/{sheet.id}/interviu", data={
        "csrf_token": csrf_of(evaluator), "interview_on": "2026-01-12"}).status_code == 302
    employee = client_for(cleaner)
    page = text_of(employee.get(f"/evaluare/fisa/{sheet.id}"))
    assert "Punctul de vedere al salariatului" in page
    response = employee.post(f"/evaluare/fisa/{sheet.id}/interviu", data={
        "csrf_token": csrf_of(employee), "interview_on": "2026-01-12",
        "point_of_view": "Consider că am meritat nota 4 la toate criteriile."})
    assert response.status_code == 302, text_of(response)
    db.session.expire_all()
    assert db.session.get(EvaluationSheet, sheet.id).stage == "interviewed"

    # The countersigner (the director) modifies the marks; the employee is informed.
    clock.set(date(2026, 1, 15))
    response = boss.post(f"/evaluare/fisa/{sheet.id}/contrasemnare", data={
        "csrf_token": csrf_of(boss), "modify": "da", "note": "Aprecierile nu corespund realității.",
        **_marks(campaign, [4])})
    assert response.status_code == 302, text_of(response)
    db.session.expire_all()
    sheet = db.session.get(EvaluationSheet, sheet.id)
    assert sheet.countersigner_modified and str(sheet.final_mark) == "4.00" and sheet.rating == "bine"
    response = boss.post(f"/evaluare/fisa/{sheet.id}/informare", data={
        "csrf_token": csrf_of(boss), "informed_on": "2026-01-15"})
    assert response.status_code == 302, text_of(response)
    page = text_of(employee.get(f"/evaluare/fisa/{sheet.id}"))
    assert "fișa a fost modificată de contrasemnatar" in page and "15.01.2026" in page
    assert re.search(r'id="termen-contestatie">20\.01\.2026<', page)  # 5 calendar days

    # A contestation on the 6th day is refused with the 5-day rule.
    clock.set(date(2026, 1, 21))
    response = employee.post(f"/evaluare/fisa/{sheet.id}/contestatie", data={
        "csrf_token": csrf_of(employee), "grounds": "Nota nu reflectă munca mea."})
    assert response.status_code >= 400
    assert "termenul a expirat la 20.01.2026" in text_of(response) and "5 zile calendaristice" in text_of(response)

    # The PDF: the marks of both stages, the mean, the signatures.
    text = pdf_text(employee.get(f"/evaluare/fisa/{sheet.id}/fisa.pdf").data)
    for expected in ("Fișa de evaluare", "Mătușă", "îngrijitor", "Evaluator", "Contrasemnatar", "4,00", "bine",
                     "modificată de contrasemnatar", "Consider că am meritat", "12.01.2026"):
        assert expected in text, expected


def test_staff_data_is_kept_in_the_admin_through_the_operations(app, staff_school, clock, client_for):
    director = client_for(staff_school.director)
    page = director.get("/admin/departments/new/")
    assert page.status_code == 200
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', text_of(page)).group(1)
    response = director.post("/admin/departments/new/", data={
        "csrf_token": token, "name": "Catedra de științe", "kind": "catedra",
        "head": str(staff_school.teachers["member"].id), "is_active": "y"})
    assert response.status_code == 302, text_of(response)
    department = db.session.scalar(sa.select(Department).where(Department.name == "Catedra de științe"))
    assert department.head_id == staff_school.teachers["member"].id
    # Written through the operation: the version carries the operation's reason.
    from sqlalchemy_continuum import version_class

    version = db.session.scalars(sa.select(version_class(Department)).where(
        version_class(Department).id == department.id)).first()
    assert version.transaction.reason == "Catedre și compartimente"
    assert version.transaction.user_id == staff_school.director.id

    # A debutant without the end of the probation is refused in Romanian, nothing saved.
    newcomer = make_user(staff_school.base.school, first_name="Tudor", last_name="Începătorul")
    page = director.get("/admin/staff_members/new/")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', text_of(page)).group(1)
    response = director.post("/admin/staff_members/new/", data={
        "csrf_token": token, "user": str(newcomer.id), "category": "nedidactic", "job_title": "paznic",
        "employment_started_on": "2026-02-01", "is_debutant": "y", "is_active": "y"}, follow_redirects=True)
    assert "stagiul" in text_of(response)
    assert db.session.scalar(sa.select(StaffMember).where(StaffMember.user_id == newcomer.id)) is None
    # Teachers and statistics viewers do not open the staff screens; nothing is deleted there.
    assert client_for(staff_school.teachers["employee"]).get("/admin/staff_members/").status_code == 403
    assert director.post("/admin/departments/delete/", data={"id": str(department.id)}).status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(EvaluationCampaign)) == 0
