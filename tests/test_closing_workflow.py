"""The closing workflow through the operations on a real database: close, locked, reopen with
the director's approval, close again; behaviour; the year; transfers after semester I; and bad
input that changes nothing."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy_continuum import version_class

from schema.db import audit_context
from schema.errors import InvariantViolation, PermissionDenied
from schema.models import (
    Absence,
    CurriculumEntry,
    Mark,
    Motivation,
    PeriodAverage,
    ReopenRequest,
    Subject,
    TeachingAssignment,
    db,
)
from schema.operations.absences import excuse_absences, record_absence
from schema.operations.closing import (
    behaviour_proposal_for,
    close_annual_average,
    close_period_average,
    close_year_result,
    set_behaviour_mark,
)
from schema.operations.enrolment import transfer_student
from schema.operations.marks import change_mark, record_mark
from schema.operations.reopening import decide_reopen, request_reopen
from schema.operations.transfers import bring_transfer_averages


def _give(school, entry, teacher, values, period_start=date(2025, 10, 6)):
    for offset, value in enumerate(values):
        record_mark(teacher, school.enrolment, entry, given_on=period_start + timedelta(days=offset), value=value)


def _give_with_thesis(school, values, thesis=8):
    _give(school, school.maths, school.teacher, values)
    record_mark(school.teacher, school.enrolment, school.maths, given_on=date(2025, 12, 10), value=thesis, kind="thesis")


def _reasons(model, row_id):
    Version = version_class(model)
    versions = db.session.scalars(sa.select(Version).where(Version.id == row_id).order_by(Version.transaction_id)).all()
    return [(v.operation_type, v.transaction.user_id, v.transaction.reason) for v in versions]


def test_close_stores_value_ruleset_inputs_and_who(app, school):
    _give(school, school.maths, school.teacher, [7, 8, 9, 6])
    record_mark(school.teacher, school.enrolment, school.maths, given_on=date(2025, 12, 10), value=10, kind="thesis")
    average = close_period_average(school.teacher, school.enrolment, school.maths, school.semester1)
    # M = trunc2(30/4) = 7.50; (3 × 7.50 + 10) / 4 = 8.125 → 8
    assert average.value == 8
    assert (average.ruleset, average.ruleset_version) == ("rofuip2016", "1.0")
    assert average.inputs["marks"] == ["7", "8", "9", "6"] and average.inputs["thesis"] == 10
    assert average.closed_by_id == school.teacher.id and average.closed_at is not None


def test_closing_below_the_minimum_needs_a_reason(app, school):
    _give_with_thesis(school, [7, 8])  # 4 h/week: minimum 4 marks
    with pytest.raises(InvariantViolation) as refused:
        close_period_average(school.teacher, school.enrolment, school.maths, school.semester1)
    assert refused.value.code == "below_minimum_marks"
    assert db.session.scalar(sa.select(sa.func.count(PeriodAverage.id))) == 0
    average = close_period_average(school.teacher, school.enrolment, school.maths, school.semester1,
                                   reason="Elev internat în spital 5 săptămâni")
    assert average.reason == "Elev internat în spital 5 săptămâni"
    assert average.inputs["below_minimum"] is True


def test_closing_without_the_thesis_needs_a_reason(app, school):
    _give(school, school.maths, school.teacher, [7, 8, 9, 6])
    with pytest.raises(InvariantViolation) as refused:
        close_period_average(school.teacher, school.enrolment, school.maths, school.semester1)
    assert refused.value.code == "thesis_missing"
    average = close_period_average(school.teacher, school.enrolment, school.maths, school.semester1,
                                   reason="Absent motivat la teză")
    assert average.value == 8 and average.inputs["thesis_missing"] is True


def test_closed_average_is_locked_and_reopens_only_with_the_directors_approval(app, school):
    _give_with_thesis(school, [7, 8, 9, 6], thesis=8)
    average = close_period_average(school.teacher, school.enrolment, school.maths, school.semester1)
    mark = db.session.scalars(sa.select(Mark).where(Mark.kind == "regular")).first()

    # Locked: no new mark, no change of a mark, no direct edit of the average.
    with pytest.raises(InvariantViolation) as refused:
        record_mark(school.teacher, school.enrolment, school.maths, given_on=date(2025, 11, 3), value=10)
    assert refused.value.code == "average_closed"
    with pytest.raises(InvariantViolation):
        change_mark(school.teacher, mark, value=10, reason="Corectare")
    with audit_context(reason="Încercare de modificare directă", user_id=school.teacher.id):
        average.value = 10
        with pytest.raises(InvariantViolation) as locked:
            db.session.flush()
    assert locked.value.code == "closed_locked"
    db.session.rollback()
    with pytest.raises(InvariantViolation) as again:
        close_period_average(school.teacher, school.enrolment, school.maths, school.semester1)
    assert again.value.code == "already_closed"

    # Another teacher cannot ask; the teacher asks; only the director decides.
    with pytest.raises(PermissionDenied):
        request_reopen(school.other_teacher, average, reason="Greșeală")
    request = request_reopen(school.teacher, average, reason="Lucrare omisă la transcriere")
    with pytest.raises(PermissionDenied):
        decide_reopen(school.teacher, request, approve=True)
    with pytest.raises(PermissionDenied):
        decide_reopen(school.administrator, request, approve=True)
    decide_reopen(school.director, request, approve=True, note="Aprobat")
    assert db.session.get(PeriodAverage, average.id).state == "reopened"

    record_mark(school.teacher, school.enrolment, school.maths, given_on=date(2025, 11, 3), value=10)
    closed_again = close_period_average(school.teacher, school.enrolment, school.maths, school.semester1)
    # M = trunc2(40/5) = 8.00; (3 × 8 + 8) / 4 = 8
    assert closed_again.id == average.id and closed_again.state == "closed" and closed_again.value == 8

    history = _reasons(PeriodAverage, average.id)
    assert [op for op, _user, _reason in history] == [0, 1, 1]
    assert history[1] == (1, school.director.id, "Redeschidere aprobată: Lucrare omisă la transcriere")
    assert history[2][1] == school.teacher.id and "Reîncheiere" in history[2][2]
    request_history = _reasons(ReopenRequest, request.id)
    assert [(op, user) for op, user, _ in request_history] == [(0, school.teacher.id), (1, school.director.id)]


def test_a_refused_reopening_leaves_the_average_closed(app, school):
    _give_with_thesis(school, [7, 8, 9, 6])
    average = close_period_average(school.teacher, school.enrolment, school.maths, school.semester1)
    request = request_reopen(school.teacher, average, reason="Cerere părinte")
    decide_reopen(school.director, request, approve=False, note="Nu există motiv")
    assert db.session.get(PeriodAverage, average.id).state == "closed"
    with pytest.raises(InvariantViolation) as twice:
        decide_reopen(school.director, request, approve=True)
    assert twice.value.code == "already_decided"


def test_annual_average_and_pe_exemption_rule(app, school):
    from schema.models import Exemption

    pe_subject = Subject(school_id=school.school.id, name="Educație fizică și sport", short_name="EFS",
                         is_physical_education=True)
    with audit_context(reason="test"):
        db.session.add(pe_subject)
        db.session.flush()
        pe = CurriculumEntry(school_id=school.school.id, class_id=school.school_class.id, subject_id=pe_subject.id,
                             weekly_hours=2)
        db.session.add(pe)
        db.session.flush()
        db.session.add(TeachingAssignment(school_id=school.school.id, curriculum_entry_id=pe.id, teacher_id=school.teacher.id))
        db.session.add(Exemption(school_id=school.school.id, enrolment_id=school.enrolment.id, class_id=school.school_class.id,
                                 curriculum_entry_id=pe.id, kind="pe_medical", period_id=school.semester1.id,
                                 document_number="88", document_date=date(2025, 9, 20)))
        db.session.commit()
    for day in (date(2026, 3, 2), date(2026, 3, 9)):
        record_mark(school.teacher, school.enrolment, pe, given_on=day, value=9)
    with pytest.raises(InvariantViolation) as exempt:
        close_period_average(school.teacher, school.enrolment, pe, school.semester1)
    assert exempt.value.code in {"exempt", "no_marks"}
    close_period_average(school.teacher, school.enrolment, pe, school.semester2)
    annual = close_annual_average(school.teacher, school.enrolment, pe)
    assert annual.value == Decimal("9.00")  # W-07: the other semester's average becomes the annual one


def test_behaviour_proposal_reprimand_reason_and_council_flag(app, school):
    # 10 unexcused absences at Romanian in semester I (90 hours): floor(10/10) = 1 point; 11 % ≥ 10 %: D = 1.
    start = date(2025, 10, 6)
    for index in range(10):
        record_absence(school.other_teacher, school.enrolment, school.romanian,
                       occurred_on=start + timedelta(days=index), lesson_hour=2)
    proposal = behaviour_proposal_for(school.enrolment, school.semester1)
    assert proposal == {"unexcused": 10, "proposal": 9, "annual_reduction": 0, "written_reprimands": 1}
    with pytest.raises(InvariantViolation) as refused:
        set_behaviour_mark(school.class_master, school.enrolment, school.semester1, value=6)
    assert refused.value.code == "reason_required"
    with pytest.raises(PermissionDenied):
        set_behaviour_mark(school.teacher, school.enrolment, school.semester1)
    mark = set_behaviour_mark(school.class_master, school.enrolment, school.semester1, value=6,
                              reason="Sancțiune: mustrare scrisă nr. 12/2025")
    assert mark.proposal == 9 and mark.value == 6 and mark.needs_council_validation is True


def test_closing_the_year_gives_the_status(app, school):
    for entry, teacher, values in ((school.maths, school.teacher, [4, 5, 4, 4]), (school.romanian, school.other_teacher, [9, 9, 8, 10, 9])):
        for period, start in ((school.semester1, date(2025, 10, 6)), (school.semester2, date(2026, 3, 2))):
            for offset, value in enumerate(values):
                record_mark(teacher, school.enrolment, entry, given_on=start + timedelta(days=offset), value=value)
            if entry.has_thesis_in(period.id):
                record_mark(teacher, school.enrolment, entry, given_on=start + timedelta(days=20), value=4, kind="thesis")
            close_period_average(teacher, school.enrolment, entry, period)
        close_annual_average(teacher, school.enrolment, entry)
    for period in (school.semester1, school.semester2):
        set_behaviour_mark(school.class_master, school.enrolment, period)
    result = close_year_result(school.class_master, school.enrolment)
    assert result.status == "corigent"
    assert result.details["failed_subjects"] == ["Matematică"]
    assert result.general_average is not None and result.behaviour_average == Decimal("10.00")


def test_transfer_after_semester_one_brings_only_the_subjects_studied_here(app, school):
    new_enrolment = transfer_student(school.secretary, school.enrolment, school.other_class, on=date(2026, 2, 9),
                                     reason="Transfer aprobat de CA, decizia 14/2026")
    outcome = bring_transfer_averages(
        school.secretary, new_enrolment, school.semester1, {"Fizică": 8, "Matematică": 9},
        reason="Situația școlară de la școala de proveniență, adresa 311/2026",
    )
    assert outcome.brought == ["Fizică"]
    assert outcome.not_studied_here == ["Matematică"]
    average = db.session.scalar(sa.select(PeriodAverage).where(PeriodAverage.enrolment_id == new_enrolment.id))
    assert average.value == 8 and average.closed_by_id == school.secretary.id
    with pytest.raises(PermissionDenied):
        bring_transfer_averages(school.teacher, new_enrolment, school.semester1, {"Fizică": 8}, reason="x")


@pytest.mark.parametrize("case", ["mark 11", "thesis without one", "not your assignment", "motivation 8 days late"])
def test_bad_input_gets_a_clear_error_and_changes_nothing(app, school, case):
    counts_before = {model: db.session.scalar(sa.select(sa.func.count(model.id))) for model in (Mark, PeriodAverage, Motivation, Absence)}
    with pytest.raises((InvariantViolation, PermissionDenied)) as refused:
        if case == "mark 11":
            record_mark(school.teacher, school.enrolment, school.maths, given_on=date(2025, 10, 6), value=11)
        elif case == "thesis without one":
            record_mark(school.other_teacher, school.enrolment, school.romanian, given_on=date(2025, 12, 1), value=8,
                        kind="thesis")
        elif case == "not your assignment":
            _give(school, school.romanian, school.other_teacher, [8, 9, 9, 8, 10])
            counts_before[Mark] += 5
            close_period_average(school.teacher, school.enrolment, school.romanian, school.semester1)
        else:
            record_absence(school.teacher, school.enrolment, school.maths, occurred_on=date(2025, 11, 3), lesson_hour=1)
            counts_before[Absence] += 1
            excuse_absences(school.class_master, school.enrolment, kind="medical", document_number="77",
                            document_date=date(2025, 11, 3), covers_from=date(2025, 11, 3), covers_to=date(2025, 11, 3),
                            returned_on=date(2025, 11, 4), presented_on=date(2025, 11, 12))
    assert refused.value.message_ro  # a Romanian explanation
    assert refused.value.code in {"value_out_of_range", "thesis_not_in_curriculum", "not_your_assignment", "motivation_late"}
    db.session.rollback()
    for model, before in counts_before.items():
        assert db.session.scalar(sa.select(sa.func.count(model.id))) == before, model.__name__


def test_the_class_master_closes_the_class_only_when_nothing_is_missing(app, school):
    from schema.operations.closing import class_closing_gaps, close_class_year

    gaps = class_closing_gaps(school.school_class)
    assert any("Matematică pe Semestrul I nu este încheiată" in gap for gap in gaps)
    first_semester = class_closing_gaps(school.school_class, school.semester1)
    assert first_semester and all("Semestrul I" in gap for gap in first_semester)
    assert any("nota la purtare pe Semestrul I" in gap for gap in gaps)
    with pytest.raises(InvariantViolation) as refused:
        close_class_year(school.class_master, school.school_class)
    assert refused.value.code == "class_not_ready" and "Lipsesc" in refused.value.message_ro

    for entry, teacher in ((school.maths, school.teacher), (school.romanian, school.other_teacher)):
        for period, start in ((school.semester1, date(2025, 10, 6)), (school.semester2, date(2026, 3, 2))):
            for offset in range(5):
                record_mark(teacher, school.enrolment, entry, given_on=start + timedelta(days=offset), value=8)
            if entry.has_thesis_in(period.id):
                record_mark(teacher, school.enrolment, entry, given_on=start + timedelta(days=20), value=9, kind="thesis")
            close_period_average(teacher, school.enrolment, entry, period)
        close_annual_average(teacher, school.enrolment, entry)
    for period in (school.semester1, school.semester2):
        set_behaviour_mark(school.class_master, school.enrolment, period)
    assert class_closing_gaps(school.school_class) == []
    [result] = close_class_year(school.class_master, school.school_class)
    assert result.status == "promovat"


def test_a_grade_level_can_run_its_own_rule_set(app, school):
    from schema.operations.closing import ruleset_of

    assert ruleset_of(school.enrolment).name == "rofuip2016"
    with audit_context(reason="Nivelul gimnazial trece la ROFUIP 2022"):
        school.grade.ruleset = "rofuip2022"
        db.session.commit()
    assert ruleset_of(school.enrolment).name == "rofuip2022"
    with audit_context(reason="test"):
        school.grade.ruleset = "rofuip1999"
        with pytest.raises(Exception, match="ruleset_known"):
            db.session.flush()
    db.session.rollback()
