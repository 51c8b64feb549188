"""`flask --app wsgi import students FILE --year … [--as EMAIL] [--commit]`."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from schema.db import versioning_manager
from schema.models import Enrolment, Student, db
from tests.imports.files import column, student_rows, xlsx_bytes


@pytest.fixture(autouse=True)
def _school_year_started(monkeypatch):
    monkeypatch.setattr("security.access.today", lambda: date(2025, 9, 1))


def _run(app, *args):
    return app.test_cli_runner().invoke(args=["import", "students", *map(str, args)])


def _students():
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(Student))


def test_dry_run_prints_every_error_and_exits_1(app, school, tmp_path):
    rows = student_rows(5)
    rows[1][column("CNP")] = "1234567890123"
    rows[3][column("Părinte 1 e-mail")] = "fără-arobase"
    path = tmp_path / "elevi.xlsx"
    path.write_bytes(xlsx_bytes(rows))

    result = _run(app, path, "--year", "2025-2026", "--as", school.secretary.email)

    assert result.exit_code == 1
    assert "Rândul 3, CNP: CNP invalid (1234567890123)" in result.output
    assert "Rândul 5, Părinte 1 e-mail: Adresa de e-mail „fără-arobase” nu este validă. [bad_email]" in result.output
    assert "2 erori în 5 rânduri. Nu s-a scris nimic." in result.output
    assert _students() == 1


def test_a_clean_dry_run_writes_nothing_and_the_commit_writes_under_the_named_account(app, school, tmp_path):
    path = tmp_path / "elevi-5A.xlsx"
    path.write_bytes(xlsx_bytes(student_rows(6)))

    dry = _run(app, path, "--year", "2025-2026")  # one school: no account needed to check
    assert dry.exit_code == 0, dry.output
    assert "Fișierul nu are erori: 6 elevi" in dry.output
    assert _students() == 1

    refused = _run(app, path, "--year", "2025-2026", "--commit")
    assert refused.exit_code != 0
    assert "--as EMAIL" in refused.output

    done = _run(app, path, "--year", "2025-2026", "--as", school.administrator.email.upper(), "--commit")
    assert done.exit_code == 0, done.output
    assert "Import reușit: 6 elevi înscriși (6 noi, 0 existenți)" in done.output
    assert _students() == 7
    Transaction = versioning_manager.transaction_cls
    transaction = db.session.scalar(sa.select(Transaction).where(Transaction.reason == "Import elevi: elevi-5A.xlsx"))
    assert transaction.user_id == school.administrator.id
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Enrolment)) == 7


def test_unknown_year_account_or_role_is_refused(app, school, tmp_path):
    path = tmp_path / "elevi.xlsx"
    path.write_bytes(xlsx_bytes(student_rows(1)))
    assert "Anul școlar „2030-2031” nu există." in _run(app, path, "--year", "2030-2031").output
    assert "Nu există un cont activ" in _run(app, path, "--year", "2025-2026", "--as", "nimeni@x.ro").output
    teacher = _run(app, path, "--year", "2025-2026", "--as", school.teacher.email, "--commit")
    assert teacher.exit_code != 0
    assert "Doar secretariatul sau administratorul importă elevi." in teacher.output
    assert _students() == 1
