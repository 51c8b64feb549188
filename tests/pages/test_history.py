"""The auditor's history browser: "who changed this mark, when, from what, and why" on one screen,
for the rows of the auditor's school only, with a fixed number of queries per page."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
import sqlalchemy as sa

from schema.db import audit_context
from schema.models import Enrolment, Mark, db
from schema.operations.marks import change_mark, delete_mark, record_mark
from security import policy
from tests.factories import _save, build_school, make_student, make_user
from tests.pages.conftest import counting_queries

CORRECTION = "Greșeală de transcriere"


@pytest.fixture(autouse=True)
def _frozen_day(monkeypatch):
    monkeypatch.setattr("security.access.today", lambda: date(2025, 11, 20))


@pytest.fixture
def auditor(school):
    return make_user(school.school, policy.AUDITOR, first_name="Victor", last_name="Auditorescu")


def _corrected_mark(school, *, value: int = 7, corrected: int = 9, reason: str = CORRECTION) -> Mark:
    mark = record_mark(school.teacher, school.enrolment, school.maths, given_on=date(2025, 10, 6), value=value,
                       remote_addr="10.1.2.3", entered_on=date(2025, 10, 6))
    return change_mark(school.teacher, mark, value=corrected, reason=reason, remote_addr="10.1.2.3")


def _text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def _first_card(page: str) -> str:
    return page.split('<article class="history-entry', 2)[1].split("</article>", 1)[0]


def test_the_mark_correction_shows_old_new_teacher_time_ip_and_reason_in_one_screen(app, school, auditor, client_for):
    _corrected_mark(school)
    page = _text(client_for(auditor).get("/istoric/?tabel=marks"))
    card = _first_card(page)
    assert "modificare" in card
    assert "Notă — Ionescu Ștefania, Matematică, a V-a A" in card
    assert re.search(r'<th scope="row">Valoare</th><td class="old">7</td><td class="new">9</td>', card)
    assert "Vasilescu Ion" in card
    assert CORRECTION in card
    assert "IP 10.1.2.3" in card
    assert re.search(r"<time>\d\d\.\d\d\.\d{4} \d\d:\d\d</time>", card)
    # The insert is the next card, with its first value and no reason.
    assert page.count('<article class="history-entry') == 2
    inserted = page.split('<article class="history-entry', 3)[2]
    assert "adăugare" in inserted and "Motivul" not in inserted
    assert re.search(r'<th scope="row">Valoare</th>\s*<td class="new">7</td></tr>', inserted)


def test_a_deletion_shows_what_was_deleted_and_why(app, school, auditor, client_for):
    mark = _corrected_mark(school)
    delete_mark(school.teacher, mark, reason="Notă trecută la alt elev")
    page = _text(client_for(auditor).get("/istoric/?tabel=marks&operatie=stergere"))
    assert page.count('<article class="history-entry') == 1
    card = _first_card(page)
    assert "ștergere" in card and "Notă trecută la alt elev" in card
    assert "Valoarea ștearsă" in card
    assert re.search(r'<th scope="row">Valoare</th>\s*<td class="old">9</td></tr>', card)


def test_the_row_page_shows_every_version_of_the_mark_oldest_first(app, school, auditor, client_for):
    mark = _corrected_mark(school)
    change_mark(school.teacher, mark, value=10, reason="Contestație admisă")
    page = _text(client_for(auditor).get(f"/istoric/marks/{mark.id}"))
    assert page.count('<article class="history-entry') == 3
    positions = [page.index(text) for text in ("adăugare", CORRECTION, "Contestație admisă")]
    assert positions == sorted(positions)
    assert re.search(r'<td class="old">9</td><td class="new">10</td>', page)


@pytest.mark.parametrize("role", [policy.AUDITOR, policy.DIRECTOR, policy.DEPUTY_DIRECTOR])
def test_auditors_and_the_direction_may_browse(app, school, client_for, role):
    user = make_user(school.school, role)
    assert client_for(user).get("/istoric/").status_code == 200
    assert client_for(user).get("/istoric/export.csv").status_code == 200


@pytest.mark.parametrize("role", [policy.TEACHER, policy.PARENT, policy.STUDENT, policy.ADMINISTRATOR,
                                  policy.SECRETARY, policy.STATISTICS_VIEWER])
def test_everyone_else_is_refused(app, school, client_for, role):
    mark = _corrected_mark(school)
    user = make_user(school.school, role)
    client = client_for(user)
    assert client.get("/istoric/").status_code == 403
    assert client.get(f"/istoric/marks/{mark.id}").status_code == 403
    assert client.get("/istoric/export.csv").status_code == 403


def test_the_fixture_teacher_and_director_accounts(app, school, client_for):
    assert client_for(school.teacher).get("/istoric/").status_code == 403
    assert client_for(school.director).get("/istoric/").status_code == 200


def test_anonymous_visitors_go_to_the_login(app, school):
    client = app.test_client()
    client.environ_base["wsgi.url_scheme"] = "https"
    assert client.get("/istoric/").status_code in (302, 401)


def test_another_schools_rows_never_appear(app, school, auditor, client_for):
    _corrected_mark(school)
    other = build_school()
    other_student = make_student(other.school, last_name="Străinescu", first_name="Dan")
    other_enrolment = _save(Enrolment(school_id=other.school.id, student_id=other_student.id, year_id=other.year.id,
                                      class_id=other.school_class.id, starts_on=date(2025, 9, 8)))
    foreign = record_mark(other.teacher, other_enrolment, other.maths, given_on=date(2025, 10, 7), value=4)
    change_mark(other.teacher, foreign, value=5, reason="Secretul altei școli")

    client = client_for(auditor)
    for url in ("/istoric/", "/istoric/?tabel=marks", "/istoric/?tabel=students", "/istoric/?elev=Străinescu",
                f"/istoric/?utilizator={other.teacher.id}"):
        listed = _text(client.get(url)).split('<section class="history-list"', 1)[1]
        assert "Secretul altei școli" not in listed and "Străinescu" not in listed, url
    assert "Nicio modificare" in _text(client.get("/istoric/?elev=Străinescu"))
    assert client.get(f"/istoric/marks/{foreign.id}").status_code == 404
    assert client.get(f"/istoric/students/{other_student.id}").status_code == 404
    assert client.get(f"/istoric/schools/{other.school.id}").status_code == 404
    export = client.get("/istoric/export.csv").get_data(as_text=True)
    assert "Secretul altei școli" not in export and "Străinescu" not in export
    assert CORRECTION in export
    # ...while the other school's auditor sees its own.
    other_auditor = make_user(other.school, policy.AUDITOR)
    assert "Secretul altei școli" in _text(client_for(other_auditor).get("/istoric/?tabel=marks"))


def test_the_csv_export_has_the_change_with_user_ip_and_reason(app, school, auditor, client_for):
    mark = _corrected_mark(school)
    response = client_for(auditor).get("/istoric/export.csv?tabel=marks")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.get_data()
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Data și ora", "Utilizator", "IP", "Motivul", "Tabel", "ID rând", "Rând", "Operația", "Câmp",
                       "Valoare veche", "Valoare nouă"]
    changed = [row for row in rows[1:] if row[7] == "modificare"]
    assert changed == [[changed[0][0], "Vasilescu Ion", "10.1.2.3", CORRECTION, "Note", str(mark.id),
                        "Notă — Ionescu Ștefania, Matematică, a V-a A, 06.10.2025", "modificare", "Valoare", "7", "9"]]
    assert re.fullmatch(r"\d\d\.\d\d\.\d{4} \d\d:\d\d:\d\d", changed[0][0])
    inserted = [row for row in rows[1:] if row[7] == "adăugare"]
    assert ["Valoare", "—", "7"] in [row[8:] for row in inserted]


def test_the_csv_export_reads_in_chunks_without_losing_or_repeating_rows(app, school, auditor):
    from schema import history

    marks = [record_mark(school.teacher, school.enrolment, school.maths, given_on=date(2025, 10, day), value=5)
             for day in range(1, 8)]
    everything = list(history.iter_history(school.school.id, history.HistoryFilter(tables=("marks",))))
    chunked = list(history.iter_history(school.school.id, history.HistoryFilter(tables=("marks",)), chunk=3))
    assert [(e.key, e.transaction_id) for e in chunked] == [(e.key, e.transaction_id) for e in everything]
    assert sorted(int(e.key) for e in everything) == sorted(m.id for m in marks)
    # All catalog tables, chunk smaller than the fixture's largest transactions: same rows.
    whole = [(e.table, e.key, e.transaction_id) for e in history.iter_history(school.school.id, history.HistoryFilter())]
    small = [(e.table, e.key, e.transaction_id)
             for e in history.iter_history(school.school.id, history.HistoryFilter(), chunk=2)]
    assert small == whole and len(set(whole)) == len(whole)


def test_filters_by_user_operation_student_and_date(app, school, auditor, client_for):
    _corrected_mark(school)
    other_student = make_student(school.school, last_name="Marinescu", first_name="Petru")
    other_enrolment = _save(Enrolment(school_id=school.school.id, student_id=other_student.id, year_id=school.year.id,
                                      class_id=school.school_class.id, starts_on=date(2025, 9, 8)))
    record_mark(school.teacher, other_enrolment, school.maths, given_on=date(2025, 10, 8), value=6)
    with audit_context(reason="Corectură secretariat", user_id=school.secretary.id):
        other_student.address = "Str. Lăpușneanu 5"
        db.session.commit()
    client = client_for(auditor)

    by_teacher = _text(client.get(f"/istoric/?utilizator={school.teacher.id}"))
    assert by_teacher.count('<article class="history-entry') == 3
    assert "Corectură secretariat" not in by_teacher

    by_secretary = _text(client.get(f"/istoric/?utilizator={school.secretary.id}"))
    assert "Corectură secretariat" in by_secretary and "Str. Lăpușneanu 5" in by_secretary

    updates = _text(client.get("/istoric/?tabel=marks&operatie=modificare"))
    assert updates.count('<article class="history-entry') == 1 and CORRECTION in updates

    petru = _text(client.get("/istoric/?elev=marinescu"))
    assert "Marinescu Petru" in petru and "Ionescu Ștefania" not in petru
    # Petru's student record (insert + address), his enrolment and his mark.
    assert petru.count('<article class="history-entry') == 4

    assert "Nicio modificare" in _text(client.get("/istoric/?de_la=2000-01-01&pana_la=2000-01-31"))
    today = date.today().isoformat()
    assert CORRECTION in _text(client.get(f"/istoric/?tabel=marks&de_la={today}&pana_la={today}"))
    bad = _text(client.get("/istoric/?de_la=31.02.2025"))
    assert "nu este validă" in bad


def test_the_list_is_paginated_fifty_per_page_newest_first(app, school, auditor, client_for):
    for day in range(1, 31):
        mark = record_mark(school.teacher, school.enrolment, school.maths, given_on=date(2025, 10, day), value=5)
        change_mark(school.teacher, mark, value=6, reason=f"Corectura {day:02d}")
    client = client_for(auditor)
    first = _text(client.get("/istoric/?tabel=marks"))
    assert first.count('<article class="history-entry') == 50
    assert first.index("Corectura 30") < first.index("Corectura 29")
    assert "pagina=2" in first and "Pagina următoare" in first
    second = _text(client.get("/istoric/?tabel=marks&pagina=2"))
    assert second.count('<article class="history-entry') == 10
    assert "Pagina următoare" not in second and "Pagina anterioară" in second
    assert "Corectura 30" not in second


def test_unknown_rows_and_tables_are_missing(app, school, auditor, client_for):
    client = client_for(auditor)
    assert client.get("/istoric/marks/999999").status_code == 404
    assert client.get("/istoric/roles/1").status_code == 404
    assert client.get("/istoric/nosuchtable/1").status_code == 404
    assert client.get("/istoric/marks/abc").status_code == 404
    assert "Tabelul ales nu există" in _text(client.get("/istoric/?tabel=transaction"))


def test_role_grants_are_in_the_history_of_the_school(app, school, auditor, client_for):
    page = _text(client_for(auditor).get("/istoric/?tabel=roles_users"))
    assert "Rol al contului — Auditorescu Victor, Auditor / inspector" in page


def _make_changes(school, count: int) -> None:
    for index in range(count):
        student = make_student(school.school, last_name=f"Elev{index:02d}", first_name="Test")
        enrolment = _save(Enrolment(school_id=school.school.id, student_id=student.id, year_id=school.year.id,
                                    class_id=school.school_class.id, starts_on=date(2025, 9, 8)))
        mark = record_mark(school.teacher, enrolment, school.maths, given_on=date(2025, 10, 1 + index % 28), value=5)
        if index % 2:
            change_mark(school.teacher, mark, value=8, reason="Corectură")


def _queries(client, url: str) -> int:
    client.get(url)  # warm up the login and the caches
    with counting_queries() as counter:
        assert client.get(url).status_code == 200
    return counter.count


def test_the_list_costs_a_fixed_number_of_queries(app, school, auditor, client_for):
    client = client_for(auditor)
    _make_changes(school, 5)
    few = _queries(client, "/istoric/?tabel=marks")
    _make_changes(school, 35)
    many = _queries(client, "/istoric/?tabel=marks")
    assert few == many <= 20, (few, many)


def test_all_tables_cost_one_query_per_table_on_the_page_not_per_row(app, school, auditor, client_for):
    client = client_for(auditor)
    # The fixture's structure: a page of a dozen different tables.
    mixed = _queries(client, "/istoric/")
    assert mixed <= 35, mixed
    # Pages holding the same tables (students, enrolments, marks) cost the same, whatever the rows.
    _make_changes(school, 20)
    few = _queries(client, "/istoric/")
    _make_changes(school, 40)
    assert _queries(client, "/istoric/") == few <= 20


def test_the_row_page_costs_a_fixed_number_of_queries(app, school, auditor, client_for):
    mark = _corrected_mark(school)
    client = client_for(auditor)
    few = _queries(client, f"/istoric/marks/{mark.id}")
    for value in range(2, 10):
        change_mark(school.teacher, db.session.get(Mark, mark.id), value=value, reason="Încă o corectură")
    assert _queries(client, f"/istoric/marks/{mark.id}") == few <= 15


def test_the_menu_links_to_the_history_only_for_those_who_may_browse(app, school, auditor, client_for):
    assert 'href="/istoric/"' in _text(client_for(auditor).get("/istoric/"))
    assert 'href="/istoric/"' not in _text(client_for(school.teacher).get("/cont/"))


def test_browsing_writes_nothing(app, school, auditor, client_for):
    _corrected_mark(school)
    transactions = db.metadata.tables["transaction"]
    before = db.session.scalar(sa.select(sa.func.count()).select_from(transactions))
    client = client_for(auditor)
    for url in ("/istoric/", "/istoric/?tabel=marks", "/istoric/export.csv"):
        client.get(url)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(transactions)) == before
