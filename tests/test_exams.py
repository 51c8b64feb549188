"""The exam and contestation workflows through the operations, on a real database, with their
audit trail (rules.md §3.13-§3.14, W-14, W-16, W-17, W-26; decisions.md A24, A25)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy_continuum import version_class

from schema import rules
from schema.db import audit_context
from schema.errors import InvariantViolation, PermissionDenied
from schema.models import (
    AnnualAverage,
    Contestation,
    CurriculumEntry,
    Enrolment,
    ExamCandidate,
    ExamSession,
    ExamSubject,
    Mark,
    PeriodAverage,
    Subject,
    TeachingAssignment,
    YearResult,
    db,
)
from schema.operations.closing import (
    close_annual_average,
    close_period_average,
    close_year_result,
    set_behaviour_mark,
)
from schema.operations.contestations import decide_contestation, file_contestation, record_re_evaluation
from schema.operations.exams import (
    add_exam_subject,
    create_exam_session,
    enter_exam_result,
    finalise_exam,
    post_results,
    reclose_year_after_exams,
    record_examiner_marks,
    register_candidate,
)
from schema.operations.marks import record_mark
from security import policy
from tests.factories import _save, make_student, make_user

pytestmark = pytest.mark.database

CORIGENTA = "Corigențe august 2026"


# --- building a closed year -------------------------------------------------------------------------


@pytest.fixture
def world(school):
    """The school of tests/factories.py plus Physics in class a V-a A (its own teacher), more
    teachers for the commissions, and the year closed for the student: Mathematics 4 and 5
    (annual 4.50), Romanian 8 and 8, Physics 4 and 4, behaviour 10 -> corigent at two subjects."""
    s = school
    s.extra["physics_teacher"] = make_user(s.school, policy.TEACHER, first_name="Victor", last_name="Munteanu")
    s.extra["physics"] = _save(
        CurriculumEntry(school_id=s.school.id, class_id=s.school_class.id, subject_id=s.physics.id, weekly_hours=2)
    )
    _save(TeachingAssignment(school_id=s.school.id, curriculum_entry_id=s.extra["physics"].id,
                             teacher_id=s.extra["physics_teacher"].id))
    for key, first in (("maths_2", "Andrei"), ("teacher_3", "Lucia"), ("teacher_4", "Mihai"), ("teacher_5", "Sorina")):
        s.extra[key] = make_user(s.school, policy.TEACHER, first_name=first, last_name="Rusu")
    close_year(s, s.enrolment, {"maths": (4, 5), "romanian": (8, 8), "physics": (4, 4)})
    return s


def _entry(s, name: str) -> CurriculumEntry:
    return getattr(s, name) if name in ("maths", "romanian") else s.extra[name]


def _teacher_of(s, name: str):
    return {"maths": s.teacher, "romanian": s.other_teacher}.get(name) or s.extra["physics_teacher"]


def close_year(s, enrolment: Enrolment, averages: dict[str, tuple[int, int]]) -> YearResult:
    """Marks equal to each wanted period average, the averages closed by the subject teachers,
    behaviour 10 and the year closed by the class master, all through the operations."""
    for name, (first, second) in averages.items():
        entry, teacher = _entry(s, name), _teacher_of(s, name)
        for period, value in ((s.semester1, first), (s.semester2, second)):
            for week in range(rules.min_marks(entry.weekly_hours)):
                record_mark(teacher, enrolment, entry, given_on=period.starts_on + timedelta(days=7 * week + 1),
                            value=value, instrument="written" if week == 0 else "oral")
            if entry.has_thesis_in(period.id):
                record_mark(teacher, enrolment, entry, given_on=period.starts_on + timedelta(days=60), value=value,
                            kind="thesis", instrument="written")
            close_period_average(teacher, enrolment, entry, period)
        close_annual_average(teacher, enrolment, entry)
    for period in (s.semester1, s.semester2):
        set_behaviour_mark(s.class_master, enrolment, period)
    return close_year_result(s.class_master, enrolment)


def second_student(s) -> Enrolment:
    student = make_student(s.school, first_name="Tudor", last_name="Avram", sex="M", birth_date=date(2014, 5, 2))
    return _save(Enrolment(school_id=s.school.id, student_id=student.id, year_id=s.year.id,
                           class_id=s.school_class.id, starts_on=date(2025, 9, 8)))


def corigenta_session(s, name: str = CORIGENTA) -> ExamSession:
    session = create_exam_session(s.director, s.year, kind="corigenta", name=name, starts_on=date(2026, 8, 17),
                                  ends_on=date(2026, 8, 21), president=s.director)
    add_exam_subject(s.director, session, s.maths.subject, examiner_1=s.teacher, examiner_2=s.extra["maths_2"])
    add_exam_subject(s.director, session, s.physics, examiner_1=s.extra["physics_teacher"], examiner_2=s.other_teacher)
    return session


def exam_subject_of(session: ExamSession, subject) -> ExamSubject:
    return db.session.scalar(
        sa.select(ExamSubject).where(ExamSubject.session_id == session.id, ExamSubject.subject_id == subject.id)
    )


def sit_exam(s, exam_subject: ExamSubject, enrolment: Enrolment, probes_1: list, probes_2: list) -> ExamCandidate:
    """Register, both examiners mark, the president finalises."""
    candidate = register_candidate(s.secretary, exam_subject, enrolment)
    record_examiner_marks(exam_subject.examiner_1, candidate, probes_1)
    record_examiner_marks(exam_subject.examiner_2, candidate, probes_2)
    return finalise_exam(exam_subject.session.president, candidate)


def versions_of(model: type, row_id: int) -> list:
    version = version_class(model)
    return db.session.scalars(
        sa.select(version).where(version.id == row_id).order_by(version.transaction_id)
    ).all()


def annual(enrolment: Enrolment, entry: CurriculumEntry) -> AnnualAverage:
    return db.session.scalar(
        sa.select(AnnualAverage).where(
            AnnualAverage.enrolment_id == enrolment.id, AnnualAverage.curriculum_entry_id == entry.id
        )
    )


def year_result(enrolment: Enrolment) -> YearResult:
    return db.session.scalar(sa.select(YearResult).where(YearResult.enrolment_id == enrolment.id))


def count(model: type) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


# --- W-14: a corigență session that changes the year status -----------------------------------------


def test_w14_corigenta_session_changes_the_year_status_with_an_audit_trail(world):
    s = world
    before = year_result(s.enrolment)
    assert before.status == "corigent"
    assert before.details["failed_subjects"] == ["Matematică", "Fizică"]
    maths_annual = annual(s.enrolment, s.maths)
    assert maths_annual.value == Decimal("4.50")

    session = corigenta_session(s)
    maths_exam = exam_subject_of(session, s.maths.subject)
    candidate = register_candidate(s.secretary, maths_exam, s.enrolment)
    assert record_examiner_marks(s.teacher, candidate, [Decimal("4.50"), 5]) == 5  # 4.75 -> 5
    assert record_examiner_marks(s.extra["maths_2"], candidate, [Decimal("5.50"), 6]) == 6  # 5.75 -> 6
    assert candidate.examiner_1_probes == ["4.50", "5"]
    finalise_exam(s.director, candidate)
    assert (candidate.average, candidate.passed, candidate.mediated) == (Decimal("5.50"), True, False)

    physics = sit_exam(s, exam_subject_of(session, s.physics), s.enrolment, [6, 6], [Decimal("6.00"), 6])
    assert (physics.average, physics.passed) == (Decimal("6.00"), True)

    post_results(s.director, session, on=date(2026, 8, 22))
    assert enter_exam_result(s.secretary, candidate, on=date(2026, 8, 24)) == []
    assert enter_exam_result(s.secretary, physics, on=date(2026, 8, 24)) == []

    maths_annual = annual(s.enrolment, s.maths)
    assert (maths_annual.value, maths_annual.source, maths_annual.state) == (Decimal("5.50"), "exam", "closed")
    assert maths_annual.inputs["exam_candidate_id"] == candidate.id
    assert maths_annual.inputs["previous"] == "4.50"
    assert annual(s.enrolment, s.extra["physics"]).value == Decimal("6.00")
    assert (candidate.entered_by_id, candidate.entered_on) == (s.secretary.id, date(2026, 8, 24))

    result = reclose_year_after_exams(s.class_master, s.enrolment)
    assert result.id == before.id
    assert result.status == "promovat"
    assert result.details["failed_subjects"] == []
    # W-15: (5.50 + 8.00 + 6.00 + behaviour 10.00) / 4 = 7.375 -> 7.37
    assert result.general_average == Decimal("7.37")

    # Every step left versions carrying the acting user; updates carry a reason.
    session_versions = versions_of(ExamSession, session.id)
    assert [v.transaction.user_id for v in session_versions] == [s.director.id, s.director.id]
    assert session_versions[-1].results_posted_on == date(2026, 8, 22)
    assert all(v.transaction.reason for v in session_versions)
    assert versions_of(ExamSubject, maths_exam.id)[0].transaction.user_id == s.director.id

    candidate_versions = versions_of(ExamCandidate, candidate.id)
    assert [v.transaction.user_id for v in candidate_versions] == [
        s.secretary.id, s.teacher.id, s.extra["maths_2"].id, s.director.id, s.secretary.id
    ]
    assert [v.examiner_1_final for v in candidate_versions] == [None, 5, 5, 5, 5]
    assert [v.average for v in candidate_versions] == [None, None, None, Decimal("5.50"), Decimal("5.50")]
    assert all(v.transaction.reason for v in candidate_versions)

    annual_versions = versions_of(AnnualAverage, maths_annual.id)
    assert [v.value for v in annual_versions] == [Decimal("4.50"), Decimal("5.50")]
    assert [v.source for v in annual_versions] == ["computed", "exam"]
    assert annual_versions[-1].transaction.user_id == s.secretary.id
    assert annual_versions[-1].transaction.reason == f"Rezultat examen {CORIGENTA}"

    result_versions = versions_of(YearResult, result.id)
    assert [v.status for v in result_versions] == ["corigent", "promovat"]
    assert result_versions[-1].transaction.user_id == s.class_master.id
    assert result_versions[-1].transaction.reason == "Situație refăcută după sesiunea de examene"


def test_the_result_of_the_exam_stays_locked_after_it_is_entered(world):
    s = world
    session = corigenta_session(s)
    candidate = sit_exam(s, exam_subject_of(session, s.maths.subject), s.enrolment, [5, 5], [6, 6])
    post_results(s.director, session, on=date(2026, 8, 22))
    enter_exam_result(s.secretary, candidate, on=date(2026, 8, 23))
    with pytest.raises(InvariantViolation) as twice:
        enter_exam_result(s.secretary, candidate, on=date(2026, 8, 23))
    assert twice.value.code == "result_entered"
    row = annual(s.enrolment, s.maths)
    with pytest.raises(InvariantViolation) as locked, audit_context(reason="Încercare", user_id=s.secretary.id):
        row.value = Decimal("9.00")
        db.session.flush()
    assert locked.value.code == "closed_locked"
    db.session.rollback()
    assert annual(s.enrolment, s.maths).value == Decimal("5.50")


# --- W-16: the examiners are more than one point apart ----------------------------------------------


def test_w16_examiners_two_points_apart_need_the_presidents_mediation(world):
    s = world
    session = corigenta_session(s)
    exam = exam_subject_of(session, s.maths.subject)
    candidate = register_candidate(s.secretary, exam, s.enrolment)
    record_examiner_marks(s.teacher, candidate, [5, 5])
    record_examiner_marks(s.extra["maths_2"], candidate, [7, 7])

    with pytest.raises(InvariantViolation) as refused:
        finalise_exam(s.director, candidate)
    assert refused.value.code == "mediation_required"
    assert "președintele comisiei" in refused.value.message_ro
    assert "mai mult de un punct" in refused.value.message_ro
    db.session.refresh(candidate)
    assert candidate.average is None and candidate.passed is None

    with pytest.raises(PermissionDenied):  # only the president finalises
        finalise_exam(s.teacher, candidate, mediated_marks=(6, 6))
    with pytest.raises(InvariantViolation) as still_apart:
        finalise_exam(s.director, candidate, mediated_marks=(5, 7))
    assert still_apart.value.code == "mediated_marks_invalid"

    finalise_exam(s.director, candidate, mediated_marks=(6, 7))
    assert (candidate.examiner_1_final, candidate.examiner_2_final) == (6, 7)
    assert (candidate.mediated, candidate.average, candidate.passed) == (True, Decimal("6.50"), True)
    last = versions_of(ExamCandidate, candidate.id)[-1]
    assert last.transaction.user_id == s.director.id
    assert "Mediere" in last.transaction.reason


def test_an_examiner_marks_each_probe_and_only_the_written_one_may_have_decimals(world):
    s = world
    session = corigenta_session(s)
    candidate = register_candidate(s.secretary, exam_subject_of(session, s.maths.subject), s.enrolment)
    with pytest.raises(InvariantViolation) as one_probe:
        record_examiner_marks(s.teacher, candidate, [5])
    assert one_probe.value.code == "probe_count"
    with pytest.raises(InvariantViolation) as oral_fraction:
        record_examiner_marks(s.teacher, candidate, [5, Decimal("5.50")])
    assert oral_fraction.value.code == "probe_mark_not_whole"
    with pytest.raises(InvariantViolation) as eleven:
        record_examiner_marks(s.teacher, candidate, [11, 5])
    assert eleven.value.code == "probe_mark_invalid"
    with pytest.raises(PermissionDenied) as not_examiner:
        record_examiner_marks(s.other_teacher, candidate, [5, 5])
    assert not_examiner.value.code == "not_examiner"
    db.session.refresh(candidate)
    assert candidate.examiner_1_probes is None and candidate.examiner_1_final is None


# --- the commission ---------------------------------------------------------------------------------


@pytest.mark.parametrize("second", ["missing", "same"])
def test_an_exam_with_one_examiner_is_refused_and_nothing_is_written(world, second):
    s = world
    session = create_exam_session(s.director, s.year, kind="corigenta", name=CORIGENTA, starts_on=date(2026, 8, 17),
                                  ends_on=date(2026, 8, 21), president=s.director)
    before = count(ExamSubject)
    with pytest.raises(InvariantViolation) as refused:
        add_exam_subject(s.director, session, s.maths.subject, examiner_1=s.teacher,
                         examiner_2=None if second == "missing" else s.teacher)
    assert refused.value.code == "two_examiners"
    assert "examenul are nevoie de doi examinatori" in refused.value.message_ro
    db.session.rollback()
    assert count(ExamSubject) == before == 0


def test_only_the_director_appoints_commissions(world):
    s = world
    for actor in (s.secretary, s.teacher, s.administrator):
        with pytest.raises(PermissionDenied):
            create_exam_session(actor, s.year, kind="corigenta", name=CORIGENTA, starts_on=date(2026, 8, 17),
                                ends_on=date(2026, 8, 21), president=s.director)
    with pytest.raises(InvariantViolation) as not_staff:
        create_exam_session(s.director, s.year, kind="corigenta", name=CORIGENTA, starts_on=date(2026, 8, 17),
                            ends_on=date(2026, 8, 21), president=s.secretary)
    assert not_staff.value.code == "not_school_staff"
    assert count(ExamSession) == 0


def test_the_secretary_registers_only_students_corigent_at_that_subject(world):
    s = world
    session = corigenta_session(s)
    romanian_exam = add_exam_subject(s.director, session, s.romanian.subject, examiner_1=s.other_teacher,
                                     examiner_2=s.extra["teacher_3"])
    with pytest.raises(InvariantViolation) as not_corigent:
        register_candidate(s.secretary, romanian_exam, s.enrolment)
    assert not_corigent.value.code == "not_corigent"
    with pytest.raises(PermissionDenied):
        register_candidate(s.teacher, exam_subject_of(session, s.maths.subject), s.enrolment)
    assert count(ExamCandidate) == 0


# --- entering the results -----------------------------------------------------------------------------


def test_entering_six_days_after_posting_is_allowed_with_a_warning(world):
    s = world
    session = corigenta_session(s)
    candidate = sit_exam(s, exam_subject_of(session, s.maths.subject), s.enrolment, [5, 5], [6, 6])

    for actor, code in ((s.teacher, "permission_denied"), (s.administrator, "administrator_cannot_write_catalog")):
        with pytest.raises(PermissionDenied) as refused:
            enter_exam_result(actor, candidate, on=date(2026, 8, 23))
        assert refused.value.code == code
    admin_secretary = make_user(s.school, policy.ADMINISTRATOR, policy.SECRETARY, first_name="Dan")
    with pytest.raises(PermissionDenied) as both_roles:
        enter_exam_result(admin_secretary, candidate, on=date(2026, 8, 23))
    assert both_roles.value.code == "administrator_cannot_write_catalog"
    assert annual(s.enrolment, s.maths).value == Decimal("4.50")

    post_results(s.secretary, session, on=date(2026, 8, 22))
    warnings = enter_exam_result(s.secretary, candidate, on=date(2026, 8, 28))
    assert len(warnings) == 1
    assert "6 zile" in warnings[0] and "5 zile" in warnings[0] and "146(1)" in warnings[0]
    assert annual(s.enrolment, s.maths).value == Decimal("5.50")


def test_entering_before_the_results_are_posted_warns_too(world):
    s = world
    session = corigenta_session(s)
    candidate = sit_exam(s, exam_subject_of(session, s.maths.subject), s.enrolment, [5, 5], [6, 6])
    warnings = enter_exam_result(s.secretary, candidate, on=date(2026, 8, 22))
    assert len(warnings) == 1 and "nu au fost afișate" in warnings[0]


# --- re-examination (W-17) ----------------------------------------------------------------------------


def test_w17_a_single_failed_subject_allows_one_re_examination(world):
    s = world
    session = corigenta_session(s)
    maths = sit_exam(s, exam_subject_of(session, s.maths.subject), s.enrolment, [6, 6], [6, 6])
    physics = sit_exam(s, exam_subject_of(session, s.physics), s.enrolment, [3, 4], [4, 4])
    assert (physics.average, physics.passed) == (Decimal("4.00"), False)
    post_results(s.director, session, on=date(2026, 8, 22))
    enter_exam_result(s.secretary, maths, on=date(2026, 8, 22))
    enter_exam_result(s.secretary, physics, on=date(2026, 8, 22))
    # R-AVG-10: the corigență average is the annual average, passed or not.
    assert annual(s.enrolment, s.extra["physics"]).value == Decimal("4.00")
    assert reclose_year_after_exams(s.class_master, s.enrolment).status == "repetent"

    reexamination = create_exam_session(s.director, s.year, kind="reexaminare", name="Reexaminare 2026",
                                        starts_on=date(2026, 8, 24), ends_on=date(2026, 8, 24), president=s.director)
    with pytest.raises(InvariantViolation) as same_examiners:
        add_exam_subject(s.director, reexamination, s.physics, examiner_1=s.extra["physics_teacher"],
                         examiner_2=s.extra["teacher_3"])
    assert same_examiners.value.code == "reexamination_examiners"
    exam = add_exam_subject(s.director, reexamination, s.physics, examiner_1=s.extra["teacher_3"],
                            examiner_2=s.extra["teacher_4"])
    candidate = sit_exam(s, exam, s.enrolment, [7, 7], [7, 6])
    assert candidate.average == Decimal("7.00")

    second = create_exam_session(s.director, s.year, kind="reexaminare", name="Reexaminare 2026 (2)",
                                 starts_on=date(2026, 8, 26), ends_on=date(2026, 8, 26), president=s.director)
    again = add_exam_subject(s.director, second, s.physics, examiner_1=s.extra["teacher_5"],
                             examiner_2=s.extra["teacher_4"])
    with pytest.raises(InvariantViolation) as twice:
        register_candidate(s.secretary, again, s.enrolment)
    assert twice.value.code == "reexamination_not_allowed"
    assert "o singură dată" in twice.value.message_ro

    post_results(s.director, reexamination, on=date(2026, 8, 25))
    enter_exam_result(s.secretary, candidate, on=date(2026, 8, 25))
    result = reclose_year_after_exams(s.class_master, s.enrolment)
    assert result.status == "promovat"
    # (6.00 + 8.00 + 7.00 + 10.00) / 4 = 7.75
    assert result.general_average == Decimal("7.75")


def test_w17_two_failed_subjects_are_not_eligible_for_re_examination(world):
    s = world
    session = corigenta_session(s)
    sit_exam(s, exam_subject_of(session, s.maths.subject), s.enrolment, [4, 4], [4, 4])
    sit_exam(s, exam_subject_of(session, s.physics), s.enrolment, [3, 4], [4, 4])
    reexamination = create_exam_session(s.director, s.year, kind="reexaminare", name="Reexaminare 2026",
                                        starts_on=date(2026, 8, 24), ends_on=date(2026, 8, 24), president=s.director)
    exam = add_exam_subject(s.director, reexamination, s.physics, examiner_1=s.extra["teacher_3"],
                            examiner_2=s.extra["teacher_4"])
    with pytest.raises(InvariantViolation) as refused:
        register_candidate(s.secretary, exam, s.enrolment)
    assert refused.value.code == "reexamination_not_allowed"
    assert "o singură disciplină" in refused.value.message_ro
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ExamCandidate).where(
        ExamCandidate.exam_subject_id == exam.id)) == 0


def test_a_student_who_was_not_corigent_cannot_ask_for_re_examination(world):
    s = world
    enrolment = second_student(s)
    close_year(s, enrolment, {"maths": (7, 7), "romanian": (8, 8), "physics": (9, 9)})
    corigenta_session(s)
    reexamination = create_exam_session(s.director, s.year, kind="reexaminare", name="Reexaminare 2026",
                                        starts_on=date(2026, 8, 24), ends_on=date(2026, 8, 24), president=s.director)
    exam = add_exam_subject(s.director, reexamination, s.physics, examiner_1=s.extra["teacher_3"],
                            examiner_2=s.extra["teacher_4"])
    with pytest.raises(InvariantViolation) as refused:
        register_candidate(s.secretary, exam, enrolment)
    assert refused.value.code == "not_failed_at_corigenta"


# --- amânat and difference exams (R-AVG-11) ---------------------------------------------------------


def test_an_exam_closing_semester_two_becomes_that_semester_average(world):
    s = world
    enrolment = second_student(s)
    for week in range(4):
        record_mark(s.teacher, enrolment, s.maths, given_on=date(2025, 9, 9) + timedelta(days=7 * week), value=7)
    record_mark(s.teacher, enrolment, s.maths, given_on=date(2025, 11, 7), value=7, kind="thesis", instrument="written")
    close_period_average(s.teacher, enrolment, s.maths, s.semester1)
    session = create_exam_session(s.director, s.year, kind="amanat", name="Amânați 2026", starts_on=date(2026, 8, 10),
                                  ends_on=date(2026, 8, 12), president=s.extra["teacher_5"])
    exam = add_exam_subject(s.director, session, s.maths.subject, examiner_1=s.teacher, examiner_2=s.extra["maths_2"])
    with pytest.raises(InvariantViolation) as closed:
        register_candidate(s.secretary, exam, enrolment, period=s.semester1)
    assert closed.value.code == "not_amanat"

    candidate = register_candidate(s.secretary, exam, enrolment, period=s.semester2)
    record_examiner_marks(s.teacher, candidate, [7, 7])
    record_examiner_marks(s.extra["maths_2"], candidate, [8, 8])
    finalise_exam(s.extra["teacher_5"], candidate)
    post_results(s.director, session, on=date(2026, 8, 13))
    assert enter_exam_result(s.secretary, candidate, on=date(2026, 8, 13)) == []
    semester_2 = db.session.scalar(sa.select(PeriodAverage).where(
        PeriodAverage.enrolment_id == enrolment.id, PeriodAverage.period_id == s.semester2.id))
    # The exam average 7.50 is the semester average, a whole mark rounded in the student's favour.
    assert (semester_2.value, semester_2.inputs["exam_average"]) == (8, "7.50")
    assert close_annual_average(s.teacher, enrolment, s.maths).value == Decimal("7.50")


def test_a_difference_exam_only_at_a_subject_the_class_studies(world):
    s = world
    informatics = _save(Subject(school_id=s.school.id, name="Informatică și TIC", short_name="TIC"))
    session = create_exam_session(s.director, s.year, kind="diferenta", name="Diferențe 2026",
                                  starts_on=date(2026, 2, 2), ends_on=date(2026, 2, 6), president=s.director)
    exam = add_exam_subject(s.director, session, informatics, examiner_1=s.extra["teacher_3"],
                            examiner_2=s.extra["teacher_4"])
    with pytest.raises(InvariantViolation) as refused:
        register_candidate(s.secretary, exam, s.enrolment, period=s.semester1)
    assert refused.value.code == "subject_not_in_class"
    assert count(ExamCandidate) == 0


# --- contestation of a written mark (W-26) ------------------------------------------------------------


@pytest.fixture
def contest(school):
    """Two teachers who do not teach class a V-a A, to re-evaluate."""
    school.extra["re_1"] = make_user(school.school, policy.TEACHER, first_name="Oana", last_name="Matei")
    school.extra["re_2"] = make_user(school.school, policy.TEACHER, first_name="Paul", last_name="Enache")
    return school


def _written_mark(s, value: int, instrument: str = "written") -> Mark:
    return record_mark(s.teacher, s.enrolment, s.maths, given_on=date(2026, 3, 10), value=value, instrument=instrument)


def _file(s, mark: Mark, reference: str = "1234/12.03.2026", **overrides) -> Contestation:
    values = {"reference": reference, "filed_on": date(2026, 3, 12), "filed_by": "Ionescu Maria (mama)",
              "re_evaluator_1": s.extra["re_1"], "re_evaluator_2": s.extra["re_2"]} | overrides
    return file_contestation(s.director, mark, **values)


def test_w26a_an_accepted_contestation_changes_the_mark_with_its_reference_as_the_reason(contest):
    s = contest
    mark = _written_mark(s, 5)
    contestation = _file(s, mark)
    record_re_evaluation(s.director, contestation, re_mark_1=6, re_mark_2=6)
    assert contestation.re_evaluation == Decimal("6.00")
    decide_contestation(s.director, contestation)
    assert (contestation.accepted, contestation.new_mark, contestation.decided_by_id) == (True, 6, s.director.id)
    assert db.session.get(Mark, mark.id).value == 6

    history = versions_of(Mark, mark.id)
    assert [v.value for v in history] == [5, 6]
    assert history[-1].transaction.user_id == s.director.id
    assert history[-1].transaction.reason == "Contestație admisă nr. 1234/12.03.2026"
    assert history[-1].kind == "regular"


def test_w26b_a_rejected_contestation_leaves_the_mark(contest):
    s = contest
    mark = _written_mark(s, 7)
    contestation = _file(s, mark)
    record_re_evaluation(s.director, contestation, re_mark_1=6, re_mark_2=7)
    with pytest.raises(InvariantViolation) as no_new_mark:
        decide_contestation(s.director, contestation, new_mark=6)
    assert no_new_mark.value.code == "contestation_rejected"
    decide_contestation(s.director, contestation)
    assert (contestation.accepted, contestation.new_mark) == (False, None)
    assert db.session.get(Mark, mark.id).value == 7
    assert len(versions_of(Mark, mark.id)) == 1
    with pytest.raises(InvariantViolation) as final:
        decide_contestation(s.director, contestation)
    assert final.value.code == "contestation_decided"


def test_the_director_chooses_the_new_mark_only_around_the_re_evaluation(contest):
    s = contest
    mark = _written_mark(s, 4)
    contestation = _file(s, mark)
    record_re_evaluation(s.director, contestation, re_mark_1=Decimal("6.50"), re_mark_2=6)  # 6.25
    with pytest.raises(InvariantViolation) as too_far:
        decide_contestation(s.director, contestation, new_mark=8)
    assert too_far.value.code == "new_mark_invalid"
    decide_contestation(s.director, contestation, new_mark=7)
    assert db.session.get(Mark, mark.id).value == 7


@pytest.mark.parametrize("instrument", ["oral", "practical"])
def test_w26d_an_oral_or_practical_mark_cannot_be_contested(contest, instrument):
    s = contest
    mark = _written_mark(s, 5, instrument=instrument)
    with pytest.raises(InvariantViolation) as refused:
        _file(s, mark)
    assert refused.value.code == "not_a_written_mark"
    assert "orale" in refused.value.message_ro
    assert count(Contestation) == 0


def test_a_re_evaluator_who_teaches_the_class_is_refused(contest):
    s = contest
    mark = _written_mark(s, 5)
    for evaluator in (s.other_teacher, s.teacher):  # Romanian in the class; the mark's own teacher
        with pytest.raises(InvariantViolation) as refused:
            _file(s, mark, re_evaluator_2=evaluator)
        assert refused.value.code == "re_evaluator_teaches_class"
    with pytest.raises(InvariantViolation) as same:
        _file(s, mark, re_evaluator_2=s.extra["re_1"])
    assert same.value.code == "two_re_evaluators"
    assert count(Contestation) == 0


def test_an_administrator_cannot_decide_a_contestation(contest):
    s = contest
    mark = _written_mark(s, 5)
    contestation = _file(s, mark)
    record_re_evaluation(s.director, contestation, re_mark_1=6, re_mark_2=6)
    admin_director = make_user(s.school, policy.ADMINISTRATOR, policy.DIRECTOR, first_name="Costel")
    for actor in (s.administrator, admin_director):
        with pytest.raises(PermissionDenied) as refused:
            decide_contestation(actor, contestation)
        assert refused.value.code == "administrator_cannot_write_catalog"
    for actor in (s.teacher, s.secretary):
        with pytest.raises(PermissionDenied):
            decide_contestation(actor, contestation)
    db.session.refresh(contestation)
    assert contestation.accepted is None
    assert db.session.get(Mark, mark.id).value == 5
