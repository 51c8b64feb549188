"""Delegation in the application, over HTTP: the teacher asks, the director decides; the
decision cannot be taken twice; others cannot decide."""

from __future__ import annotations

import re
from datetime import date

import sqlalchemy as sa

from schema.models import Delegation, DelegationDecision, TeachingAssignment, db
from tests.security.access_helpers import login_as


def _csrf(client, url: str) -> str:
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    return re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)


def test_the_teacher_asks_and_the_director_approves_in_the_application(app, school):
    assignment = db.session.scalar(sa.select(TeachingAssignment).where(TeachingAssignment.teacher_id == school.teacher.id))
    teacher = login_as(app, school.teacher)
    token = _csrf(teacher, "/delegari/")
    response = teacher.post("/delegari/cerere", data={
        "csrf_token": token, "assignment_id": assignment.id, "to_teacher_id": school.other_teacher.id,
        "starts_on": "2025-10-01", "ends_on": "2025-10-21", "reason": "Concediu medical"})
    assert response.status_code == 302
    delegation = db.session.scalar(sa.select(Delegation))
    assert (delegation.from_teacher_id, delegation.to_teacher_id, delegation.ends_on) == (
        school.teacher.id, school.other_teacher.id, date(2025, 10, 21))

    other = login_as(app, school.other_teacher)
    assert other.post(f"/delegari/{delegation.id}/decizie", data={"csrf_token": _csrf(other, "/delegari/"),
                                                                  "decision": "approve"}).status_code == 403
    director = login_as(app, school.director)
    page = director.get("/delegari/").get_data(as_text=True)
    assert "Concediu medical" in page and "Aprob" in page
    director.post(f"/delegari/{delegation.id}/decizie", data={"csrf_token": _csrf(director, "/delegari/"),
                                                              "decision": "approve", "note": "De acord"})
    decision = db.session.scalar(sa.select(DelegationDecision))
    assert (decision.approved, decision.decided_by_id, decision.note) == (True, school.director.id, "De acord")
    again = director.post(f"/delegari/{delegation.id}/decizie", data={"csrf_token": _csrf(director, "/delegari/"),
                                                                      "decision": "refuse"}, follow_redirects=True)
    assert "nu se mai poate schimba" in again.get_data(as_text=True)
    assert db.session.scalar(sa.select(DelegationDecision.approved)) is True


def test_bad_dates_get_a_romanian_error_and_nothing_is_saved(app, school):
    assignment = db.session.scalar(sa.select(TeachingAssignment).where(TeachingAssignment.teacher_id == school.teacher.id))
    teacher = login_as(app, school.teacher)
    response = teacher.post("/delegari/cerere", data={
        "csrf_token": _csrf(teacher, "/delegari/"), "assignment_id": assignment.id,
        "to_teacher_id": school.other_teacher.id, "starts_on": "2025-10-21", "ends_on": "2025-10-01", "reason": "x"},
        follow_redirects=True)
    assert "înaintea" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Delegation.id))) == 0


def test_parents_and_administrators_have_no_delegation_page(app, school):
    assert login_as(app, school.administrator).get("/delegari/").status_code == 403
