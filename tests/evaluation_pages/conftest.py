"""A school with staff for the evaluation pages: two catedre (Matematică headed by Vasilescu,
Limba română headed by Dumitrescu), five teachers with staff records, a deputy, a secretary, an
auditor, a statistics viewer, and helpers to run a teaching campaign up to any stage through the
operations (the page tests then drive the next stage through HTTP)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import pytest

from schema.evaluation import EvaluationCampaign, EvaluationSheet, StaffMember
from schema.models import db
from schema.operations import evaluation as ops
from security import policy
from tests.factories import build_school, make_user
from tests.pages.conftest import client_for  # noqa: F401 (fixture)

#: The teaching campaign's calendar (2025-2026): self-evaluation 22-26 June, catedra 29 June,
#: board 1 July, communication deadline Friday 3 July; contestations until Tuesday 7 July.
SELF_DAY = date(2026, 6, 24)
DEPARTMENT_DAY = date(2026, 6, 29)
BOARD_DAY = date(2026, 7, 1)
COMMUNICATION_DEADLINE = date(2026, 7, 3)
LAST_FILING_DAY = date(2026, 7, 7)
RESOLUTION_DAY = date(2026, 7, 8)

REPORT = b"%PDF-1.4\n% raport de autoevaluare\n"


class Clock:
    """The frozen `security.access.today()` of a test; `set(day)` moves it."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, day: date) -> None:
        self._monkeypatch = monkeypatch
        self.set(day)

    def set(self, day: date) -> None:
        self.day = day
        self._monkeypatch.setattr("security.access.today", lambda: day)


@pytest.fixture
def clock(monkeypatch):
    clock = Clock(monkeypatch, SELF_DAY)
    monkeypatch.setattr("pdf.documents.evaluation_sheet.today", lambda: clock.day)
    monkeypatch.setattr("pdf.documents.evaluation_decisions.today", lambda: clock.day)
    return clock


@dataclass
class StaffSchool:
    base: object
    director: object
    deputy: object
    secretary: object
    auditor: object
    statistics_viewer: object
    administrator: object
    #: Teachers by short name: employee (maths), head_maths, head_romanian, colleague (romanian), member
    teachers: dict = field(default_factory=dict)
    departments: dict = field(default_factory=dict)
    staff: dict = field(default_factory=dict)


def _staff(director, user, department, job_title="profesor", category="didactic"):
    return ops.save_staff_member(director, user_id=user.id, category=category, job_title=job_title,
                                 employment_started_on=date(2015, 9, 1),
                                 department_id=department.id if department is not None else None)


@pytest.fixture
def staff_school(app, clock):
    base = build_school()
    school = base.school
    director = base.director
    teachers = {
        "employee": base.teacher,  # Vasilescu Ion, catedra de matematică
        "head_maths": make_user(school, policy.TEACHER, first_name="Mihaela", last_name="Constantinescu"),
        "head_romanian": base.other_teacher,  # Dumitrescu Maria
        "colleague": base.class_master,  # Stănescu Elena, catedra de limba română
        "member": make_user(school, policy.TEACHER, first_name="Șerban", last_name="Țăranu"),
        "member2": make_user(school, policy.TEACHER, first_name="Ioana", last_name="Bălan"),
    }
    maths = ops.save_department(director, name="Catedra de matematică", head_id=teachers["head_maths"].id)
    romanian = ops.save_department(director, name="Catedra de limba română", head_id=teachers["head_romanian"].id)
    staff = {
        "employee": _staff(director, teachers["employee"], maths),
        "head_maths": _staff(director, teachers["head_maths"], maths),
        "member": _staff(director, teachers["member"], maths),
        "head_romanian": _staff(director, teachers["head_romanian"], romanian),
        "colleague": _staff(director, teachers["colleague"], romanian),
        "member2": _staff(director, teachers["member2"], romanian),
    }
    return StaffSchool(
        base=base, director=director, deputy=make_user(school, policy.DEPUTY_DIRECTOR, first_name="Paul", last_name="Rusu"),
        secretary=base.secretary, auditor=make_user(school, policy.AUDITOR, first_name="Ilie", last_name="Auditorescu"),
        statistics_viewer=make_user(school, policy.STATISTICS_VIEWER, first_name="Sorin", last_name="Cifrescu"),
        administrator=base.administrator, teachers=teachers, departments={"maths": maths, "romanian": romanian},
        staff=staff,
    )


def teaching_campaign(staff_school: StaffSchool) -> EvaluationCampaign:
    return ops.create_campaign(
        staff_school.director, year=staff_school.base.year, category="didactic",
        evaluated_from=date(2025, 9, 1), evaluated_to=date(2026, 8, 31), starts_on=date(2026, 6, 22),
        ends_on=date(2026, 6, 26), department_meeting_on=DEPARTMENT_DAY, board_meeting_on=BOARD_DAY,
        communication_deadline=COMMUNICATION_DEADLINE,
    )


def criteria_of(campaign: EvaluationCampaign) -> list:
    return [criterion for criterion in campaign.criteria if criterion.is_active]


def full_marks(campaign: EvaluationCampaign, minus: Decimal = Decimal(0)) -> dict[int, Decimal]:
    """Scores totalling 100 - `minus`: every criterion at its maximum, then points taken off
    criterion after criterion."""
    scores = {criterion.id: Decimal(criterion.max_score) for criterion in criteria_of(campaign)}
    left = Decimal(minus)
    for criterion_id, maximum in scores.items():
        taken = min(maximum, left)
        scores[criterion_id] = maximum - taken
        left -= taken
    return scores


def sheet_of(campaign: EvaluationCampaign, user) -> EvaluationSheet:
    return db.session.query(EvaluationSheet).filter_by(campaign_id=campaign.id, employee_id=user.id).one()


def run_to(staff_school: StaffSchool, clock: Clock, stage: str) -> EvaluationCampaign:
    """A teaching campaign with every sheet opened and, for every teacher, the stages up to
    `stage` (self_evaluated, department_scored, board_scored, communicated) done."""
    director = staff_school.director
    clock.set(SELF_DAY)
    campaign = teaching_campaign(staff_school)
    ops.open_sheets(director, campaign)
    order = ["opened", "self_evaluated", "department_scored", "board_scored", "communicated"]
    wanted = order.index(stage)
    heads = {staff_school.departments["maths"].id: staff_school.teachers["head_maths"],
             staff_school.departments["romanian"].id: staff_school.teachers["head_romanian"]}
    sheets = db.session.query(EvaluationSheet).filter_by(campaign_id=campaign.id).order_by(EvaluationSheet.id).all()
    for sheet in sheets:
        if wanted >= 1:
            ops.submit_self_evaluation(sheet.employee, sheet, full_marks(campaign), report_filename="raport.pdf",
                                       report_data=REPORT)
    if wanted >= 2:
        clock.set(DEPARTMENT_DAY)
        for sheet in sheets:
            head = heads[sheet.department_id]
            scorer = head if head.id != sheet.employee_id else director
            members = [staff.user_id for staff in staff_school.staff.values()
                       if staff.department_id == sheet.department_id and staff.user_id != sheet.employee_id]
            ops.record_department_score(scorer, sheet, full_marks(campaign, Decimal(3)), meeting_on=DEPARTMENT_DAY,
                                        member_ids=members, minutes="Procesul-verbal nr. 12")
    if wanted >= 3:
        clock.set(BOARD_DAY)
        for number, sheet in enumerate(sheets):
            ops.record_board_score(director, sheet, full_marks(campaign, Decimal(5 + 12 * number)), meeting_on=BOARD_DAY,
                                   board_member_ids=[staff_school.deputy.id], present=True)
    if wanted >= 4:
        for sheet in sheets:
            ops.record_communication(director, sheet, communicated_on=BOARD_DAY, in_person=True)
    return campaign


def staff_members(staff_school: StaffSchool) -> list[StaffMember]:
    return list(staff_school.staff.values())


def csrf_of(client, url: str = "/evaluare/") -> str:
    page = client.get(url)
    assert page.status_code == 200, (url, page.status_code)
    return re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)


def text_of(response) -> str:
    return response.get_data(as_text=True)
