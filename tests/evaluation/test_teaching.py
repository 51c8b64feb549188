"""Teaching-staff evaluation through the operations: the whole campaign and its version history,
stage order, who may do what, contestation deadlines and the commission rule (002; rules.md §9.1)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy_continuum import version_class

from schema.errors import InvariantViolation, NotFound, PermissionDenied
from schema.evaluation import EvaluationContestation, EvaluationScore, EvaluationSheet
from schema.models import db
from schema.operations import evaluation as ops
from tests.evaluation.conftest import EvaluationFixture, points, refused

REPORT = b"%PDF-1.4 raport de autoevaluare"


def _self_evaluate(ev: EvaluationFixture, sheet: EvaluationSheet, minus: str = "0") -> None:
    ops.submit_self_evaluation(
        ev.teacher if sheet.employee_id == ev.teacher.id else sheet.employee,
        sheet,
        points(sheet.campaign, minus),
        report_filename="raport.pdf",
        report_data=REPORT,
    )


def _department(ev: EvaluationFixture, sheet: EvaluationSheet, minus: str = "0") -> None:
    ops.record_department_score(
        ev.head,
        sheet,
        points(sheet.campaign, minus),
        meeting_on=date(2026, 9, 30),
        member_ids=[ev.head.id, ev.colleague.id],
        minutes="Proces-verbal nr. 12/30.09.2026",
    )


def _board(ev: EvaluationFixture, sheet: EvaluationSheet, minus: str = "0", *, present: bool = True) -> None:
    ev.set_today(date(2026, 10, 7))
    ops.record_board_score(
        ev.director,
        sheet,
        points(sheet.campaign, minus),
        meeting_on=date(2026, 10, 7),
        board_member_ids=[ev.director.id, ev.deputy.id],
        present=present,
        employee_argument="Am condus cercul de matematică." if present else None,
    )


def _communicated_sheet(ev: EvaluationFixture, user, minus: str = "20") -> EvaluationSheet:
    campaign = _campaign(ev)
    sheet = ev.sheet_for(campaign, user)
    ops.submit_self_evaluation(user, sheet, points(campaign), report_filename="r.pdf", report_data=REPORT)
    _department(ev, sheet, minus)
    _board(ev, sheet, minus)
    ops.record_communication(ev.secretary, sheet, communicated_on=date(2026, 10, 7), in_person=True)
    return sheet


def _campaign(ev: EvaluationFixture):
    from schema.evaluation import EvaluationCampaign

    existing = db.session.scalar(sa.select(EvaluationCampaign).where(EvaluationCampaign.category == "didactic"))
    return existing or ev.teaching_campaign()


def test_default_sheet_has_the_seven_domains_totalling_100(ev):
    campaign = ev.teaching_campaign()
    criteria = ops.active_criteria(campaign)
    assert [c for c in dict.fromkeys(criterion.domain_code for criterion in criteria)] == list("abcdefg")
    assert len(criteria) == 31
    assert ops.sheet_maximum(campaign) == Decimal(100)
    assert criteria[0].domain_title == "Proiectarea activității"


def test_a_whole_campaign_and_its_version_history(ev):
    campaign = ev.teaching_campaign()
    sheet = ev.sheet_for(campaign, ev.teacher)
    sheet_id = sheet.id
    ops.submit_self_evaluation(
        ev.teacher, sheet, points(campaign, "3"), report_filename="raport.pdf", report_data=REPORT
    )
    assert sheet.self_total == Decimal("97.00") and sheet.self_report.filename == "raport.pdf"
    _department(ev, sheet, "10")
    assert sheet.department_total == Decimal("90.00")
    _board(ev, sheet, "15.01")
    assert (sheet.final_score, sheet.rating) == (Decimal("84.99"), "Bine")
    assert sheet.communication_due_on == date(2026, 10, 7)
    ops.record_communication(ev.secretary, sheet, communicated_on=date(2026, 10, 7), in_person=True)
    assert sheet.stage == "communicated"

    # Filing window: communication deadline Fri 9 Oct; Sat, Sun, the holiday on Mon 12 do not count.
    assert ops.sheet_contestation_deadlines(sheet) == (date(2026, 10, 14), date(2026, 10, 19))
    ev.set_today(date(2026, 10, 14))
    contestation = ops.file_contestation(
        ev.teacher,
        sheet,
        grounds="Activitatea de mentorat nu a fost punctată.",
        union_observer_requested=True,
        union_observer_name="Vasile Pop (SLI)",
    )
    commission = [user.id for user in ev.outsiders[:3]]
    ops.appoint_commission(ev.director, campaign, commission, decision_reference="Decizia nr. 45/14.10.2026")
    ev.set_today(date(2026, 10, 16))
    ops.resolve_contestation(
        ev.director,
        contestation,
        admitted=True,
        decision_text="Se acordă 2 puncte la criteriul b) IV.",
        new_score="86,99",
        union_observer_remarks="Fără observații.",
    )
    assert (sheet.final_score, sheet.rating) == (Decimal("86.99"), "Foarte bine")
    assert (contestation.previous_score, contestation.previous_rating) == (Decimal("84.99"), "Bine")

    SheetVersion = version_class(EvaluationSheet)
    versions = db.session.scalars(
        sa.select(SheetVersion).where(SheetVersion.id == sheet_id).order_by(SheetVersion.transaction_id)
    ).all()
    history = [(v.stage, v.rating, v.transaction.user_id, v.transaction.reason) for v in versions]
    assert history == [
        ("opened", None, ev.director.id, "Fișă de evaluare deschisă"),
        ("self_evaluated", None, ev.teacher.id, "Autoevaluare"),
        ("department_scored", None, ev.head.id, "Evaluare în catedră/compartiment"),
        ("board_scored", "Bine", ev.director.id, "Evaluare în consiliul de administrație"),
        ("communicated", "Bine", ev.secretary.id, "Comunicarea calificativului"),
        ("communicated", "Foarte bine", ev.director.id, "Soluționarea contestației"),
    ]
    ScoreVersion = version_class(EvaluationScore)
    score_users = {
        (v.stage, v.transaction.user_id)
        for v in db.session.scalars(sa.select(ScoreVersion).where(ScoreVersion.sheet_id == sheet_id))
    }
    assert score_users == {("self", ev.teacher.id), ("department", ev.head.id), ("board", ev.director.id)}
    ContestationVersion = version_class(EvaluationContestation)
    states = [
        (v.state, v.transaction.user_id)
        for v in db.session.scalars(sa.select(ContestationVersion).order_by(ContestationVersion.transaction_id))
    ]
    assert states == [("filed", ev.teacher.id), ("admitted", ev.director.id)]


def test_stage_order_is_enforced(ev):
    campaign = ev.teaching_campaign()
    sheet = ev.sheet_for(campaign, ev.teacher)
    with refused(InvariantViolation, "autoevaluarea") as info:
        _department(ev, sheet)
    assert info.value.code == "evaluation_stage_order"
    with refused(InvariantViolation, "catedra nu a evaluat"):
        _board(ev, sheet)
    _self_evaluate(ev, sheet)
    with refused(InvariantViolation, "catedra nu a evaluat"):
        _board(ev, sheet)
    with refused(InvariantViolation, "după hotărârea consiliului"):
        ops.record_communication(ev.secretary, sheet, communicated_on=date(2026, 10, 1), in_person=False)
    _department(ev, sheet)
    with refused(InvariantViolation, "nu mai poate fi modificată"):
        _self_evaluate(ev, sheet)
    with refused(InvariantViolation, "deja"):
        _department(ev, sheet)
    _board(ev, sheet, present=False)
    assert sheet.communication_due_on == date(2026, 10, 10)  # absent: 3 days
    with refused(InvariantViolation, "nu a fost prezent"):
        ops.record_communication(ev.secretary, sheet, communicated_on=date(2026, 10, 7), in_person=True)
    ops.record_communication(ev.secretary, sheet, communicated_on=date(2026, 10, 7), in_person=False)
    # Locked after communication: no stage can change it any more.
    with pytest.raises(InvariantViolation):
        _board(ev, sheet)
    with pytest.raises(InvariantViolation):
        ops.record_communication(ev.director, sheet, communicated_on=date(2026, 10, 7), in_person=False)


def test_scores_are_checked_against_the_criterion_maximum(ev):
    campaign = ev.teaching_campaign()
    sheet = ev.sheet_for(campaign, ev.teacher)
    values = points(campaign)
    first = ops.active_criteria(campaign)[0]
    values[first.id] = Decimal("3.01")
    with refused(InvariantViolation, "între 0 și 3,00"):
        ops.submit_self_evaluation(ev.teacher, sheet, values, report_filename="r.pdf", report_data=REPORT)
    values[first.id] = "2.555"
    with refused(InvariantViolation, "două zecimale"):
        ops.submit_self_evaluation(ev.teacher, sheet, values, report_filename="r.pdf", report_data=REPORT)
    del values[first.id]
    with refused(InvariantViolation, "Lipsește punctajul"):
        ops.submit_self_evaluation(ev.teacher, sheet, values, report_filename="r.pdf", report_data=REPORT)
    with refused(InvariantViolation, "raportul de autoevaluare"):
        ops.submit_self_evaluation(ev.teacher, sheet, points(campaign))
    assert db.session.scalar(sa.select(sa.func.count(EvaluationScore.id))) == 0


def test_every_stage_refuses_the_wrong_person(ev):
    campaign = ev.teaching_campaign()
    with pytest.raises(PermissionDenied):
        ops.create_campaign(
            ev.administrator,
            year=ev.base.year,
            category="didactic_auxiliar",
            evaluated_from=date(2025, 9, 1),
            evaluated_to=date(2026, 8, 31),
            starts_on=date(2026, 9, 14),
            ends_on=date(2026, 9, 25),
            department_meeting_on=date(2026, 9, 30),
            board_meeting_on=date(2026, 10, 7),
            communication_deadline=date(2026, 10, 9),
        )
    with pytest.raises(PermissionDenied):
        ops.open_sheet(ev.teacher, campaign, ev.staff[ev.teacher.id])
    sheet = ev.sheet_for(campaign, ev.teacher)
    for intruder in (ev.colleague, ev.administrator, ev.director):
        with pytest.raises(PermissionDenied):
            ops.submit_self_evaluation(intruder, sheet, points(campaign), report_filename="r.pdf", report_data=REPORT)
    _self_evaluate(ev, sheet)
    # Department: the colleague, a head of another catedră, the administrator are refused.
    for intruder in (ev.colleague, ev.outsiders[0], ev.administrator, ev.secretary):
        with pytest.raises(PermissionDenied):
            ops.record_department_score(
                intruder, sheet, points(campaign), meeting_on=date(2026, 9, 30), member_ids=[ev.head.id], minutes="PV"
            )
    # The head never scores their own sheet.
    head_sheet = ev.sheet_for(campaign, ev.head)
    ops.submit_self_evaluation(ev.head, head_sheet, points(campaign), report_filename="r.pdf", report_data=REPORT)
    with refused(PermissionDenied, "singur"):
        ops.record_department_score(
            ev.head,
            head_sheet,
            points(campaign),
            meeting_on=date(2026, 9, 30),
            member_ids=[ev.colleague.id],
            minutes="PV",
        )
    _department(ev, sheet)
    for intruder in (ev.head, ev.colleague, ev.administrator, ev.secretary, ev.teacher):
        with pytest.raises(PermissionDenied):
            ops.record_board_score(
                intruder,
                sheet,
                points(campaign),
                meeting_on=date(2026, 10, 1),
                board_member_ids=[ev.director.id],
                present=True,
            )
    _board(ev, sheet)
    for intruder in (ev.teacher, ev.colleague, ev.administrator):
        with pytest.raises(PermissionDenied):
            ops.record_communication(intruder, sheet, communicated_on=date(2026, 10, 7), in_person=True)
    ops.record_communication(ev.secretary, sheet, communicated_on=date(2026, 10, 7), in_person=True)
    for intruder in (ev.colleague, ev.administrator):
        with pytest.raises(PermissionDenied):
            ops.file_contestation(intruder, sheet, grounds="x")
    contestation = ops.file_contestation(ev.teacher, sheet, grounds="Punctaj prea mic.")
    ops.appoint_commission(ev.director, campaign, [u.id for u in ev.outsiders[:3]], decision_reference="D 1")
    for intruder in (ev.teacher, ev.colleague, ev.administrator, ev.secretary, ev.outsiders[3]):
        with pytest.raises(PermissionDenied):
            ops.resolve_contestation(intruder, contestation, admitted=False, decision_text="Respinsă.")
    for intruder in (ev.teacher, ev.administrator, ev.secretary):
        with pytest.raises(PermissionDenied):
            ops.appoint_commission(intruder, campaign, [u.id for u in ev.outsiders[:3]], decision_reference="D 2")
    # A commission member may record the decision.
    ops.resolve_contestation(
        ev.outsiders[1], contestation, admitted=False, decision_text="Respinsă: punctaj justificat."
    )
    assert contestation.state == "rejected" and sheet.rating == "Foarte bine"


def test_another_schools_director_gets_not_found(ev):
    from tests.factories import make_school, make_user

    other_director = make_user(make_school(), "director")
    campaign = ev.teaching_campaign()
    sheet = ev.sheet_for(campaign, ev.teacher)
    with pytest.raises(NotFound):
        ops.open_sheet(other_director, campaign, ev.staff[ev.colleague.id])
    with pytest.raises(NotFound):
        ops.record_board_score(
            other_director,
            sheet,
            points(campaign),
            meeting_on=date(2026, 10, 1),
            board_member_ids=[other_director.id],
            present=True,
        )


def test_teaching_filing_on_the_last_day_is_accepted_and_the_day_after_refused(ev):
    accepted = _communicated_sheet(ev, ev.teacher)
    late = _communicated_sheet(ev, ev.colleague)
    ev.set_today(date(2026, 10, 14))  # Wed: Fri 9 -> (Sat, Sun, holiday Mon 12) -> Tue 13, Wed 14
    ops.file_contestation(ev.teacher, accepted, grounds="Punctaj prea mic.")
    ev.set_today(date(2026, 10, 15))
    with pytest.raises(InvariantViolation) as info:
        ops.file_contestation(ev.colleague, late, grounds="Punctaj prea mic.")
    assert info.value.code == "contestation_late"
    assert "14.10.2026" in info.value.message_ro and "2 zile lucrătoare" in info.value.message_ro
    # Registered by the secretariat with the real filing day, the same deadline applies.
    with refused(InvariantViolation, "14.10.2026"):
        ops.file_contestation(ev.secretary, late, grounds="Punctaj prea mic.", filed_on=date(2026, 10, 15))
    ops.file_contestation(ev.secretary, late, grounds="Depusă la registratură.", filed_on=date(2026, 10, 14))


def test_a_late_communication_moves_the_filing_deadline(ev):
    campaign = _campaign(ev)
    sheet = ev.sheet_for(campaign, ev.teacher)
    _self_evaluate(ev, sheet)
    _department(ev, sheet)
    _board(ev, sheet, present=False)
    ev.set_today(date(2026, 10, 20))
    ops.record_communication(ev.secretary, sheet, communicated_on=date(2026, 10, 20), in_person=False)
    assert ops.sheet_contestation_deadlines(sheet) == (date(2026, 10, 22), date(2026, 10, 27))


def test_commission_rule(ev):
    campaign = _campaign(ev)
    contested = _communicated_sheet(ev, ev.teacher)
    contested_too = _communicated_sheet(ev, ev.colleague)
    ev.set_today(date(2026, 10, 13))
    ops.file_contestation(ev.teacher, contested, grounds="Punctaj prea mic.")
    ops.file_contestation(ev.colleague, contested_too, grounds="Punctaj prea mic.")
    a, b, c, d = ev.outsiders
    # The head scored the contesting teachers in the catedră.
    with pytest.raises(InvariantViolation) as info:
        ops.appoint_commission(ev.director, campaign, [a.id, b.id, ev.head.id], decision_reference="D 1")
    assert "Stănescu Elena" in info.value.message_ro and "catedră" in info.value.message_ro
    # The deputy sat in the board that evaluated them.
    with refused(InvariantViolation, "Vlădescu Sorin nu poate face parte din comisie: a evaluat în consiliul"):
        ops.appoint_commission(ev.director, campaign, [a.id, b.id, ev.deputy.id], decision_reference="D 1")
    # A contestant cannot judge contestations (Maria's contestation is named before her catedră vote).
    with refused(InvariantViolation, "Dumitrescu Maria nu poate face parte din comisie: a depus contestație"):
        ops.appoint_commission(ev.director, campaign, [a.id, b.id, ev.colleague.id], decision_reference="D 1")
    with refused(InvariantViolation, "are 2 membri"):
        ops.appoint_commission(ev.director, campaign, [a.id, b.id], decision_reference="D 1")
    from tests.factories import make_user

    sixth, seventh = make_user(ev.base.school, "teacher"), make_user(ev.base.school, "teacher")
    for user in (sixth, seventh):
        ops.save_staff_member(
            ev.director,
            user_id=user.id,
            category="didactic",
            job_title="profesor",
            employment_started_on=date(2015, 9, 1),
        )
    with refused(InvariantViolation, "are 6 membri"):
        ops.appoint_commission(
            ev.director, campaign, [a.id, b.id, c.id, d.id, sixth.id, seventh.id], decision_reference="D 1"
        )
    # Not a teacher of the school (the secretary) is refused too.
    with refused(InvariantViolation, "nu este cadru didactic"):
        ops.appoint_commission(ev.director, campaign, [a.id, b.id, ev.secretary.id], decision_reference="D 1")
    members = ops.appoint_commission(
        ev.director, campaign, [a.id, b.id, c.id, d.id, sixth.id], decision_reference="D 1"
    )
    assert len(members) == 5 and ops.commission_problems(campaign) == []


def test_commission_is_checked_again_when_a_member_contests_later(ev):
    campaign = _campaign(ev)
    contested = _communicated_sheet(ev, ev.teacher)
    member_sheet = ev.sheet_for(campaign, ev.outsiders[0])
    ops.submit_self_evaluation(
        ev.outsiders[0], member_sheet, points(campaign), report_filename="r.pdf", report_data=REPORT
    )
    ops.record_department_score(
        ev.director,
        member_sheet,
        points(campaign, "20"),
        meeting_on=date(2026, 9, 30),
        member_ids=[ev.outsiders[1].id],
        minutes="PV",
    )
    _board(ev, member_sheet, "20")
    ops.record_communication(ev.secretary, member_sheet, communicated_on=date(2026, 10, 7), in_person=True)
    ev.set_today(date(2026, 10, 13))
    contestation = ops.file_contestation(ev.teacher, contested, grounds="Punctaj prea mic.")
    ops.appoint_commission(ev.director, campaign, [u.id for u in ev.outsiders[:3]], decision_reference="D 1")
    ops.file_contestation(ev.outsiders[0], member_sheet, grounds="Și eu contest.")
    with refused(InvariantViolation, "Munteanu Andrei nu poate face parte din comisie: a depus contestație"):
        ops.resolve_contestation(ev.director, contestation, admitted=False, decision_text="Respinsă.")
    # Mihai and Ioana: Ioana scored Andrei's sheet in the catedră, so she is out as well.
    problems = ops.commission_problems(campaign)
    assert any("Rusu Ioana" in problem for problem in problems)


def test_admitted_contestation_needs_a_valid_new_score(ev):
    campaign = _campaign(ev)
    sheet = _communicated_sheet(ev, ev.teacher)
    ev.set_today(date(2026, 10, 13))
    contestation = ops.file_contestation(ev.teacher, sheet, grounds="Punctaj prea mic.")
    ops.appoint_commission(ev.director, campaign, [u.id for u in ev.outsiders[:3]], decision_reference="D 1")
    with refused(InvariantViolation, "noul punctaj"):
        ops.resolve_contestation(ev.director, contestation, admitted=True, decision_text="Admisă.")
    with refused(InvariantViolation, "noul punctaj"):
        ops.resolve_contestation(ev.director, contestation, admitted=True, decision_text="Admisă.", new_score="101")
    ops.resolve_contestation(ev.director, contestation, admitted=True, decision_text="Admisă.", new_score="70.99")
    assert sheet.rating == "Satisfăcător"
    with refused(InvariantViolation, "definitivă"):
        ops.resolve_contestation(ev.director, contestation, admitted=False, decision_text="Respinsă.")


def test_sheet_cannot_be_edited_once_scored_and_must_total_100(ev):
    campaign = ev.teaching_campaign()
    first = ops.active_criteria(campaign)[0]
    ops.update_criterion(ev.director, first, text=first.text, max_score="4")
    with refused(InvariantViolation, "101"):
        ev.sheet_for(campaign, ev.teacher)
    ops.update_criterion(ev.director, first, text=first.text, max_score="3")
    sheet = ev.sheet_for(campaign, ev.teacher)
    _self_evaluate(ev, sheet)
    with refused(InvariantViolation, "nu mai poate fi modificată"):
        ops.update_criterion(ev.director, first, text="Alt text", max_score="3")
    with refused(InvariantViolation, "deja o fișă"):
        ev.sheet_for(campaign, ev.teacher)


def test_open_sheets_opens_every_teacher_once(ev):
    campaign = ev.teaching_campaign()
    ev.sheet_for(campaign, ev.teacher)
    opened, skipped = ops.open_sheets(ev.director, campaign)
    assert {sheet.employee_id for sheet in opened} == {ev.head.id, ev.colleague.id} | {u.id for u in ev.outsiders}
    assert skipped == []
