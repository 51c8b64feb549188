"""Each invariant refuses bad data with a clear error, through the operations and in the
database itself, and nothing is half-saved."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from schema.cnp import cnp_problem, make_cnp
from schema.db import audit_context
from schema.errors import InvariantViolation
from schema.models import Absence, CurriculumEntry, Delegation, DelegationDecision, Enrolment, Mark, Student, db
from schema.operations.absences import record_absence
from schema.operations.enrolment import enrol_student, transfer_student
from schema.operations.marks import record_mark
from tests.factories import make_student


def _mark_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Mark.id)))


@pytest.mark.parametrize("value", [0, 11, -3, 7.5])
def test_a_mark_outside_1_to_10_is_refused_by_the_operation(app, school, value):
    with pytest.raises(InvariantViolation) as refused:
        record_mark(school.teacher, school.enrolment, school.maths, given_on=date(2025, 10, 6), value=value)
    assert refused.value.code == "value_out_of_range"
    assert "între 1 și 10" in refused.value.message_ro or "de la 1 la 10" in refused.value.message_ro
    db.session.rollback()
    assert _mark_count() == 0


@pytest.mark.parametrize("value", [0, 11])
def test_a_mark_outside_1_to_10_is_refused_by_the_database(app, school, value):
    """Whoever writes around the ORM still meets the CHECK constraint."""
    insert = sa.insert(Mark.__table__).values(
        school_id=school.school.id, enrolment_id=school.enrolment.id, curriculum_entry_id=school.maths.id,
        class_id=school.school_class.id, period_id=school.semester1.id, value=value, given_on=date(2025, 10, 6),
        kind="regular", instrument="oral", is_fraud=False, teacher_id=school.teacher.id, entered_late=False,
    )
    with pytest.raises(IntegrityError, match="value_range"):
        db.session.execute(insert)
    db.session.rollback()


@pytest.mark.parametrize(
    "cnp, problem",
    [
        ("123", "13 cifre"),
        ("6140315220010", "control"),  # wrong control digit
        ("6141315220019", "nașterii"),  # month 13
        ("6140315990011", "județ"),  # county 99
    ],
)
def test_an_invalid_cnp_is_refused_with_its_reason(app, school, cnp, problem):
    assert problem in cnp_problem(cnp)
    with pytest.raises(InvariantViolation) as refused:
        Student(school_id=school.school.id, cnp=cnp, last_name="Pop", first_name="Ana", sex="F", birth_date=date(2014, 3, 15))
    assert refused.value.code == "cnp_invalid"


def test_a_valid_cnp_is_accepted_and_must_match_the_birth_date(app, school):
    cnp = make_cnp(date(2013, 12, 1), "M", "27", 17)
    assert cnp_problem(cnp) is None
    with pytest.raises(InvariantViolation) as refused:
        Student(school_id=school.school.id, cnp=cnp, last_name="Pop", first_name="Ion", sex="M", birth_date=date(2013, 12, 2))
    assert refused.value.code == "birth_date_mismatch"


def test_two_enrolments_in_the_same_year_are_refused_by_the_operation(app, school):
    with pytest.raises(InvariantViolation) as refused:
        enrol_student(school.secretary, school.student, school.other_class, starts_on=date(2025, 9, 8))
    assert refused.value.code == "already_enrolled"
    assert "deja înscris" in refused.value.message_ro


def test_two_active_enrolments_in_the_same_year_are_refused_by_the_database(app, school):
    with audit_context(reason="test"):
        db.session.add(Enrolment(school_id=school.school.id, student_id=school.student.id, year_id=school.year.id,
                                 class_id=school.other_class.id, starts_on=date(2025, 9, 8)))
        with pytest.raises(IntegrityError):
            db.session.flush()
    db.session.rollback()


def test_a_transfer_keeps_the_old_enrolment_as_history(app, school):
    new = transfer_student(school.secretary, school.enrolment, school.other_class, on=date(2026, 2, 9),
                           reason="Cerere părinte nr. 112/2026")
    enrolments = db.session.scalars(sa.select(Enrolment).where(Enrolment.student_id == school.student.id)).all()
    assert sorted(e.status for e in enrolments) == ["active", "transferred"]
    assert new.class_id == school.other_class.id


def test_an_absence_outside_the_period_is_refused(app, school):
    holiday = date(2026, 2, 3)  # between the two semesters
    with pytest.raises(InvariantViolation) as refused:
        record_absence(school.teacher, school.enrolment, school.maths, occurred_on=holiday, lesson_hour=2)
    assert refused.value.code == "date_outside_period"


def test_an_absence_dated_outside_its_given_period_is_refused_at_flush(app, school):
    with audit_context(reason="test", user_id=school.teacher.id):
        db.session.add(Absence(school_id=school.school.id, enrolment_id=school.enrolment.id, curriculum_entry_id=school.maths.id,
                               class_id=school.school_class.id, period_id=school.semester1.id, occurred_on=date(2026, 3, 2),
                               lesson_hour=1, teacher_id=school.teacher.id))
        with pytest.raises(InvariantViolation) as refused:
            db.session.flush()
    assert refused.value.code == "date_outside_period"
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Absence.id))) == 0


def test_a_mark_for_a_subject_the_class_does_not_study_is_refused_by_the_operation(app, school):
    physics_of_other_class = db.session.scalar(sa.select(CurriculumEntry).where(CurriculumEntry.class_id == school.other_class.id))
    with pytest.raises(InvariantViolation) as refused:
        record_mark(school.teacher, school.enrolment, physics_of_other_class, given_on=date(2025, 10, 6), value=8)
    # Refused before anything is written: the teacher has no right there, or the class lacks the subject.
    assert refused.value.code in {"not_your_assignment", "subject_not_in_class"}
    assert _mark_count() == 0


def test_a_mark_for_a_subject_the_class_does_not_study_is_refused_by_the_database(app, school):
    """Even a teacher entitled to the subject (so the guard lets the write through) cannot attach
    it to a student of another class: the composite foreign keys refuse it."""
    from schema.models import TeachingAssignment

    physics_of_other_class = db.session.scalar(sa.select(CurriculumEntry).where(CurriculumEntry.class_id == school.other_class.id))
    with audit_context(reason="test"):
        db.session.add(TeachingAssignment(school_id=school.school.id, curriculum_entry_id=physics_of_other_class.id,
                                          teacher_id=school.teacher.id))
        db.session.commit()
    with audit_context(reason="test", user_id=school.teacher.id), db.session.no_autoflush:
        db.session.add(Mark(school_id=school.school.id, enrolment_id=school.enrolment.id,
                            curriculum_entry_id=physics_of_other_class.id, class_id=school.school_class.id,
                            period_id=school.semester1.id, value=8, given_on=date(2025, 10, 6), teacher_id=school.teacher.id))
        with pytest.raises(IntegrityError):
            db.session.flush()
    db.session.rollback()


def test_a_thesis_only_where_the_curriculum_has_one(app, school):
    record_mark(school.teacher, school.enrolment, school.maths, given_on=date(2025, 12, 10), value=8, kind="thesis")
    with pytest.raises(InvariantViolation) as refused:
        record_mark(school.teacher, school.enrolment, school.maths, given_on=date(2026, 5, 10), value=8, kind="thesis")
    assert refused.value.code == "thesis_not_in_curriculum"
    with pytest.raises(InvariantViolation) as twice:
        record_mark(school.teacher, school.enrolment, school.maths, given_on=date(2025, 12, 11), value=9, kind="thesis")
    assert twice.value.code == "thesis_exists"


def test_fraud_gives_the_lowest_mark_only(app, school):
    with pytest.raises(InvariantViolation) as refused:
        record_mark(school.teacher, school.enrolment, school.maths, given_on=date(2025, 10, 6), value=6, is_fraud=True,
                    instrument="written")
    assert refused.value.code == "fraud_mark"


def test_a_student_enrolled_later_cannot_get_marks_before_the_enrolment(app, school):
    late = make_student(school.school, first_name="Mihai", sex="M", birth_date=date(2014, 5, 2))
    enrolment = enrol_student(school.secretary, late, school.school_class, starts_on=date(2025, 11, 3))
    with pytest.raises(InvariantViolation) as refused:
        record_mark(school.teacher, enrolment, school.maths, given_on=date(2025, 10, 6), value=9)
    assert refused.value.code == "date_outside_enrolment"


def test_a_decided_delegation_can_never_be_edited_or_deleted(app, school):
    from schema.models import TeachingAssignment

    assignment = db.session.scalar(sa.select(TeachingAssignment).where(TeachingAssignment.teacher_id == school.teacher.id))
    with audit_context(reason="test"):
        delegation = Delegation(school_id=school.school.id, from_teacher_id=school.teacher.id, to_teacher_id=school.other_teacher.id,
                                assignment_id=assignment.id, starts_on=date(2025, 10, 1), ends_on=date(2025, 10, 21),
                                reason="Concediu medical")
        db.session.add(delegation)
        db.session.flush()
        db.session.add(DelegationDecision(school_id=school.school.id, delegation_id=delegation.id, approved=True,
                                          decided_by_id=school.director.id))
        db.session.commit()
    for statement in (
        sa.text("UPDATE delegation_decisions SET approved = false"),
        sa.text("DELETE FROM delegation_decisions"),
        sa.text("UPDATE delegations SET ends_on = '2026-06-30'"),
        sa.text("DELETE FROM delegations"),
    ):
        with pytest.raises(Exception, match="delegation_decision_immutable"):
            db.session.execute(statement)
        db.session.rollback()
    assert db.session.scalar(sa.select(DelegationDecision.approved)) is True
