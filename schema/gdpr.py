"""The read side of the data subject's rights (GDPR Art. 15 and 20; rules.md R-GDP-01): every row
about one student, or about one guardian, as a ZIP of one JSON file and one CSV per table.

Which rows: the tables are found by walking `db.metadata`, not listed by hand, so a table added
later is exported without anyone remembering it (tests/gdpr/test_export.py fails if a table with
a `student_id` or `enrolment_id` column is not covered):

* the subject's own row (`students` or `guardians`) and their portal account (`users`, without
  password hashes, two-factor secrets or other security material);
* every row whose foreign key points at a row already collected, in dependency order: a
  student's enrolments, then the marks, absences, motivations, averages, exemptions, exam
  candidacies... of those enrolments, then the contestations of those marks; every row pointing
  at the subject's account (authentication events, personal-data accesses, tokens);
* the reopening requests whose (target_kind, target_id) names one of the collected results.

What else, and what never (docs/gdpr.md):

* a student's export names the guardians linked to the student (name and kind only: their
  CNP, phone, e-mail and address are the guardian's own data, in the guardian's export); a
  guardian's export names the linked children the same way;
* `persons`: id and name of every account a row points at (the teacher who gave a mark, the
  secretary who decided a request, who opened the record) and nothing else about them; the
  IP address of someone else's access is left out;
* `structure`: the classes, subjects, periods and years the rows point at (not personal data);
* never a row of another student: nothing is reached through a class or a subject, only
  through the subject's own rows.

The version history is not part of the export: it is the school's audit trail (read by the
auditor); the export holds the current data.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from schema.db import db, utc_now
from schema.models import Guardian, Student

#: Never exported: Continuum's bookkeeping, and security material (keys, used codes).
SKIPPED_TABLES = frozenset({"transaction", "webauthn", "used_totp_codes"})
#: Tables of the school's structure: referenced for readability, never searched for the subject.
STRUCTURE_TABLES = frozenset({
    "schools", "school_years", "learning_periods", "grade_levels", "classes", "subjects", "curriculum_entries",
    "curriculum_theses", "exam_sessions", "exam_subjects", "roles",
})
#: Columns never exported (hashes, secrets, tokens).
SECRET_COLUMNS = frozenset({
    "password", "tf_totp_secret", "tf_phone_number", "mf_recovery_codes", "fs_uniquifier",
    "fs_webauthn_user_handle", "us_totp_secrets", "us_phone_number",
})
#: Columns of a related person (a student's guardian, a guardian's child) that the export shows.
RELATED_PERSON_COLUMNS = ("id", "last_name", "first_name")
#: Reopening requests name their target polymorphically: target_kind → table.
REOPEN_TARGETS = {
    "period_average": "period_averages",
    "annual_average": "annual_averages",
    "behaviour_mark": "behaviour_marks",
    "year_result": "year_results",
}
#: The student-owned tables a restricted student is left out of in optional exports.
STUDENT_KEY_COLUMNS = ("student_id", "enrolment_id")


@dataclass
class DataExport:
    """Everything about one person: rows per table, the people and the structure they point at."""

    kind: str  # "elev" or "parinte"
    subject_id: int
    subject_name: str
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    related: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    persons: list[dict[str, Any]] = field(default_factory=list)
    structure: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    generated_at: datetime = field(default_factory=utc_now)

    def row_ids(self, table: str) -> set[int]:
        return {row["id"] for row in self.tables.get(table, []) if "id" in row}

    def as_json(self) -> dict[str, Any]:
        return {
            "export": {"tip": self.kind, "id": self.subject_id, "nume": self.subject_name,
                       "generat_la": self.generated_at.isoformat()},
            "tables": self.tables,
            "related": self.related,
            "persons": self.persons,
            "structure": self.structure,
        }


# --- the schema, read generically ----------------------------------------------------------
def data_tables() -> list[sa.Table]:
    """Every table of the catalog that may hold personal data, parents before children."""
    return [table for table in db.metadata.sorted_tables
            if not table.name.endswith("_version") and table.name not in SKIPPED_TABLES
            and table.name not in STRUCTURE_TABLES]


def foreign_ids(table: sa.Table) -> dict[str, str]:
    """column → referred table, for every foreign key column pointing at an `id` (school_id aside)."""
    found: dict[str, str] = {}
    for constraint in table.foreign_key_constraints:
        for column, element in zip(constraint.columns, constraint.elements, strict=True):
            if column.name != "school_id" and element.column.name == "id":
                found[column.name] = element.column.table.name
    return found


def student_key_tables() -> list[str]:
    """The tables with a `student_id` or `enrolment_id` column: rows about one student."""
    return [table.name for table in data_tables() if any(name in table.c for name in STUDENT_KEY_COLUMNS)]


def _plain(value: Any) -> Any:
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def is_secret(column_name: str) -> bool:
    """Hashes, keys and codes never leave the database, not even to their owner."""
    return column_name in SECRET_COLUMNS or "hash" in column_name or "secret" in column_name


def _rows(table: sa.Table, clause: sa.ColumnElement[bool], columns: tuple[str, ...] | None = None) -> list[dict]:
    wanted = [column for column in table.c if not is_secret(column.name) and (columns is None or column.name in columns)]
    order = [table.c[name] for name in ("id",) if name in table.c] or list(table.primary_key.columns)
    result = db.session.execute(sa.select(*wanted).where(clause).order_by(*order))
    return [{key: _plain(value) for key, value in row._mapping.items()} for row in result]


# --- collecting ----------------------------------------------------------------------------
def _collect(export: DataExport, seeds: dict[str, set[int]], account_id: int | None) -> None:
    """Walk the tables in dependency order, taking every row that points at a collected row.

    `seeds` are the subject's own rows (table → ids); a row is taken when one of its foreign
    keys names a collected id, and then counts as collected for the tables after it.
    """
    owned: dict[str, set[int]] = {name: set(ids) for name, ids in seeds.items()}
    # Polymorphic references (target_kind, target_id) carry no foreign key, so the dependency
    # order does not place them after their targets: they come last.
    tables = sorted(data_tables(), key=lambda table: "target_kind" in table.c)
    for table in tables:
        clauses = []
        if table.name in seeds:
            clauses.append(table.c.id.in_(sorted(seeds[table.name])))
        for column, target in foreign_ids(table).items():
            ids = owned.get(target)
            if ids:
                clauses.append(table.c[column].in_(sorted(ids)))
        if "target_kind" in table.c and "target_id" in table.c:
            for kind, target in REOPEN_TARGETS.items():
                if owned.get(target):
                    clauses.append(sa.and_(table.c.target_kind == kind, table.c.target_id.in_(sorted(owned[target]))))
        if not clauses:
            continue
        rows = _rows(table, sa.or_(*clauses))
        if "ip" in table.c and "user_id" in table.c:
            for row in rows:  # someone else's IP address is their personal data, not the subject's
                if row.get("user_id") != account_id:
                    row.pop("ip", None)
        if rows or table.name in seeds:
            export.tables[table.name] = rows
        if rows and "id" in table.c and table.name != "users":
            owned.setdefault(table.name, set()).update(row["id"] for row in rows)


def _references(export: DataExport) -> None:
    """Names of the accounts the rows point at, and the structure rows (classes, subjects...)."""
    user_ids: set[int] = set()
    wanted: dict[str, set[int]] = {}
    tables = db.metadata.tables

    def want_from(table_name: str, rows: list[dict]) -> None:
        for column, target in foreign_ids(tables[table_name]).items():
            for row in rows:
                value = row.get(column)
                if value is None:
                    continue
                if target == "users":
                    user_ids.add(value)
                elif target in STRUCTURE_TABLES:
                    wanted.setdefault(target, set()).add(value)

    for name, rows in export.tables.items():
        want_from(name, rows)
    # Structure rows point at other structure rows (a class at its year and grade level).
    done: dict[str, set[int]] = {}
    for _round in range(len(STRUCTURE_TABLES)):
        pending = {name: ids - done.get(name, set()) for name, ids in wanted.items()}
        pending = {name: ids for name, ids in pending.items() if ids}
        if not pending:
            break
        for name, ids in sorted(pending.items()):
            table = tables[name]
            rows = _rows(table, table.c.id.in_(sorted(ids)))
            export.structure.setdefault(name, []).extend(rows)
            done.setdefault(name, set()).update(ids)
            want_from(name, rows)
    for rows in export.structure.values():
        rows.sort(key=lambda row: row.get("id", 0))
    own_account = {row["id"] for row in export.tables.get("users", [])}
    others = sorted(user_ids - own_account)
    if others:
        users = tables["users"]
        export.persons = [
            {"id": row.id, "nume": f"{row.last_name} {row.first_name}"}
            for row in db.session.execute(
                sa.select(users.c.id, users.c.last_name, users.c.first_name).where(users.c.id.in_(others)).order_by(users.c.id)
            )
        ]


def student_export(student: Student) -> DataExport:
    """Every row about one student (their record, enrolments and the whole catalog of them)."""
    export = DataExport("elev", student.id, student.full_name)
    seeds = {"students": {student.id}}
    if student.user_id is not None:
        seeds["users"] = {student.user_id}
    _collect(export, seeds, student.user_id)
    guardian_ids = sorted({row["guardian_id"] for row in export.tables.get("student_guardians", [])})
    guardians = db.metadata.tables["guardians"]
    export.related["guardians"] = (
        _rows(guardians, guardians.c.id.in_(guardian_ids), RELATED_PERSON_COLUMNS) if guardian_ids else []
    )
    _references(export)
    return export


def guardian_export(guardian: Guardian) -> DataExport:
    """Every row about one guardian: their record, the links to their children, their account."""
    export = DataExport("parinte", guardian.id, guardian.full_name)
    seeds = {"guardians": {guardian.id}}
    if guardian.user_id is not None:
        seeds["users"] = {guardian.user_id}
    _collect(export, seeds, guardian.user_id)
    student_ids = sorted({row["student_id"] for row in export.tables.get("student_guardians", [])})
    students = db.metadata.tables["students"]
    export.related["students"] = (
        _rows(students, students.c.id.in_(student_ids), RELATED_PERSON_COLUMNS) if student_ids else []
    )
    _references(export)
    return export


# --- the ZIP -------------------------------------------------------------------------------
README = """Date personale — export (GDPR, art. 15 și 20)

date-personale.json    toate datele, într-un singur fișier
tabele/<tabel>.csv     rândurile fiecărui tabel despre persoana exportată
legate/<tabel>.csv     persoanele legate (părinții elevului sau copiii părintelui): doar numele
persoane.csv           numele conturilor la care trimit rândurile (profesori, secretariat)
structura/<tabel>.csv  clasele, disciplinele, perioadele și anii la care trimit rândurile

Fișierele CSV sunt în UTF-8, cu „;” ca separator (se deschid direct în Excel).
"""


def _csv_safe(value: Any) -> Any:
    """A cell a spreadsheet will not run as a formula (views/pages.py: spreadsheet_safe)."""
    if isinstance(value, (dict, list)):
        value = json.dumps(value, ensure_ascii=False)
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _csv(rows: list[dict[str, Any]], columns: list[str]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_csv_safe(row.get(column)) for column in columns])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _columns(table_name: str, rows: list[dict[str, Any]]) -> list[str]:
    table = db.metadata.tables.get(table_name)
    if rows:
        return list(rows[0].keys())
    return [column.name for column in table.c if not is_secret(column.name)] if table is not None else []


def export_zip(export: DataExport) -> bytes:
    """The export as a ZIP: one JSON with everything and one CSV per table."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("CITESTE.txt", README)
        archive.writestr("date-personale.json",
                         json.dumps(export.as_json(), ensure_ascii=False, indent=2, default=_plain))
        for folder, tables in (("tabele", export.tables), ("legate", export.related), ("structura", export.structure)):
            for name, rows in tables.items():
                archive.writestr(f"{folder}/{name}.csv", _csv(rows, _columns(name, rows)))
        archive.writestr("persoane.csv", _csv(export.persons, ["id", "nume"]))
    return buffer.getvalue()


def export_filename(export: DataExport) -> str:
    return f"date-personale-{export.kind}-{export.subject_id}-{export.generated_at:%Y%m%d}.zip"


# --- restriction ---------------------------------------------------------------------------
def not_restricted(student_id_column: sa.ColumnElement[int]) -> sa.ColumnElement[bool]:
    """A WHERE clause leaving out the students whose processing is restricted (GDPR Art. 18),
    for exports that the law does not require (docs/gdpr.md)."""
    return student_id_column.not_in(sa.select(Student.id).where(Student.is_restricted.is_(True)))
