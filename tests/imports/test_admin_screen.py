"""The admin screen: upload → dry-run report → commit; administrator and secretary only."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
import sqlalchemy as sa

from schema.db import versioning_manager
from schema.models import Student, db
from security import policy
from tests.factories import make_user
from tests.imports.files import column, student_rows, xlsx_bytes
from tests.security.access_helpers import login_as
from tests.security.helpers import csrf_token

URL = "/admin/import-elevi/"
COMMIT_URL = "/admin/import-elevi/commit/"


@pytest.fixture(autouse=True)
def _setup(app, monkeypatch, tmp_path):
    monkeypatch.setattr("security.access.today", lambda: date(2025, 9, 1))
    monkeypatch.setitem(app.config, "CATALOG_IMPORT_DIR", str(tmp_path / "imports"))


def _students():
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(Student))


def _upload(client, school, data, name="elevi.xlsx"):
    page = client.get(URL)
    assert page.status_code == 200
    return client.post(URL, data={"year": str(school.year.id), "file": (io.BytesIO(data), name),
                                  "csrf_token": csrf_token(page.get_data(as_text=True))},
                       content_type="multipart/form-data")


def _commit_fields(html):
    return dict(re.findall(r'name="(csrf_token|token)" type="hidden" value="([^"]+)"', html))


def test_upload_shows_every_error_and_no_commit_button(app, school):
    client = login_as(app, school.secretary)
    rows = student_rows(4)
    rows[0][column("CNP")] = "123"
    rows[2][column("Clasa")] = "a XII-a Z"

    report = _upload(client, school, xlsx_bytes(rows))

    html = report.get_data(as_text=True)
    assert report.status_code == 200
    assert "Fișierul are 2 erori." in html
    assert '<tr data-code="cnp_invalid"><td>2</td><td>CNP</td>' in html
    assert '<tr data-code="unknown_class"><td>4</td><td>Clasa</td>' in html
    assert "Clasa „a XII-a Z” nu există în anul școlar 2025-2026." in html
    assert COMMIT_URL not in html
    assert _students() == 1


def test_upload_report_then_commit_writes_everything_under_the_secretary(app, school):
    client = login_as(app, school.secretary)
    report = _upload(client, school, xlsx_bytes(student_rows(8)), name="Elevi 2025 – clasa a V-a.xlsx")
    html = report.get_data(as_text=True)
    assert "Fișierul nu are erori." in html
    assert "Importă 8 elevi" in html
    assert _students() == 1  # the dry run wrote nothing

    done = client.post(COMMIT_URL, data=_commit_fields(html))

    assert done.status_code == 302
    assert _students() == 9
    page = client.get(URL).get_data(as_text=True)
    assert "Import reușit: 8 elevi înscriși (8 noi, 0 existenți)" in page
    Transaction = versioning_manager.transaction_cls
    transaction = db.session.scalar(
        sa.select(Transaction).where(Transaction.reason == "Import elevi: Elevi 2025 – clasa a V-a.xlsx"))
    assert transaction.user_id == school.secretary.id
    # The same commit form cannot import the file twice.
    again = client.post(COMMIT_URL, data=_commit_fields(html))
    assert again.status_code == 302
    assert "nu mai este disponibil" in client.get(URL).get_data(as_text=True)
    assert _students() == 9


def test_commit_needs_the_csrf_token_and_the_users_own_upload(app, school):
    client = login_as(app, school.administrator)
    html = _upload(client, school, xlsx_bytes(student_rows(3))).get_data(as_text=True)
    fields = _commit_fields(html)

    client.post(COMMIT_URL, data={"token": fields["token"]})
    other = login_as(app, make_user(school.school, policy.SECRETARY))
    other_page = other.get(URL).get_data(as_text=True)
    other.post(COMMIT_URL, data={"token": fields["token"], "csrf_token": csrf_token(other_page)})
    assert _students() == 1

    assert client.post(COMMIT_URL, data=fields).status_code == 302
    assert _students() == 4


def test_a_file_level_problem_is_shown_on_the_form(app, school):
    client = login_as(app, school.secretary)
    page = _upload(client, school, b"Nume;Prenume\nA;B\n", name="lista.csv")
    assert page.status_code == 200
    assert "Nu am găsit rândul de antet" in page.get_data(as_text=True)


@pytest.mark.parametrize("role", [policy.TEACHER, policy.PARENT, policy.DIRECTOR, policy.AUDITOR, policy.STUDENT])
def test_other_roles_get_403(app, school, role):
    client = login_as(app, make_user(school.school, role))
    assert client.get(URL).status_code == 403
    assert client.post(URL, data={}).status_code == 403
    assert client.post(COMMIT_URL, data={"token": "0" * 32}).status_code == 403


def test_anonymous_users_are_sent_to_the_login(app, school):
    client = app.test_client()
    response = client.get(URL, base_url="https://localhost")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_the_menu_shows_the_screen_to_the_secretary(app, school):
    html = login_as(app, school.secretary).get("/admin/students/").get_data(as_text=True)
    assert URL in html and "Import elevi" in html
