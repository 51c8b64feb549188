"""The director's desk over HTTP: who may open it, the approvals inbox (delegations, motivations,
reopening) deciding through the operations, closing progress, login and per-class statistics."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from schema.models import (
    AuthEvent,
    DelegationDecision,
    MotivationRequest,
    PeriodAverage,
    ReopenRequest,
    TeachingAssignment,
    db,
)
from schema.operations.absences import excuse_absences, record_absence
from schema.operations.closing import close_period_average
from schema.operations.delegations import request_delegation
from schema.operations.marks import record_mark
from schema.operations.motivation_requests import request_motivation_approval
from schema.operations.reopening import request_reopen
from security import policy
from security.auth import LOGIN_FAILED, LOGIN_SUCCEEDED
from tests.factories import _save, make_school, make_user
from tests.pages.conftest import counting_queries

TODAY = date(2025, 11, 20)


@pytest.fixture(autouse=True)
def _frozen_today(monkeypatch):
    monkeypatch.setattr("security.access.today", lambda: TODAY)


def _csrf(client, url: str = "/directiune/") -> str:
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    return re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)


def _text(response) -> str:
    return response.get_data(as_text=True)


def _marks(school, teacher, entry, values, month=10):
    for day, value in enumerate(values, start=6):
        record_mark(teacher, school.enrolment, entry, given_on=date(2025, month, day), value=value)


def test_only_the_director_and_deputy_open_the_desk(app, school, client_for):
    parent = make_user(school.school, policy.PARENT)
    for user in (school.teacher, school.class_master, school.administrator, school.secretary, parent):
        for url in ("/directiune/", "/directiune/incheiere", "/directiune/autentificari", "/directiune/statistici"):
            assert client_for(user).get(url).status_code == 403, (user.last_name, url)
    deputy = make_user(school.school, policy.DEPUTY_DIRECTOR)
    for user in (school.director, deputy):
        for url in ("/directiune/", "/directiune/incheiere", "/directiune/autentificari", "/directiune/statistici"):
            assert client_for(user).get(url).status_code == 200, url


def test_delegations_are_approved_and_refused_from_the_inbox(app, school, client_for):
    assignment = db.session.scalar(sa.select(TeachingAssignment).where(TeachingAssignment.teacher_id == school.teacher.id))
    first = request_delegation(school.teacher, assignment, school.other_teacher, starts_on=date(2025, 11, 24),
                               ends_on=date(2025, 11, 28), reason="Concediu medical")
    second = request_delegation(school.teacher, assignment, school.class_master, starts_on=date(2025, 12, 1),
                                ends_on=date(2025, 12, 5), reason="Cursuri de formare")
    client = client_for(school.director)
    page = _text(client.get("/directiune/"))
    assert "Concediu medical" in page and "Cursuri de formare" in page
    assert client.post(f"/directiune/delegari/{first.id}", data={
        "csrf_token": _csrf(client), "decision": "approve", "note": "De acord"}).status_code == 302
    client.post(f"/directiune/delegari/{second.id}", data={"csrf_token": _csrf(client), "decision": "refuse"})
    decisions = {d.delegation_id: (d.approved, d.decided_by_id, d.note) for d in db.session.scalars(sa.select(DelegationDecision))}
    assert decisions == {first.id: (True, school.director.id, "De acord"), second.id: (False, school.director.id, None)}
    page = _text(client.get("/directiune/"))
    assert "Concediu medical" not in page
    again = client.post(f"/directiune/delegari/{first.id}", data={"csrf_token": _csrf(client), "decision": "refuse"},
                        follow_redirects=True)
    assert "nu se mai poate schimba" in _text(again)


def test_motivation_requests_are_approved_and_refused_from_the_inbox(app, school, client_for):
    ask = dict(covers_from=date(2025, 11, 3), covers_to=date(2025, 11, 3), hours=3, document_date=date(2025, 10, 31))
    parent_request = request_motivation_approval(school.class_master, school.enrolment, kind="parent_request",
                                                 document_number="501", **ask)
    olympiad = request_motivation_approval(school.class_master, school.enrolment, kind="olympiad",
                                           document_number="OL-7", **ask)
    client = client_for(school.director)
    page = _text(client.get("/directiune/"))
    assert "Cererea părintelui nr. 501" in page and "mai rămân 20" in page and "OL-7" in page
    client.post(f"/directiune/motivari/{parent_request.id}", data={"csrf_token": _csrf(client), "decision": "approve"})
    response = client.post(f"/directiune/motivari/{olympiad.id}", data={
        "csrf_token": _csrf(client), "decision": "refuse", "note": "Lipsește adeverința"}, follow_redirects=True)
    assert "Cererea de motivare a fost respinsă" in _text(response)
    db.session.expire_all()  # the requests ran in their own sessions
    states = {r.id: (r.state, r.decided_by_id, r.note) for r in db.session.scalars(sa.select(MotivationRequest))}
    assert states == {parent_request.id: ("approved", school.director.id, None),
                      olympiad.id: ("refused", school.director.id, "Lipsește adeverința")}
    # The approval is then used by the class master: approved_by is the director who decided.
    for hour in (1, 2, 3):
        record_absence(school.teacher, school.enrolment, school.maths, occurred_on=date(2025, 11, 3), lesson_hour=hour)
    approval = db.session.get(MotivationRequest, parent_request.id)
    motivation = excuse_absences(school.class_master, school.enrolment, kind="parent_request", document_number="501",
                                 document_date=date(2025, 10, 31), covers_from=date(2025, 11, 3),
                                 covers_to=date(2025, 11, 3), returned_on=date(2025, 11, 4),
                                 presented_on=date(2025, 11, 4), approval=approval)
    assert motivation.approved_by_id == school.director.id


def test_reopening_requests_are_approved_and_refused_from_the_inbox(app, school, client_for):
    _marks(school, school.teacher, school.maths, [8, 9, 9, 10])
    _marks(school, school.other_teacher, school.romanian, [7, 7, 8, 8, 9])
    maths = close_period_average(school.teacher, school.enrolment, school.maths, school.semester1, reason="Fără teză")
    romanian = close_period_average(school.other_teacher, school.enrolment, school.romanian, school.semester1)
    first = request_reopen(school.teacher, maths, reason="Notă omisă la 12.10")
    second = request_reopen(school.other_teacher, romanian, reason="Greșeală de calcul")
    client = client_for(school.director)
    page = _text(client.get("/directiune/"))
    assert "media la Matematică, Semestrul I" in page and "Notă omisă la 12.10" in page
    client.post(f"/directiune/redeschideri/{first.id}", data={"csrf_token": _csrf(client), "decision": "approve"})
    client.post(f"/directiune/redeschideri/{second.id}", data={"csrf_token": _csrf(client), "decision": "refuse",
                                                               "note": "Media este corectă"})
    db.session.expire_all()
    requests = {r.id: (r.approved, r.decided_by_id, r.decision_note) for r in db.session.scalars(sa.select(ReopenRequest))}
    assert requests == {first.id: (True, school.director.id, None), second.id: (False, school.director.id, "Media este corectă")}
    states = {a.curriculum_entry_id: a.state for a in db.session.scalars(sa.select(PeriodAverage))}
    assert states == {school.maths.id: "reopened", school.romanian.id: "closed"}


def test_another_schools_requests_are_missing(app, school, client_for):
    assignment = db.session.scalar(sa.select(TeachingAssignment).where(TeachingAssignment.teacher_id == school.teacher.id))
    delegation = request_delegation(school.teacher, assignment, school.other_teacher, starts_on=date(2025, 11, 24),
                                    ends_on=date(2025, 11, 28), reason="Concediu")
    motivation = request_motivation_approval(school.class_master, school.enrolment, kind="sports",
                                             covers_from=date(2025, 11, 3), covers_to=date(2025, 11, 3), hours=2,
                                             document_number="S-1", document_date=date(2025, 10, 31))
    stranger = make_user(make_school(), policy.DIRECTOR)
    client = client_for(stranger)
    assert "S-1" not in _text(client.get("/directiune/"))
    token = _csrf(client)
    for url in (f"/directiune/delegari/{delegation.id}", f"/directiune/motivari/{motivation.id}",
                "/directiune/redeschideri/999"):
        assert client.post(url, data={"csrf_token": token, "decision": "approve"}).status_code == 404, url
    teacher = client_for(school.teacher)
    assert teacher.post(f"/directiune/motivari/{motivation.id}", data={"decision": "approve"}).status_code in (400, 403)
    assert db.session.scalar(sa.select(sa.func.count(DelegationDecision.id))) == 0
    db.session.expire_all()
    assert db.session.get(MotivationRequest, motivation.id).state == "pending"


def test_closing_progress_per_class_and_teacher(app, school, client_for):
    _marks(school, school.teacher, school.maths, [8, 9, 9, 10])
    close_period_average(school.teacher, school.enrolment, school.maths, school.semester1, reason="Fără teză")
    page = _text(client_for(school.director).get("/directiune/incheiere"))
    assert "Semestrul I" in page
    # a V-a A: 1 student × 2 subjects, 1 closed → 50 %; Vasilescu (maths) 100 %, Dumitrescu (romanian) 0 %.
    assert re.search(r"<td>a V-a A</td><td>1</td><td>2</td>\s*<td[^>]*>\s*<progress[^>]*></progress> 50 %", page)
    assert re.search(r"<td>Vasilescu Ion</td><td>1</td><td>1</td>\s*<td[^>]*>\s*<progress[^>]*></progress> 100 %", page)
    assert re.search(r"<td>Dumitrescu Maria</td><td>0</td><td>1</td>\s*<td[^>]*>\s*<progress[^>]*></progress> 0 %", page)


def test_login_statistics_per_day_role_and_never_logged_in(app, school, client_for):
    def event(kind, user, day, hour=10):
        _save(AuthEvent(kind=kind, user_id=user.id, school_id=school.school.id, email=user.email,
                        occurred_at=datetime(2025, 11, day, hour, tzinfo=UTC)))

    event(LOGIN_SUCCEEDED, school.teacher, 19)
    event(LOGIN_SUCCEEDED, school.teacher, 19, 12)
    event(LOGIN_FAILED, school.teacher, 19, 13)
    event(LOGIN_SUCCEEDED, school.director, 18)
    event(LOGIN_SUCCEEDED, school.secretary, 1)  # outside the 14 days, but did log in once
    page = _text(client_for(school.director).get("/directiune/autentificari"))
    assert re.search(r"<td>19\.11\.2025</td><td>2</td><td class=\"warning\">1</td>", page)
    assert re.search(r"<td>18\.11\.2025</td><td>1</td><td>0</td>", page)
    assert re.search(r"<td>Profesor</td><td>2</td><td>1</td>\s*<td>1</td>", page)
    never = page.split("Personal care nu s-a autentificat niciodată")[1]
    assert "Stănescu Elena" in never and "Georgescu Radu" in never
    assert "Vasilescu Ion" not in never and "Moldovan Irina" not in never and "Țurcanu Doina" not in never


def test_per_class_statistics(app, school, client_for):
    _marks(school, school.teacher, school.maths, [3, 4, 4, 5])
    _marks(school, school.other_teacher, school.romanian, [8, 8, 9, 9, 9])
    record_absence(school.teacher, school.enrolment, school.maths, occurred_on=date(2025, 11, 3), lesson_hour=1)
    close_period_average(school.teacher, school.enrolment, school.maths, school.semester1, reason="Fără teză")
    close_period_average(school.other_teacher, school.enrolment, school.romanian, school.semester1)
    client = client_for(school.director)
    with counting_queries() as counter:
        page = _text(client.get(f"/directiune/statistici?perioada={school.semester1.id}"))
    # Maths round_in_favour(4.0) = 4, Romanian round_in_favour(8.6) = 9 → class average 6,50.
    assert re.search(r"<td>a V-a A</td>\s*<td>6,50</td>\s*<td>2</td>", page)
    assert "Matematică: 1" in page and "Limba și literatura română: 1" not in page
    assert re.search(r"<td>0</td><td>1</td>\s*</tr>", page)
    assert counter.count <= 15, counter.count
