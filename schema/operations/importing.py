"""Importing students, guardians, classes and enrolments from a SIIIR-style list (CSV or XLSX).

Two steps, both reached from the admin screen (views/import_admin.py) and the CLI
(`flask --app wsgi import students FILE`):

- `check_student_file` (the dry run) reads the file and validates every row against the school:
  CNP, names, dates, sex, class, duplicates within the file, students already enrolled in the
  year, guardians' contacts. It writes nothing and returns every row's errors in Romanian.
- `import_students` (the commit) runs the same checks again and, only when there is no error,
  writes everything in ONE audited transaction (`batch`, reason "Import elevi: <file>"):
  classes, students and guardians through the ORM, enrolments through `enrol_student`.
  Any failure rolls back the whole file.

A student whose CNP is already in the school is not created again: the existing record is
enrolled (personal data is not overwritten; rectification goes through the record screen), and
their guardians from the file are added unless already linked. A class that does not exist in
the year is created only when the file has a "Nivel" column (grade level code) and the importing
account may manage the school's structure (administrator); otherwise it is an error.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import joinedload
from email_validator import EmailNotValidError, validate_email

from schema.cnp import birth_date_from_cnp, cnp_problem, sex_from_cnp
from schema.errors import InvariantViolation
from schema.imports import (
    GUARDIAN_SLOTS,
    SourceRow,
    SourceTable,
    column_label,
    guardian_column,
    normalized_name,
    parse_date,
    read_student_file,
)
from schema.models import (
    Enrolment,
    GradeLevel,
    Guardian,
    SchoolClass,
    SchoolYear,
    Student,
    StudentGuardian,
    User,
    db,
)
from schema.operations import enrolment as enrolment_operations
from schema.operations.base import batch
from schema.people import GUARDIAN_KINDS
from security import access, policy

#: Column lengths of the models (longer values are reported, never truncated).
MAX_LENGTHS = {"last_name": 100, "first_name": 100, "father_initial": 5, "birth_place": 100, "address": 300,
               "citizenship": 50, "class_name": 40, "phone": 30, "email": 200}
#: Accepted spellings of the sex column (after normalized_name).
SEX_VALUES = {"m": "M", "masculin": "M", "b": "M", "baiat": "M", "f": "F", "feminin": "F", "fata": "F"}
#: Accepted spellings of a guardian's kind (after normalized_name) → GUARDIAN_KINDS.
KIND_VALUES = {"mama": "mama", "mamă": "mama", "tata": "tata", "tutore": "tutore", "tutora": "tutore",
               "sustinator legal": "susținător legal", "sustinatorul legal": "susținător legal"}
#: Roman numerals of the grade levels (Nivel may be written "V" or "a V-a" as well as 5).
ROMAN_LEVELS = {"p": 0, "pregatitoare": 0, "clasa pregatitoare": 0, "i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5,
                "vi": 6, "vii": 7, "viii": 8, "ix": 9, "x": 10, "xi": 11, "xii": 12, "xiii": 13}
#: Rows per IN (...) list when looking students up by CNP.
LOOKUP_CHUNK = 500


@dataclass(frozen=True)
class RowError:
    """One problem of one row: the spreadsheet row number, the column, a code and the Romanian message."""

    row: int
    column: str
    code: str
    message: str


@dataclass
class GuardianEntry:
    """A guardian as read from one row ("Părinte 1" or "Părinte 2")."""

    slot: int
    last_name: str
    first_name: str
    phone: str | None
    email: str | None
    kind: str
    cnp: str | None

    @property
    def key(self) -> tuple[str, str, str] | None:
        """Two rows name the same guardian when the names and one contact agree; None without a contact."""
        contact = (self.email or "").lower() or re.sub(r"\D", "", self.phone or "")
        if not contact:
            return None
        return normalized_name(self.last_name), normalized_name(self.first_name), contact


@dataclass
class StudentEntry:
    """A validated row: the student, their class and guardians."""

    row: int
    cnp: str
    last_name: str
    first_name: str
    father_initial: str | None
    birth_date: date | None
    sex: str | None
    birth_place: str | None
    address: str | None
    citizenship: str | None
    class_key: str
    existing_student: Student | None = None
    guardians: list[GuardianEntry] = field(default_factory=list)


@dataclass
class NewClass:
    """A class the import would create: its name as first written and its grade level."""

    name: str
    grade_level: GradeLevel
    first_row: int


@dataclass
class ImportReport:
    """The dry run's result: what would be written, and every row's errors."""

    file_name: str
    year: SchoolYear
    rows: int
    entries: list[StudentEntry]
    errors: list[RowError]
    new_classes: dict[str, NewClass]
    ignored_headers: list[str]
    starts_on: date

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def existing_students(self) -> int:
        return sum(1 for entry in self.entries if entry.existing_student is not None)

    @property
    def guardian_count(self) -> int:
        return sum(len(entry.guardians) for entry in self.entries)

    def error_lines(self) -> list[str]:
        """The errors as lines for the CLI: "Rândul 12, CNP: … [cnp_invalid]"."""
        return [f"Rândul {e.row}, {e.column}: {e.message} [{e.code}]" for e in self.errors]


@dataclass
class ImportSummary:
    """What the commit wrote."""

    students_created: int
    students_existing: int
    guardians_created: int
    guardian_links: int
    enrolments: int
    classes_created: int
    transaction_reason: str

    def report(self) -> str:
        return (f"Import reușit: {self.enrolments} elevi înscriși ({self.students_created} noi, "
                f"{self.students_existing} existenți), {self.guardians_created} părinți noi, "
                f"{self.guardian_links} legături elev–părinte, {self.classes_created} clase noi.")


class ImportHasErrors(InvariantViolation):
    """The commit was asked for a file whose dry run has errors; nothing was written."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__(
            "import_has_errors",
            f"Fișierul are {len(report.errors)} erori; corectați-le și verificați din nou. Nu s-a scris nimic.",
            f"The file has {len(report.errors)} errors; nothing was written.",
        )
        self.report = report


def import_reason(file_name: str) -> str:
    """The reason written on the import's transaction: "Import elevi: <file name>"."""
    return f"Import elevi: {display_file_name(file_name)}"


def display_file_name(file_name: str) -> str:
    """The file's own name, without any directory a browser or shell passed along."""
    return os.path.basename(file_name.replace("\\", "/"))[:200] or "fișier fără nume"


def enrolment_start(year: SchoolYear) -> date:
    """Enrolments start on the first day of the year, or today when the year has begun."""
    return max(year.starts_on, access.today())


def _check_year(year: SchoolYear) -> None:
    if year.is_closed:
        raise InvariantViolation("year_closed", f"Anul școlar {year.name} este închis: nu se mai pot înscrie elevi.",
                                 "The school year is closed.")
    if year.ends_on < access.today():
        raise InvariantViolation("year_past", f"Anul școlar {year.name} s-a încheiat: nu se mai pot înscrie elevi.",
                                 "The school year has ended.")


def _may_create_classes(actor: User | None) -> bool:
    return actor is None or policy.has_permission(access.role_names(actor), policy.MANAGE_STRUCTURE)


def _chunks(values: list, size: int) -> Iterable[list]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


class _Lookups:
    """Everything the rows are checked against, read with a fixed number of queries."""

    def __init__(self, school_id: int, year: SchoolYear, cnps: list[str]) -> None:
        self.year_name = year.name
        self.classes = _classes_of_year(year)
        self.grade_levels = {
            g.code: g for g in db.session.scalars(sa.select(GradeLevel).where(GradeLevel.school_id == school_id))
        }
        self.students: dict[str, Student] = {}
        for chunk in _chunks(sorted(set(cnps)), LOOKUP_CHUNK):
            for student in db.session.scalars(sa.select(Student).where(Student.school_id == school_id,
                                                                        Student.cnp.in_(chunk))):
                self.students[student.cnp] = student
        student_ids = [s.id for s in self.students.values()]
        self.enrolled: dict[int, Enrolment] = {}
        self.linked_names: dict[int, set[tuple[str, str]]] = {}
        for chunk in _chunks(student_ids, LOOKUP_CHUNK):
            for enrolment in db.session.scalars(
                sa.select(Enrolment).where(Enrolment.year_id == year.id, Enrolment.status == "active",
                                           Enrolment.student_id.in_(chunk))
                .options(joinedload(Enrolment.school_class))
            ):
                self.enrolled[enrolment.student_id] = enrolment
            for student_id, last_name, first_name in db.session.execute(
                sa.select(StudentGuardian.student_id, Guardian.last_name, Guardian.first_name)
                .join(Guardian, Guardian.id == StudentGuardian.guardian_id)
                .where(StudentGuardian.student_id.in_(chunk))
            ):
                self.linked_names.setdefault(student_id, set()).add(
                    (normalized_name(last_name), normalized_name(first_name)))


class _RowChecker:
    """Validates the rows of one file; collects errors and the new classes."""

    def __init__(self, actor: User | None, table: SourceTable, lookups: _Lookups) -> None:
        self.actor = actor
        self.columns = set(table.columns)
        self.lookups = lookups
        self.errors: list[RowError] = []
        self.new_classes: dict[str, NewClass] = {}
        self.first_row_of_cnp: dict[str, int] = {}
        self.may_create_classes = _may_create_classes(actor)

    def error(self, row: SourceRow, column: str, code: str, message: str) -> None:
        self.errors.append(RowError(row.number, column_label(column), code, message))

    def _text(self, row: SourceRow, column: str, *, required: bool = False) -> str | None:
        value = row.text(column)
        if not value:
            if required:
                self.error(row, column, "missing_field", f"Câmpul „{column_label(column)}” este obligatoriu.")
            return None
        limit = MAX_LENGTHS.get(column.split("_", 1)[1] if column.startswith("guardian") else column)
        if limit is not None and len(value) > limit:
            self.error(row, column, "too_long",
                       f"„{column_label(column)}” are {len(value)} caractere; cel mult {limit} sunt permise.")
            return None
        return value

    def check(self, row: SourceRow) -> StudentEntry | None:
        errors_before = len(self.errors)
        cnp = self._cnp(row)
        last_name = self._text(row, "last_name", required=True)
        first_name = self._text(row, "first_name", required=True)
        father_initial = self._text(row, "father_initial")
        birth_date = self._birth_date(row, cnp)
        sex = self._sex(row, cnp)
        class_key = self._class(row)
        entry = StudentEntry(
            row=row.number, cnp=cnp or "", last_name=last_name or "", first_name=first_name or "",
            father_initial=father_initial, birth_date=birth_date, sex=sex,
            birth_place=self._text(row, "birth_place"), address=self._text(row, "address"),
            citizenship=self._text(row, "citizenship"), class_key=class_key or "",
        )
        if cnp and last_name and first_name:
            self._existing(row, entry)
        entry.guardians = [g for slot in GUARDIAN_SLOTS if (g := self._guardian(row, slot, entry)) is not None]
        if entry.existing_student is not None and entry.existing_student.is_restricted and entry.guardians:
            self.error(row, guardian_column(entry.guardians[0].slot, "last_name"), "student_restricted",
                       "Prelucrarea datelor elevului este restricționată (GDPR): părinții din fișier nu pot fi "
                       "legați de fișa lui. Ștergeți-i din rând sau cereți secretariatului ridicarea restricției.")
        keys = [g.key for g in entry.guardians if g.key is not None]
        if len(keys) != len(set(keys)):
            self.error(row, guardian_column(2, "last_name"), "guardian_repeated",
                       "Părintele 2 este același cu părintele 1 (același nume și aceleași date de contact).")
        return entry if len(self.errors) == errors_before else None

    def _cnp(self, row: SourceRow) -> str | None:
        cnp = row.text("cnp").replace(" ", "")
        if not cnp:
            self.error(row, "cnp", "missing_field", "Câmpul „CNP” este obligatoriu.")
            return None
        problem = cnp_problem(cnp)
        if problem:
            self.error(row, "cnp", "cnp_invalid", f"CNP invalid ({cnp}): {problem}")
            return None
        first = self.first_row_of_cnp.setdefault(cnp, row.number)
        if first != row.number:
            self.error(row, "cnp", "cnp_duplicate", f"CNP-ul {cnp} apare și pe rândul {first}.")
            return None
        return cnp

    def _birth_date(self, row: SourceRow, cnp: str | None) -> date | None:
        encoded = birth_date_from_cnp(cnp) if cnp else None
        if not row.text("birth_date"):
            if cnp and encoded is None:
                self.error(row, "birth_date", "missing_field",
                           "Câmpul „Data nașterii” este obligatoriu când CNP-ul nu o conține.")
            return encoded
        try:
            value = parse_date(row.cells["birth_date"])
        except ValueError:
            self.error(row, "birth_date", "bad_date",
                       f"Data nașterii „{row.text('birth_date')}” nu este o dată validă (zz.ll.aaaa sau aaaa-ll-zz).")
            return None
        if encoded is not None and value != encoded:
            self.error(row, "birth_date", "birth_date_mismatch",
                       f"Data nașterii {value:%d.%m.%Y} nu corespunde CNP-ului ({encoded:%d.%m.%Y}).")
            return None
        if value > access.today():
            self.error(row, "birth_date", "bad_date", f"Data nașterii {value:%d.%m.%Y} este în viitor.")
            return None
        return value

    def _sex(self, row: SourceRow, cnp: str | None) -> str | None:
        encoded = sex_from_cnp(cnp) if cnp and cnp[0] in "12345678" else None
        text = row.text("sex")
        if not text:
            if cnp and encoded is None:
                self.error(row, "sex", "missing_field", "Câmpul „Sex” este obligatoriu când CNP-ul nu îl indică.")
            return encoded
        value = SEX_VALUES.get(normalized_name(text))
        if value is None:
            self.error(row, "sex", "bad_sex", f"Sexul „{text}” nu este recunoscut (M sau F).")
            return None
        if encoded is not None and value != encoded:
            self.error(row, "sex", "sex_mismatch", f"Sexul „{text}” nu corespunde primei cifre a CNP-ului.")
            return None
        return value

    def _grade_code(self, row: SourceRow) -> int | None:
        text = row.text("grade_level")
        if not text:
            return None
        key = normalized_name(text)
        key = re.sub(r"^(clasa )?a (\w+) a$", r"\2", key)  # "a V-a" → "v"
        code = int(key) if key.isdigit() else ROMAN_LEVELS.get(key)
        if code is None or code not in self.lookups.grade_levels:
            self.error(row, "grade_level", "unknown_grade_level",
                       f"Nivelul „{text}” nu există în setările școlii (Niveluri și seturi de reguli).")
            return -1
        return code

    def _class(self, row: SourceRow) -> str | None:
        name = self._text(row, "class_name", required=True)
        code = self._grade_code(row) if "grade_level" in self.columns else None
        if name is None:
            return None
        key = normalized_name(name)
        existing = self.lookups.classes.get(key)
        if existing is not None:
            if code is not None and code >= 0 and existing.grade_level.code != code:
                self.error(row, "grade_level", "grade_level_mismatch",
                           f"Clasa {existing.name} există cu nivelul {existing.grade_level.name}, nu „{row.text('grade_level')}”.")
                return None
            return key
        if code == -1:
            return None
        if code is None:
            hint = (" Adăugați coloana „Nivel” (codul nivelului) pentru a o crea la import."
                    if self.may_create_classes else "")
            self.error(row, "class_name", "unknown_class",
                       f"Clasa „{name}” nu există în anul școlar {self.lookups.year_name}.{hint}")
            return None
        if not self.may_create_classes:
            self.error(row, "class_name", "unknown_class",
                       f"Clasa „{name}” nu există în anul școlar {self.lookups.year_name}; "
                       "doar administratorul poate crea clase la import.")
            return None
        planned = self.new_classes.get(key)
        if planned is None:
            self.new_classes[key] = NewClass(name, self.lookups.grade_levels[code], row.number)
        elif planned.grade_level.code != code:
            self.error(row, "grade_level", "grade_level_conflict",
                       f"Clasa nouă „{name}” are pe rândul {planned.first_row} nivelul {planned.grade_level.name}.")
            return None
        return key

    def _existing(self, row: SourceRow, entry: StudentEntry) -> None:
        student = self.lookups.students.get(entry.cnp)
        if student is None:
            return
        if (normalized_name(student.last_name), normalized_name(student.first_name)) != (
                normalized_name(entry.last_name), normalized_name(entry.first_name)):
            self.error(row, "cnp", "name_mismatch",
                       f"CNP-ul {entry.cnp} aparține elevului {student.last_name} {student.first_name} din "
                       f"evidența școlii, nu lui {entry.last_name} {entry.first_name}.")
            return
        enrolment = self.lookups.enrolled.get(student.id)
        if enrolment is not None:
            self.error(row, "cnp", "already_enrolled",
                       f"{student.full_name} este deja înscris(ă) în clasa {enrolment.school_class.name} "
                       f"în anul școlar {self.lookups.year_name}.")
            return
        entry.existing_student = student

    def _guardian(self, row: SourceRow, slot: int, entry: StudentEntry) -> GuardianEntry | None:
        columns = {name: guardian_column(slot, name) for name in ("last_name", "first_name", "phone", "email",
                                                                  "kind", "cnp")}
        if not any(row.text(column) for column in columns.values()):
            return None
        errors_before = len(self.errors)
        last_name = self._text(row, columns["last_name"], required=True)
        first_name = self._text(row, columns["first_name"], required=True)
        phone = self._phone(row, columns["phone"])
        email = self._email(row, columns["email"])
        cnp = row.text(columns["cnp"]).replace(" ", "") or None
        if cnp and (problem := cnp_problem(cnp)):
            self.error(row, columns["cnp"], "cnp_invalid", f"CNP invalid ({cnp}): {problem}")
            cnp = None
        kind_text = row.text(columns["kind"])
        kind = KIND_VALUES.get(normalized_name(kind_text)) if kind_text else None
        if kind_text and kind is None:
            self.error(row, columns["kind"], "bad_guardian_kind",
                       f"Calitatea „{kind_text}” nu este recunoscută ({', '.join(GUARDIAN_KINDS)}).")
        elif kind is None and cnp:
            kind = "tata" if sex_from_cnp(cnp) == "M" else "mama"
        elif kind is None and len(self.errors) == errors_before:
            self.error(row, columns["kind"], "guardian_kind_missing",
                       f"Completați calitatea părintelui {slot} ({', '.join(GUARDIAN_KINDS)}).")
        if len(self.errors) != errors_before:
            return None
        guardian = GuardianEntry(slot, last_name or "", first_name or "", phone, email, kind or "", cnp)
        if entry.existing_student is not None and (
                (normalized_name(guardian.last_name), normalized_name(guardian.first_name))
                in self.lookups.linked_names.get(entry.existing_student.id, set())):
            return None  # already linked to this student
        return guardian

    def _phone(self, row: SourceRow, column: str) -> str | None:
        value = self._text(row, column)
        if value is None:
            return None
        digits = re.sub(r"\D", "", value)
        if len(digits) == 9 and digits.startswith("7") and not value.startswith("+"):
            value = "0" + value  # a mobile number whose leading 0 a spreadsheet dropped
            digits = "0" + digits
        if not re.fullmatch(r"\+?[0-9 ()./-]+", value) or not 9 <= len(digits) <= 15:
            self.error(row, column, "bad_phone", f"Numărul de telefon „{value}” nu este valid.")
            return None
        return value

    def _email(self, row: SourceRow, column: str) -> str | None:
        value = self._text(row, column)
        if value is None:
            return None
        try:
            return validate_email(value, check_deliverability=False).normalized
        except EmailNotValidError:
            self.error(row, column, "bad_email", f"Adresa de e-mail „{value}” nu este validă.")
            return None


def check_student_file(actor: User | None, year: SchoolYear, data: bytes, file_name: str) -> ImportReport:
    """The dry run: read and validate every row; nothing is written.

    `actor` is the importing account (its school and permissions apply). The CLI may pass None for
    a dry run without an account; the commit always needs one.
    """
    if actor is not None:
        access.require_permission(actor, policy.MANAGE_STUDENTS,
                                  "Doar secretariatul sau administratorul importă elevi.")
        access.require_same_school(actor, year.school_id)
    _check_year(year)
    table = read_student_file(data, file_name)
    _require_guardian_kind_columns(table)
    cnps = [row.text("cnp").replace(" ", "") for row in table.rows]
    lookups = _Lookups(year.school_id, year, [c for c in cnps if c])
    checker = _RowChecker(actor, table, lookups)
    entries = [entry for row in table.rows if (entry := checker.check(row)) is not None]
    return ImportReport(
        file_name=display_file_name(file_name), year=year, rows=len(table.rows), entries=entries,
        errors=checker.errors, new_classes=checker.new_classes, ignored_headers=table.ignored_headers,
        starts_on=enrolment_start(year),
    )


def _require_guardian_kind_columns(table: SourceTable) -> None:
    """A guardian needs a kind (mama, tata...): from "Părinte N calitate", or else from their CNP."""
    for slot in GUARDIAN_SLOTS:
        has_guardian = any(guardian_column(slot, name) in table.columns for name in ("last_name", "first_name"))
        knows_kind = any(guardian_column(slot, name) in table.columns for name in ("kind", "cnp"))
        if has_guardian and not knows_kind:
            raise InvariantViolation(
                "columns_missing",
                f"Lipsește coloana „Părinte {slot} calitate” (mama, tata, tutore, susținător legal) "
                f"sau „Părinte {slot} CNP”, din care se deduce calitatea.",
                "A guardian kind column is missing.",
            )


def import_students(actor: User, year: SchoolYear, data: bytes, file_name: str) -> ImportSummary:
    """The commit: the dry run again, then every row in one audited transaction, or nothing."""
    report = check_student_file(actor, year, data, file_name)
    if not report.ok:
        raise ImportHasErrors(report)
    if report.new_classes:
        access.require_permission(actor, policy.MANAGE_STRUCTURE, "Doar administratorul creează clase.")
    reason = import_reason(file_name)
    school_id = year.school_id
    summary = ImportSummary(0, report.existing_students, 0, 0, 0, len(report.new_classes), reason)
    with batch(actor, reason):
        classes = _classes_of_year(year)
        for key, planned in report.new_classes.items():
            new_class = SchoolClass(school_id=school_id, year_id=year.id, grade_level_id=planned.grade_level.id,
                                    name=planned.name)
            db.session.add(new_class)
            classes[key] = new_class
        guardians: dict[tuple[str, str, str], Guardian] = _existing_guardians(school_id)
        students: list[Student] = []
        for entry in report.entries:
            student = entry.existing_student
            if student is None:
                student = Student(school_id=school_id, cnp=entry.cnp, last_name=entry.last_name,
                                  first_name=entry.first_name, father_initial=entry.father_initial,
                                  sex=entry.sex, birth_date=entry.birth_date, birth_place=entry.birth_place,
                                  address=entry.address, citizenship=entry.citizenship or "română")
                db.session.add(student)
                summary.students_created += 1
            students.append(student)
            for guardian_entry in entry.guardians:
                key = guardian_entry.key
                guardian = guardians.get(key) if key is not None else None
                if guardian is None:
                    guardian = Guardian(school_id=school_id, last_name=guardian_entry.last_name,
                                        first_name=guardian_entry.first_name, phone=guardian_entry.phone,
                                        email=guardian_entry.email, cnp=guardian_entry.cnp)
                    db.session.add(guardian)
                    summary.guardians_created += 1
                    if key is not None:
                        guardians[key] = guardian
                db.session.add(StudentGuardian(school_id=school_id, student=student, guardian=guardian,
                                               kind=guardian_entry.kind,
                                               is_primary_contact=guardian_entry.slot == 1))
                summary.guardian_links += 1
        db.session.flush()
        for entry, student in zip(report.entries, students, strict=True):
            enrolment_operations.enrol_student(actor, student, classes[entry.class_key], starts_on=report.starts_on)
            summary.enrolments += 1
    return summary


def _classes_of_year(year: SchoolYear) -> dict[str, SchoolClass]:
    """The year's classes by normalized name ("a V-a A" and "A V-A a" are the same class)."""
    query = (sa.select(SchoolClass).where(SchoolClass.school_id == year.school_id, SchoolClass.year_id == year.id)
             .options(joinedload(SchoolClass.grade_level)))
    return {normalized_name(school_class.name): school_class for school_class in db.session.scalars(query)}


def _existing_guardians(school_id: int) -> dict[tuple[str, str, str], Guardian]:
    """The school's guardians by (name, first name, e-mail) and by (name, first name, phone digits)."""
    guardians: dict[tuple[str, str, str], Guardian] = {}
    for guardian in db.session.scalars(sa.select(Guardian).where(Guardian.school_id == school_id)):
        for contact in ((guardian.email or "").lower(), re.sub(r"\D", "", guardian.phone or "")):
            if contact:
                guardians.setdefault((normalized_name(guardian.last_name), normalized_name(guardian.first_name),
                                      contact), guardian)
    return guardians


def find_year(school_id: int, name: str) -> SchoolYear:
    """The school year called `name` ("2026-2027") of the school, or a Romanian refusal."""
    year = db.session.scalar(sa.select(SchoolYear).where(SchoolYear.school_id == school_id,
                                                         SchoolYear.name == name.strip()))
    if year is None:
        raise InvariantViolation("year_unknown", f"Anul școlar „{name}” nu există.", "No such school year.")
    return year
