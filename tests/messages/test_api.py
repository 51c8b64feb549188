"""/api/v1/messages: the recipient rules, read receipts and the access matrix through the API
(bearer tokens; parents and students hold read tokens only, staff read_write ones)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from schema.models import Message, MessageRecipient, MessageThread, db
from schema.operations import messages as ops
from schema.operations.api_tokens import create_token
from tests.security.helpers import prepare_account


def _token(user, scope: str) -> str:
    prepare_account(user, two_factor="authenticator" if user.is_staff else None)
    return create_token(user, name="test", scope=scope)[1]


@pytest.fixture
def api(app):
    client = app.test_client()
    client.environ_base["wsgi.url_scheme"] = "https"

    def call(method: str, path: str, token: str, **kwargs):
        with app.app_context():
            return client.open(f"/api/v1{path}", method=method, headers={"Authorization": f"Bearer {token}"}, **kwargs)

    return call


def _new_message(recipients, subject="Teză", body="Teza la matematică este joi."):
    return {"recipient_ids": [user.id for user in recipients], "subject": subject, "body": body}


def test_a_students_token_cannot_write_to_a_student(app, people, api):
    token = _token(people.student_user, "read")
    response = api("POST", "/messages/threads", token, json=_new_message([people.other_student_user]))
    assert response.status_code == 403
    assert response.json["code"] == "recipient_not_allowed"
    assert response.json["message"] == "Elevii nu pot trimite mesaje altor elevi."
    # To an allowed recipient the read-only token is what refuses.
    allowed = api("POST", "/messages/threads", token, json=_new_message([people.school.class_master]))
    assert allowed.status_code == 403 and allowed.json["code"] == "token_read_only"
    assert db.session.scalar(sa.select(sa.func.count(MessageThread.id))) == 0


def test_a_parents_token_cannot_write_to_a_parent(app, people, api):
    token = _token(people.parent, "read")
    response = api("POST", "/messages/threads", token, json=_new_message([people.other_parent]))
    assert response.status_code == 403
    assert response.json["code"] == "recipient_not_allowed"
    assert response.json["message"] == "Părinții nu pot trimite mesaje altor părinți."


def test_a_teacher_sends_answers_and_sees_the_read_receipt(app, people, api):
    school = people.school
    teacher_token = _token(school.teacher, "read_write")
    sent = api("POST", "/messages/threads", teacher_token, json=_new_message([people.parent, people.student_user]))
    assert sent.status_code == 201, sent.json
    thread_id = sent.json["id"]
    receipts = sent.json["messages"][0]["receipts"]
    assert {r["recipient_id"]: r["read_at"] for r in receipts} == {people.parent.id: None, people.student_user.id: None}

    parent_token = _token(people.parent, "read")
    listed = api("GET", "/messages/threads", parent_token)
    assert listed.status_code == 200
    assert [(t["id"], t["unread"]) for t in listed.json["items"]] == [(thread_id, 1)]
    opened = api("GET", f"/messages/threads/{thread_id}", parent_token)
    assert opened.status_code == 200
    assert opened.json["messages"][0]["body"] == "Teza la matematică este joi."
    assert opened.json["messages"][0]["receipts"] == []  # a recipient sees no one else's receipt
    first = db.session.scalar(
        sa.select(MessageRecipient.read_at).where(MessageRecipient.recipient_id == people.parent.id)
    )
    assert first is not None
    api("GET", f"/messages/threads/{thread_id}", parent_token)
    db.session.expire_all()
    assert (
        db.session.scalar(sa.select(MessageRecipient.read_at).where(MessageRecipient.recipient_id == people.parent.id))
        == first
    )

    seen = api("GET", f"/messages/threads/{thread_id}", teacher_token).json["messages"][0]["receipts"]
    by_id = {r["recipient_id"]: r["read_at"] for r in seen}
    assert by_id[people.parent.id] is not None and by_id[people.student_user.id] is None

    answer = api(
        "POST", f"/messages/threads/{thread_id}/replies", teacher_token, json={"body": "Recapitulați capitolul 2."}
    )
    assert answer.status_code == 201
    assert {r["recipient_id"] for r in answer.json["receipts"]} == {people.parent.id, people.student_user.id}


def test_a_teacher_writes_to_the_parents_of_their_class_only(app, people, api):
    school = people.school
    token = _token(school.teacher, "read_write")
    body = {"class_parents_ids": [school.other_class.id], "subject": "Teză", "body": "Teza este joi."}
    refused = api("POST", "/messages/threads", token, json=body)
    assert refused.status_code == 403 and refused.json["code"] == "recipient_not_allowed"
    body["class_parents_ids"] = [school.school_class.id]
    sent = api("POST", "/messages/threads", token, json=body)
    assert sent.status_code == 201
    assert {r["recipient_id"] for r in sent.json["messages"][0]["receipts"]} == {
        people.parent.id,
        people.other_parent.id,
    }


def test_another_school_is_unreachable_and_unknown_ids_answer_alike(app, people, api):
    token = _token(people.school.director, "read_write")
    other_school = api("POST", "/messages/threads", token, json=_new_message([people.stranger]))
    unknown = api("POST", "/messages/threads", token, json={**_new_message([]), "recipient_ids": [2_000_000_000]})
    assert other_school.status_code == unknown.status_code == 403
    assert other_school.json == unknown.json
    assert "Străinu" not in other_school.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Message.id))) == 0


@pytest.mark.parametrize("who", ["director", "other_teacher", "b_parent", "student_user"])
def test_nobody_reads_or_answers_a_thread_they_are_not_in(app, people, api, who):
    school = people.school
    thread = ops.send_message(school.class_master, [people.parent], subject="Învoire", body="Aprobat.")
    outsider = getattr(people, who, None) or getattr(school, who)
    token = _token(outsider, "read_write" if outsider.is_staff else "read")
    assert api("GET", f"/messages/threads/{thread.id}", token).status_code == 404
    assert api("GET", "/messages/threads", token).json["items"] == []
    answer = api("POST", f"/messages/threads/{thread.id}/replies", token, json={"body": "x"})
    assert answer.status_code == 404 and answer.json["code"] == "not_found"
    assert db.session.scalar(sa.select(sa.func.count(Message.id))) == 1
