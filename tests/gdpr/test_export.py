"""The GDPR export (issue 7 item 4): every table's rows about the student, and nothing about
anyone else; the guardian's export likewise. The tables are found from the schema, so a new
table with a `student_id` or `enrolment_id` column is covered (or this test fails)."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
import sqlalchemy as sa

from schema import gdpr
from schema.models import Enrolment, db
from tests.gdpr.builders import two_students


@pytest.fixture
def people(school):
    return two_students(school)


def _expected_ids(table_name: str, student_id: int) -> set[int]:
    """The table's rows about one student, read independently of schema.gdpr."""
    table = db.metadata.tables[table_name]
    if "student_id" in table.c:
        clause = table.c.student_id == student_id
    else:
        clause = table.c.enrolment_id.in_(sa.select(Enrolment.id).where(Enrolment.student_id == student_id))
    return set(db.session.scalars(sa.select(table.c.id).where(clause)))


def _files(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist()}


def test_every_table_about_a_student_is_covered_and_holds_only_that_students_rows(app, school, people):
    own, other = people
    export = gdpr.student_export(own.student)
    tables = gdpr.student_key_tables()
    assert {"enrolments", "marks", "absences", "motivations", "motivation_requests", "period_averages",
            "annual_averages", "behaviour_marks", "year_results", "exam_candidates", "exemptions", "student_guardians",
            "personal_data_accesses", "rectification_requests"} <= set(tables)
    for name in tables:
        mine, theirs = _expected_ids(name, own.student.id), _expected_ids(name, other.student.id)
        # The fixture gives both students a row in every such table, so the check below means something.
        assert mine and theirs, f"tests/gdpr/builders.py gives no {name} row to both students"
        assert export.row_ids(name) == mine, name
        assert not export.row_ids(name) & theirs, name
    # Rows reached through the student's rows: contestations of their marks, reopening of their averages.
    marks = export.row_ids("marks")
    assert export.tables["contestations"] and all(row["mark_id"] in marks for row in export.tables["contestations"])
    averages = export.row_ids("period_averages")
    assert [row["target_id"] in averages for row in export.tables["reopen_requests"]] == [True]
    assert export.row_ids("students") == {own.student.id}


def test_the_zip_has_a_json_with_everything_and_a_csv_per_table_and_nothing_of_the_classmate(app, school, people):
    own, other = people
    export = gdpr.student_export(own.student)
    files = _files(gdpr.export_zip(export))
    document = json.loads(files["date-personale.json"])
    assert document["export"]["id"] == own.student.id
    assert set(document["tables"]) == set(export.tables)
    for name, rows in export.tables.items():
        parsed = list(csv.DictReader(io.StringIO(files[f"tabele/{name}.csv"].lstrip("\ufeff")), delimiter=";"))
        assert len(parsed) == len(rows), name
    assert "Ionescu" in files["tabele/students.csv"] and own.student.cnp in files["date-personale.json"]
    everything = "\n".join(files.values())
    # Nothing of the classmate or of the classmate's parent, anywhere.
    for secret in (other.student.cnp, "Zamfirescu", "Teodora", "Valentina", "0733999888", "valentina.zamfirescu"):
        assert secret not in everything, secret
    # The student's guardian is named, but the guardian's own contact data stay in the guardian's export.
    assert document["related"]["guardians"] == [{"id": own.guardian.id, "last_name": "Ionescu", "first_name": "Mihaela"}]
    assert "0722111222" not in everything and "mihaela.ionescu@example.ro" not in everything
    # Teachers appear by name only, as authors of the rows.
    persons = {person["nume"] for person in document["persons"]}
    assert "Vasilescu Ion" in persons and "Moldovan Irina" in persons
    assert "example.ro" not in files["persoane.csv"]
    # Someone else's IP address is not the student's data.
    assert all("ip" not in row for row in document["tables"]["personal_data_accesses"])


def test_the_guardian_export_holds_the_guardians_record_account_and_links(app, school, people):
    own, other = people
    export = gdpr.guardian_export(own.guardian)
    files = _files(gdpr.export_zip(export))
    everything = "\n".join(files.values())
    assert export.row_ids("guardians") == {own.guardian.id}
    assert export.tables["guardians"][0]["phone"] == "0722111222"
    assert export.row_ids("users") == {own.parent.id}
    assert [row["student_id"] for row in export.tables["student_guardians"]] == [own.student.id]
    assert [row["requested_by_id"] for row in export.tables["rectification_requests"]] == [own.parent.id]
    assert export.related["students"] == [{"id": own.student.id, "last_name": "Ionescu", "first_name": "Ștefania"}]
    # No password hash, two-factor secret or token hash; nothing of the other family.
    assert "password" not in export.tables["users"][0] and "fs_uniquifier" not in export.tables["users"][0]
    for secret in ("Zamfirescu", "Valentina", "0733999888", other.student.cnp, own.student.cnp, "$argon2"):
        assert secret not in everything, secret
    # Catalog rows of the child are in the child's export, not in the parent's.
    assert "marks" not in export.tables


def test_csv_cells_never_start_a_formula(app, school, people):
    own, _other = people
    from schema.operations.gdpr import file_rectification_request

    file_rectification_request(own.parent, own.student, field="=HYPERLINK(\"x\")", description="+1 greșit")
    files = _files(gdpr.export_zip(gdpr.student_export(own.student)))
    assert "'=HYPERLINK" in files["tabele/rectification_requests.csv"]
    assert "'+1 greșit" in files["tabele/rectification_requests.csv"]
