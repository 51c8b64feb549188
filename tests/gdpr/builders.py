"""A demo-like student and a classmate, each with a row in every table about a student, written
through the operations with the right actors (factories only where no operation exists)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa

from schema import rules
from schema.models import (
    CurriculumEntry,
    Enrolment,
    Exemption,
    Guardian,
    Mark,
    PeriodAverage,
    Student,
    StudentGuardian,
    Subject,
    TeachingAssignment,
    User,
    db,
)
from schema.operations.absence_notices import send_absence_notice
from schema.operations.absences import excuse_absences, record_absence
from schema.operations.closing import close_annual_average, close_period_average, close_year_result, set_behaviour_mark
from schema.operations.contestations import file_contestation
from schema.operations.exams import add_exam_subject, create_exam_session, register_candidate
from schema.operations.gdpr import file_rectification_request
from schema.operations.marks import record_mark
from schema.operations.motivation_requests import decide_motivation_request, request_motivation_approval
from schema.operations.remarks import record_remark
from schema.operations.reopening import request_reopen
from security import policy
from security.auth import log_personal_data_access
from tests.factories import _save, make_student, make_user


@dataclass
class Person:
    """A student with their enrolment and their parent (account + guardian record)."""

    student: Student
    enrolment: Enrolment
    parent: User
    guardian: Guardian


def make_parent(school, student: Student, *, first_name: str, last_name: str, phone: str, email: str) -> tuple[User, Guardian]:
    user = make_user(school.school, policy.PARENT, first_name=first_name, last_name=last_name, email=email)
    guardian = _save(Guardian(school_id=school.school.id, last_name=last_name, first_name=first_name, phone=phone,
                              email=email, address="Str. Florilor 3, Iași", user_id=user.id))
    _save(StudentGuardian(school_id=school.school.id, student_id=student.id, guardian_id=guardian.id, kind="mama",
                          is_primary_contact=True))
    return user, guardian


def _extras(school) -> dict:
    """Religion in the class (for an opt-out), a second maths examiner, a corigență session."""
    if "religion" in school.extra:
        return school.extra
    subject = _save(Subject(school_id=school.school.id, name="Religie", short_name="REL", is_religion=True))
    school.extra["religion"] = _save(CurriculumEntry(school_id=school.school.id, class_id=school.school_class.id,
                                                     subject_id=subject.id, weekly_hours=1))
    _save(TeachingAssignment(school_id=school.school.id, curriculum_entry_id=school.extra["religion"].id,
                             teacher_id=school.other_teacher.id))
    school.extra["examiner"] = make_user(school.school, policy.TEACHER, first_name="Andrei", last_name="Rusu")
    school.extra["re_evaluator"] = make_user(school.school, policy.TEACHER, first_name="Lucia", last_name="Munteanu")
    return school.extra


def give_catalog(school, enrolment: Enrolment, *, parent: User) -> None:
    """Marks, a teză, closed averages, absences with a motivation, an approved parent request, a
    written absence notice, a remark,
    behaviour, the year result (corigent at maths), an exemption, an exam candidacy, a
    contestation, a reopening request, a personal-data access and a rectification request."""
    extra = _extras(school)
    student = db.session.get(Student, enrolment.student_id)
    _save(Exemption(school_id=school.school.id, enrolment_id=enrolment.id, class_id=enrolment.class_id,
                    curriculum_entry_id=extra["religion"].id, kind="religion_opt_out", effective_on=date(2025, 9, 15)))
    record_absence(school.teacher, enrolment, school.maths, occurred_on=date(2025, 11, 3), lesson_hour=2)
    record_absence(school.other_teacher, enrolment, school.romanian, occurred_on=date(2025, 11, 5), lesson_hour=4)
    excuse_absences(school.class_master, enrolment, kind="medical", document_number="77", document_date=date(2025, 11, 5),
                    covers_from=date(2025, 11, 5), covers_to=date(2025, 11, 5), returned_on=date(2025, 11, 6),
                    presented_on=date(2025, 11, 7))
    motivation_request = request_motivation_approval(
        school.class_master, enrolment, kind="parent_request", covers_from=date(2025, 11, 3), covers_to=date(2025, 11, 3),
        hours=1, document_number="12", document_date=date(2025, 11, 4))
    decide_motivation_request(school.director, motivation_request, approve=True)
    # The written notice for unexcused absences (the school's threshold lowered to the one left).
    school.school.absence_notice_threshold = 1
    db.session.commit()
    send_absence_notice(school.class_master, enrolment, school.semester1, notes="Nr. 501")
    record_remark(school.teacher, enrolment, kind="positive", remarked_on=date(2025, 11, 10),
                  text="A rezolvat la tablă o problemă grea.", curriculum_entry=school.maths)
    for entry, teacher, values in ((school.maths, school.teacher, (4, 5)), (school.romanian, school.other_teacher, (8, 8))):
        for period, value in zip((school.semester1, school.semester2), values, strict=True):
            for week in range(rules.min_marks(entry.weekly_hours)):
                record_mark(teacher, enrolment, entry, given_on=period.starts_on + timedelta(days=7 * week + 1), value=value,
                            instrument="written" if week == 0 else "oral")
            if entry.has_thesis_in(period.id):
                record_mark(teacher, enrolment, entry, given_on=period.starts_on + timedelta(days=60), value=value,
                            kind="thesis")
            close_period_average(teacher, enrolment, entry, period)
        close_annual_average(teacher, enrolment, entry)
    for period in (school.semester1, school.semester2):
        set_behaviour_mark(school.class_master, enrolment, period)
    close_year_result(school.class_master, enrolment)

    session = extra.get("session")
    if session is None:
        session = create_exam_session(school.director, school.year, kind="corigenta", name="Corigențe august 2026",
                                      starts_on=date(2026, 8, 17), ends_on=date(2026, 8, 21), president=school.director)
        extra["exam_subject"] = add_exam_subject(school.director, session, school.maths.subject, examiner_1=school.teacher,
                                                 examiner_2=extra["examiner"])
        extra["session"] = session
    register_candidate(school.secretary, extra["exam_subject"], enrolment)

    mark = db.session.scalars(sa.select(Mark).where(Mark.enrolment_id == enrolment.id, Mark.curriculum_entry_id
                                                    == school.romanian.id).order_by(Mark.id)).first()
    file_contestation(school.director, mark, reference=f"C-{enrolment.id}", filed_on=mark.given_on + timedelta(days=1),
                      filed_by=f"{parent.last_name} {parent.first_name}", re_evaluator_1=extra["re_evaluator"],
                      re_evaluator_2=extra["examiner"])
    average = db.session.scalars(sa.select(PeriodAverage).where(PeriodAverage.enrolment_id == enrolment.id,
                                                                PeriodAverage.curriculum_entry_id == school.romanian.id)
                                 .order_by(PeriodAverage.id)).first()
    request_reopen(school.other_teacher, average, reason="Notă trecută greșit")
    log_personal_data_access(school.secretary, student, "fișa elevului")
    file_rectification_request(parent, student, field="Adresa", description="Strada s-a schimbat în Str. Teiului 5.")


def two_students(school) -> tuple[Person, Person]:
    """The fixture's student (Ionescu Ștefania) and a classmate (Zamfirescu Teodora), each with
    a parent and the whole catalog."""
    own_parent, own_guardian = make_parent(school, school.student, first_name="Mihaela", last_name="Ionescu",
                                           phone="0722111222", email="mihaela.ionescu@example.ro")
    classmate = make_student(school.school, last_name="Zamfirescu", first_name="Teodora", birth_date=date(2014, 6, 9))
    classmate_enrolment = _save(Enrolment(school_id=school.school.id, student_id=classmate.id, year_id=school.year.id,
                                          class_id=school.school_class.id, starts_on=date(2025, 9, 8)))
    other_parent, other_guardian = make_parent(school, classmate, first_name="Valentina", last_name="Zamfirescu",
                                               phone="0733999888", email="valentina.zamfirescu@example.ro")
    give_catalog(school, school.enrolment, parent=own_parent)
    give_catalog(school, classmate_enrolment, parent=other_parent)
    return (Person(school.student, school.enrolment, own_parent, own_guardian),
            Person(classmate, classmate_enrolment, other_parent, other_guardian))
