"""The director's prior approval of motivations (001 Art. 102(5), 103) and the parent-request
limits (decisions.md "Absences"), through the operations: who may ask and decide, once, and an
approval used once, for its student, kind and dates."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from schema.errors import InvariantViolation, NotFound, PermissionDenied
from schema.models import Absence, CurriculumEntry, GradeLevel, Motivation, MotivationRequest, TeachingAssignment, db
from schema.operations.absences import excuse_absences, parent_request_hours, record_absence
from schema.operations.motivation_requests import decide_motivation_request, request_motivation_approval
from security import policy
from tests.factories import _save, make_school, make_user

DAY = date(2025, 11, 3)


def _ask(school, actor=None, **overrides):
    values = {"kind": "parent_request", "covers_from": DAY, "covers_to": DAY, "hours": 2, "document_number": "10",
              "document_date": date(2025, 10, 31)}
    return request_motivation_approval(actor or school.class_master, school.enrolment, **(values | overrides))


def _excuse(school, approval, **overrides):
    values = {"kind": "parent_request", "document_number": "10", "document_date": date(2025, 10, 31),
              "covers_from": DAY, "covers_to": DAY, "returned_on": date(2025, 11, 4), "presented_on": date(2025, 11, 4)}
    return excuse_absences(school.class_master, school.enrolment, approval=approval, **(values | overrides))


def _absent(school, day=DAY, hours=2, entry=None, teacher=None):
    for hour in range(1, hours + 1):
        record_absence(teacher or school.teacher, school.enrolment, entry or school.maths, occurred_on=day,
                       lesson_hour=hour)


def test_only_the_class_master_asks_and_only_for_kinds_that_need_approval(app, school):
    for actor in (school.teacher, school.director, school.administrator):
        with pytest.raises(PermissionDenied):
            _ask(school, actor=actor)
    with pytest.raises(InvariantViolation) as refused:
        _ask(school, kind="medical")
    assert refused.value.code == "approval_not_needed"
    for bad, code in (({"hours": 0}, "hours_positive"), ({"document_number": " "}, "document_number_required"),
                      ({"covers_to": date(2025, 11, 1)}, "dates_ordered")):
        with pytest.raises(InvariantViolation) as refused:
            _ask(school, **bad)
        assert refused.value.code == code
    assert db.session.scalar(sa.select(sa.func.count(MotivationRequest.id))) == 0


def test_the_director_decides_once_and_nobody_else_decides(app, school):
    request = _ask(school, kind="olympiad")
    for actor in (school.teacher, school.class_master, school.secretary, school.administrator):
        with pytest.raises(PermissionDenied):
            decide_motivation_request(actor, request, approve=True)
    elsewhere = make_user(make_school(), policy.DIRECTOR)
    with pytest.raises(NotFound):
        decide_motivation_request(elsewhere, request, approve=True)
    deputy = make_user(school.school, policy.DEPUTY_DIRECTOR)
    decide_motivation_request(deputy, request, approve=False, note="  Lipsește adeverința  ")
    assert (request.state, request.decided_by_id, request.note) == ("refused", deputy.id, "Lipsește adeverința")
    with pytest.raises(InvariantViolation) as refused:
        decide_motivation_request(school.director, request, approve=True)
    assert refused.value.code == "already_decided"
    assert db.session.get(MotivationRequest, request.id).state == "refused"


def test_an_approval_is_used_once_for_its_student_kind_and_dates(app, school):
    _absent(school)
    refused_request = _ask(school)
    decide_motivation_request(school.director, refused_request, approve=False)
    with pytest.raises(InvariantViolation) as refused:
        _excuse(school, refused_request)
    assert refused.value.code == "approval_required"
    with pytest.raises(InvariantViolation) as refused:
        _excuse(school, None)
    assert refused.value.code == "approval_required"

    approval = _ask(school)
    decide_motivation_request(school.director, approval, approve=True)
    with pytest.raises(InvariantViolation) as refused:
        _excuse(school, approval, kind="sports")
    assert refused.value.code == "approval_mismatch"
    with pytest.raises(InvariantViolation) as refused:
        _excuse(school, approval, covers_from=date(2025, 11, 2))
    assert refused.value.code == "approval_dates"
    with pytest.raises(InvariantViolation) as refused:
        excuse_absences(school.class_master, school.enrolment, kind="medical", document_number="1",
                        document_date=DAY, covers_from=DAY, covers_to=DAY, returned_on=date(2025, 11, 4),
                        presented_on=date(2025, 11, 4), approval=approval)
    assert refused.value.code == "approval_not_needed"
    assert db.session.scalar(sa.select(sa.func.count(Motivation.id))) == 0

    motivation = _excuse(school, approval)
    assert (motivation.approved_by_id, motivation.hours) == (school.director.id, 2)
    assert approval.motivation_id == motivation.id
    _absent(school, day=date(2025, 11, 5))
    with pytest.raises(InvariantViolation) as refused:
        _excuse(school, approval, covers_from=date(2025, 11, 5), covers_to=date(2025, 11, 5))
    assert refused.value.code in {"approval_used", "approval_dates"}


def test_an_approval_excuses_no_more_hours_than_approved(app, school):
    _absent(school, hours=3)
    approval = _ask(school, hours=2)
    decide_motivation_request(school.director, approval, approve=True)
    with pytest.raises(InvariantViolation) as refused:
        _excuse(school, approval)
    assert refused.value.code == "approval_hours_exceeded"
    assert set(db.session.scalars(sa.select(Absence.state))) == {"unexcused"}


def test_twenty_hours_per_semester_under_rofuip2016(app, school):
    first = _ask(school, hours=12, covers_to=date(2025, 11, 4))
    decide_motivation_request(school.director, first, approve=True)
    # 12 hours are approved and not yet used: a request for 10 more would break the 20-hour limit.
    with pytest.raises(InvariantViolation) as refused:
        _ask(school, hours=10, covers_from=date(2025, 11, 10), covers_to=date(2025, 11, 11))
    assert refused.value.code == "parent_hours_exceeded"
    assert "12 sunt deja aprobate și nefolosite" in refused.value.message_ro and "mai rămân 8" in refused.value.message_ro
    _absent(school, DAY, 6)
    _absent(school, date(2025, 11, 4), 6)
    _absent(school, date(2025, 11, 10), 5)
    _absent(school, date(2025, 11, 11), 5)
    _excuse(school, first, covers_to=date(2025, 11, 4), returned_on=date(2025, 11, 5),
            presented_on=date(2025, 11, 5))
    status = parent_request_hours(school.enrolment, school.semester1)
    assert (status.limit, status.used, status.left) == (20, 12, 8)
    # The other semester has its own 20 hours; sports motivations count against none.
    assert parent_request_hours(school.enrolment, school.semester2).left == 20
    with pytest.raises(InvariantViolation) as refused:
        _ask(school, hours=9, covers_from=date(2025, 11, 17), covers_to=date(2025, 11, 17))
    assert refused.value.code == "parent_hours_exceeded"
    sports = _ask(school, kind="sports", hours=10, covers_from=date(2025, 11, 10), covers_to=date(2025, 11, 11))
    decide_motivation_request(school.director, sports, approve=True)
    _excuse(school, sports, kind="sports", covers_from=date(2025, 11, 10), covers_to=date(2025, 11, 11),
            returned_on=date(2025, 11, 12), presented_on=date(2025, 11, 12))
    assert parent_request_hours(school.enrolment, school.semester1).used == 12


def test_per_subject_share_and_forty_hours_a_year_from_rofuip2022(app, school):
    grade = db.session.get(GradeLevel, school.grade.id)
    grade.ruleset = "rofuip2022"
    _save(grade)
    physics = _save(CurriculumEntry(school_id=school.school.id, class_id=school.school_class.id,
                                    subject_id=school.physics.id, weekly_hours=1))
    _save(TeachingAssignment(school_id=school.school.id, curriculum_entry_id=physics.id, teacher_id=school.teacher.id))
    # Physics: 1 h/week × 34 weeks = 34 hours a year → at most floor(0.20 × 34) = 6 on parent requests.
    for day in (DAY, date(2025, 11, 10), date(2025, 11, 17), date(2025, 11, 24)):
        _absent(school, day, 2, entry=physics)
    approval = _ask(school, hours=8, covers_to=date(2025, 11, 24))
    decide_motivation_request(school.director, approval, approve=True)
    status = parent_request_hours(school.enrolment)
    assert (status.limit, status.scope, status.left) == (40, "year", 40)
    assert status.subjects[physics.id][1:] == (6, 0)
    with pytest.raises(InvariantViolation) as refused:
        _excuse(school, approval, covers_to=date(2025, 11, 24), returned_on=date(2025, 11, 25),
                presented_on=date(2025, 11, 25))
    assert refused.value.code == "parent_subject_hours_exceeded"
    assert "Fizică" in refused.value.message_ro and "cel mult 6 ore" in refused.value.message_ro
    motivation = _excuse(school, approval, covers_to=date(2025, 11, 17), returned_on=date(2025, 11, 18),
                         presented_on=date(2025, 11, 18))
    assert motivation.hours == 6
    status = parent_request_hours(school.enrolment)
    assert (status.used, status.left, status.subjects[physics.id][2]) == (6, 34, 6)


def test_two_approvals_together_cannot_exceed_the_limit(app, school):
    first = _ask(school, hours=12, covers_to=date(2025, 11, 4))
    second = _ask(school, hours=10, covers_from=date(2025, 11, 10), covers_to=date(2025, 11, 11))
    decide_motivation_request(school.director, first, approve=True)
    with pytest.raises(InvariantViolation) as refused:
        decide_motivation_request(school.director, second, approve=True)
    assert refused.value.code == "parent_hours_exceeded"


def test_a_transfer_does_not_restart_the_parent_request_hours(app, school):
    from schema.operations.enrolment import transfer_student

    first = _ask(school, hours=12, covers_to=date(2025, 11, 4))
    decide_motivation_request(school.director, first, approve=True)
    _absent(school, DAY, 6)
    _absent(school, date(2025, 11, 4), 6)
    _excuse(school, first, covers_to=date(2025, 11, 4), returned_on=date(2025, 11, 5), presented_on=date(2025, 11, 5))
    new_enrolment = transfer_student(school.secretary, school.enrolment, school.other_class, on=date(2025, 11, 20),
                                     reason="Transfer la cererea părinților")
    status = parent_request_hours(new_enrolment, school.semester1)
    assert (status.used, status.left) == (12, 8)
