"""Notifications: queued inside the operation's transaction, sent by `flask notifications send`,
kept when the mail server fails; immediate, daily digest, no e-mail, and SMS behind an interface."""

from __future__ import annotations

import re
import socket
from datetime import date

import pytest
import sqlalchemy as sa

from portal import mail
from schema.models import Guardian, Mark, Notification, StudentGuardian, User, db
from schema.operations.absences import record_absence
from schema.operations.base import batch
from schema.operations.marks import record_mark
from schema.operations.notification_delivery import deliver_notifications
from security import policy
from tests.factories import _save, make_user

DAY = date(2025, 11, 3)


def _parent(school, preference="digest", email=None, phone=None):
    user = make_user(
        school.school,
        policy.PARENT,
        first_name="Mihaela",
        last_name="Ionescu",
        notification_preference=preference,
        **({"email": email} if email else {}),
    )
    guardian = _save(
        Guardian(school_id=school.school.id, last_name="Ionescu", first_name="Mihaela", user_id=user.id, phone=phone)
    )
    _save(
        StudentGuardian(school_id=school.school.id, student_id=school.student.id, guardian_id=guardian.id, kind="mama")
    )
    return user


def _rows(user=None) -> list[Notification]:
    query = sa.select(Notification).order_by(Notification.id)
    if user is not None:
        query = query.where(Notification.recipient_id == user.id)
    db.session.expire_all()
    return db.session.scalars(query).all()


def _send(app, *args):
    return app.test_cli_runner().invoke(args=["notifications", "send", *args])


def test_a_new_mark_and_absence_are_queued_for_the_family(app, school):
    parent = _parent(school)
    own = make_user(school.school, policy.STUDENT)
    school.student.user_id = own.id
    _save(school.student)
    record_mark(school.teacher, school.enrolment, school.maths, given_on=DAY, value=9)
    record_absence(school.teacher, school.enrolment, school.maths, occurred_on=DAY, lesson_hour=2)
    parent_rows = _rows(parent)
    assert [(n.kind, n.subject) for n in parent_rows] == [
        ("mark", "Notă nouă la Matematică: 9"),
        ("absence", "Absență la Matematică, 03.11.2025"),
    ]
    assert parent_rows[0].link == f"/situatie/elev/{school.student.id}" and parent_rows[0].sent_at is None
    assert "Ionescu" in parent_rows[0].body and "03.11.2025" in parent_rows[0].body
    assert [n.kind for n in _rows(own)] == ["mark", "absence"]
    assert _rows(school.teacher) == []


def test_notifications_are_rolled_back_with_the_change(app, school):
    _parent(school)
    with pytest.raises(RuntimeError):
        with batch(school.teacher, "test"):
            record_mark(school.teacher, school.enrolment, school.maths, given_on=DAY, value=9)
            raise RuntimeError("the transaction fails after the mark")
    assert db.session.scalar(sa.select(sa.func.count(Mark.id))) == 0
    assert _rows() == []


def test_the_command_sends_immediate_now_and_the_digest_once_a_day(app, school):
    immediate = _parent(school, "immediate", email="imediat@familie.test")
    daily = _parent(school, "digest", email="zilnic@familie.test")
    silent = _parent(school, "none", email="fara@familie.test")
    record_mark(school.teacher, school.enrolment, school.maths, given_on=DAY, value=9)
    record_mark(school.teacher, school.enrolment, school.maths, given_on=date(2025, 11, 4), value=7)

    with mail.record_messages() as outbox:
        result = _send(app)
    assert result.exit_code == 0, result.output
    assert [m.recipients for m in outbox] == [["imediat@familie.test"]]
    assert outbox[0].subject == "Catalog școlar: 2 notificări noi"
    assert "Notă nouă la Matematică: 9" in outbox[0].body and "Notă nouă la Matematică: 7" in outbox[0].body
    assert f"https://localhost/situatie/elev/{school.student.id}" in outbox[0].body
    assert {(n.sent_at is not None, n.delivered_via) for n in _rows(immediate)} == {(True, "email")}
    assert {(n.sent_at, n.delivered_via) for n in _rows(daily)} == {(None, None)}
    assert {n.delivered_via for n in _rows(silent)} == {"in_app"}
    assert "așteaptă rezumatul zilnic: 2" in result.output

    with mail.record_messages() as outbox:
        assert _send(app).exit_code == 0
    assert outbox == []  # nothing new for the immediate user; the digest waits for --digest

    with mail.record_messages() as outbox:
        result = _send(app, "--digest")
    assert result.exit_code == 0, result.output
    assert [m.recipients for m in outbox] == [["zilnic@familie.test"]]
    assert outbox[0].subject == "Catalog școlar: rezumatul zilei (2 notificări)"
    assert "Contul meu" in outbox[0].body
    assert {n.delivered_via for n in _rows(daily)} == {"email"}


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_an_unreachable_mail_server_leaves_the_notifications_queued(app, school, monkeypatch):
    parent = _parent(school, "immediate")
    record_mark(school.teacher, school.enrolment, school.maths, given_on=DAY, value=9)
    state = app.extensions["mail"]
    monkeypatch.setattr(state, "suppress", False)
    monkeypatch.setattr(state, "server", "127.0.0.1")
    monkeypatch.setattr(state, "port", _closed_port())
    monkeypatch.setattr(state, "use_tls", False)
    monkeypatch.setattr(state, "use_ssl", False)

    result = _send(app)
    assert result.exit_code == 1
    assert "EȘEC pentru 1 destinatari" in result.output and "rămân în coadă" in result.output
    [row] = _rows(parent)
    assert row.sent_at is None and row.delivered_via is None
    assert row.attempts == 1 and "ConnectionRefusedError" in row.last_error
    assert _send(app).exit_code == 1
    assert _rows(parent)[0].attempts == 2

    monkeypatch.setattr(state, "suppress", True)  # the server is back
    with mail.record_messages() as outbox:
        assert _send(app).exit_code == 0
    assert len(outbox) == 1
    assert _rows(parent)[0].delivered_via == "email"


class RecordingSmsSender:
    """A stand-in SMS provider: records what would be sent."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    def send_sms(self, to_number: str, message: str) -> None:
        self.sent.append((to_number, message))


def test_sms_goes_through_the_configured_sender_only(app, school, monkeypatch):
    parent = _parent(school, "sms", phone="0722000111")
    record_mark(school.teacher, school.enrolment, school.maths, given_on=DAY, value=9)
    # No sender configured (the default): the SMS user gets the e-mail.
    with mail.record_messages() as outbox:
        deliver_notifications(digest=False)
    assert len(outbox) == 1 and _rows(parent)[0].delivered_via == "email"

    record_mark(school.teacher, school.enrolment, school.maths, given_on=date(2025, 11, 4), value=10)
    sender = RecordingSmsSender()
    monkeypatch.setitem(app.extensions, "catalog_sms", sender)
    with mail.record_messages() as outbox:
        report = deliver_notifications(digest=False)
    assert outbox == [] and report.sms_sent == 1
    assert sender.sent == [("0722000111", "Catalog școlar: Notă nouă la Matematică: 10. Detalii: https://localhost")]
    assert _rows(parent)[-1].delivered_via == "sms"


def test_the_account_page_sets_the_preference(app, school, client_for, monkeypatch):
    parent = _parent(school)
    client = client_for(parent)
    page = client.get("/cont/")
    html = page.get_data(as_text=True)
    assert "Notificări prin e-mail" in html and "rezumat zilnic" in html and "fără e-mail" in html
    assert 'value="digest" checked' in html and 'value="sms"' not in html
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    assert client.post("/cont/notificari", data={"csrf_token": token, "preference": "immediate"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, parent.id).notification_preference == "immediate"
    response = client.post("/cont/notificari", data={"csrf_token": token, "preference": "sms"}, follow_redirects=True)
    assert "Alegeți una dintre variantele propuse" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, parent.id).notification_preference == "immediate"
    monkeypatch.setitem(app.extensions, "catalog_sms", RecordingSmsSender())
    assert 'value="sms"' in client.get("/cont/").get_data(as_text=True)
