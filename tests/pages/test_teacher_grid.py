"""The teacher's grade grid ("Catalogul meu") over HTTP: assignments, the grid, keyboard entry as
JSON, plain form posts, changing with a reason, absences per lesson (all or nothing), closing the
average, who may open what, and the grid's fixed number of queries."""

from __future__ import annotations

import re
from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy_continuum import version_class

from schema.models import AnnualAverage, Absence, Enrolment, Mark, PeriodAverage, TeachingAssignment, db
from schema.operations.absences import record_absence
from schema.operations.delegations import decide_delegation, request_delegation
from schema.operations.marks import record_mark
from tests.factories import _save, make_student
from tests.pages.conftest import counting_queries
from tests.test_closing_rofuip2022 import build_rofuip2022_year

TODAY = date(2025, 11, 20)


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    monkeypatch.setattr("security.access.today", lambda: TODAY)


def _grid_url(school, period=None) -> str:
    url = f"/catalogul-meu/{school.maths.id}"
    return f"{url}?perioada={period.id}" if period else url


def _csrf(client, url: str) -> str:
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    return re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)


def _post_json(client, url: str, token: str, body: dict):
    return client.post(url, json=body, headers={"X-CSRFToken": token})


def _enrol(school, last_name: str, first_name: str = "Andrei") -> Enrolment:
    student = make_student(school.school, last_name=last_name, first_name=first_name, sex="M")
    return _save(Enrolment(school_id=school.school.id, student_id=student.id, year_id=school.year.id,
                           class_id=school.school_class.id, starts_on=date(2025, 9, 8)))


def _marks() -> list[Mark]:
    db.session.rollback()
    return db.session.scalars(sa.select(Mark).order_by(Mark.id)).all()


# --- start page ------------------------------------------------------------------------------
def test_the_start_page_lists_the_teachers_assignment(app, school, client_for):
    page = client_for(school.teacher).get("/catalogul-meu/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "a V-a A" in html and "Matematică" in html and "1 elev" in html
    assert f'href="/catalogul-meu/{school.maths.id}"' in html
    assert "Limba și literatura română" not in html  # the other teacher's subject


def test_the_administrator_cannot_reach_the_grade_grid(app, school, client_for):
    client = client_for(school.administrator)
    assert client.get("/catalogul-meu/").status_code == 403
    assert client.get(_grid_url(school)).status_code in (403, 404)


def test_another_teachers_subject_is_missing(app, school, client_for):
    client = client_for(school.teacher)
    assert client.get(f"/catalogul-meu/{school.romanian.id}").status_code == 404
    assert client.get("/catalogul-meu/999999").status_code == 404
    token = _csrf(client, _grid_url(school))
    response = _post_json(client, f"/catalogul-meu/{school.romanian.id}/note", token,
                          {"enrolment_id": school.enrolment.id, "value": "9"})
    assert response.status_code == 404
    assert _marks() == []


def test_a_student_of_another_class_is_missing(app, school, client_for):
    student = make_student(school.school, last_name="Barbu")
    other = _save(Enrolment(school_id=school.school.id, student_id=student.id, year_id=school.year.id,
                            class_id=school.other_class.id, starts_on=date(2025, 9, 8)))
    client = client_for(school.teacher)
    token = _csrf(client, _grid_url(school))
    response = _post_json(client, f"/catalogul-meu/{school.maths.id}/note", token,
                          {"enrolment_id": other.id, "value": "9"})
    assert response.status_code == 404
    assert _marks() == []


def test_a_delegated_teacher_opens_the_grid_during_the_approved_delegation(app, school, client_for, monkeypatch):
    assignment = db.session.scalar(sa.select(TeachingAssignment).where(TeachingAssignment.teacher_id == school.teacher.id))
    delegation = request_delegation(school.teacher, assignment, school.other_teacher, starts_on=date(2025, 11, 17),
                                    ends_on=date(2025, 11, 28), reason="Concediu medical")
    decide_delegation(school.director, delegation, approve=True)
    client = client_for(school.other_teacher)
    index = client.get("/catalogul-meu/").get_data(as_text=True)
    assert "Matematică" in index and "delegare aprobată" in index
    assert client.get(_grid_url(school)).status_code == 200
    token = _csrf(client, _grid_url(school))
    response = _post_json(client, f"/catalogul-meu/{school.maths.id}/note", token,
                          {"enrolment_id": school.enrolment.id, "value": "7", "given_on": "2025-11-20"})
    assert response.status_code == 200, response.get_json()
    assert [(m.value, m.teacher_id) for m in _marks()] == [(7, school.other_teacher.id)]

    monkeypatch.setattr("security.access.today", lambda: date(2025, 12, 1))  # the delegation is over
    assert client.get(_grid_url(school)).status_code == 404


# --- the grid --------------------------------------------------------------------------------
def test_the_grid_shows_marks_thesis_absences_and_the_live_average(app, school, client_for):
    for day, value in ((date(2025, 10, 6), 7), (date(2025, 10, 20), 7), (date(2025, 11, 3), 8)):
        record_mark(school.teacher, school.enrolment, school.maths, given_on=day, value=value)
    record_mark(school.teacher, school.enrolment, school.maths, given_on=date(2025, 11, 10), value=8, kind="thesis")
    record_absence(school.teacher, school.enrolment, school.maths, occurred_on=date(2025, 11, 12), lesson_hour=3)
    html = client_for(school.teacher).get(_grid_url(school)).get_data(as_text=True)
    row = re.search(rf'<tr data-enrolment-id="{school.enrolment.id}".*?</tr>', html, re.S).group(0)
    assert "Ionescu Ștefania" in row
    assert re.findall(r'class="chip mark-chip"[^>]*>(\d+)<small>([^<]+)</small>', row) == [
        ("7", "6 oct."), ("7", "20 oct."), ("8", "3 nov.")]
    assert "T 8" in row  # the teză
    # 001 Art. 120(3)-(4): M = trunc2(22/3) = 7.33; (3 × 7.33 + 8) / 4 = 7.4975 → 7 (decisions.md)
    assert re.search(r'class="live-average">\s*<strong>7</strong>', row)
    assert "1 nemot." in row and "ora 3" in row
    assert "⚠ 3/4 note" in row  # 4 h/week: at least 4 marks per semester (001 Art. 118(4))
    assert 'aria-label="Notă nouă pentru Ionescu Ștefania"' in row and 'class="mark-input' in row
    assert "Închide media" in row
    assert 'class="scroller"' in html


def test_the_grid_switches_periods_and_shows_only_that_periods_marks(app, school, client_for):
    record_mark(school.teacher, school.enrolment, school.maths, given_on=date(2025, 10, 6), value=9)
    client = client_for(school.teacher)
    first = client.get(_grid_url(school)).get_data(as_text=True)
    assert 'aria-current="page">Semestrul I<' in first and "6 oct." in first
    second = client.get(_grid_url(school, school.semester2)).get_data(as_text=True)
    assert 'aria-current="page">Semestrul al II-lea<' in second and "6 oct." not in second
    assert "Teză" not in second  # the thesis is in semester I only
    other_year_period = 999999
    assert client.get(f"/catalogul-meu/{school.maths.id}?perioada={other_year_period}").status_code == 404


# --- keyboard entry (JSON) and the plain form ----------------------------------------------
def test_a_json_post_records_the_mark_and_returns_the_new_row(app, school, client_for):
    client = client_for(school.teacher)
    token = _csrf(client, _grid_url(school))
    response = _post_json(client, f"/catalogul-meu/{school.maths.id}/note", token, {
        "enrolment_id": school.enrolment.id, "value": "9", "given_on": "2025-11-18",
        "period_id": school.semester1.id})
    assert response.status_code == 200
    body = response.get_json()
    assert body["ok"] is True and "Ionescu Ștefania" in body["message"]
    assert f'data-enrolment-id="{school.enrolment.id}"' in body["html"]
    assert re.search(r'class="live-average">\s*<strong>9</strong>', body["html"])
    [mark] = _marks()
    assert (mark.value, mark.given_on, mark.kind, mark.teacher_id, mark.period_id) == (
        9, date(2025, 11, 18), "regular", school.teacher.id, school.semester1.id)
    [version] = db.session.scalars(sa.select(version_class(Mark)).where(version_class(Mark).id == mark.id)).all()
    assert version.transaction.user_id == school.teacher.id


def test_the_date_defaults_to_today_and_the_thesis_goes_in_its_column(app, school, client_for):
    client = client_for(school.teacher)
    token = _csrf(client, _grid_url(school))
    url = f"/catalogul-meu/{school.maths.id}/note"
    assert _post_json(client, url, token, {"enrolment_id": school.enrolment.id, "value": "6"}).status_code == 200
    response = _post_json(client, url, token, {"enrolment_id": school.enrolment.id, "value": "10", "kind": "thesis"})
    assert response.status_code == 200
    assert "T 10" in response.get_json()["html"]
    assert [(m.value, m.kind, m.given_on) for m in _marks()] == [(6, "regular", TODAY), (10, "thesis", TODAY)]


@pytest.mark.parametrize("typed", ["11", "abc", "0", "", "7.5"])
def test_an_invalid_mark_gives_422_with_a_romanian_message_and_saves_nothing(app, school, client_for, typed):
    client = client_for(school.teacher)
    token = _csrf(client, _grid_url(school))
    response = _post_json(client, f"/catalogul-meu/{school.maths.id}/note", token,
                          {"enrolment_id": school.enrolment.id, "value": typed})
    assert response.status_code == 422
    body = response.get_json()
    assert body["code"] and "de la 1 la 10" in body["message"]
    assert _marks() == []


def test_a_date_in_the_holiday_is_refused_in_romanian(app, school, client_for):
    client = client_for(school.teacher)
    token = _csrf(client, _grid_url(school))
    response = _post_json(client, f"/catalogul-meu/{school.maths.id}/note", token,
                          {"enrolment_id": school.enrolment.id, "value": "8", "given_on": "2026-02-03"})
    assert response.status_code == 422
    assert "nu se află în nicio perioadă" in response.get_json()["message"]
    assert _marks() == []


def test_a_post_without_the_csrf_token_is_refused(app, school, client_for):
    client = client_for(school.teacher)
    response = client.post(f"/catalogul-meu/{school.maths.id}/note",
                           json={"enrolment_id": school.enrolment.id, "value": "9"})
    assert response.status_code == 400
    assert _marks() == []


def test_the_plain_form_records_every_filled_cell_or_none(app, school, client_for):
    second = _enrol(school, "Albu")
    client = client_for(school.teacher)
    token = _csrf(client, _grid_url(school))
    url = f"/catalogul-meu/{school.maths.id}/note"
    refused = client.post(url, data={"csrf_token": token, "given_on": "2025-11-19", "period_id": school.semester1.id,
                                     f"mark-{school.enrolment.id}": "8", f"mark-{second.id}": "12"},
                          follow_redirects=True)
    assert "Albu Andrei: Nota 12 nu este validă" in refused.get_data(as_text=True)
    assert "Nicio notă nu a fost salvată" in refused.get_data(as_text=True)
    assert _marks() == []
    saved = client.post(url, data={"csrf_token": token, "given_on": "2025-11-19", "period_id": school.semester1.id,
                                   f"mark-{school.enrolment.id}": "8", f"mark-{second.id}": "10"})
    assert saved.status_code == 302 and saved.headers["Location"].endswith(f"perioada={school.semester1.id}")
    assert sorted((m.enrolment_id, m.value) for m in _marks()) == sorted([(school.enrolment.id, 8), (second.id, 10)])


# --- changing and deleting -------------------------------------------------------------------
def test_changing_a_mark_needs_a_reason_and_is_versioned_with_it(app, school, client_for):
    mark = record_mark(school.teacher, school.enrolment, school.maths, given_on=date(2025, 11, 3), value=5,
                       entered_on=date(2025, 11, 3))  # entered on its day: no "introducere ulterioară" reason
    client = client_for(school.teacher)
    token = _csrf(client, _grid_url(school))
    url = f"/catalogul-meu/{school.maths.id}/nota/{mark.id}"
    refused = _post_json(client, url, token, {"action": "change", "value": "6", "reason": "  "})
    assert refused.status_code == 422
    assert refused.get_json()["message"] == "Motivul modificării este obligatoriu."
    assert [m.value for m in _marks()] == [5]

    changed = _post_json(client, url, token, {"action": "change", "value": "6", "reason": "Greșeală de transcriere"})
    assert changed.status_code == 200
    assert re.search(r'class="live-average">\s*<strong>6</strong>', changed.get_json()["html"])
    MarkVersion = version_class(Mark)
    versions = db.session.scalars(
        sa.select(MarkVersion).where(MarkVersion.id == mark.id).order_by(MarkVersion.transaction_id)).all()
    assert [(v.value, v.transaction.reason, v.transaction.user_id) for v in versions] == [
        (5, None, school.teacher.id), (6, "Greșeală de transcriere", school.teacher.id)]

    deleted = _post_json(client, url, token, {"action": "delete", "reason": "Notă trecută la alt elev"})
    assert deleted.status_code == 200 and "ștearsă" in deleted.get_json()["message"]
    assert _marks() == []


def test_the_mark_page_works_without_javascript(app, school, client_for):
    mark = record_mark(school.teacher, school.enrolment, school.maths, given_on=date(2025, 11, 3), value=5)
    client = client_for(school.teacher)
    url = f"/catalogul-meu/{school.maths.id}/nota/{mark.id}"
    token = _csrf(client, url)
    refused = client.post(url, data={"csrf_token": token, "action": "change", "value": "7", "reason": ""})
    assert refused.status_code == 422 and "Motivul modificării este obligatoriu" in refused.get_data(as_text=True)
    assert 'value="7"' in refused.get_data(as_text=True)  # the typed value stays
    done = client.post(url, data={"csrf_token": token, "action": "change", "value": "7", "reason": "Recorectare"})
    assert done.status_code == 302
    assert [m.value for m in _marks()] == [7]


def test_an_absence_is_deleted_only_with_a_reason(app, school, client_for):
    absence = record_absence(school.teacher, school.enrolment, school.maths, occurred_on=date(2025, 11, 12),
                             lesson_hour=2)
    client = client_for(school.teacher)
    token = _csrf(client, _grid_url(school))
    url = f"/catalogul-meu/{school.maths.id}/absenta/{absence.id}"
    assert _post_json(client, url, token, {"reason": ""}).status_code == 422
    response = _post_json(client, url, token, {"reason": "Elevul era prezent"})
    assert response.status_code == 200 and "0 nemot." in response.get_json()["html"]
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Absence.id))) == 0


# --- absences per lesson ---------------------------------------------------------------------
def test_absences_per_lesson_are_all_or_nothing(app, school, client_for):
    second = _enrol(school, "Albu")
    third = _enrol(school, "Zamfir")
    # Albu already has an absence at that hour (at another subject): the whole lesson is refused.
    record_absence(school.other_teacher, second, school.romanian, occurred_on=date(2025, 11, 19), lesson_hour=2)
    client = client_for(school.teacher)
    url = f"/catalogul-meu/{school.maths.id}/absente"
    token = _csrf(client, url)
    refused = client.post(url, data={"csrf_token": token, "occurred_on": "2025-11-19", "lesson_hour": "2",
                                     "absent": [str(school.enrolment.id), str(second.id), str(third.id)]})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "Absența la această oră este deja trecută" in html and "Nicio absență nu a fost salvată" in html
    assert html.count("checked") == 3  # the ticks stay
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Absence.id)).where(
        Absence.curriculum_entry_id == school.maths.id)) == 0

    saved = client.post(url, data={"csrf_token": token, "occurred_on": "2025-11-19", "lesson_hour": "3",
                                   "absent": [str(school.enrolment.id), str(third.id)]}, follow_redirects=True)
    assert "Au fost trecute 2 absențe" in saved.get_data(as_text=True)
    db.session.rollback()
    rows = db.session.scalars(sa.select(Absence).where(Absence.curriculum_entry_id == school.maths.id)).all()
    assert sorted((a.enrolment_id, a.occurred_on, a.lesson_hour, a.state) for a in rows) == sorted([
        (school.enrolment.id, date(2025, 11, 19), 3, "unexcused"), (third.id, date(2025, 11, 19), 3, "unexcused")])


def test_absences_need_a_ticked_student(app, school, client_for):
    client = client_for(school.teacher)
    url = f"/catalogul-meu/{school.maths.id}/absente"
    response = client.post(url, data={"csrf_token": _csrf(client, url), "occurred_on": "2025-11-19",
                                      "lesson_hour": "1"})
    assert response.status_code == 422 and "Bifați cel puțin un elev absent" in response.get_data(as_text=True)


# --- closing the average ---------------------------------------------------------------------
def test_closing_the_average_end_to_end(app, school, client_for):
    for day, value in ((date(2025, 10, 6), 9), (date(2025, 10, 20), 8), (date(2025, 11, 3), 10)):
        record_mark(school.teacher, school.enrolment, school.maths, given_on=day, value=value)
    client = client_for(school.teacher)
    url = f"/catalogul-meu/{school.maths.id}/inchide/{school.enrolment.id}?perioada={school.semester1.id}"
    page = client.get(url).get_data(as_text=True)
    assert "<strong>9</strong>" in page  # 27 / 3 = 9
    assert "sub minimul de 4" in page and "nu are notă la teză" in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    refused = client.post(url, data={"csrf_token": token, "reason": ""})
    assert refused.status_code == 422 and "cere un motiv" in refused.get_data(as_text=True)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(PeriodAverage.id))) == 0

    closed = client.post(url, data={"csrf_token": token, "reason": "Elevul a fost în spital; teza nu s-a putut susține"})
    assert closed.status_code == 302
    db.session.rollback()
    [average] = db.session.scalars(sa.select(PeriodAverage)).all()
    assert (average.value, average.closed_by_id, average.state) == (9, school.teacher.id, "closed")

    grid = client.get(_grid_url(school)).get_data(as_text=True)
    row = re.search(rf'<tr data-enrolment-id="{school.enrolment.id}".*?</tr>', grid, re.S).group(0)
    assert re.search(r'closed-value">9</span> încheiată', row)
    assert re.search(r'class="mark-input[^>]*disabled', row) and "Închide media" not in row
    response = _post_json(client, f"/catalogul-meu/{school.maths.id}/note", token,
                          {"enrolment_id": school.enrolment.id, "value": "4"})
    assert response.status_code == 422 and "încheiată" in response.get_json()["message"]


def test_closing_the_whole_class_is_all_or_nothing(app, school, client_for):
    second = _enrol(school, "Albu")
    for enrolment, values in ((school.enrolment, (9, 8, 10, 9)), (second, (5, 6, 7, 6))):
        for day, value in zip((date(2025, 10, 6), date(2025, 10, 13), date(2025, 10, 20), date(2025, 11, 3)), values):
            record_mark(school.teacher, enrolment, school.maths, given_on=day, value=value)
    record_mark(school.teacher, school.enrolment, school.maths, given_on=date(2025, 11, 10), value=10, kind="thesis")
    client = client_for(school.teacher)
    url = f"/catalogul-meu/{school.maths.id}/inchide-toate?perioada={school.semester1.id}"
    page = client.get(url).get_data(as_text=True)
    albu = re.search(rf'<tr data-enrolment-id="{second.id}".*?</tr>', page, re.S).group(0)
    assert "<strong>6</strong>" in albu and "nu are notă la teză" in albu
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    both = {"csrf_token": token, f"close-{school.enrolment.id}": "on", f"close-{second.id}": "on"}

    refused = client.post(url, data=both)  # Albu has no teză and no reason: nothing is closed
    assert refused.status_code == 422
    assert "Albu Andrei: Disciplina are teză" in refused.get_data(as_text=True)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(PeriodAverage.id))) == 0

    done = client.post(url, data=both | {f"reason-{second.id}": "Absent motivat la teză"})
    assert done.status_code == 302
    db.session.rollback()
    closed = dict(db.session.execute(sa.select(PeriodAverage.enrolment_id, PeriodAverage.value)).all())
    # Ionescu: M = 9.00, (3 × 9 + 10) / 4 = 9.25 → 9; Albu: 24 / 4 = 6
    assert closed == {school.enrolment.id: 9, second.id: 6}
    grid = client.get(_grid_url(school)).get_data(as_text=True)
    assert len(re.findall(r"closed-value\">\d+</span> încheiată", grid)) == 2 and "Închide media<" not in grid


# --- no N+1 ----------------------------------------------------------------------------------
def _fill_class(school, size: int) -> None:
    enrolments = [school.enrolment] + [_enrol(school, f"Elev{n:02d}") for n in range(size - 1)]
    for index, enrolment in enumerate(enrolments):
        record_mark(school.teacher, enrolment, school.maths, given_on=date(2025, 10, 6), value=5 + index % 5)
        record_mark(school.teacher, enrolment, school.maths, given_on=date(2025, 11, 3), value=6)
        if index % 2:
            record_absence(school.teacher, enrolment, school.maths, occurred_on=date(2025, 11, 12), lesson_hour=1)
    record_mark(school.teacher, enrolments[0], school.maths, given_on=date(2025, 11, 10), value=8, kind="thesis")


def _grid_queries(app, school, client_for) -> int:
    client = client_for(school.teacher)
    client.get(_grid_url(school))  # warm-up
    with counting_queries() as counter:
        response = client.get(_grid_url(school))
    assert response.status_code == 200
    return counter.count


def test_the_grid_needs_the_same_few_queries_for_3_and_15_students(app, school, client_for):
    _fill_class(school, 3)
    small = _grid_queries(app, school, client_for)
    for n in range(12):
        enrolment = _enrol(school, f"Nou{n:02d}")
        record_mark(school.teacher, enrolment, school.maths, given_on=date(2025, 10, 8), value=7)
    large = _grid_queries(app, school, client_for)
    assert small == large
    assert large <= 15, large


# --- calificative (grades I–IV) ----------------------------------------------------------------
def test_a_primary_class_takes_calificative_and_closes_with_the_chosen_one(app, school, client_for):
    school.grade.evaluation_scale = "calificative"
    _save(school.grade)
    client = client_for(school.teacher)
    token = _csrf(client, _grid_url(school))
    url = f"/catalogul-meu/{school.maths.id}/note"
    wrong = _post_json(client, url, token, {"enrolment_id": school.enrolment.id, "value": "9"})
    assert wrong.status_code == 422 and "FB, B, S sau I" in wrong.get_json()["message"]
    for typed, day in (("fb", "2025-10-06"), ("Bine", "2025-10-13"), ("B", "2025-10-20"), ("FB", "2025-11-03")):
        response = _post_json(client, url, token, {"enrolment_id": school.enrolment.id, "value": typed, "given_on": day})
        assert response.status_code == 200, response.get_json()
    assert [(m.value, m.calificativ) for m in _marks()] == [(None, "FB"), (None, "B"), (None, "B"), (None, "FB")]
    html = client.get(_grid_url(school)).get_data(as_text=True)
    assert re.search(r'class="live-average">\s*<strong>FB / B</strong>', html)  # R-PRI-02: ties → the higher first
    close = f"/catalogul-meu/{school.maths.id}/inchide/{school.enrolment.id}?perioada={school.semester1.id}"
    page = client.get(close).get_data(as_text=True)
    assert 'name="calificativ" value="FB"' in page and 'name="calificativ" value="B"' in page
    assert client.post(close, data={"csrf_token": token, "calificativ": "B",
                                    "reason": "Fără teză la clasele primare"}).status_code == 302
    db.session.rollback()
    [average] = db.session.scalars(sa.select(PeriodAverage)).all()
    assert (average.value, average.calificativ) == (None, "B")


# --- rofuip2022: no period average, one annual average from all the year's marks ------------------
def _row(html: str, enrolment) -> str:
    return re.search(rf'<tr data-enrolment-id="{enrolment.id}".*?</tr>', html, re.S).group(0)


def test_under_rofuip2022_the_grid_shows_the_annual_average_and_no_closing_per_module(app, school, client_for,
                                                                                   monkeypatch):
    monkeypatch.setattr("security.access.today", lambda: date(2026, 11, 20))  # Modulul 2 of 5
    current = build_rofuip2022_year(school)
    for day, value in ((date(2026, 9, 15), 10), (date(2026, 10, 1), 10), (date(2026, 11, 10), 7)):
        record_mark(school.teacher, current.enrolment, current.maths, given_on=day, value=value)
    client = client_for(school.teacher)
    html = client.get(f"/catalogul-meu/{current.maths.id}").get_data(as_text=True)
    row = _row(html, current.enrolment)
    assert 'aria-current="page">Modulul 2<' in html
    assert re.search(r'class="live-average">\s*<strong>9</strong>', row)  # 27 / 3 over the year, not 7 of Modulul 2
    assert "⚠ 3/6 note" in row  # minimum per year: 3 h + 3
    assert "Închide media" not in html and "close-average" not in html  # neither per module nor annual yet
    assert "nu se mai încheie medii pe module" in html and "Modulul 5, de la 14.04.2027" in html
    assert "la sfârșitul anului" in row

    # The old per-module page sends to the annual one, which is not yet possible.
    per_module = client.get(f"/catalogul-meu/{current.maths.id}/inchide/{current.enrolment.id}")
    assert per_module.status_code == 303 and "/inchide-anuala/" in per_module.headers["Location"]
    url = f"/catalogul-meu/{current.maths.id}/inchide-anuala/{current.enrolment.id}"
    page = client.get(url).get_data(as_text=True)
    assert "după ce începe ultima perioadă (Modulul 5" in page and 'class="close-average"' not in page
    refused = client.post(url, data={"csrf_token": _csrf(client, url)})
    assert refused.status_code == 422 and "Modulul 5" in refused.get_data(as_text=True)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(AnnualAverage.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(PeriodAverage.id))) == 0


def test_in_the_last_module_the_annual_average_closes_end_to_end(app, school, client_for, monkeypatch):
    monkeypatch.setattr("security.access.today", lambda: date(2027, 5, 20))  # Modulul 5
    current = build_rofuip2022_year(school, students=2)
    second = db.session.scalars(sa.select(Enrolment).where(Enrolment.class_id == current.school_class.id,
                                                           Enrolment.id != current.enrolment.id)).one()
    days = (date(2026, 9, 15), date(2026, 11, 10), date(2027, 1, 20), date(2027, 3, 2), date(2027, 4, 20),
            date(2027, 5, 18))
    for day, value in zip(days[:5], (10, 9, 10, 9, 10), strict=True):  # 48 / 5 = 9.60 → 10
        record_mark(school.teacher, current.enrolment, current.maths, given_on=day, value=value)
    for day, value in zip(days, (5, 4, 4, 5, 4, 4), strict=True):  # 26 / 6 = 4.33 → 4, corigent
        record_mark(school.teacher, second, current.maths, given_on=day, value=value)
    client = client_for(school.teacher)
    grid_url = f"/catalogul-meu/{current.maths.id}"
    html = client.get(grid_url).get_data(as_text=True)
    assert "Închide media anuală" in _row(html, current.enrolment) and "Închide mediile anuale ale clasei" in html
    assert ">Închide media<" not in html

    url = f"/catalogul-meu/{current.maths.id}/inchide-anuala/{current.enrolment.id}"
    page = client.get(url).get_data(as_text=True)
    assert "Notele anului (5)" in page and "<strong>10</strong>" in page
    assert "Are 5 note în acest an, sub minimul de 6 pe an." in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post(url, data={"csrf_token": token}).status_code == 302
    db.session.rollback()
    [average] = db.session.scalars(sa.select(AnnualAverage)).all()
    assert (average.enrolment_id, average.value, average.ruleset, average.closed_by_id) == \
        (current.enrolment.id, 10, "rofuip2022", school.teacher.id)

    html = client.get(grid_url).get_data(as_text=True)
    row = _row(html, current.enrolment)
    assert re.search(r'closed-value">10</span> anuală încheiată', row)
    assert re.search(r'class="mark-input[^>]*disabled', row) and "Închide media" not in row
    refused = _post_json(client, f"{grid_url}/note", token, {"enrolment_id": current.enrolment.id, "value": "4"})
    assert refused.status_code == 422 and "încheiată" in refused.get_json()["message"]

    # The class page: the student at risk of corigență needs one more mark (6 + 1), shown as a warning.
    class_url = f"/catalogul-meu/{current.maths.id}/inchide-anuale"
    page = client.get(class_url).get_data(as_text=True)
    assert "sub minimul de 7 pe an (elev în situație de corigență)" in _row(page, second)
    assert "closed-value\">10</span> încheiată" in _row(page, current.enrolment)
    assert client.post(class_url, data={"csrf_token": token, f"close-{second.id}": "on"}).status_code == 302
    db.session.rollback()
    closed = dict(db.session.execute(sa.select(AnnualAverage.enrolment_id, AnnualAverage.value)).all())
    assert closed == {current.enrolment.id: 10, second.id: 4}
    assert db.session.scalar(sa.select(sa.func.count(PeriodAverage.id))) == 0


def test_the_rofuip2022_grid_needs_the_same_few_queries_for_3_and_15_students(app, school, client_for, monkeypatch):
    monkeypatch.setattr("security.access.today", lambda: date(2027, 5, 20))
    current = build_rofuip2022_year(school, students=3)

    def fill() -> None:
        for enrolment in db.session.scalars(sa.select(Enrolment).where(Enrolment.class_id == current.school_class.id)):
            if not db.session.scalar(sa.select(Mark.id).where(Mark.enrolment_id == enrolment.id).limit(1)):
                for day, value in ((date(2026, 9, 15), 8), (date(2027, 1, 20), 9), (date(2027, 5, 18), 7)):
                    record_mark(school.teacher, enrolment, current.maths, given_on=day, value=value)

    def queries() -> int:
        client = client_for(school.teacher)
        client.get(f"/catalogul-meu/{current.maths.id}")  # warm-up
        with counting_queries() as counter:
            response = client.get(f"/catalogul-meu/{current.maths.id}")
        assert response.status_code == 200 and "Închide media anuală" in response.get_data(as_text=True)
        return counter.count

    fill()
    small = queries()
    for n in range(12):
        _save(Enrolment(school_id=school.school.id, student_id=make_student(school.school, last_name=f"Nou{n:02d}").id,
                        year_id=current.year.id, class_id=current.school_class.id, starts_on=date(2026, 9, 8)))
    fill()
    large = queries()
    assert small == large
    assert large <= 15, large
