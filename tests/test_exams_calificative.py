"""Exams graded with calificative (grades I–IV): each examiner gives a global calificativ after
the probes and the final one is agreed between them (001 Art. 143(5), R-EX-07)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from schema.db import audit_context
from schema.errors import InvariantViolation
from schema.models import AnnualAverage, CurriculumThesis, db
from schema.operations.closing import close_annual_average, close_period_average, close_year_result, set_behaviour_mark
from schema.operations.exams import (
    add_exam_subject,
    create_exam_session,
    enter_exam_result,
    finalise_exam,
    post_results,
    reclose_year_after_exams,
    record_examiner_calificativ,
    record_examiner_marks,
    register_candidate,
)
from schema.operations.marks import record_mark
from security import policy
from tests.factories import make_user


@pytest.fixture
def primary(app, school):
    """Class a V-a A turned into a grade III class with calificative; Mathematics I, Romanian B."""
    with audit_context(reason="test"):
        school.grade.code, school.grade.evaluation_scale, school.grade.education_level = 3, "calificative", "primar"
        for thesis in db.session.scalars(sa.select(CurriculumThesis)):
            db.session.delete(thesis)
        db.session.commit()
    plan = {school.maths: (school.teacher, ["I", "I", "S", "I"]), school.romanian: (school.other_teacher, ["B"] * 5)}
    for entry, (teacher, calificative) in plan.items():
        for period in (school.semester1, school.semester2):
            for week, calificativ in enumerate(calificative):
                record_mark(teacher, school.enrolment, entry, given_on=period.starts_on + timedelta(days=7 * week + 1),
                            calificativ=calificativ)
            close_period_average(teacher, school.enrolment, entry, period)
        close_annual_average(teacher, school.enrolment, entry)
    for period in (school.semester1, school.semester2):
        set_behaviour_mark(school.class_master, school.enrolment, period, calificativ="FB")
    result = close_year_result(school.class_master, school.enrolment)
    assert (result.status, result.details["failed_subjects"]) == ("corigent", ["Matematică"])
    return school


def test_a_corigenta_exam_with_calificative(primary):
    s = primary
    second_examiner = make_user(s.school, policy.TEACHER, first_name="Lucia", last_name="Rusu")
    session = create_exam_session(s.director, s.year, kind="corigenta", name="Corigențe 2026",
                                  starts_on=date(2026, 8, 17), ends_on=date(2026, 8, 21), president=s.director)
    exam_subject = add_exam_subject(s.director, session, s.maths.subject, examiner_1=s.teacher,
                                    examiner_2=second_examiner)
    candidate = register_candidate(s.secretary, exam_subject, s.enrolment)
    with pytest.raises(InvariantViolation) as marks:
        record_examiner_marks(s.teacher, candidate, [5, 6])
    assert marks.value.code == "calificative_expected"
    record_examiner_calificativ(s.teacher, candidate, "S")
    record_examiner_calificativ(second_examiner, candidate, "B")
    with pytest.raises(InvariantViolation) as disagreement:
        finalise_exam(s.director, candidate)
    assert disagreement.value.code == "calificativ_agreement_required"
    with pytest.raises(InvariantViolation):
        finalise_exam(s.director, candidate, agreed_calificativ="FB")  # neither examiner gave it
    finalise_exam(s.director, candidate, agreed_calificativ="S")
    assert (candidate.final_calificativ, candidate.passed) == ("S", True)
    post_results(s.director, session, on=date(2026, 8, 22))
    assert enter_exam_result(s.secretary, candidate, on=date(2026, 8, 24)) == []
    annual = db.session.scalar(sa.select(AnnualAverage).where(AnnualAverage.curriculum_entry_id == s.maths.id))
    assert (annual.calificativ, annual.value, annual.source) == ("S", None, "exam")
    assert reclose_year_after_exams(s.class_master, s.enrolment).status == "promovat"
