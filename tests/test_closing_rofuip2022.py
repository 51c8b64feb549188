"""Closing under rofuip2022 (ROFUIP 2022 Art. 109; decisions.md "Rule-sets" item 2): there is no
period average, so closing one per learning module is refused for an ordinary subject; a module of a
modular curriculum still closes from its own marks; the annual average comes from all the year's
marks (or, in primary, the teacher picks one of the two most frequent calificative of the year)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from schema.errors import InvariantViolation
from schema.models import (
    AnnualAverage,
    CurriculumEntry,
    Enrolment,
    GradeLevel,
    LearningPeriod,
    PeriodAverage,
    SchoolClass,
    SchoolYear,
    TeachingAssignment,
    db,
)
from schema.operations.absences import record_absence
from schema.operations.closing import (
    behaviour_proposal_for,
    close_annual_average,
    close_period_average,
    set_behaviour_mark,
)
from schema.operations.marks import record_mark
from tests.factories import _save, make_student

#: The five learning modules of 2026-2027 (as the demo school's current year).
MODULES = (
    ("Modulul 1", date(2026, 9, 8), date(2026, 10, 23), 7),
    ("Modulul 2", date(2026, 11, 2), date(2026, 12, 19), 7),
    ("Modulul 3", date(2027, 1, 8), date(2027, 2, 13), 6),
    ("Modulul 4", date(2027, 2, 23), date(2027, 4, 3), 6),
    ("Modulul 5", date(2027, 4, 14), date(2027, 6, 18), 9),
)


@dataclass
class Rofuip2022Year:
    year: SchoolYear
    modules: list[LearningPeriod]
    school_class: SchoolClass
    maths: CurriculumEntry
    enrolment: Enrolment


def build_rofuip2022_year(school, *, scale: str = "marks", students: int = 1) -> Rofuip2022Year:
    """School year 2026-2027 on rofuip2022 with five modules, class "a VI-a A" (class master
    `school.class_master`), maths 3 h/week taught by `school.teacher`, and `students` enrolments."""
    year = _save(SchoolYear(school_id=school.school.id, name="2026-2027", starts_on=date(2026, 9, 1),
                            ends_on=date(2027, 8, 31), period_kind="module", ruleset="rofuip2022"))
    modules = [
        _save(LearningPeriod(school_id=school.school.id, year_id=year.id, ordinal=ordinal, name=name,
                             starts_on=starts, ends_on=ends, teaching_weeks=weeks))
        for ordinal, (name, starts, ends, weeks) in enumerate(MODULES, start=1)
    ]
    grade = school.grade
    if scale != "marks":
        grade = _save(GradeLevel(school_id=school.school.id, code=2, name="a II-a", education_level="primar",
                                 evaluation_scale=scale))
    school_class = _save(SchoolClass(school_id=school.school.id, year_id=year.id, grade_level_id=grade.id,
                                     name="a VI-a A" if scale == "marks" else "a II-a A",
                                     class_master_id=school.class_master.id))
    maths = _save(CurriculumEntry(school_id=school.school.id, class_id=school_class.id,
                                  subject_id=school.maths.subject_id, weekly_hours=3))
    _save(TeachingAssignment(school_id=school.school.id, curriculum_entry_id=maths.id, teacher_id=school.teacher.id))
    enrolments = [
        _save(Enrolment(school_id=school.school.id, student_id=make_student(school.school, last_name=f"Popa{n:02d}").id,
                        year_id=year.id, class_id=school_class.id, starts_on=date(2026, 9, 8)))
        for n in range(students)
    ]
    return Rofuip2022Year(year, modules, school_class, maths, enrolments[0])


def _count(model: type) -> int:
    return db.session.scalar(sa.select(sa.func.count(model.id)))


def test_a_period_average_is_refused_for_an_ordinary_subject(app, school):
    current = build_rofuip2022_year(school)
    for day, value in ((date(2026, 9, 15), 9), (date(2026, 10, 1), 8)):
        record_mark(school.teacher, current.enrolment, current.maths, given_on=day, value=value)
    with pytest.raises(InvariantViolation) as refused:
        close_period_average(school.teacher, current.enrolment, current.maths, current.modules[0],
                             reason="Încercare de încheiere pe modul")
    assert refused.value.code == "no_period_average"
    assert "nu se mai încheie medii pe module" in refused.value.message_ro
    assert "ROFUIP 2022, art. 109" in refused.value.message_ro
    db.session.rollback()
    assert _count(PeriodAverage) == 0


def test_a_module_of_a_modular_curriculum_still_closes_from_its_own_marks(app, school):
    current = build_rofuip2022_year(school)
    module = _save(CurriculumEntry(school_id=school.school.id, class_id=current.school_class.id,
                                   subject_id=school.physics.id, module_hours=50,
                                   module_starts_on=date(2026, 9, 8), module_ends_on=date(2026, 10, 23)))
    _save(TeachingAssignment(school_id=school.school.id, curriculum_entry_id=module.id, teacher_id=school.teacher.id))
    for day, value in ((date(2026, 9, 15), 9), (date(2026, 10, 1), 10)):
        record_mark(school.teacher, current.enrolment, module, given_on=day, value=value)
    average = close_period_average(school.teacher, current.enrolment, module, current.modules[0])
    assert (average.value, average.ruleset) == (10, "rofuip2022")  # 19 / 2 = 9.50 → 10 in the student's favour


@pytest.fixture(autouse=True)
def in_the_last_module(monkeypatch):
    """The annual average closes in the year's last module: the tests' day is 1 June 2027."""
    monkeypatch.setattr("security.access.today", lambda: date(2027, 6, 1))


def test_the_annual_average_is_refused_before_the_last_module(app, school, monkeypatch):
    current = build_rofuip2022_year(school)
    record_mark(school.teacher, current.enrolment, current.maths, given_on=date(2026, 9, 15), value=9)
    monkeypatch.setattr("security.access.today", lambda: date(2026, 11, 20))
    with pytest.raises(InvariantViolation) as refused:
        close_annual_average(school.teacher, current.enrolment, current.maths)
    assert refused.value.code == "year_not_ending" and "Modulul 5" in refused.value.message_ro
    monkeypatch.setattr("security.access.today", lambda: date(2027, 4, 14))
    assert close_annual_average(school.teacher, current.enrolment, current.maths).value == Decimal(9)


def test_the_annual_average_comes_from_all_marks_of_the_year(app, school):
    current = build_rofuip2022_year(school)
    # The ministry's example: 58 / 6 = 9.66 → 10, marks spread over the modules.
    days = (date(2026, 9, 15), date(2026, 11, 10), date(2027, 1, 20), date(2027, 3, 2), date(2027, 4, 20),
            date(2027, 5, 20))
    for day, value in zip(days, (10, 9, 10, 9, 10, 10), strict=True):
        record_mark(school.teacher, current.enrolment, current.maths, given_on=day, value=value)
    average = close_annual_average(school.teacher, current.enrolment, current.maths)
    assert average.value == Decimal(10) and average.ruleset == "rofuip2022"
    assert sorted(average.inputs["marks"]) == [9, 9, 10, 10, 10, 10]
    assert _count(PeriodAverage) == 0


def test_an_annual_average_without_marks_is_refused_in_romanian(app, school):
    current = build_rofuip2022_year(school)
    with pytest.raises(InvariantViolation) as refused:
        close_annual_average(school.teacher, current.enrolment, current.maths)
    assert refused.value.code == "no_marks" and "nu are note" in refused.value.message_ro
    db.session.rollback()
    assert _count(AnnualAverage) == 0


def test_a_primary_annual_calificativ_is_one_of_the_years_two_most_frequent(app, school):
    current = build_rofuip2022_year(school, scale="calificative")
    for day, calificativ in ((date(2026, 9, 15), "FB"), (date(2026, 11, 10), "B"), (date(2027, 1, 20), "B"),
                             (date(2027, 5, 20), "FB"), (date(2027, 5, 27), "S")):
        record_mark(school.teacher, current.enrolment, current.maths, given_on=day, calificativ=calificativ)
    with pytest.raises(InvariantViolation) as refused:
        close_annual_average(school.teacher, current.enrolment, current.maths, calificativ="S")
    assert refused.value.code == "calificativ_not_candidate" and "FB, B" in refused.value.message_ro
    db.session.rollback()
    average = close_annual_average(school.teacher, current.enrolment, current.maths, calificativ="B")
    assert (average.value, average.calificativ) == (None, "B")
    assert average.inputs["candidates"] == ["FB", "B"]


def _eight_unexcused_per_module(current: Rofuip2022Year, teacher) -> None:
    """8 unexcused absences at maths in each of the five modules: 40 in the year."""
    for module in current.modules:
        for hour in range(1, 9):
            record_absence(teacher, current.enrolment, current.maths, occurred_on=module.starts_on + timedelta(days=1),
                           lesson_hour=hour)


def test_the_behaviour_reduction_counts_the_whole_year(app, school):
    # 40 unexcused in the year: floor(40 / 20) = 2 beats D10 = 1 (40 ≥ 10 % of 3 × 35 = 105 h): 10 - 2 = 8.
    # Counted per module it would be 8 of 21 h: floor(8 / 20) = 0, D = 1, proposal 9.
    current = build_rofuip2022_year(school)
    _eight_unexcused_per_module(current, school.teacher)
    for module in (current.modules[0], current.modules[4]):
        assert behaviour_proposal_for(current.enrolment, module) == {
            "unexcused": 40, "proposal": 8, "annual_reduction": 0, "written_reprimands": 4,
        }
    mark = set_behaviour_mark(school.class_master, current.enrolment, current.modules[4])
    assert (mark.proposal, mark.value) == (8, 8)


def test_the_per_subject_criterion_uses_the_yearly_hours_and_the_rule_sets_share(app, school):
    # 15 unexcused at maths, all in module 1 (21 h there, 105 h in the year); floor(15 / 20) = 0.
    current = build_rofuip2022_year(school)
    for hour in range(1, 9):
        for day in (1, 2):
            if day == 2 and hour == 8:
                continue
            record_absence(school.teacher, current.enrolment, current.maths,
                           occurred_on=current.modules[0].starts_on + timedelta(days=day), lesson_hour=hour)
    # rofuip2022, D10: 15 ≥ 10.5 -> 1.
    assert behaviour_proposal_for(current.enrolment, current.modules[0])["proposal"] == 9
    # rofuip2024, D20: 15 < 21 -> 0 (per module it would have been 15 ≥ 4.2 -> 1).
    current.year.ruleset = "rofuip2024"
    db.session.flush()
    assert behaviour_proposal_for(current.enrolment, current.modules[0]) == {
        "unexcused": 15, "proposal": 10, "annual_reduction": 0, "written_reprimands": 1,
    }


def test_under_rofuip2024_the_reduction_comes_off_the_annual_mean_not_the_module_marks(app, school):
    # 40 unexcused over the year: floor(40 / 20) = 2, taken once from the mean of the module marks.
    current = build_rofuip2022_year(school)
    current.year.ruleset = "rofuip2024"
    db.session.flush()
    _eight_unexcused_per_module(current, school.teacher)
    assert behaviour_proposal_for(current.enrolment, current.modules[4]) == {
        "unexcused": 40, "proposal": 10, "annual_reduction": 2, "written_reprimands": 4,
    }


def test_a_module_of_a_modular_curriculum_counts_its_module_hours(app, school):
    # A 50-hour module has 50 yearly hours: 5 unexcused reach 10 % of them (D10 = 1), counted in every module's proposal.
    current = build_rofuip2022_year(school)
    module = _save(CurriculumEntry(school_id=school.school.id, class_id=current.school_class.id,
                                   subject_id=school.physics.id, module_hours=50,
                                   module_starts_on=date(2026, 9, 8), module_ends_on=date(2026, 10, 23)))
    _save(TeachingAssignment(school_id=school.school.id, curriculum_entry_id=module.id, teacher_id=school.teacher.id))
    for hour in range(1, 6):
        record_absence(school.teacher, current.enrolment, module, occurred_on=date(2026, 9, 15), lesson_hour=hour)
    assert behaviour_proposal_for(current.enrolment, current.modules[2])["proposal"] == 9
