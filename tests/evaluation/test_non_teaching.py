"""Non-teaching staff: evaluator marks, interview, countersigning, informing, eligibility and the
calendar-day contestation deadlines (002 "Evaluarea personalului nedidactic"; rules.md §9.2)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy_continuum import version_class

from schema.errors import InvariantViolation, PermissionDenied
from schema.evaluation import EvaluationSheet
from schema.models import db
from schema.operations import evaluation as ops
from tests.evaluation.conftest import EvaluationFixture, marks, refused


def _informed_sheet(ev: EvaluationFixture, informed_on: date = date(2026, 1, 29)) -> EvaluationSheet:
    ev.set_today(date(2026, 1, 20))
    campaign = ev.non_teaching_campaign()
    sheet = ev.sheet_for(campaign, ev.caretaker)
    ops.record_evaluator_marks(ev.caretaker_boss, sheet, marks(campaign, 4, 3))
    ops.sign_interview(ev.caretaker_boss, sheet)
    ops.sign_interview(ev.caretaker, sheet)
    ops.countersign_sheet(ev.director, sheet)
    ev.set_today(informed_on)
    ops.record_employee_informed(ev.secretary, sheet, informed_on=informed_on)
    return sheet


def test_non_teaching_default_criteria_are_marked_one_to_five(ev):
    campaign = ev.non_teaching_campaign()
    criteria = ops.active_criteria(campaign)
    assert len(criteria) == 7 and all(criterion.max_score is None for criterion in criteria)
    assert criteria[0].text == "Cunoștințe și experiență profesională"


def test_evaluator_and_countersigner_come_from_the_superiors(ev):
    ev.set_today(date(2026, 1, 20))
    campaign = ev.non_teaching_campaign()
    caretaker_sheet = ev.sheet_for(campaign, ev.caretaker)
    assert (caretaker_sheet.evaluator_id, caretaker_sheet.countersigner_id) == (ev.caretaker_boss.id, ev.director.id)
    boss_sheet = ev.sheet_for(campaign, ev.caretaker_boss)
    # The evaluator is the head of the school: no countersigning (R-EVN-08).
    assert (boss_sheet.evaluator_id, boss_sheet.countersigner_id) == (ev.director.id, None)


def test_the_whole_non_teaching_sheet_and_its_history(ev):
    ev.set_today(date(2026, 1, 20))
    campaign = ev.non_teaching_campaign()
    sheet = ev.sheet_for(campaign, ev.caretaker)
    sheet_id = sheet.id
    ops.record_evaluator_marks(ev.caretaker_boss, sheet, marks(campaign, 5, 4), notes="Foarte conștiincioasă.")
    # (5 + 6 x 4) / 7 = 4.142857... -> 4.14, bine
    assert (sheet.final_mark, sheet.rating) == (Decimal("4.14"), "bine")
    ops.sign_interview(ev.caretaker, sheet, point_of_view="Consider că merit foarte bine.")
    assert sheet.stage == "evaluated"
    # The evaluator changes the marks after hearing her: the signatures given so far are cleared.
    ops.record_evaluator_marks(ev.caretaker_boss, sheet, marks(campaign, 5, 5, 5, 5, 4))
    assert sheet.employee_signed_at is None and sheet.final_mark == Decimal("4.57")
    ops.sign_interview(ev.caretaker_boss, sheet)
    ops.sign_interview(ev.caretaker, sheet, point_of_view="De acord.")
    assert sheet.stage == "interviewed" and sheet.interview_on == date(2026, 1, 20)
    with refused(InvariantViolation, "după ce fișa a fost semnată"):
        ops.record_evaluator_marks(ev.caretaker_boss, sheet, marks(campaign, 5))
    with refused(InvariantViolation, "după interviu și contrasemnare"):
        ops.record_employee_informed(ev.secretary, sheet, informed_on=date(2026, 1, 20))
    ops.countersign_sheet(ev.director, sheet, marks=marks(campaign, 4), note="Aprecierile sunt prea mari.")
    assert (sheet.final_mark, sheet.rating, sheet.countersigner_modified) == (Decimal("4.00"), "bine", True)
    assert sheet.evaluator_mark == Decimal("4.57")
    ev.set_today(date(2026, 1, 26))
    ops.record_employee_informed(ev.caretaker_boss, sheet, informed_on=date(2026, 1, 26))
    assert ops.sheet_contestation_deadlines(sheet) == (date(2026, 1, 31), date(2026, 2, 15))

    SheetVersion = version_class(EvaluationSheet)
    versions = db.session.scalars(
        sa.select(SheetVersion).where(SheetVersion.id == sheet_id).order_by(SheetVersion.transaction_id)
    ).all()
    assert [(v.stage, v.transaction.user_id) for v in versions] == [
        ("opened", ev.director.id),
        ("evaluated", ev.caretaker_boss.id),
        ("evaluated", ev.caretaker.id),
        ("evaluated", ev.caretaker_boss.id),
        ("evaluated", ev.caretaker_boss.id),
        ("interviewed", ev.caretaker.id),
        ("countersigned", ev.director.id),
        ("informed", ev.caretaker_boss.id),
    ]


def test_non_teaching_steps_refuse_the_wrong_person(ev):
    ev.set_today(date(2026, 1, 20))
    campaign = ev.non_teaching_campaign()
    sheet = ev.sheet_for(campaign, ev.caretaker)
    for intruder in (ev.caretaker, ev.director, ev.administrator, ev.teacher):
        with pytest.raises(PermissionDenied):
            ops.record_evaluator_marks(intruder, sheet, marks(campaign, 4))
    ops.record_evaluator_marks(ev.caretaker_boss, sheet, marks(campaign, 4))
    for intruder in (ev.director, ev.administrator, ev.secretary):
        with pytest.raises(PermissionDenied):
            ops.sign_interview(intruder, sheet)
    ops.sign_interview(ev.caretaker_boss, sheet)
    ops.sign_interview(ev.caretaker, sheet)
    for intruder in (ev.caretaker_boss, ev.caretaker, ev.deputy, ev.administrator):
        with pytest.raises(PermissionDenied):
            ops.countersign_sheet(intruder, sheet)
    with refused(InvariantViolation, "nedidactic"):
        ops.submit_self_evaluation(ev.caretaker, sheet, marks(campaign, 4))


def test_non_teaching_marks_must_be_one_to_five(ev):
    ev.set_today(date(2026, 1, 20))
    campaign = ev.non_teaching_campaign()
    sheet = ev.sheet_for(campaign, ev.caretaker)
    with refused(InvariantViolation, "între 1 și 5"):
        ops.record_evaluator_marks(ev.caretaker_boss, sheet, marks(campaign, 6, 4))
    with refused(InvariantViolation, "între 1 și 5"):
        ops.record_evaluator_marks(ev.caretaker_boss, sheet, marks(campaign, 0))
    ops.record_evaluator_marks(ev.caretaker_boss, sheet, marks(campaign, "4,5", 4))
    assert sheet.final_mark == Decimal("4.07")  # (4.5 + 24) / 7 = 4.0714...


def test_non_teaching_filing_on_the_fifth_day_is_accepted_and_the_sixth_refused(ev):
    sheet = _informed_sheet(ev, informed_on=date(2026, 1, 29))  # Thursday; the window crosses a weekend
    ev.set_today(date(2026, 2, 4))
    with refused(InvariantViolation, "03.02.2026") as info:
        ops.file_contestation(ev.caretaker, sheet, grounds="Nota nu reflectă activitatea.")
    assert info.value.code == "contestation_late" and "5 zile calendaristice" in info.value.message_ro
    ev.set_today(date(2026, 2, 3))
    contestation = ops.file_contestation(ev.caretaker, sheet, grounds="Nota nu reflectă activitatea.")
    assert (contestation.filing_deadline, contestation.solving_deadline) == (date(2026, 2, 3), date(2026, 2, 18))


def test_non_teaching_contestation_is_solved_and_its_result_communicated(ev):
    sheet = _informed_sheet(ev)
    campaign = sheet.campaign
    ev.set_today(date(2026, 2, 2))
    contestation = ops.file_contestation(ev.caretaker, sheet, grounds="Nota nu reflectă activitatea.")
    # The evaluator and the countersigner of the contested sheet may not judge it.
    with refused(InvariantViolation, "Bălan Gheorghe nu poate face parte din comisie: este evaluatorul"):
        ops.appoint_commission(ev.director, campaign, [ev.caretaker_boss.id, ev.deputy.id], decision_reference="D 7")
    with refused(InvariantViolation, "Țurcanu Doina nu poate face parte din comisie: este contrasemnatarul"):
        ops.appoint_commission(ev.director, campaign, [ev.director.id, ev.deputy.id], decision_reference="D 7")
    ops.appoint_commission(
        ev.director, campaign, [ev.deputy.id, ev.secretary.id, ev.teacher.id], decision_reference="D 7"
    )
    ev.set_today(date(2026, 2, 10))
    ops.resolve_contestation(ev.deputy, contestation, admitted=True, decision_text="Admisă.", new_score="3.51")
    assert (sheet.final_mark, sheet.rating) == (Decimal("3.51"), "bine")
    assert contestation.result_due_on == date(2026, 2, 15)
    with refused(InvariantViolation, "viitor"):
        ops.record_contestation_result_communicated(ev.secretary, contestation, communicated_on=date(2026, 2, 11))
    ops.record_contestation_result_communicated(ev.secretary, contestation, communicated_on=date(2026, 2, 10))
    assert contestation.result_communicated_on == date(2026, 2, 10)


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        (
            {"is_debutant": True, "probation_ends_on": date(2026, 3, 1), "employment_started_on": date(2025, 3, 1)},
            "debutant",
        ),
        ({"contract_suspended": True}, "suspendat"),
        ({"suspension_resumed_on": date(2025, 9, 1)}, "01.03.2026"),
        ({"long_absence_resumed_on": date(2025, 11, 3)}, "12 luni"),
        ({"employment_started_on": date(2025, 8, 1)}, "mai puțin de 6 luni"),
    ],
)
def test_open_sheet_refuses_the_exceptions_with_the_reason(ev, facts, expected):
    ev.set_today(date(2026, 1, 20))
    campaign = ev.non_teaching_campaign()
    staff = ev.staff[ev.caretaker.id]
    values = {"employment_started_on": date(2010, 9, 1)} | facts
    ops.save_staff_member(
        ev.director,
        staff_member=staff,
        user_id=ev.caretaker.id,
        category="nedidactic",
        job_title="îngrijitor",
        department_id=staff.department_id,
        superior_id=ev.caretaker_boss.id,
        **values,
    )
    with refused(InvariantViolation, expected) as info:
        ops.open_sheet(ev.director, campaign, staff)
    assert info.value.code == "not_eligible" and "Țăranu Florica" in info.value.message_ro
    opened, skipped = ops.open_sheets(ev.director, campaign)
    assert [sheet.employee_id for sheet in opened] == [ev.caretaker_boss.id]
    assert [(member.user_id, expected in reason) for member, reason in skipped] == [(ev.caretaker.id, True)]


def test_staff_data_is_written_by_the_administrator_or_director_only(ev):
    for intruder in (ev.teacher, ev.secretary, ev.caretaker):
        with pytest.raises(PermissionDenied):
            ops.save_department(intruder, name="Catedra de arte")
        with pytest.raises(PermissionDenied):
            ops.save_public_holiday(intruder, day=date(2026, 12, 24), name="Ajun")
    department = ops.save_department(ev.administrator, name="Catedra de arte", head_id=ev.teacher.id)
    assert department.head_id == ev.teacher.id
    with refused(InvariantViolation, "stagiul"):
        ops.save_staff_member(
            ev.administrator,
            user_id=ev.teacher.id,
            category="didactic",
            job_title="profesor",
            employment_started_on=date(2026, 9, 1),
            is_debutant=True,
        )
    assert ops.ensure_default_holidays(ev.administrator, 2026) == []  # already there
    added = ops.ensure_default_holidays(ev.administrator, 2027)
    assert date(2027, 5, 2) in {holiday.day for holiday in added}
    assert date(2026, 10, 12) in ops.school_holidays(ev.base.school.id)


def test_campaign_and_contestation_bookkeeping_refuse_the_wrong_person(ev):
    campaign = ev.teaching_campaign()
    criterion = ops.active_criteria(campaign)[0]
    for intruder in (ev.administrator, ev.teacher, ev.head, ev.secretary):
        with pytest.raises(PermissionDenied):
            ops.update_campaign_calendar(
                intruder,
                campaign,
                starts_on=date(2026, 9, 14),
                ends_on=date(2026, 9, 25),
                department_meeting_on=date(2026, 9, 30),
                board_meeting_on=date(2026, 10, 7),
                communication_deadline=date(2026, 10, 9),
            )
        with pytest.raises(PermissionDenied):
            ops.add_criterion(
                intruder, campaign, domain_code="h", domain_title="Alt domeniu", code="I", text="X", max_score="1"
            )
        with pytest.raises(PermissionDenied):
            ops.retire_criterion(intruder, criterion)
        with pytest.raises(PermissionDenied):
            ops.open_sheets(intruder, campaign)
    sheet = _informed_sheet(ev)
    ev.set_today(date(2026, 2, 2))
    contestation = ops.file_contestation(ev.caretaker, sheet, grounds="Nota nu reflectă activitatea.")
    ops.appoint_commission(ev.director, sheet.campaign, [ev.deputy.id], decision_reference="D 8")
    ops.resolve_contestation(ev.deputy, contestation, admitted=False, decision_text="Respinsă.")
    for intruder in (ev.caretaker, ev.caretaker_boss, ev.administrator, ev.teacher):
        with pytest.raises(PermissionDenied):
            ops.record_contestation_result_communicated(intruder, contestation, communicated_on=date(2026, 2, 2))


def test_only_the_parties_record_that_the_employee_was_informed(ev):
    ev.set_today(date(2026, 1, 20))
    campaign = ev.non_teaching_campaign()
    sheet = ev.sheet_for(campaign, ev.caretaker)
    ops.record_evaluator_marks(ev.caretaker_boss, sheet, marks(campaign, 4))
    ops.sign_interview(ev.caretaker_boss, sheet)
    ops.sign_interview(ev.caretaker, sheet)
    ops.countersign_sheet(ev.director, sheet)
    for intruder in (ev.caretaker, ev.teacher, ev.administrator):
        with pytest.raises(PermissionDenied):
            ops.record_employee_informed(intruder, sheet, informed_on=date(2026, 1, 20))
    ops.record_employee_informed(ev.director, sheet, informed_on=date(2026, 1, 20))
    assert sheet.stage == "informed"
