"""Builds the demo school: one closed past year (rofuip2016, two semesters, theses, closed
averages and year results) and the current year in progress (rofuip2022, five modules).

Deterministic for a given seed. Structure rows are written directly (the administrator's job);
every catalog row (marks, absences, motivations, averages, behaviour, year results) goes through
the operations, acting as the entitled teacher or class master, so the demo's history looks like
a real school's.
"""

from __future__ import annotations

import math
import random
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from flask_security import hash_password

from portal.demo import data
from schema.cnp import make_cnp
from schema.db import audit_context
from schema.errors import InvariantViolation
from schema.models import (
    CurriculumEntry,
    CurriculumThesis,
    Enrolment,
    Exemption,
    GradeLevel,
    Guardian,
    LearningPeriod,
    Role,
    School,
    SchoolClass,
    SchoolYear,
    Student,
    StudentGuardian,
    Subject,
    TeachingAssignment,
    User,
    db,
)
from schema.operations.absences import excuse_absences, record_absence
from schema.operations.motivation_requests import decide_motivation_request, request_motivation_approval
from schema.operations.base import batch
from schema.operations.closing import (
    close_annual_average,
    close_period_average,
    close_year_result,
    set_behaviour_mark,
)
from schema.operations.marks import record_mark
from security import policy
from security.roles import sync_roles

#: "Today" for the demo: the current year has data up to the day before.
DEMO_TODAY = date(2026, 11, 21)
CURRENT_GRADES = (1, 3, 5, 6, 7, 8, 9, 10, 11, 12)
STRUCTURE_REASON = "Date demonstrative: structura școlii"
COUNTY = "27"  # Neamț
EMAIL_DOMAIN = "liceul-demo.ro"


class DemoSeedError(RuntimeError):
    """The demo school cannot be built (for example, the database is not empty)."""


@dataclass
class SeedSummary:
    counts: dict[str, int] = field(default_factory=dict)
    accounts: list[tuple[str, str, str]] = field(default_factory=list)
    seconds: float = 0.0

    def report(self) -> str:
        lines = [f"Școala demonstrativă a fost creată în {self.seconds:.1f} s."]
        lines += [f"  {name}: {count}" for name, count in self.counts.items()]
        lines.append("")
        lines.append("Conturi demonstrative (rol, e-mail, parolă):")
        lines += [f"  {role:<22} {email:<34} {password}" for role, email, password in self.accounts]
        return "\n".join(lines)


def database_is_empty() -> bool:
    return db.session.scalar(sa.select(sa.func.count(School.id))) == 0


def _weekdays(start: date, end: date) -> list[date]:
    days = []
    day = start
    while day <= end:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


class DemoSchoolBuilder:
    """Holds the random generator and what has been built so far."""

    def __init__(self, students: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.target_students = students
        self.classes_per_grade = max(1, round(students / (len(CURRENT_GRADES) * 30)))
        self.class_size = max(2, round(students / (len(CURRENT_GRADES) * self.classes_per_grade)))
        self.summary = SeedSummary()
        self.cnp_serial: dict[tuple[date, str], int] = defaultdict(int)
        self.ability: dict[int, float] = {}  # student id -> typical mark
        self.teachers_by_subject: dict[str, list[User]] = {}
        self.school: School
        self.subjects: dict[str, Subject] = {}
        self.grade_levels: dict[int, GradeLevel] = {}
        self.lessons_missed: set[tuple[int, date, int]] = set()
        #: (enrolment, curriculum entry, period) with a PE medical exemption: no marks, no average.
        self.exempt: set[tuple[int, int, int]] = set()

    # --- structure -------------------------------------------------------------------------
    def _add(self, obj: object) -> object:
        db.session.add(obj)
        return obj

    def build_structure(self) -> None:
        with audit_context(reason=STRUCTURE_REASON):
            sync_roles()
        with audit_context(reason=STRUCTURE_REASON):
            self.school = self._add(School(
                name="Liceul Teoretic „Ion Creangă”", siiir_code="2761101234", county="Neamț",
                locality="Târgu Neamț", address="Str. Ștefan cel Mare nr. 12", phone="0233 790 123",
                email=f"secretariat@{EMAIL_DOMAIN}",
            ))
            db.session.flush()
            for code, name in data.GRADE_NAMES.items():
                scale = "descriptive" if code == 0 else "calificative" if code <= 4 else "marks"
                level = "primar" if code <= 4 else "gimnazial" if code <= 8 else "liceal"
                self.grade_levels[code] = self._add(GradeLevel(
                    school_id=self.school.id, code=code, name=f"Clasa {name}", education_level=level,
                    evaluation_scale=scale, is_compulsory=code <= 10,
                ))
            for name, (short, _hours, flags) in data.SUBJECTS.items():
                self.subjects[name] = self._add(Subject(school_id=self.school.id, name=name, short_name=short, **flags))
            db.session.commit()

    def _person_name(self, sex: str) -> tuple[str, str]:
        first = self.rng.choice(data.FIRST_NAMES_M if sex == "M" else data.FIRST_NAMES_F)
        return self.rng.choice(data.LAST_NAMES), first

    def _user(self, role_names: list[str], first: str, last: str, email: str, password: str | None = None) -> User:
        roles = [db.session.scalar(sa.select(Role).where(Role.name == name)) for name in role_names]
        user = User(
            school_id=self.school.id, email=email, first_name=first, last_name=last, active=True,
            fs_uniquifier=uuid.UUID(int=self.rng.getrandbits(128)).hex, roles=roles,
            password=hash_password(password) if password else None,
        )
        db.session.add(user)
        return user

    def _password(self, word: str) -> str:
        return f"{word}-{self.rng.randint(1000, 9999)}Ro"

    def build_staff(self) -> None:
        """Teachers per subject by the hours to cover, plus one account for each other role."""
        hours_per_subject: dict[str, int] = defaultdict(int)
        for name, (_short, hours, _flags) in data.SUBJECTS.items():
            for grade in CURRENT_GRADES:
                if grade >= 5:
                    hours_per_subject[name] += hours.get(grade, 0) * self.classes_per_grade
        with audit_context(reason=STRUCTURE_REASON):
            counter = 0
            for subject, hours in hours_per_subject.items():
                if hours == 0:
                    continue
                teachers = []
                for _ in range(max(1, math.ceil(hours / 18))):
                    counter += 1
                    sex = self.rng.choice("MF")
                    last, first = self._person_name(sex)
                    teachers.append(self._user([policy.TEACHER], first, last, f"profesor{counter}@{EMAIL_DOMAIN}"))
                self.teachers_by_subject[subject] = teachers
            primary_teachers = []
            for index in range(2 * 2 * self.classes_per_grade):  # grades I–IV, this year and last
                sex = "F" if index % 4 else "M"
                last, first = self._person_name(sex)
                primary_teachers.append(self._user([policy.TEACHER], first, last, f"invatator{index + 1}@{EMAIL_DOMAIN}"))
            self.primary_teachers = primary_teachers
            db.session.flush()

            accounts = [
                (policy.ADMINISTRATOR, "administrator", "Radu", "Georgescu"),
                (policy.DIRECTOR, "director", "Doina", "Țurcanu"),
                (policy.DEPUTY_DIRECTOR, "director.adjunct", "Sorin", "Vlădescu"),
                (policy.SECRETARY, "secretariat", "Irina", "Moldovan"),
                (policy.AUDITOR, "auditor", "Camelia", "Dumbravă"),
                (policy.STATISTICS_VIEWER, "statistici", "Paul", "Lupașcu"),
            ]
            for role, local, first, last in accounts:
                password = self._password("Demo")
                self._user([role], first, last, f"{local}@{EMAIL_DOMAIN}", password)
                self.summary.accounts.append((policy.ROLE_DESCRIPTIONS[role], f"{local}@{EMAIL_DOMAIN}", password))
            db.session.commit()

    def build_year(self, name: str, starts: date, ends: date, ruleset: str, kind: str,
                   periods: list[tuple[str, date, date, int]]) -> SchoolYear:
        with audit_context(reason=STRUCTURE_REASON):
            year = self._add(SchoolYear(school_id=self.school.id, name=name, starts_on=starts, ends_on=ends,
                                        period_kind=kind, ruleset=ruleset))
            db.session.flush()
            for ordinal, (period_name, start, end, weeks) in enumerate(periods, start=1):
                self._add(LearningPeriod(school_id=self.school.id, year_id=year.id, ordinal=ordinal, name=period_name,
                                         starts_on=start, ends_on=end, teaching_weeks=weeks))
            db.session.commit()
        return year

    def build_classes(self, year: SchoolYear, grades: list[int], with_theses: bool,
                      class_masters: dict[tuple[int, str], User]) -> list[SchoolClass]:
        """Classes, their curriculum (and theses), and teaching assignments."""
        classes = []
        load: dict[int, int] = defaultdict(int)
        with audit_context(reason=STRUCTURE_REASON):
            for grade in grades:
                for letter in "ABCDEFGHIJ"[: self.classes_per_grade]:
                    master = class_masters[(grade, letter)]
                    school_class = self._add(SchoolClass(
                        school_id=self.school.id, year_id=year.id, grade_level_id=self.grade_levels[grade].id,
                        name=f"{data.GRADE_NAMES[grade]} {letter}", class_master_id=master.id,
                        is_pedagogical=False,
                    ))
                    db.session.flush()
                    classes.append(school_class)
                    for subject_name, (_short, hours, _flags) in data.SUBJECTS.items():
                        if grade not in hours:
                            continue
                        entry = self._add(CurriculumEntry(school_id=self.school.id, class_id=school_class.id,
                                                          subject_id=self.subjects[subject_name].id,
                                                          weekly_hours=hours[grade]))
                        db.session.flush()
                        if with_theses and grade in data.THESIS_SUBJECTS.get(subject_name, ()):
                            for period in year.periods:
                                self._add(CurriculumThesis(school_id=self.school.id, curriculum_entry_id=entry.id,
                                                           period_id=period.id))
                        teacher = self._teacher_for(grade, subject_name, master, load)
                        self._add(TeachingAssignment(school_id=self.school.id, curriculum_entry_id=entry.id,
                                                     teacher_id=teacher.id))
            db.session.commit()
        return classes

    def _teacher_for(self, grade: int, subject: str, master: User, load: dict[int, int]) -> User:
        if grade <= 4 and subject not in ("Religie", "Limba engleză"):
            return master  # the învățător teaches the primary class
        pool = self.teachers_by_subject.get(subject) or self.teachers_by_subject["Limba engleză"]
        teacher = min(pool, key=lambda t: load[t.id])
        load[teacher.id] += data.SUBJECTS[subject][1].get(grade, 1)
        return teacher

    def assign_class_masters(self, grades: list[int], offset: int) -> dict[tuple[int, str], User]:
        """Primary classes: their învățător; secondary: a teacher of the school, one class each."""
        masters: dict[tuple[int, str], User] = {}
        secondary_pool = [t for ts in self.teachers_by_subject.values() for t in ts]
        self.rng.shuffle(secondary_pool)
        primary_index = offset
        secondary_index = 0
        for grade in grades:
            for letter in "ABCDEFGHIJ"[: self.classes_per_grade]:
                if grade <= 4:
                    masters[(grade, letter)] = self.primary_teachers[primary_index % len(self.primary_teachers)]
                    primary_index += 1
                else:
                    masters[(grade, letter)] = secondary_pool[secondary_index % len(secondary_pool)]
                    secondary_index += 1
        return masters

    # --- people ----------------------------------------------------------------------------
    def build_students(self, current_classes: list[SchoolClass]) -> list[Student]:
        students = []
        with audit_context(reason="Date demonstrative: înscrierea elevilor"):
            for school_class in current_classes:
                grade = school_class.grade_level.code
                for _ in range(self.class_size):
                    sex = self.rng.choice("MF")
                    last, first = self._person_name(sex)
                    birth = date(2026 - 6 - grade, 1, 1) + timedelta(days=self.rng.randint(0, 364))
                    self.cnp_serial[(birth, sex)] += 1
                    student = self._add(Student(
                        school_id=self.school.id, cnp=make_cnp(birth, sex, COUNTY, self.cnp_serial[(birth, sex)]),
                        last_name=last, first_name=first, father_initial=f"{self.rng.choice('ABCDGIMNPRSTV')}.",
                        sex=sex, birth_date=birth, birth_place="Târgu Neamț",
                        address=f"Str. {self.rng.choice(data.STREETS)} nr. {self.rng.randint(1, 80)}, Târgu Neamț",
                    ))
                    if self.rng.random() < 0.08:
                        student.commuter_arrival_time = time_of_arrival(self.rng)
                    students.append((student, school_class))
            db.session.flush()
            for student, _class in students:
                self.ability[student.id] = min(9.8, max(3.2, self.rng.gauss(7.6, 1.4)))
                mother_last = student.last_name
                for kind, sex in (("mama", "F"), ("tata", "M")):
                    _last, first = self._person_name(sex)
                    guardian = self._add(Guardian(
                        school_id=self.school.id, last_name=mother_last, first_name=first,
                        phone=f"07{self.rng.randint(20, 99)} {self.rng.randint(100, 999)} {self.rng.randint(100, 999)}",
                        email=f"{first.lower()}.{student.id}@exemplu.ro".replace("ș", "s").replace("ț", "t")
                        .replace("ă", "a").replace("â", "a").replace("î", "i"),
                    ))
                    db.session.flush()
                    self._add(StudentGuardian(school_id=self.school.id, student_id=student.id, guardian_id=guardian.id,
                                              kind=kind, is_primary_contact=kind == "mama"))
            db.session.commit()
        self.students_with_classes = students
        return [s for s, _ in students]

    def enrol(self, current_classes: list[SchoolClass], past_classes: list[SchoolClass], secretary: User) -> None:
        """Current enrolments for everyone; last year's for those who were here (not grade I)."""
        from schema.operations.enrolment import enrol_student

        past_by_name = {(c.grade_level.code, c.name.split()[-1]): c for c in past_classes}
        with batch(secretary, "Date demonstrative: înscrieri"):
            for student, school_class in self.students_with_classes:
                enrol_student(secretary, student, school_class, starts_on=school_class.year.periods[0].starts_on)
                grade, letter = school_class.grade_level.code, school_class.name.split()[-1]
                past_class = past_by_name.get((grade - 1, letter))
                if past_class is not None:
                    enrol_student(secretary, student, past_class, starts_on=past_class.year.periods[0].starts_on)

    def build_accounts_for_families(self) -> None:
        """A parent account with two children (siblings), and a student account."""
        first_child, second_child = self.students_with_classes[0][0], self.students_with_classes[-1][0]
        with audit_context(reason="Date demonstrative: conturi părinte și elev"):
            parent_link = db.session.scalar(sa.select(StudentGuardian).where(
                StudentGuardian.student_id == first_child.id, StudentGuardian.kind == "mama"))
            guardian = parent_link.guardian
            second_child.last_name = first_child.last_name
            sibling_link = db.session.scalar(sa.select(StudentGuardian).where(
                StudentGuardian.student_id == second_child.id, StudentGuardian.kind == "mama"))
            sibling_link.guardian_id = guardian.id  # the two children share their mother
            password = self._password("Parinte")
            user = self._user([policy.PARENT], guardian.first_name, guardian.last_name, f"parinte@{EMAIL_DOMAIN}", password)
            db.session.flush()
            guardian.user_id = user.id
            self.summary.accounts.append(("Părinte (2 copii)", f"parinte@{EMAIL_DOMAIN}", password))
            student = self.students_with_classes[len(self.students_with_classes) // 2][0]
            password = self._password("Elev")
            user = self._user([policy.STUDENT], student.first_name, student.last_name, f"elev@{EMAIL_DOMAIN}", password)
            db.session.flush()
            student.user_id = user.id
            self.summary.accounts.append(("Elev", f"elev@{EMAIL_DOMAIN}", password))
            db.session.commit()

    def give_demo_passwords_to_teachers(self, current_classes: list[SchoolClass]) -> None:
        """The demo teacher (subject teacher, not a class master) and the demo class master."""
        masters = {c.class_master_id for c in current_classes}
        maths_teachers = self.teachers_by_subject["Matematică"]
        teacher = next(t for t in maths_teachers if t.id not in masters) if any(
            t.id not in masters for t in maths_teachers) else maths_teachers[0]
        master = next(c.class_master for c in current_classes if c.grade_level.code >= 5)
        with audit_context(reason="Date demonstrative: conturi profesori"):
            for user, label, local in ((teacher, "Profesor", "profesor"), (master, "Diriginte", "diriginte")):
                password = self._password("Prof")
                user.email = f"{local}@{EMAIL_DOMAIN}"
                user.password = hash_password(password)
                self.summary.accounts.append((label, user.email, password))
            db.session.commit()

    # --- catalog ---------------------------------------------------------------------------
    def _mark_value(self, student_id: int) -> int:
        return min(10, max(1, round(self.rng.gauss(self.ability[student_id], 1.2))))

    def _calificativ(self, student_id: int) -> str:
        value = self._mark_value(student_id)
        return "FB" if value >= 9 else "B" if value >= 7 else "S" if value >= 5 else "I"

    def fill_catalog(self, school_class: SchoolClass, periods: list[LearningPeriod], until: date,
                     marks_per_period: callable) -> None:
        """Marks, theses and absences per subject, each recorded by the subject's teacher."""
        enrolments = db.session.scalars(sa.select(Enrolment).where(Enrolment.class_id == school_class.id)).all()
        primary = school_class.grade_level.evaluation_scale == "calificative"
        for entry in school_class.curriculum:
            teacher = entry.assignments[0].teacher
            with batch(teacher, "Date demonstrative: catalog"), db.session.no_autoflush:
                for period in periods:
                    days = _weekdays(period.starts_on, min(period.ends_on, until))
                    if not days:
                        continue
                    count = marks_per_period(entry, period, days)
                    for enrolment in enrolments:
                        if (enrolment.id, entry.id, period.id) in self.exempt:
                            continue
                        if primary:
                            for day in sorted(self.rng.sample(days, min(count, len(days)))):
                                record_mark(teacher, enrolment, entry, given_on=day, period=period, entered_on=day,
                                            calificativ=self._calificativ(enrolment.student_id))
                            continue
                        for day in sorted(self.rng.sample(days, min(count, len(days)))):
                            record_mark(teacher, enrolment, entry, given_on=day, period=period, entered_on=day,
                                        value=self._mark_value(enrolment.student_id),
                                        instrument=self.rng.choice(("oral", "oral", "written", "test", "project")))
                        if entry.has_thesis_in(period.id):
                            thesis_day = days[-10] if len(days) > 10 else days[-1]
                            record_mark(teacher, enrolment, entry, given_on=thesis_day, entered_on=thesis_day,
                                        period=period, value=self._mark_value(enrolment.student_id),
                                        kind="thesis", instrument="written")
                        for _ in range(self._absence_count(enrolment.student_id)):
                            lesson = (enrolment.id, self.rng.choice(days), self.rng.randint(1, 6))
                            if lesson in self.lessons_missed:
                                continue  # drawn twice: one absence per lesson
                            self.lessons_missed.add(lesson)
                            record_absence(teacher, enrolment, entry, occurred_on=lesson[1], period=period,
                                           lesson_hour=lesson[2], entered_on=lesson[1])

    def _absence_count(self, student_id: int) -> int:
        weak = self.ability[student_id] < 6
        return self.rng.choice((0, 0, 0, 0, 0, 0, 1, 1, 2) if not weak else (0, 1, 1, 2, 3))

    def _close_subject(self, teacher: User, enrolments: list[Enrolment], entry: CurriculumEntry,
                       periods: list[LearningPeriod]) -> None:
        with batch(teacher, "Încheierea mediilor"), db.session.no_autoflush:
            for enrolment in enrolments:
                for period in periods:
                    if (enrolment.id, entry.id, period.id) not in self.exempt:
                        close_period_average(teacher, enrolment, entry, period)
            db.session.flush()
            for enrolment in enrolments:
                close_annual_average(teacher, enrolment, entry)

    def excuse_some_absences(self, school_class: SchoolClass, until: date, director: User) -> None:
        """The class master excuses part of the absences with medical notes and parent requests."""
        from schema.models import Absence

        master = school_class.class_master
        enrolments = db.session.scalars(sa.select(Enrolment).where(Enrolment.class_id == school_class.id)).all()
        with batch(master, "Motivare absențe"), db.session.no_autoflush:
            for enrolment in enrolments:
                days = sorted(set(db.session.scalars(sa.select(Absence.occurred_on).where(
                    Absence.enrolment_id == enrolment.id, Absence.state == "unexcused")).all()))
                for day in days:
                    if self.rng.random() < 0.55 and day + timedelta(days=1) < until:
                        returned = day + timedelta(days=1)
                        medical = self.rng.random() < 0.7
                        document = dict(document_number=f"{self.rng.randint(100, 999)}/{day:%d.%m.%Y}",
                                        document_date=day)
                        dates = dict(covers_from=day, covers_to=day, returned_on=returned,
                                     presented_on=min(returned + timedelta(days=self.rng.randint(0, 5)), until))
                        if not medical:
                            hours = db.session.scalar(sa.select(sa.func.count(Absence.id)).where(
                                Absence.enrolment_id == enrolment.id, Absence.occurred_on == day,
                                Absence.state == "unexcused"))
                            try:  # the director approves the parent's request first (Art. 102(5))
                                approval = request_motivation_approval(
                                    master, enrolment, kind="parent_request", covers_from=day, covers_to=day,
                                    hours=hours, **document)
                                decide_motivation_request(director, approval, approve=True)
                                excuse_absences(master, enrolment, kind="parent_request", approval=approval,
                                                **document, **dates)
                                continue
                            except InvariantViolation as refused:
                                if not refused.code.startswith("parent_"):
                                    raise  # over the parent-request limit: a medical note instead
                        excuse_absences(master, enrolment, kind="medical", **document, **dates)

    def close_class(self, school_class: SchoolClass, periods: list[LearningPeriod]) -> None:
        master = school_class.class_master
        enrolments = db.session.scalars(sa.select(Enrolment).where(Enrolment.class_id == school_class.id)).all()
        primary = school_class.grade_level.evaluation_scale == "calificative"
        with batch(master, "Încheierea situației școlare"), db.session.no_autoflush:
            for enrolment in enrolments:
                for period in periods:
                    if primary:
                        set_behaviour_mark(master, enrolment, period, calificativ="FB" if self.rng.random() < 0.9 else "B")
                    else:
                        set_behaviour_mark(master, enrolment, period)
            db.session.flush()
            for enrolment in enrolments:
                close_year_result(master, enrolment)

    def add_exemptions(self, school_class: SchoolClass, semester: LearningPeriod) -> Enrolment | None:
        """A PE medical exemption for semester I in one class (001 Art. 123)."""
        entry = next((e for e in school_class.curriculum if e.subject.is_physical_education), None)
        enrolment = db.session.scalar(sa.select(Enrolment).where(Enrolment.class_id == school_class.id).limit(1))
        if entry is None or enrolment is None:
            return None
        with audit_context(reason="Scutire medicală educație fizică", user_id=entry.assignments[0].teacher_id):
            db.session.add(Exemption(school_id=self.school.id, enrolment_id=enrolment.id, class_id=school_class.id,
                                     curriculum_entry_id=entry.id, kind="pe_medical", period_id=semester.id,
                                     document_number="1473", document_date=semester.starts_on + timedelta(days=3)))
            db.session.commit()
        self.exempt.add((enrolment.id, entry.id, semester.id))
        return enrolment


def time_of_arrival(rng: random.Random):
    from datetime import time as clock

    return clock(8, rng.choice((5, 10, 15, 20)))


def add_demo_messages() -> None:
    """A conversation between the demo class master and the demo parent (issue 8): the parent
    read the first message and answered it (the class master read the answer); the second
    message is still unread, so the parent's menu shows "Mesaje (1)"."""
    from schema.operations.messages import mark_read, reply, send_message

    master = db.session.scalar(sa.select(User).where(User.email == f"diriginte@{EMAIL_DOMAIN}"))
    parent = db.session.scalar(sa.select(User).where(User.email == f"parinte@{EMAIL_DOMAIN}"))
    thread = send_message(
        master, [parent], subject="„Școala altfel”: părinți voluntari",
        body="Bună ziua! Pentru săptămâna „Școala altfel” căutăm câțiva părinți care să ne însoțească la "
             "Cetatea Neamțului. Ne puteți ajuta?",
    )
    mark_read(parent, thread)
    reply(parent, thread, "Bună ziua! Da, vă pot însoți în ziua de joi.")
    mark_read(master, thread)
    reply(master, thread, "Vă mulțumesc! Plecăm joi la ora 9, din fața școlii.")


def add_demo_communication() -> None:
    """For the demo parent's child (issue 8): an unread negative and a positive remark, an
    announcement to the class's families, a school-wide one waiting for the director's approval,
    and two tests next week. Dates follow the clock, so the week is always the coming one."""
    from schema.models import CurriculumEntry, TeachingAssignment
    from schema.operations.announcements import post_announcement
    from schema.operations.remarks import record_remark
    from schema.operations.tests_calendar import announce_test
    from security.access import today
    from security.objects import family_students

    parent = db.session.scalar(sa.select(User).where(User.email == f"parinte@{EMAIL_DOMAIN}"))
    master_account = db.session.scalar(sa.select(User).where(User.email == f"diriginte@{EMAIL_DOMAIN}"))
    secretary = db.session.scalar(sa.select(User).where(User.email == f"secretariat@{EMAIL_DOMAIN}"))
    current = today()
    enrolments = db.session.scalars(
        sa.select(Enrolment).join(SchoolYear, SchoolYear.id == Enrolment.year_id)
        .where(Enrolment.student_id.in_([child.id for child in family_students(parent)]), Enrolment.status == "active",
               SchoolYear.starts_on <= current, SchoolYear.ends_on >= current)
        .order_by(Enrolment.id)
    ).all()
    enrolment = next((e for e in enrolments if e.school_class.class_master_id == master_account.id), enrolments[0])
    school_class = enrolment.school_class
    master = school_class.class_master
    taught = db.session.execute(
        sa.select(CurriculumEntry, TeachingAssignment.teacher_id)
        .join(TeachingAssignment, TeachingAssignment.curriculum_entry_id == CurriculumEntry.id)
        .where(CurriculumEntry.class_id == school_class.id)
        .order_by(CurriculumEntry.id)
    ).all()
    entries = [(entry, db.session.get(User, teacher_id)) for entry, teacher_id in taught]
    first_entry, first_teacher = entries[0]
    second_entry, second_teacher = entries[1]

    record_remark(first_teacher, enrolment, kind="positive", remarked_on=current - timedelta(days=3),
                  curriculum_entry=first_entry,
                  text="A prezentat un proiect foarte bine documentat și i-a ajutat pe colegi. Felicitări!")
    record_remark(master, enrolment, kind="negative", remarked_on=current - timedelta(days=1),
                  text="A părăsit ora a cincea fără învoire. Vă rog să discutați cu el/ea și să mă contactați.")
    post_announcement(master, audience="class", school_class=school_class,
                      title=f"Ședința cu părinții clasei {school_class.name}",
                      body="Vă așteptăm joi, de la ora 18, în sala clasei. Discutăm situația la învățătură "
                           "și excursia de la sfârșitul semestrului.",
                      valid_from=current - timedelta(days=1), valid_to=current + timedelta(days=12))
    post_announcement(secretary, audience="families", requires_approval=True,
                      title="Târgul de Crăciun al școlii",
                      body="Târg cu produse făcute de elevi, deschis publicului; banii strânși merg la "
                           "renovarea bibliotecii.",
                      valid_from=current, valid_to=current + timedelta(days=30))
    next_monday = current + timedelta(days=7 - current.weekday())
    announce_test(first_teacher, first_entry, kind="written", held_on=next_monday + timedelta(days=1),
                  scope="Capitolul 3: recapitulare și exerciții din manual, paginile 40-52.")
    announce_test(second_teacher, second_entry, kind="written", held_on=next_monday + timedelta(days=3),
                  scope="Lecțiile din ultimele două săptămâni.")


def add_demo_absences_to_excuse() -> None:
    """For the demo parent (issue 8): e-mails right away, and unexcused absences of the child in the
    demo class master's class on the day before DEMO_TODAY, so "ask to excuse yesterday's absences"
    works (views/excuse_requests.py). Recorded by the subjects' teachers, on their day."""
    from schema.models import Absence, CurriculumEntry, TeachingAssignment
    from security.objects import family_students

    parent = db.session.scalar(sa.select(User).where(User.email == f"parinte@{EMAIL_DOMAIN}"))
    master = db.session.scalar(sa.select(User).where(User.email == f"diriginte@{EMAIL_DOMAIN}"))
    with audit_context(reason="Date demonstrative: notificări imediate pentru părinte"):
        parent.notification_preference = "immediate"
        db.session.commit()
    yesterday = DEMO_TODAY - timedelta(days=1)
    enrolments = db.session.scalars(
        sa.select(Enrolment).join(SchoolYear, SchoolYear.id == Enrolment.year_id)
        .where(Enrolment.student_id.in_([child.id for child in family_students(parent)]), Enrolment.status == "active",
               SchoolYear.starts_on <= yesterday, SchoolYear.ends_on >= yesterday)
        .order_by(Enrolment.id)
    ).all()
    enrolment = next((e for e in enrolments if e.school_class.class_master_id == master.id), enrolments[0])
    missed = db.session.execute(
        sa.select(Absence.lesson_hour, Absence.state).where(Absence.enrolment_id == enrolment.id,
                                                            Absence.occurred_on == yesterday)
    ).all()
    if any(state == "unexcused" for _, state in missed):
        return
    taken = {hour for hour, _ in missed}
    free_hours = [hour for hour in range(1, 8) if hour not in taken][:2]
    taught = db.session.execute(
        sa.select(CurriculumEntry, TeachingAssignment.teacher_id)
        .join(TeachingAssignment, TeachingAssignment.curriculum_entry_id == CurriculumEntry.id)
        .where(CurriculumEntry.class_id == enrolment.class_id)
        .order_by(CurriculumEntry.weekly_hours.desc(), CurriculumEntry.id)
    ).all()
    for (entry, teacher_id), hour in zip(taught, free_hours):
        record_absence(db.session.get(User, teacher_id), enrolment, entry, occurred_on=yesterday, lesson_hour=hour,
                       entered_on=yesterday)


def _count(model: type) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def seed_demo_school(students: int = 300, seed: int = 2026) -> SeedSummary:
    """Build the whole demo school; refuses a database that already holds a school."""
    if not database_is_empty():
        raise DemoSeedError("Baza de date conține deja o școală; demo seed rulează doar pe o bază goală.")
    started = time.perf_counter()
    builder = DemoSchoolBuilder(students, seed)
    builder.build_structure()
    builder.build_staff()

    past = builder.build_year(
        "2025-2026", date(2025, 9, 1), date(2026, 8, 31), "rofuip2016", "semester",
        [("Semestrul I", date(2025, 9, 8), date(2026, 1, 30), 18), ("Semestrul al II-lea", date(2026, 2, 9), date(2026, 6, 19), 16)],
    )
    current = builder.build_year(
        "2026-2027", date(2026, 9, 1), date(2027, 8, 31), "rofuip2022", "module",
        [
            ("Modulul 1", date(2026, 9, 8), date(2026, 10, 23), 7),
            ("Modulul 2", date(2026, 11, 2), date(2026, 12, 19), 7),
            ("Modulul 3", date(2027, 1, 8), date(2027, 2, 13), 6),
            ("Modulul 4", date(2027, 2, 23), date(2027, 4, 3), 6),
            ("Modulul 5", date(2027, 4, 14), date(2027, 6, 18), 9),
        ],
    )
    past_grades = [g - 1 for g in CURRENT_GRADES if g > 1]
    current_masters = builder.assign_class_masters(list(CURRENT_GRADES), offset=0)
    past_masters = builder.assign_class_masters(past_grades, offset=2 * builder.classes_per_grade)
    past_classes = builder.build_classes(past, past_grades, True, past_masters)
    current_classes = builder.build_classes(current, list(CURRENT_GRADES), False, current_masters)

    secretary = db.session.scalar(sa.select(User).where(User.email == f"secretariat@{EMAIL_DOMAIN}"))
    director = db.session.scalar(sa.select(User).where(User.email == f"director@{EMAIL_DOMAIN}"))
    builder.build_students(current_classes)
    builder.enrol(current_classes, past_classes, secretary)

    from schema import rules

    def past_count(entry: CurriculumEntry, period: LearningPeriod, days: list[date]) -> int:
        return rules.min_marks(entry.weekly_hours) + builder.rng.randint(0, 1)

    def current_count(entry: CurriculumEntry, period: LearningPeriod, days: list[date]) -> int:
        yearly = rules.min_marks_per_year(entry.weekly_hours)
        return max(1, round(yearly * len(days) / 170)) if period.ordinal <= 2 else 0

    for school_class in past_classes:
        if school_class.grade_level.code == 7:
            builder.add_exemptions(school_class, past.periods[0])
        builder.fill_catalog(school_class, list(past.periods), past.ends_on, past_count)
        builder.excuse_some_absences(school_class, past.ends_on, director)
        for entry in school_class.curriculum:
            enrolments = db.session.scalars(sa.select(Enrolment).where(Enrolment.class_id == school_class.id)).all()
            builder._close_subject(entry.assignments[0].teacher, enrolments, entry, list(past.periods))
        builder.close_class(school_class, list(past.periods))
    with audit_context(reason="Închiderea anului școlar 2025-2026", user_id=director.id):
        past.is_closed = True
        db.session.commit()

    yesterday = DEMO_TODAY - timedelta(days=1)
    for school_class in current_classes:
        builder.fill_catalog(school_class, list(current.periods), yesterday, current_count)
        builder.excuse_some_absences(school_class, DEMO_TODAY, director)

    builder.build_accounts_for_families()
    builder.give_demo_passwords_to_teachers(current_classes)
    add_demo_messages()
    add_demo_communication()
    add_demo_absences_to_excuse()
    from portal.demo.evaluation_seed import add_demo_evaluation

    add_demo_evaluation(builder)

    from schema.models import Absence, AnnualAverage, Mark, Motivation, PeriodAverage, YearResult

    summary = builder.summary
    summary.counts = {
        "ani școlari": _count(SchoolYear),
        "clase": _count(SchoolClass),
        "elevi": _count(Student),
        "părinți": _count(Guardian),
        "profesori și personal": _count(User),
        "note": _count(Mark),
        "absențe": _count(Absence),
        "motivări": _count(Motivation),
        "medii semestriale": _count(PeriodAverage),
        "medii anuale": _count(AnnualAverage),
        "situații anuale": _count(YearResult),
    }
    summary.seconds = time.perf_counter() - started
    return summary
