"""The class master's desk over HTTP: who may open it, the class overview (and its query count),
excusing absences with the 7-day deadline and the parent-request limit, behaviour marks and
closing the class situation."""

from __future__ import annotations

import re
from datetime import date

import pytest

from schema.errors import InvariantViolation
import sqlalchemy as sa

from schema.models import (
    Absence,
    BehaviourMark,
    Enrolment,
    Motivation,
    MotivationRequest,
    SchoolClass,
    YearResult,
    db,
)
from schema.operations.absences import record_absence
from schema.operations.closing import close_annual_average, close_period_average, set_behaviour_mark
from schema.operations.marks import record_mark
from schema.operations.motivation_requests import decide_motivation_request, request_motivation_approval
from security import policy
from tests.factories import _save, make_student, make_user
from tests.pages.conftest import counting_queries
from tests.test_closing_rofuip2022 import build_rofuip2022_year

TODAY = date(2025, 11, 20)


@pytest.fixture(autouse=True)
def _frozen_today(monkeypatch):
    monkeypatch.setattr("security.access.today", lambda: TODAY)


def _csrf(client, url: str) -> str:
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    return re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)


def _text(response) -> str:
    return response.get_data(as_text=True)


def _absences(school, enrolment, day: date, hours: int, entry=None) -> None:
    for hour in range(1, hours + 1):
        record_absence(school.teacher, enrolment, entry or school.maths, occurred_on=day, lesson_hour=hour)


def _enrol(school, count: int) -> list[Enrolment]:
    enrolments = []
    for index in range(count):
        student = make_student(school.school, last_name=f"Elev{index:02d}", first_name="Test")
        enrolments.append(_save(Enrolment(school_id=school.school.id, student_id=student.id, year_id=school.year.id,
                                          class_id=school.school_class.id, starts_on=date(2025, 9, 8))))
    return enrolments


# --- access ------------------------------------------------------------------------------------


def test_only_class_masters_open_the_desk(app, school, client_for):
    assert client_for(school.teacher).get("/diriginte/").status_code == 403
    assert client_for(school.director).get("/diriginte/").status_code == 403
    assert client_for(school.administrator).get("/diriginte/").status_code == 403
    parent = make_user(school.school, policy.PARENT)
    assert client_for(parent).get("/diriginte/").status_code == 403
    assert client_for(parent).get(f"/diriginte/clasa/{school.school_class.id}").status_code == 403
    page = client_for(school.class_master).get("/diriginte/")
    assert page.status_code == 200 and "a V-a A" in _text(page)
    assert "a V-a B" not in _text(page)


def test_another_class_masters_class_is_missing(app, school, client_for):
    other_master = make_user(school.school, policy.TEACHER, last_name="Marin")
    other_class = db.session.get(SchoolClass, school.other_class.id)
    other_class.class_master_id = other_master.id
    _save(other_class)
    client = client_for(school.class_master)
    for url in (f"/diriginte/clasa/{school.other_class.id}", f"/diriginte/clasa/{school.other_class.id}/motivari",
                f"/diriginte/clasa/{school.other_class.id}/purtare", f"/diriginte/clasa/{school.other_class.id}/incheiere",
                "/diriginte/clasa/999999"):
        assert client.get(url).status_code == 404, url
    token = _csrf(client, f"/diriginte/clasa/{school.school_class.id}/motivari")
    response = client.post(f"/diriginte/clasa/{school.other_class.id}/incheiere", data={"csrf_token": token})
    assert response.status_code == 404
    # A student of another class through the form of one's own class: missing too.
    stranger = _save(Enrolment(school_id=school.school.id, student_id=make_student(school.school).id,
                               year_id=school.year.id, class_id=school.other_class.id, starts_on=date(2025, 9, 8)))
    response = client.post(f"/diriginte/clasa/{school.school_class.id}/purtare", data={
        "csrf_token": token, "enrolment_id": stranger.id, "period_id": school.semester1.id})
    assert response.status_code == 404
    assert db.session.scalar(sa.select(sa.func.count(BehaviourMark.id))) == 0


# --- class overview ----------------------------------------------------------------------------


def test_overview_shows_closed_and_live_averages_absences_and_behaviour(app, school, client_for):
    for day, value in ((date(2025, 10, 6), 8), (date(2025, 10, 13), 9), (date(2025, 10, 20), 10)):
        record_mark(school.teacher, school.enrolment, school.maths, given_on=day, value=value)
    for day, value in ((date(2025, 10, 7), 6), (date(2025, 10, 14), 7)):
        record_mark(school.other_teacher, school.enrolment, school.romanian, given_on=day, value=value)
    close_period_average(school.other_teacher, school.enrolment, school.romanian, school.semester1, reason="Test")
    _absences(school, school.enrolment, date(2025, 11, 3), 3)
    page = _text(client_for(school.class_master).get(f"/diriginte/clasa/{school.school_class.id}?perioada={school.semester1.id}"))
    # Maths is open: live round_in_favour(mean(8, 9, 10)) = 9, shown as provisional.
    assert re.search(r'<td class="live">9</td>', page)
    # Romanian was closed at round_in_favour(6.5) = 7.
    assert re.search(r'<td class="closed">7</td>', page)
    assert "<td>0</td>" in page and "<td>3</td>" in page  # excused / unexcused
    assert "10 (propunere)" in page
    assert 'class="scroller"' in page


def _overview_queries(client, school) -> int:
    url = f"/diriginte/clasa/{school.school_class.id}?perioada={school.semester1.id}"
    client.get(url)  # warm-up: the session's user and roles
    with counting_queries() as counter:
        assert client.get(url).status_code == 200
    return counter.count


def test_overview_query_count_does_not_grow_with_the_class(app, school, client_for):
    client = client_for(school.class_master)

    def add_data(enrolments):
        for enrolment in enrolments:
            record_mark(school.teacher, enrolment, school.maths, given_on=date(2025, 10, 6), value=7)
            record_mark(school.other_teacher, enrolment, school.romanian, given_on=date(2025, 10, 7), value=9)
            record_absence(school.teacher, enrolment, school.maths, occurred_on=date(2025, 10, 8), lesson_hour=1)

    first = _enrol(school, 2)
    add_data([school.enrolment, *first])
    small = _overview_queries(client, school)
    more = _enrol(school, 9)
    add_data(more)
    assert db.session.scalar(sa.select(sa.func.count(Enrolment.id)).where(Enrolment.class_id == school.school_class.id)) == 12
    large = _overview_queries(client, school)
    assert small == large
    assert large <= 20, large
    year_url = f"/diriginte/clasa/{school.school_class.id}?perioada=anual"
    with counting_queries() as counter:
        assert client.get(year_url).status_code == 200
    assert counter.count <= 22, counter.count


# --- excusing absences -------------------------------------------------------------------------


def _excuse_form(school, **overrides) -> dict:
    values = {
        "enrolment_id": school.enrolment.id, "kind": "medical", "document_number": "123", "document_date": "2025-11-05",
        "covers_from": "2025-11-03", "covers_to": "2025-11-03", "returned_on": "2025-11-04",
        "presented_on": "2025-11-10", "approval_id": "",
    }
    return values | overrides


def test_excusing_with_a_medical_note_in_time(app, school, client_for):
    _absences(school, school.enrolment, date(2025, 11, 3), 2)
    client = client_for(school.class_master)
    url = f"/diriginte/clasa/{school.school_class.id}/motivari"
    page = _text(client.get(url))
    assert "Documentele se prezintă în cel mult 7 zile de la revenirea elevului" in page
    response = client.post(url, data={"csrf_token": _csrf(client, url), **_excuse_form(school)})
    assert response.status_code == 302
    assert set(db.session.scalars(sa.select(Absence.state))) == {"excused"}
    motivation = db.session.scalar(sa.select(Motivation))
    assert (motivation.kind, motivation.hours, motivation.recorded_by_id) == ("medical", 2, school.class_master.id)


def test_documents_after_seven_days_are_refused_and_the_input_kept(app, school, client_for):
    _absences(school, school.enrolment, date(2025, 11, 3), 2)
    client = client_for(school.class_master)
    url = f"/diriginte/clasa/{school.school_class.id}/motivari"
    response = client.post(url, data={"csrf_token": _csrf(client, url),
                                      **_excuse_form(school, document_number="MED-77", presented_on="2025-11-12")})
    assert response.status_code == 422
    page = _text(response)
    assert "la mai mult de 7 zile" in page and "rămân nemotivate" in page
    assert 'value="MED-77"' in page and 'value="2025-11-12"' in page
    assert db.session.scalar(sa.select(sa.func.count(Motivation.id))) == 0
    assert set(db.session.scalars(sa.select(Absence.state))) == {"unexcused"}


def test_parent_request_needs_the_directors_approval_first(app, school, client_for):
    _absences(school, school.enrolment, date(2025, 11, 3), 2)
    client = client_for(school.class_master)
    url = f"/diriginte/clasa/{school.school_class.id}/motivari"
    response = client.post(url, data={"csrf_token": _csrf(client, url), **_excuse_form(school, kind="parent_request")})
    assert response.status_code == 422 and "aprobarea prealabilă a directorului" in _text(response)

    response = client.post(f"/diriginte/clasa/{school.school_class.id}/cereri", data={
        "csrf_token": _csrf(client, url), "enrolment_id": school.enrolment.id, "request_kind": "parent_request",
        "request_number": "345", "request_date": "2025-10-30", "request_from": "2025-11-03",
        "request_to": "2025-11-03", "hours": "2"})
    assert response.status_code == 302
    approval = db.session.scalar(sa.select(MotivationRequest))
    assert (approval.state, approval.requested_by_id, approval.hours) == ("pending", school.class_master.id, 2)
    decide_motivation_request(school.director, approval, approve=True)

    page = _text(client.get(f"{url}?elev={school.enrolment.id}"))
    assert "Ore care se mai pot motiva pe baza cererii părintelui: 20" in page
    response = client.post(url, data={"csrf_token": _csrf(client, url),
                                      **_excuse_form(school, kind="parent_request", approval_id=approval.id)})
    assert response.status_code == 302
    motivation = db.session.scalar(sa.select(Motivation))
    assert (motivation.kind, motivation.approved_by_id) == ("parent_request", school.director.id)
    db.session.refresh(approval)
    assert approval.motivation_id == motivation.id
    page = _text(client.get(f"{url}?elev={school.enrolment.id}"))
    assert "Ore care se mai pot motiva pe baza cererii părintelui: 18" in page


def test_the_parent_request_limit_is_enforced_and_explained(app, school, client_for):
    # W-19: 12 hours excused on a parent's request; 10 more asked → only 8 left: refused, explained.
    for day in (date(2025, 11, 3), date(2025, 11, 4)):
        _absences(school, school.enrolment, day, 6)
    for day in (date(2025, 11, 10), date(2025, 11, 11)):
        _absences(school, school.enrolment, day, 5)
    first = request_motivation_approval(school.class_master, school.enrolment, kind="parent_request",
                                        covers_from=date(2025, 11, 3), covers_to=date(2025, 11, 4), hours=12,
                                        document_number="1", document_date=date(2025, 10, 31))
    second = request_motivation_approval(school.class_master, school.enrolment, kind="parent_request",
                                         covers_from=date(2025, 11, 10), covers_to=date(2025, 11, 11), hours=10,
                                         document_number="2", document_date=date(2025, 11, 7))
    decide_motivation_request(school.director, first, approve=True)
    client = client_for(school.class_master)
    url = f"/diriginte/clasa/{school.school_class.id}/motivari"
    assert client.post(url, data={"csrf_token": _csrf(client, url), **_excuse_form(
        school, kind="parent_request", approval_id=first.id, covers_from="2025-11-03", covers_to="2025-11-04",
        returned_on="2025-11-05", presented_on="2025-11-05", document_number="1")}).status_code == 302
    # The director cannot approve 10 more hours: only 8 are left, and the refusal says why.
    with pytest.raises(InvariantViolation) as refused:
        decide_motivation_request(school.director, second, approve=True)
    message = refused.value.message_ro
    assert "cel mult 20 de ore pe semestru" in message and "s-au motivat deja 12" in message and "mai rămân 8" in message
    page = _text(client.get(f"{url}?elev={school.enrolment.id}"))
    assert "Ore care se mai pot motiva pe baza cererii părintelui: 8" in page
    assert db.session.scalar(sa.select(sa.func.count(Absence.id)).where(Absence.state == "excused")) == 12
    # A new request for more than is left does not even reach the director.
    response = client.post(f"/diriginte/clasa/{school.school_class.id}/cereri", data={
        "csrf_token": _csrf(client, url), "enrolment_id": school.enrolment.id, "request_kind": "parent_request",
        "request_number": "3", "request_date": "2025-11-12", "request_from": "2025-11-17",
        "request_to": "2025-11-18", "hours": "9"})
    assert response.status_code == 422 and "mai rămân 8" in _text(response)


# --- behaviour ---------------------------------------------------------------------------------


def test_behaviour_takes_the_proposal_and_a_different_mark_needs_a_reason(app, school, client_for):
    extra = _enrol(school, 1)[0]
    for day in (date(2025, 10, 6), date(2025, 10, 7), date(2025, 10, 8), date(2025, 10, 9)):
        _absences(school, school.enrolment, day, 3)  # 12 unexcused → 10 - 1 = 9
    client = client_for(school.class_master)
    url = f"/diriginte/clasa/{school.school_class.id}/purtare?perioada={school.semester1.id}"
    page = _text(client.get(url))
    assert "<td>9</td>" in page and "1 mustr." in page
    post_url = f"/diriginte/clasa/{school.school_class.id}/purtare"
    response = client.post(post_url, data={"csrf_token": _csrf(client, url), "enrolment_id": school.enrolment.id,
                                           "period_id": school.semester1.id, "value": "9", "reason": ""})
    assert response.status_code == 302
    response = client.post(post_url, data={"csrf_token": _csrf(client, url), "enrolment_id": extra.id,
                                           "period_id": school.semester1.id, "value": "8", "reason": ""})
    assert response.status_code == 422 and "o altă notă la purtare cere un motiv" in _text(response)
    response = client.post(post_url, data={"csrf_token": _csrf(client, url), "enrolment_id": extra.id,
                                           "period_id": school.semester1.id, "value": "8",
                                           "reason": "Abateri consemnate în registrul clasei"})
    assert response.status_code == 302
    marks = {m.enrolment_id: (m.value, m.proposal) for m in db.session.scalars(sa.select(BehaviourMark))}
    assert marks == {school.enrolment.id: (9, 9), extra.id: (8, 10)}


def test_rofuip2022_proposals_use_the_years_unexcused_absences(app, school, client_for, monkeypatch):
    # 8 unexcused in each of the five modules: 40 in the year -> floor(40 / 20) = 2 -> proposal 8 in every module
    # (counted per module it would be 9). The desk and the overview show the operation's proposal.
    monkeypatch.setattr("security.access.today", lambda: date(2027, 6, 1))
    current = build_rofuip2022_year(school)
    for module in current.modules:
        for hour in range(1, 9):
            record_absence(school.teacher, current.enrolment, current.maths, occurred_on=module.starts_on, lesson_hour=hour)
    client = client_for(school.class_master)
    first = current.modules[0]
    page = _text(client.get(f"/diriginte/clasa/{current.school_class.id}/purtare?perioada={first.id}"))
    assert re.search(r"<td>40 <span[^>]*>4 mustr\.</span></td>\s*<td>8</td>", page)
    assert "absențele nemotivate din anul școlar 2026-2027" in page
    overview = _text(client.get(f"/diriginte/clasa/{current.school_class.id}?perioada={first.id}"))
    assert "8 (propunere)" in overview
    assert "<td>8</td>" in overview  # the module's own unexcused absences are still the ones shown


# --- closing -----------------------------------------------------------------------------------


def test_closing_lists_what_is_missing_then_closes_the_year(app, school, client_for):
    client = client_for(school.class_master)
    url = f"/diriginte/clasa/{school.school_class.id}/incheiere"
    page = _text(client.get(url))
    assert "media la Matematică pe Semestrul I nu este încheiată" in page
    assert "nota la purtare pe Semestrul al II-lea nu este trecută" in page
    assert "Încheie situația școlară a clasei" not in page
    response = client.post(url, data={"csrf_token": _csrf(client, url)}, follow_redirects=True)
    assert "nu se poate încheia încă" in _text(response)
    assert db.session.scalar(sa.select(sa.func.count(YearResult.id))) == 0

    days = {school.semester1.id: date(2025, 10, 6), school.semester2.id: date(2026, 3, 2)}
    for period in (school.semester1, school.semester2):
        record_mark(school.teacher, school.enrolment, school.maths, given_on=days[period.id], value=8)
        record_mark(school.other_teacher, school.enrolment, school.romanian, given_on=days[period.id], value=9)
        close_period_average(school.teacher, school.enrolment, school.maths, period, reason="Test")
        close_period_average(school.other_teacher, school.enrolment, school.romanian, period, reason="Test")
        set_behaviour_mark(school.class_master, school.enrolment, period)
    close_annual_average(school.teacher, school.enrolment, school.maths)
    close_annual_average(school.other_teacher, school.enrolment, school.romanian)
    page = _text(client.get(url))
    assert "Totul este încheiat pe Semestrul I" in page and "Încheie situația școlară a clasei" in page
    response = client.post(url, data={"csrf_token": _csrf(client, url)}, follow_redirects=True)
    assert "a fost încheiată pentru 1 elevi" in _text(response)
    result = db.session.scalar(sa.select(YearResult))
    assert (result.status, result.closed_by_id) == ("promovat", school.class_master.id)
    page = _text(client.get(f"/diriginte/clasa/{school.school_class.id}?perioada=anual"))
    assert "promovat" in page
