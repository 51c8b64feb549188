"""The API scenarios of issue 7, over HTTPS against a live portal (tests/api/conftest.py):
a teacher token writes marks; an administrator token is refused; a parent token sees only its
own child; a write on a closed average is refused; the version rows carry the token's owner and
id; expired and revoked tokens get 401; tokens are stored hashed."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy_continuum import version_class, versioning_manager

from schema.api_tokens import ApiToken
from schema.db import audit_context
from schema.models import Mark, db

ERROR_KEYS = {"code", "message", "message_en"}


def _mark_body(live, **overrides):
    body = {"enrolment_id": live.ids["enrolment"], "curriculum_entry_id": live.ids["maths"],
            "given_on": "2025-11-19", "value": 9}
    return body | overrides


def _transactions_of(live, mark_id: int) -> list[tuple[int, int | None, int | None, str | None]]:
    """(operation type, user id, token id, reason) of every version of the mark, oldest first."""
    MarkVersion = version_class(Mark)
    Transaction = versioning_manager.transaction_cls
    with live.context():
        rows = db.session.execute(
            sa.select(MarkVersion.operation_type, Transaction.user_id, Transaction.token_id, Transaction.reason)
            .join(Transaction, Transaction.id == MarkVersion.transaction_id)
            .where(MarkVersion.id == mark_id).order_by(MarkVersion.transaction_id)
        ).all()
        db.session.remove()
    return [tuple(row) for row in rows]


def test_a_teacher_token_writes_changes_and_deletes_marks_versioned_under_its_owner(live_api):
    live, token = live_api, live_api.tokens["teacher"]
    created = live.call("POST", "/api/v1/marks", token, json=_mark_body(live))
    assert created.status_code == 201, created.text
    mark = created.json()
    assert mark["value"] == 9 and mark["student_id"] == live.ids["student"]
    assert mark["teacher_id"] == live.ids["teacher"] and mark["period_id"] == live.ids["semester1"]

    listed = live.call("GET", f"/api/v1/marks?class_id={live.ids['school_class']}&subject_id={live.ids['maths_subject']}",
                       token).json()
    assert mark["id"] in [m["id"] for m in listed["items"]]

    changed = live.call("PATCH", f"/api/v1/marks/{mark['id']}", token, json={"value": 10, "reason": "Greșeală de tastare"})
    assert changed.status_code == 200, changed.text
    assert changed.json()["value"] == 10
    no_reason = live.call("PATCH", f"/api/v1/marks/{mark['id']}", token, json={"value": 8})
    assert no_reason.status_code == 422 and set(no_reason.json()) >= ERROR_KEYS and "reason" in no_reason.json()["errors"]["json"]

    deleted = live.call("DELETE", f"/api/v1/marks/{mark['id']}", token, json={"reason": "Notă trecută la alt elev"})
    assert deleted.status_code == 204, deleted.text
    assert live.call("GET", f"/api/v1/marks/{mark['id']}", token).status_code == 404

    owner, token_id = live.ids["teacher"], live.ids["teacher_token"]
    assert _transactions_of(live, mark["id"]) == [
        (0, owner, token_id, None),
        (1, owner, token_id, "Greșeală de tastare"),
        (2, owner, token_id, "Notă trecută la alt elev"),
    ]


def test_a_teacher_cannot_write_or_see_another_teachers_subject(live_api):
    live = live_api
    romanian = live.call("POST", "/api/v1/marks", live.tokens["teacher"],
                         json=_mark_body(live, curriculum_entry_id=live.ids["romanian"]))
    assert romanian.status_code == 404
    assert romanian.json()["code"] == "not_found" and set(romanian.json()) == ERROR_KEYS


def test_an_administrator_token_is_refused_by_the_operation(live_api):
    live = live_api
    answer = live.call("POST", "/api/v1/marks", live.tokens["administrator"], json=_mark_body(live))
    assert answer.status_code == 403, answer.text
    body = answer.json()
    assert body["code"] == "administrator_cannot_write_catalog"
    assert "administrator" in body["message"] and body["message_en"]
    # It reads the whole school, as its pages do.
    assert live.call("GET", "/api/v1/classes", live.tokens["administrator"]).json()["total"] == 2


def test_a_parent_token_sees_only_its_own_child(live_api):
    live = live_api
    for enrolment in ("enrolment", "other_enrolment"):
        created = live.call("POST", "/api/v1/marks", live.tokens["teacher"],
                            json=_mark_body(live, enrolment_id=live.ids[enrolment], value=7, given_on="2025-11-19"))
        assert created.status_code == 201, created.text
    other_mark = created.json()["id"]
    parent = live.tokens["parent"]

    students = live.call("GET", "/api/v1/students", parent).json()
    assert [s["id"] for s in students["items"]] == [live.ids["student"]]
    marks = live.call("GET", "/api/v1/marks", parent).json()
    assert marks["total"] >= 1 and {m["student_id"] for m in marks["items"]} == {live.ids["student"]}
    assert live.call("GET", f"/api/v1/marks?student_id={live.ids['other_student']}", parent).json()["total"] == 0
    assert live.call("GET", f"/api/v1/marks/{other_mark}", parent).status_code == 404
    guardians = live.call("GET", "/api/v1/guardians", parent).json()["items"]
    assert [g["id"] for g in guardians] == [live.ids["guardian"]]
    assert [c["id"] for c in live.call("GET", "/api/v1/classes", parent).json()["items"]] == [live.ids["school_class"]]
    # The teacher sees both students of the class.
    teacher_view = live.call("GET", f"/api/v1/students?class_id={live.ids['school_class']}", live.tokens["teacher"]).json()
    assert {s["id"] for s in teacher_view["items"]} == {live.ids["student"], live.ids["other_student"]}

    refused = live.call("POST", "/api/v1/marks", parent, json=_mark_body(live))
    assert refused.status_code == 403 and refused.json()["code"] == "token_read_only"


def test_a_write_on_a_closed_average_is_refused(live_api):
    from schema.models import CurriculumEntry, Enrolment, LearningPeriod, User
    from schema.operations.closing import close_period_average

    live = live_api
    with live.context():
        close_period_average(
            db.session.get(User, live.ids["teacher"]), db.session.get(Enrolment, live.ids["other_enrolment"]),
            db.session.get(CurriculumEntry, live.ids["maths"]), db.session.get(LearningPeriod, live.ids["semester1"]),
            reason="Încheiere pentru test",
        )
        db.session.remove()
    averages = live.call("GET", f"/api/v1/averages/period?student_id={live.ids['other_student']}",
                         live.tokens["teacher"]).json()["items"]
    assert [a["period_id"] for a in averages] == [live.ids["semester1"]]

    refused = live.call("POST", "/api/v1/marks", live.tokens["teacher"],
                        json=_mark_body(live, enrolment_id=live.ids["other_enrolment"], given_on="2025-11-20"))
    assert refused.status_code == 409, refused.text
    assert refused.json()["code"] == "average_closed"
    assert "încheiată" in refused.json()["message"]
    absence = live.call("POST", "/api/v1/absences", live.tokens["teacher"],
                        json={"enrolment_id": live.ids["other_enrolment"], "curriculum_entry_id": live.ids["maths"],
                              "occurred_on": "2025-11-20", "lesson_hour": 2})
    assert absence.status_code == 409 and absence.json()["code"] == "average_closed"


def test_absences_recorded_by_the_teacher_and_excused_by_the_class_master(live_api):
    live = live_api
    recorded = live.call("POST", "/api/v1/absences", live.tokens["teacher"],
                         json={"enrolment_id": live.ids["enrolment"], "curriculum_entry_id": live.ids["maths"],
                               "occurred_on": "2025-11-17", "lesson_hour": 3})
    assert recorded.status_code == 201, recorded.text
    assert recorded.json()["state"] == "unexcused"
    not_master = live.call("POST", "/api/v1/absences/excuse", live.tokens["teacher"], json={
        "enrolment_id": live.ids["enrolment"], "kind": "medical", "document_number": "12/2025",
        "document_date": "2025-11-18", "covers_from": "2025-11-17", "covers_to": "2025-11-17",
        "returned_on": "2025-11-18", "presented_on": "2025-11-19"})
    assert not_master.status_code == 403 and not_master.json()["code"] == "not_class_master"
    excused = live.call("POST", "/api/v1/absences/excuse", live.tokens["class_master"], json={
        "enrolment_id": live.ids["enrolment"], "kind": "medical", "document_number": "12/2025",
        "document_date": "2025-11-18", "covers_from": "2025-11-17", "covers_to": "2025-11-17",
        "returned_on": "2025-11-18", "presented_on": "2025-11-19"})
    assert excused.status_code == 201, excused.text
    assert excused.json()["hours"] == 1
    absence = live.call("GET", f"/api/v1/absences/{recorded.json()['id']}", live.tokens["class_master"]).json()
    assert absence["state"] == "excused"


def test_expired_and_revoked_tokens_get_401(live_api):
    from schema.models import User
    from schema.operations.api_tokens import create_token, revoke_token

    live = live_api
    with live.context():
        teacher = db.session.get(User, live.ids["teacher"])
        revoked, revoked_secret = create_token(teacher, name="de revocat", scope="read")
        expired, expired_secret = create_token(teacher, name="expirat", scope="read")
        with audit_context(reason="test: token expirat"):
            expired.created_at = datetime.now(UTC) - timedelta(days=10)
            expired.expires_at = datetime.now(UTC) - timedelta(seconds=1)
            db.session.commit()
        assert live.call("GET", "/api/v1/years", revoked_secret).status_code == 200
        revoke_token(teacher, revoked)
        db.session.remove()
    for secret in (revoked_secret, expired_secret, "cat_not-a-token", "Basic xyz"):
        answer = live.call("GET", "/api/v1/years", secret)
        assert answer.status_code == 401
        assert answer.json()["code"] == "unauthorized" and answer.headers["WWW-Authenticate"].startswith("Bearer")
    assert live.call("GET", "/api/v1/years").status_code == 401


def test_tokens_are_stored_hashed(live_api):
    live = live_api
    secret = live.tokens["teacher"]
    with live.context():
        token = db.session.get(ApiToken, live.ids["teacher_token"])
        assert token.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
        row = db.session.execute(sa.text("SELECT * FROM api_tokens WHERE id = :id"), {"id": token.id}).mappings().one()
        assert not any(secret in str(value) for value in row.values())
        history = db.session.execute(sa.text("SELECT * FROM api_tokens_version")).mappings().all()
        assert history and not any("secret_hash" in dict(version) for version in history)
        db.session.remove()


@pytest.mark.parametrize("path", ["/api/v1/years", "/api/v1/marks?per_page=0", "/api/v1/marks?per_page=201",
                                  "/api/v1/marks?class_id=abc"])
def test_query_validation(live_api, path):
    answer = live_api.call("GET", path, live_api.tokens["director"])
    if path == "/api/v1/years":
        assert answer.status_code == 200
    else:
        assert answer.status_code == 422 and set(answer.json()) == ERROR_KEYS | {"errors"}


def test_pagination_is_stable_and_bounded(live_api):
    live = live_api
    for day in ("2025-10-01", "2025-10-02", "2025-10-03"):
        assert live.call("POST", "/api/v1/marks", live.tokens["teacher"],
                         json=_mark_body(live, given_on=day, value=6)).status_code == 201
    first = live.call("GET", "/api/v1/marks?per_page=2&page=1", live.tokens["director"]).json()
    second = live.call("GET", "/api/v1/marks?per_page=2&page=2", live.tokens["director"]).json()
    assert first["total"] == second["total"] >= 3 and len(first["items"]) == 2
    ids = [m["id"] for m in first["items"] + second["items"]]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)


def test_the_openapi_document_and_the_docs_page_need_no_token_and_no_cdn(live_api):
    live = live_api
    spec = live.call("GET", "/api/v1/openapi.json").json()
    assert spec["openapi"].startswith("3.") and "/api/v1/marks" in spec["paths"]
    docs = live.call("GET", "/api/v1/docs")
    assert docs.status_code == 200 and "/api/v1/marks" in docs.text and "Authorization: Bearer" in docs.text
    assert "cdn" not in docs.text.lower() and "<script src=\"http" not in docs.text
