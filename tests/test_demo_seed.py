"""`flask demo seed`: the expected school, the same data for the same seed, and the Flask-Admin
screens listing it for a demo account logged in over HTTPS."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from schema.models import db
from tests.conftest import make_test_app, new_database_url
from tests.security.helpers import Credentials, https_client, sign_in

#: Columns that hold the moment of the run, or salted hashes, and so differ between two runs.
RUN_DEPENDENT = {"created_at", "closed_at", "set_at", "requested_at", "approved_at", "decided_at",
                 "create_datetime", "update_datetime", "issued_at", "password",
                 # messages (issue 8): when the demo conversation was sent and read
                 "started_at", "joined_at", "sent_at", "read_at",
                 # staff evaluation (issue 9): when each stage was entered, the report uploaded
                 "opened_at", "self_evaluated_at", "department_scored_at", "board_scored_at", "entered_at",
                 "filed_at", "appointed_at", "evaluated_at", "evaluator_signed_at", "employee_signed_at",
                 "countersigned_at", "uploaded_at"}


def _seeded_app(tmp_path, students: int, seed: int):
    url, drop = new_database_url(str(tmp_path))
    seeded = make_test_app(url)
    with seeded.app_context():
        db.create_all()
        result = seeded.test_cli_runner().invoke(args=["demo", "seed", "--students", str(students), "--seed", str(seed)])
        assert result.exit_code == 0, result.output
    return seeded, drop, result.output


def _fingerprint() -> dict[str, list[tuple]]:
    fingerprint = {}
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.c if c.name not in RUN_DEPENDENT]
        rows = db.session.execute(sa.select(*columns).order_by(*table.primary_key.columns)).all()
        fingerprint[table.name] = [tuple(row) for row in rows]
    return fingerprint


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    seeded, drop, output = _seeded_app(tmp_path_factory.mktemp("demo"), students=40, seed=7)
    yield seeded, output
    with seeded.app_context():
        db.engine.dispose()
    drop()


def test_seed_builds_the_expected_school(demo):
    from schema import models as m

    seeded, output = demo
    with seeded.app_context():
        count = lambda model: db.session.scalar(sa.select(sa.func.count()).select_from(model))  # noqa: E731
        years = db.session.scalars(sa.select(m.SchoolYear).order_by(m.SchoolYear.name)).all()
        assert [(y.name, y.ruleset, y.is_closed, len(y.periods)) for y in years] == [
            ("2025-2026", "rofuip2016", True, 2),
            ("2026-2027", "rofuip2022", False, 5),
        ]
        assert count(m.Student) == 40
        assert count(m.SchoolClass) == 19  # grades I, III, V–XII now; II, IV, V–XI last year
        grades_with_calificative = db.session.scalars(
            sa.select(m.GradeLevel.code).where(m.GradeLevel.evaluation_scale == "calificative")).all()
        assert set(grades_with_calificative) == {1, 2, 3, 4}
        assert count(m.Mark) > 40 * 20
        assert db.session.scalar(sa.select(sa.func.count()).where(m.Mark.calificativ.is_not(None))) > 0
        assert db.session.scalar(sa.select(sa.func.count()).where(m.Mark.kind == "thesis")) > 0
        assert count(m.Absence) > 0 and count(m.Motivation) > 0
        # The closed year: every student who was here has a year result and closed averages.
        past_enrolments = db.session.scalar(
            sa.select(sa.func.count()).select_from(m.Enrolment).join(m.SchoolYear).where(m.SchoolYear.name == "2025-2026"))
        assert count(m.YearResult) == past_enrolments > 0
        assert count(m.AnnualAverage) > past_enrolments * 8
        assert db.session.scalar(sa.select(sa.func.count()).where(m.PeriodAverage.ruleset == "rofuip2016")) > 0
        # Names keep their diacritics; every CNP is valid (the model validates it on load too).
        names = " ".join(db.session.scalars(sa.select(m.Student.last_name)).all())
        assert re.search("[ășțâîĂȘȚÂÎ]", names + " ".join(db.session.scalars(sa.select(m.Subject.name)).all()))
        # One account per role, with its password printed.
        for role in ("Administrator", "Director", "Secretar", "Profesor", "Diriginte", "Părinte", "Elev",
                     "Auditor / inspector", "Statistici"):
            assert re.search(rf"{re.escape(role)}.*@liceul-demo\.ro\s+\S+", output), role


def test_seed_refuses_a_database_that_already_has_a_school(demo):
    seeded, _ = demo
    with seeded.app_context():
        result = seeded.test_cli_runner().invoke(args=["demo", "seed", "--students", "40"])
        assert result.exit_code != 0
        assert "deja" in result.output
        again = seeded.test_cli_runner().invoke(args=["demo", "seed", "--if-empty"])
        assert again.exit_code == 0 and "deja" in again.output


def test_the_same_seed_gives_the_same_data(demo, tmp_path):
    seeded, _ = demo
    with seeded.app_context():
        first = _fingerprint()
    second_app, drop, _ = _seeded_app(tmp_path, students=40, seed=7)
    try:
        with second_app.app_context():
            second = _fingerprint()
            db.engine.dispose()
    finally:
        drop()
    assert first.keys() == second.keys()
    for table in first:
        assert first[table] == second[table], f"{table} differs between two runs with the same seed"


#: What each demo person knows after their first login (new password, two-factor method), by
#: e-mail, across the tests of this module (they share the seeded database).
_known: dict[str, Credentials] = {}


def _account(output: str, role: str) -> Credentials:
    match = re.search(rf"{re.escape(role)}\s+(\S+@liceul-demo\.ro)\s+(\S+)", output)
    email, password = match.group(1), match.group(2)
    return _known.setdefault(email, Credentials(email, password, method="email"))


def _signed_in(seeded, output: str, role: str):
    """A client logged in as the demo account of `role`, the way a person does it: the printed
    one-time password, two-factor set-up with e-mail codes for staff, a new password."""
    client = https_client(seeded)
    sign_in(seeded, client, _account(output, role))
    return client


@pytest.mark.parametrize("role", ["Administrator", "Director", "Secretar", "Auditor / inspector"])
def test_a_demo_account_logs_in_over_https_and_lists_the_school(demo, role):
    seeded, output = demo
    first_password = re.search(rf"{re.escape(role)}\s+\S+@liceul-demo\.ro\s+(\S+)", output).group(1)
    with seeded.app_context():
        client = _signed_in(seeded, output, role)
        credentials = _account(output, role)
        assert credentials.password != first_password  # the printed password was one-time
        welcome = client.get("/cont/")
        assert welcome.status_code == 200 and "Ultima autentificare reușită" in welcome.get_data(as_text=True)
        for url, expected in [
            ("/admin/school_years/", "2026-2027"),
            ("/admin/classes/", "a XII-a A"),
            ("/admin/students/", "CNP"),
            ("/admin/marks/", "Nota"),
        ]:
            page = client.get(url)
            assert page.status_code == 200, url
            assert expected in page.get_data(as_text=True), url


def test_parents_students_and_statistics_viewers_are_kept_out_of_the_admin_screens(demo):
    seeded, output = demo
    for role in ("Părinte (2 copii)", "Elev", "Statistici"):
        with seeded.app_context():
            client = _signed_in(seeded, output, role)
            assert client.get("/admin/marks/").status_code == 403
            assert client.get("/admin/students/").status_code == 403


def test_administrators_get_403_on_writing_marks_in_the_admin(demo):
    seeded, output = demo
    with seeded.app_context():
        client = _signed_in(seeded, output, "Administrator")  # a second login: the code by e-mail
        assert client.get("/admin/marks/new/").status_code == 403
        assert client.post("/admin/marks/new/", data={}).status_code == 403
        assert client.get("/admin/absences/new/").status_code == 403
