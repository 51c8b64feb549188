"""Delegation of rights (000 ¶20): without the director's approval the other teacher has no
write access; with it, only within its dates; the decision can never be changed."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy_continuum import version_class

import security.access
from schema.errors import InvariantViolation, PermissionDenied
from schema.models import Delegation, DelegationDecision, Mark, TeachingAssignment, db
from schema.operations.delegations import decide_delegation, request_delegation
from schema.operations.marks import record_mark

LESSON = date(2025, 10, 14)


@pytest.fixture
def delegation(app, school, monkeypatch):
    monkeypatch.setattr(security.access, "today", lambda: LESSON)
    assignment = db.session.scalar(sa.select(TeachingAssignment).where(TeachingAssignment.teacher_id == school.teacher.id))
    return request_delegation(school.teacher, assignment, school.other_teacher, starts_on=date(2025, 10, 1),
                              ends_on=date(2025, 10, 21), reason="Concediu medical 1–21 octombrie")


def _mark_by_delegate(school, day=LESSON):
    return record_mark(school.other_teacher, school.enrolment, school.maths, given_on=day, value=8)


def test_without_approval_the_other_teacher_cannot_write(school, delegation):
    with pytest.raises(PermissionDenied) as refused:
        _mark_by_delegate(school)
    assert refused.value.code == "not_your_assignment"


def test_a_refused_delegation_gives_no_right(school, delegation):
    decide_delegation(school.director, delegation, approve=False, note="Se asigură suplinire din catedră")
    with pytest.raises(PermissionDenied):
        _mark_by_delegate(school)


def test_approved_delegation_allows_within_its_dates_only(school, delegation, monkeypatch):
    decide_delegation(school.director, delegation, approve=True)
    mark = _mark_by_delegate(school)
    assert mark.teacher_id == school.other_teacher.id
    with pytest.raises(PermissionDenied):  # a lesson after the delegation
        _mark_by_delegate(school, day=date(2025, 10, 28))
    monkeypatch.setattr(security.access, "today", lambda: date(2025, 10, 22))
    with pytest.raises(PermissionDenied):  # the delegation is over: no back-dating into its weeks
        _mark_by_delegate(school, day=date(2025, 10, 15))


def test_only_the_director_decides_and_only_once(school, delegation):
    for someone in (school.teacher, school.other_teacher, school.administrator, school.secretary):
        with pytest.raises(PermissionDenied):
            decide_delegation(someone, delegation, approve=True)
    decide_delegation(school.director, delegation, approve=True)
    with pytest.raises(InvariantViolation) as twice:
        decide_delegation(school.director, delegation, approve=False)
    assert twice.value.code == "already_decided"


def test_only_the_assignment_teacher_asks(school, delegation):
    assignment = db.session.get(TeachingAssignment, delegation.assignment_id)
    with pytest.raises(PermissionDenied):
        request_delegation(school.other_teacher, assignment, school.class_master, starts_on=date(2025, 10, 1),
                           ends_on=date(2025, 10, 2), reason="x")


def test_the_approval_can_never_be_changed_and_the_history_shows_it(school, delegation):
    decision = decide_delegation(school.director, delegation, approve=True, note="Aprobat")
    decision_id = decision.id
    for statement in ("UPDATE delegation_decisions SET approved = false", "DELETE FROM delegation_decisions",
                      "UPDATE delegations SET ends_on = '2026-06-30'"):
        with pytest.raises(Exception, match="delegation_decision_immutable"):
            db.session.execute(sa.text(statement))
        db.session.rollback()
    ORMDecision = db.session.get(DelegationDecision, decision_id)
    ORMDecision.approved = False
    with pytest.raises(Exception):
        db.session.commit()
    db.session.rollback()
    DecisionVersion = version_class(DelegationDecision)
    versions = db.session.scalars(sa.select(DecisionVersion).where(DecisionVersion.id == decision_id)).all()
    assert [(v.approved, v.transaction.user_id) for v in versions] == [(True, school.director.id)]
    assert "aprobată" in versions[0].transaction.reason
    assert db.session.scalar(sa.select(sa.func.count(Mark.id))) == 0
    assert db.session.get(Delegation, delegation.id).ends_on == date(2025, 10, 21)


def test_the_decision_is_an_auth_event_the_auditor_can_read(school, delegation):
    from schema.audit_log import AuthEvent

    decide_delegation(school.director, delegation, approve=True)
    event = db.session.scalar(sa.select(AuthEvent).where(AuthEvent.kind == "delegation_decided"))
    assert event.user_id == school.director.id
    assert event.detail == {"delegation_id": delegation.id, "approved": True}
