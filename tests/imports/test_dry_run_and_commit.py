"""The import's dry run reports exactly the planted errors; the commit writes everything in one
audited transaction, or nothing (issue 7, "Tests that must exist": Import)."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy_continuum import version_class

from schema.db import versioning_manager
from schema.errors import InvariantViolation, PermissionDenied
from schema.models import Enrolment, GradeLevel, Guardian, SchoolClass, SchoolYear, Student, StudentGuardian, db
from schema.operations import enrolment as enrolment_operations
from schema.operations.importing import ImportHasErrors, check_student_file, import_students
from security import policy
from tests.factories import _save, make_student, make_user
from tests.imports.files import HEADERS, column, csv_bytes, student_rows, xlsx_bytes

#: Data rows start below the title line, a blank line and the header (spreadsheet rows 1–3).
FIRST_DATA_ROW = 4


@pytest.fixture(autouse=True)
def _school_year_started(monkeypatch):
    monkeypatch.setattr("security.access.today", lambda: date(2025, 9, 1))


def _set(rows, row_number, name, value):
    rows[row_number - FIRST_DATA_ROW][column(name)] = value


def _plant_errors(rows, school):
    """20 errors of different kinds, one per row; returns {(row number, code)}."""
    enrolled = school.student
    unenrolled = make_student(school.school, last_name="Vasilache", first_name="Petru", sex="M",
                              birth_date=date(2013, 5, 5))
    cnp_of_10 = str(rows[10 - FIRST_DATA_ROW][column("CNP")])
    planted = {
        (10, "cnp_invalid"): ("CNP", cnp_of_10[:12] + str((int(cnp_of_10[12]) + 1) % 10)),
        (50, "missing_field"): ("Prenume", ""),
        (100, "cnp_duplicate"): ("CNP", rows[99 - FIRST_DATA_ROW][column("CNP")]),
        (150, "unknown_class"): ("Clasa", "a IX-a Z"),
        (200, "already_enrolled"): None,
        (250, "bad_date"): ("Data nașterii", "31.02.2014"),
        (300, "birth_date_mismatch"): ("Data nașterii", "01.01.2012"),
        (350, "sex_mismatch"): ("Sex", "F" if rows[350 - FIRST_DATA_ROW][column("Sex")] == "M" else "M"),
        (400, "bad_sex"): ("Sex", "X"),
        (450, "bad_email"): ("Părinte 1 e-mail", "mama@@exemplu"),
        (500, "bad_phone"): ("Părinte 2 telefon", "12"),
        (550, "name_mismatch"): None,
        (600, "too_long"): ("Inițiala tatălui", "I.G.M.N."),
        (650, "bad_guardian_kind"): ("Părinte 1 calitate", "bunică"),
        (700, "guardian_kind_missing"): ("Părinte 2 calitate", ""),
        (750, "missing_field"): ("Părinte 1 prenume", ""),
        (800, "missing_field"): ("CNP", ""),
        (900, "cnp_invalid"): ("CNP", "5140A15220013"),
        (1000, "bad_date"): ("Data nașterii", "15.13.2013"),
        (1200, "guardian_repeated"): None,
    }
    for (row_number, _code), change in planted.items():
        if change is not None:
            _set(rows, row_number, *change)
    # Row 350's sex must be written for the mismatch to show.
    if rows[350 - FIRST_DATA_ROW][column("Sex")] == "":
        cnp = str(rows[350 - FIRST_DATA_ROW][column("CNP")])
        _set(rows, 350, "Sex", "F" if int(cnp[0]) % 2 else "M")
    for name, value in (("CNP", enrolled.cnp), ("Nume", enrolled.last_name), ("Prenume", enrolled.first_name),
                        ("Data nașterii", enrolled.birth_date.strftime("%d.%m.%Y")), ("Sex", "")):
        _set(rows, 200, name, value)
    for name, value in (("CNP", unenrolled.cnp), ("Nume", "Vasilache"), ("Prenume", "Pavel"),
                        ("Data nașterii", "05.05.2013"), ("Sex", "")):
        _set(rows, 550, name, value)
    for slot_field in ("nume", "prenume", "telefon", "e-mail"):
        _set(rows, 1200, f"Părinte 2 {slot_field}", rows[1200 - FIRST_DATA_ROW][column(f"Părinte 1 {slot_field}")])
    return {key for key in planted}


def _counts(school_id):
    return {model.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(model)
                                              .where(model.school_id == school_id))
            for model in (Student, Guardian, StudentGuardian, Enrolment, SchoolClass)}


def _version_counts():
    return [db.session.scalar(sa.select(sa.func.count()).select_from(version_class(model)))
            for model in (Student, Guardian, StudentGuardian, Enrolment, SchoolClass)]


@pytest.mark.slow
def test_1500_rows_with_20_planted_errors_then_one_transaction(app, school):
    clean = student_rows(1500)
    planted_rows = [list(row) for row in clean]
    expected = _plant_errors(planted_rows, school)
    before = _counts(school.school.id)

    report = check_student_file(school.secretary, school.year, xlsx_bytes(planted_rows, title="Elevi — export SIIIR"),
                                "elevi-2025.xlsx")

    assert len(expected) == 20
    assert {(error.row, error.code) for error in report.errors} == expected
    assert len(report.errors) == 20
    assert all(error.message and error.column for error in report.errors)
    by_row = {error.row: error for error in report.errors}
    assert by_row[100].message == f"CNP-ul {planted_rows[99 - FIRST_DATA_ROW][column('CNP')]} apare și pe rândul 99."
    assert by_row[150].message.startswith("Clasa „a IX-a Z” nu există în anul școlar 2025-2026.")
    assert by_row[750].column == "Părinte 1 prenume"
    assert "deja înscris(ă) în clasa a V-a A" in by_row[200].message
    with pytest.raises(ImportHasErrors):
        import_students(school.secretary, school.year, xlsx_bytes(planted_rows), "elevi-2025.xlsx")
    assert _counts(school.school.id) == before  # the dry run and the refused commit wrote nothing

    summary = import_students(school.secretary, school.year, xlsx_bytes(clean, title="Elevi — export SIIIR"),
                              "elevi-2025.xlsx")

    assert (summary.students_created, summary.enrolments, summary.guardians_created, summary.guardian_links) == (
        1500, 1500, 2700, 3000)
    after = _counts(school.school.id)
    assert after["Student"] - before["Student"] == 1500
    assert after["Enrolment"] - before["Enrolment"] == 1500
    assert after["Guardian"] - before["Guardian"] == 2700  # siblings share their parents
    assert after["StudentGuardian"] - before["StudentGuardian"] == 3000
    Transaction = versioning_manager.transaction_cls
    transactions = db.session.scalars(sa.select(Transaction).where(Transaction.reason == "Import elevi: elevi-2025.xlsx")).all()
    assert len(transactions) == 1
    transaction = transactions[0]
    assert transaction.user_id == school.secretary.id
    for model, count in ((Student, 1500), (Guardian, 2700), (StudentGuardian, 3000), (Enrolment, 1500)):
        Version = version_class(model)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Version)
                                 .where(Version.transaction_id == transaction.id)) == count
    # A row read back: diacritics, the father's initial, the class, the start of the year, the guardians.
    student = db.session.scalar(sa.select(Student).where(Student.cnp == str(clean[3][column("CNP")])))
    assert (student.last_name, student.father_initial, student.first_name) == ("Stănescu", "I.", "Ștefania")
    enrolment = db.session.scalar(sa.select(Enrolment).where(Enrolment.student_id == student.id))
    assert (enrolment.school_class.name, enrolment.starts_on, enrolment.status) == ("a V-a B", date(2025, 9, 1), "active")
    kinds = {(link.kind, link.is_primary_contact, link.guardian.first_name) for link in student.guardian_links}
    assert kinds == {("mama", True, "Gabriela"), ("tata", False, "Marius")}


@pytest.mark.slow
def test_a_failure_at_row_1000_of_the_commit_leaves_nothing(app, school, monkeypatch):
    rows = student_rows(1200)
    before = _counts(school.school.id)
    Transaction = versioning_manager.transaction_cls
    transactions_before = db.session.scalar(sa.select(sa.func.count()).select_from(Transaction))
    versions_before = _version_counts()
    real_enrol = enrolment_operations.enrol_student
    calls = []

    def enrol_until_row_1000(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1000:
            raise InvariantViolation("disk_full", "Discul serverului este plin.", "Disk full.")
        return real_enrol(*args, **kwargs)

    monkeypatch.setattr(enrolment_operations, "enrol_student", enrol_until_row_1000)
    assert check_student_file(school.secretary, school.year, xlsx_bytes(rows), "elevi.xlsx").ok
    with pytest.raises(InvariantViolation, match="disk_full"):
        import_students(school.secretary, school.year, xlsx_bytes(rows), "elevi.xlsx")

    assert len(calls) == 1000
    db.session.expire_all()
    assert _counts(school.school.id) == before
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Transaction)) == transactions_before
    assert _version_counts() == versions_before


def test_csv_with_bom_and_semicolons(app, school):
    rows = student_rows(12)
    data = csv_bytes(rows, delimiter=";", bom=True)
    assert data.startswith(b"\xef\xbb\xbf")

    report = check_student_file(school.secretary, school.year, data, "elevi.csv")
    assert report.errors == []
    assert report.ignored_headers == ["Nr. crt."]
    summary = import_students(school.secretary, school.year, data, "elevi.csv")
    assert summary.enrolments == 12
    names = set(db.session.scalars(sa.select(Student.first_name)))
    assert {"Ștefania", "Anișoara", "Răzvan", "Horațiu"} <= names


def test_csv_with_commas_without_bom_and_headers_in_any_case_and_without_diacritics(app, school):
    headers = ["cnp", "NUME", "Initiala tatalui", "prenume", "data nasterii", "SEX", "Localitatea nasterii",
               "adresa", "CLASA", "parinte 1 nume", "Parinte 1 Prenume", "Părinte 1 Calitate", "parinte 1 telefon",
               "PARINTE 1 EMAIL", "parinte 2 nume", "parinte 2 prenume", "parinte 2 calitate", "parinte 2 tel",
               "Părinte 2 E-mail"]
    rows = [row[1:] for row in student_rows(4)]
    # Cedilla ş/ţ in the file become comma-below ș/ț in the catalog.
    rows[0][HEADERS.index("Nume") - 1] = "Ţăranu"
    report = check_student_file(school.secretary, school.year,
                                csv_bytes(rows, headers=headers, delimiter=",", bom=False), "elevi.csv")
    assert report.errors == []
    assert report.ignored_headers == []
    assert report.entries[0].last_name == "Țăranu"


def test_unknown_class_is_created_only_with_a_grade_level_and_by_the_administrator(app, school):
    _save(GradeLevel(school_id=school.school.id, code=6, name="a VI-a", education_level="gimnazial",
                     evaluation_scale="marks"))
    headers = [*HEADERS, "Nivel"]
    rows = [[*row, level] for row, level in zip(student_rows(3, classes=("a VI-a C", "a VI-a C", "a V-a B")),
                                                ("6", "a VI-a", ""), strict=True)]
    data = xlsx_bytes(rows, headers=headers)

    by_secretary = check_student_file(school.secretary, school.year, data, "clase.xlsx")
    assert [(e.row, e.code) for e in by_secretary.errors] == [(2, "unknown_class"), (3, "unknown_class")]
    assert "doar administratorul" in by_secretary.errors[0].message

    summary = import_students(school.administrator, school.year, data, "clase.xlsx")
    assert summary.classes_created == 1
    created = db.session.scalar(sa.select(SchoolClass).where(SchoolClass.name == "a VI-a C"))
    assert (created.grade_level.code, created.year_id) == (6, school.year.id)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Enrolment)
                             .where(Enrolment.class_id == created.id)) == 2


def test_grade_level_errors(app, school):
    _save(GradeLevel(school_id=school.school.id, code=6, name="a VI-a", education_level="gimnazial",
                     evaluation_scale="marks"))
    headers = [*HEADERS, "Nivel"]
    rows = [[*row, level] for row, level in zip(student_rows(3, classes=("a VII-a A", "a V-a A", "a X-a B")),
                                                ("7", "6", "zece"), strict=True)]
    report = check_student_file(school.administrator, school.year, xlsx_bytes(rows, headers=headers), "x.xlsx")
    assert [(e.row, e.code) for e in report.errors] == [
        (2, "unknown_grade_level"), (3, "grade_level_mismatch"), (4, "unknown_grade_level")]


def test_without_a_grade_level_column_an_unknown_class_is_an_error(app, school):
    rows = student_rows(2, classes=("a V-a A", "a V-a C"))
    report = check_student_file(school.administrator, school.year, xlsx_bytes(rows), "x.xlsx")
    assert [(e.row, e.code, e.column) for e in report.errors] == [(3, "unknown_class", "Clasa")]
    assert "Adăugați coloana „Nivel”" in report.errors[0].message


def test_a_student_already_in_the_school_is_enrolled_in_the_new_year_and_keeps_the_record(app, school):
    next_year = _save(SchoolYear(school_id=school.school.id, name="2026-2027", starts_on=date(2026, 9, 1),
                                 ends_on=date(2027, 8, 31), period_kind="semester"))
    _save(SchoolClass(school_id=school.school.id, year_id=next_year.id, grade_level_id=school.grade.id,
                      name="a VI-a A"))
    rows = student_rows(2, classes=("a VI-a A",))
    student = school.student
    for name, value in (("CNP", student.cnp), ("Nume", "IONESCU"), ("Prenume", "Stefania"), ("Adresa", "Alta"),
                        ("Data nașterii", ""), ("Sex", "")):
        rows[0][column(name)] = value

    summary = import_students(school.secretary, next_year, xlsx_bytes(rows), "2026.xlsx")

    assert (summary.students_created, summary.students_existing, summary.enrolments) == (1, 1, 2)
    db.session.refresh(student)
    assert student.address is None  # personal data is not overwritten by an import
    assert [e.year.name for e in sorted(student.enrolments, key=lambda e: e.year.starts_on)] == ["2025-2026",
                                                                                                "2026-2027"]
    again = check_student_file(school.secretary, next_year, xlsx_bytes(rows), "2026.xlsx")
    assert {e.code for e in again.errors} == {"already_enrolled"}


def test_file_level_refusals(app, school):
    with pytest.raises(InvariantViolation) as missing:
        check_student_file(school.secretary, school.year, csv_bytes([["1"]], headers=["CNP", "Nume"]), "a.csv")
    assert missing.value.code == "columns_missing"
    assert "Prenume, Clasa" in missing.value.message_ro
    with pytest.raises(InvariantViolation) as no_header:
        check_student_file(school.secretary, school.year, b"a;b\n1;2\n", "a.csv")
    assert no_header.value.code == "header_missing"
    with pytest.raises(InvariantViolation) as latin:
        check_student_file(school.secretary, school.year, "CNP;Nume;Prenume;Clasa\n1;Ţ;ă;x\n".encode("cp1250"), "a.csv")
    assert latin.value.code == "file_encoding"
    with pytest.raises(InvariantViolation) as broken:
        check_student_file(school.secretary, school.year, b"PK\x03\x04broken", "a.xlsx")
    assert broken.value.code == "file_unreadable"
    with pytest.raises(InvariantViolation) as wrong_type:
        check_student_file(school.secretary, school.year, b"CNP", "a.pdf")
    assert wrong_type.value.code == "file_type"
    no_kind = [h for h in HEADERS if h != "Părinte 2 calitate"]
    with pytest.raises(InvariantViolation, match="columns_missing"):
        check_student_file(school.secretary, school.year, csv_bytes([["x"] * len(no_kind)], headers=no_kind), "a.csv")


def test_only_the_secretary_and_the_administrator_import(app, school):
    data = xlsx_bytes(student_rows(1))
    for user in (school.teacher, school.director, make_user(school.school, policy.PARENT)):
        with pytest.raises(PermissionDenied):
            check_student_file(user, school.year, data, "a.xlsx")
    assert check_student_file(school.administrator, school.year, data, "a.xlsx").ok


def test_a_past_or_closed_year_accepts_no_import(app, school, monkeypatch):
    monkeypatch.setattr("security.access.today", lambda: date(2026, 9, 2))
    with pytest.raises(InvariantViolation, match="year_past"):
        check_student_file(school.secretary, school.year, xlsx_bytes(student_rows(1)), "a.xlsx")


def test_a_restricted_student_is_enrolled_but_gets_no_new_guardians(app, school):
    next_year = _save(SchoolYear(school_id=school.school.id, name="2026-2027", starts_on=date(2026, 9, 1),
                                 ends_on=date(2027, 8, 31), period_kind="semester"))
    _save(SchoolClass(school_id=school.school.id, year_id=next_year.id, grade_level_id=school.grade.id,
                      name="a VI-a A"))
    school.student.is_restricted = True
    _save(school.student)
    rows = student_rows(1, classes=("a VI-a A",))
    for name, value in (("CNP", school.student.cnp), ("Nume", "Ionescu"), ("Prenume", "Ștefania"),
                        ("Data nașterii", ""), ("Sex", "")):
        rows[0][column(name)] = value

    report = check_student_file(school.secretary, next_year, xlsx_bytes(rows), "a.xlsx")
    assert [(e.row, e.code, e.column) for e in report.errors] == [(2, "student_restricted", "Părinte 1 nume")]

    for name in HEADERS[column("Părinte 1 nume"):]:
        rows[0][column(name)] = ""
    summary = import_students(school.secretary, next_year, xlsx_bytes(rows), "a.xlsx")
    assert (summary.students_existing, summary.enrolments, summary.guardian_links) == (1, 1, 0)
