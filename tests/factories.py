"""Factories with sensible defaults: `make_*(**overrides)` and `build_school()`."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from schema.cnp import make_cnp
from schema.db import audit_context
from schema.models import (
    CurriculumEntry,
    CurriculumThesis,
    Enrolment,
    GradeLevel,
    LearningPeriod,
    Role,
    School,
    SchoolClass,
    SchoolYear,
    Student,
    Subject,
    TeachingAssignment,
    User,
    db,
)
from security import policy
from security.roles import sync_roles


def _save(obj: Any) -> Any:
    with audit_context(reason="test fixture"):
        db.session.add(obj)
        db.session.commit()
    return obj


def make_school(**overrides: Any) -> School:
    values = {"name": "Școala Gimnazială „Mihai Eminescu”", "siiir_code": uuid.uuid4().hex[:10], "county": "Iași", "locality": "Iași"}
    return _save(School(**(values | overrides)))


def make_user(school: School, *roles: str, **overrides: Any) -> User:
    if not db.session.query(Role).count():
        sync_roles()
    role_objects = [db.session.query(Role).filter_by(name=name).one() for name in roles]
    values = {
        "school_id": school.id,
        "email": f"{uuid.uuid4().hex[:8]}@scoala.test",
        "first_name": "Ana",
        "last_name": "Popescu",
        "active": True,
        "fs_uniquifier": uuid.uuid4().hex,
        "roles": role_objects,
    }
    return _save(User(**(values | overrides)))


#: CNP serials 001–998, reused in turn (tables are emptied after each test).
_serial = itertools.cycle(range(1, 999))


def make_student(school: School, **overrides: Any) -> Student:
    birth = overrides.pop("birth_date", date(2014, 3, 15))
    sex = overrides.pop("sex", "F")
    cnp = overrides.pop("cnp", None) or make_cnp(birth, sex, "22", next(_serial))
    values = {"school_id": school.id, "cnp": cnp, "birth_date": birth, "sex": sex, "last_name": "Ionescu", "first_name": "Ștefania"}
    return _save(Student(**(values | overrides)))


@dataclass
class SchoolFixture:
    """A school year 2025-2026 with two semesters, class a V-a A and its people."""

    school: School
    year: SchoolYear
    semester1: LearningPeriod
    semester2: LearningPeriod
    grade: GradeLevel
    school_class: SchoolClass
    other_class: SchoolClass
    maths: CurriculumEntry
    romanian: CurriculumEntry
    physics: Subject
    teacher: User
    other_teacher: User
    class_master: User
    administrator: User
    director: User
    secretary: User
    student: Student
    enrolment: Enrolment
    extra: dict = field(default_factory=dict)


def build_school() -> SchoolFixture:
    school = make_school()
    year = _save(SchoolYear(school_id=school.id, name="2025-2026", starts_on=date(2025, 9, 1), ends_on=date(2026, 8, 31),
                            period_kind="semester", ruleset="rofuip2016"))
    semester1 = _save(LearningPeriod(school_id=school.id, year_id=year.id, ordinal=1, name="Semestrul I",
                                     starts_on=date(2025, 9, 8), ends_on=date(2026, 1, 30), teaching_weeks=18))
    semester2 = _save(LearningPeriod(school_id=school.id, year_id=year.id, ordinal=2, name="Semestrul al II-lea",
                                     starts_on=date(2026, 2, 9), ends_on=date(2026, 6, 19), teaching_weeks=16))
    grade = _save(GradeLevel(school_id=school.id, code=5, name="a V-a", education_level="gimnazial", evaluation_scale="marks"))
    teacher = make_user(school, policy.TEACHER, first_name="Ion", last_name="Vasilescu")
    other_teacher = make_user(school, policy.TEACHER, first_name="Maria", last_name="Dumitrescu")
    class_master = make_user(school, policy.TEACHER, first_name="Elena", last_name="Stănescu")
    administrator = make_user(school, policy.ADMINISTRATOR, first_name="Radu", last_name="Georgescu")
    director = make_user(school, policy.DIRECTOR, first_name="Doina", last_name="Țurcanu")
    secretary = make_user(school, policy.SECRETARY, first_name="Irina", last_name="Moldovan")
    school_class = _save(SchoolClass(school_id=school.id, year_id=year.id, grade_level_id=grade.id, name="a V-a A",
                                     class_master_id=class_master.id))
    other_class = _save(SchoolClass(school_id=school.id, year_id=year.id, grade_level_id=grade.id, name="a V-a B"))
    maths_subject = _save(Subject(school_id=school.id, name="Matematică", short_name="MAT"))
    romanian_subject = _save(Subject(school_id=school.id, name="Limba și literatura română", short_name="ROM"))
    physics = _save(Subject(school_id=school.id, name="Fizică", short_name="FIZ"))
    maths = _save(CurriculumEntry(school_id=school.id, class_id=school_class.id, subject_id=maths_subject.id, weekly_hours=4))
    romanian = _save(CurriculumEntry(school_id=school.id, class_id=school_class.id, subject_id=romanian_subject.id, weekly_hours=5))
    _save(CurriculumEntry(school_id=school.id, class_id=other_class.id, subject_id=physics.id, weekly_hours=1))
    _save(CurriculumThesis(school_id=school.id, curriculum_entry_id=maths.id, period_id=semester1.id))
    _save(TeachingAssignment(school_id=school.id, curriculum_entry_id=maths.id, teacher_id=teacher.id))
    _save(TeachingAssignment(school_id=school.id, curriculum_entry_id=romanian.id, teacher_id=other_teacher.id))
    student = make_student(school)
    enrolment = _save(Enrolment(school_id=school.id, student_id=student.id, year_id=year.id, class_id=school_class.id,
                                starts_on=date(2025, 9, 8)))
    return SchoolFixture(school, year, semester1, semester2, grade, school_class, other_class, maths, romanian, physics,
                         teacher, other_teacher, class_master, administrator, director, secretary, student, enrolment)
