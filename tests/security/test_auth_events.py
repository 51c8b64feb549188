"""Authentication events (issue 4 item 8): a structured log line and a row the auditor reads for
each login success and failure, lockout, unlock, two-factor set-up and use, password change;
and no password, code or secret in either of them."""

from __future__ import annotations

import json
import logging

import pytest
import sqlalchemy as sa

from portal import security as security_extension
from schema.models import AuthEvent, User, db
from security import auth, policy
from tests.factories import make_school
from tests.security.helpers import (
    Credentials,
    captured_code,
    https_client,
    login,
    logout,
    make_person,
    post_form,
    prepare_account,
    sign_in,
    submit_code,
    totp_code,
)


@pytest.fixture
def school(app):
    return make_school()


def _kinds() -> list[str]:
    db.session.rollback()
    return db.session.scalars(sa.select(AuthEvent.kind).order_by(AuthEvent.id)).all()


def _auth_log(caplog) -> list[dict]:
    return [json.loads(record.getMessage()) for record in caplog.records if record.name == "catalog.auth"]


def test_each_authentication_step_is_a_row_and_a_json_log_line(app, school, clock, caplog):
    caplog.set_level(logging.INFO, logger="catalog.auth")
    teacher = make_person(school, policy.TEACHER, password="Prima-Parola-1")
    client = https_client(app)

    login(client, "nimeni@scoala-exemplu.ro", "Oarecare-1")  # unknown account
    login(client, teacher.email, "Gresita-Parola-1")  # wrong password
    credentials = Credentials(teacher.email, "Prima-Parola-1", method="email")
    sign_in(app, client, credentials, new_password="Parola-Noua-77")  # set-up, code, forced change
    logout(client)

    kinds = _kinds()
    assert kinds == [
        auth.LOGIN_FAILED,  # unknown account
        auth.LOGIN_FAILED,  # wrong password
        auth.TWO_FACTOR_CODE_SENT,
        auth.TWO_FACTOR_SET_UP,
        auth.LOGIN_SUCCEEDED,
        auth.PASSWORD_CHANGED,
        auth.LOGOUT,
    ]
    rows = db.session.scalars(sa.select(AuthEvent).order_by(AuthEvent.id)).all()
    assert rows[0].user_id is None and rows[0].email == "nimeni@scoala-exemplu.ro"
    assert rows[0].detail == {"reason": "unknown_account"}
    assert rows[1].user_id == teacher.id and rows[1].detail == {"reason": "wrong_password", "failures_in_a_row": 1}
    assert rows[4].detail == {"method": "password+email"} and rows[4].school_id == school.id
    assert all(row.ip == "127.0.0.1" and auth.as_utc(row.occurred_at) == clock() for row in rows)
    logged = _auth_log(caplog)
    assert [line["event"] for line in logged] == kinds
    assert logged[1]["user_id"] == teacher.id and logged[1]["detail"]["reason"] == "wrong_password"


def test_lockout_unlock_recovery_code_and_wrong_codes_are_recorded(app, school, clock):
    auditor = make_person(school, policy.AUDITOR)
    credentials = prepare_account(auditor)
    codes = security_extension.mf_recovery_codes_util.create_recovery_codes(auditor)
    db.session.commit()
    client = https_client(app)
    login(client, credentials.email, credentials.password)
    submit_code(client, "000000")
    post_form(client, "/mf-recovery", {"code": codes[0]})
    logout(client)
    for _ in range(10):
        login(client, credentials.email, "Gresita-Parola-1")
    db.session.rollback()
    auth.unlock_account(db.session.get(User, auditor.id), via="cli")

    kinds = _kinds()
    assert kinds[:4] == [auth.LOGIN_FAILED, auth.RECOVERY_CODE_USED, auth.LOGIN_SUCCEEDED, auth.LOGOUT]
    assert kinds[4:] == [auth.LOGIN_FAILED] * 9 + [auth.LOGIN_FAILED, auth.ACCOUNT_LOCKED, auth.ACCOUNT_UNLOCKED]
    wrong_code = db.session.scalar(sa.select(AuthEvent).order_by(AuthEvent.id))
    assert wrong_code.detail == {"reason": "wrong_code", "failures_in_a_row": 1}
    success = db.session.scalar(sa.select(AuthEvent).where(AuthEvent.kind == auth.LOGIN_SUCCEEDED))
    assert success.detail == {"method": "password+recovery_code"}


def test_no_password_or_code_appears_in_the_logs_or_the_events(app, school, clock, caplog):
    caplog.set_level(logging.DEBUG)
    secrets: list[str] = []

    secretary = make_person(school, policy.SECRETARY, password="Prima-Parola-1")
    credentials = Credentials(secretary.email, "Prima-Parola-1", method="authenticator")
    client = https_client(app)
    login(client, secretary.email, "Aproape-Buna-1")
    secrets += ["Prima-Parola-1", "Aproape-Buna-1", "Parola-Secreta-55"]
    sign_in(app, client, credentials, new_password="Parola-Secreta-55")
    secrets.append(credentials.totp_key)
    logout(client)

    clock.advance(seconds=30)
    login(client, credentials.email, credentials.password)
    wrong, right = "123456", totp_code(credentials.totp_key)
    submit_code(client, wrong if wrong != right else "654321")
    submit_code(client, right)
    secrets += [wrong, right]
    codes = security_extension.mf_recovery_codes_util.create_recovery_codes(db.session.get(User, secretary.id))
    db.session.commit()
    secrets += codes
    logout(client)

    director = make_person(school, policy.DIRECTOR)
    director_credentials = prepare_account(director, two_factor="email")
    _response, mailed = captured_code(app, lambda: login(client, director_credentials.email, director_credentials.password))
    submit_code(client, mailed)
    secrets += [director_credentials.password, mailed]

    db.session.rollback()
    stored = " ".join(
        json.dumps([event.email, event.ip, event.user_agent, event.detail, event.kind], ensure_ascii=False)
        for event in db.session.scalars(sa.select(AuthEvent))
    )
    logged = caplog.text
    assert _auth_log(caplog), "the auth log is empty"
    for secret in secrets:
        assert secret not in stored, secret
        assert secret not in logged, secret
    # The hashes and the TOTP secret stay out of the user's version history too.
    users_version = db.metadata.tables["users_version"]
    assert not {"password", "tf_totp_secret", "mf_recovery_codes"} & set(users_version.c.keys())


def test_an_event_refuses_a_detail_that_looks_like_a_secret(app, school):
    user = make_person(school, policy.TEACHER)
    for key in ("password", "code", "totp_secret", "token", "parola_noua", "recovery_code"):
        with pytest.raises(ValueError, match="secret"):
            auth.record_auth_event(auth.LOGIN_FAILED, user=user, **{key: "x"})
    with pytest.raises(ValueError, match="unknown"):
        auth.record_auth_event("something_else", user=user)
    db.session.rollback()


def test_the_auditor_reads_the_schools_authentication_log_and_a_parent_cannot(app, school, clock):
    auditor = make_person(school, policy.AUDITOR)
    parent = make_person(school, policy.PARENT)
    other_school_user = make_person(make_school(name="Liceul Tehnologic Nr. 1"), policy.TEACHER)
    login(https_client(app), parent.email, "Gresita-Parola-1")
    login(https_client(app), other_school_user.email, "Gresita-Parola-1")

    client = https_client(app)
    sign_in(app, client, prepare_account(auditor))
    page = client.get("/cont/jurnal-autentificari").get_data(as_text=True)
    assert parent.email in page and "Autentificare eșuată" in page and "wrong_password" in page
    assert other_school_user.email not in page

    parent_client = https_client(app)
    sign_in(app, parent_client, prepare_account(parent, two_factor=None))
    assert parent_client.get("/cont/jurnal-autentificari").status_code == 403


def test_a_delegation_decision_can_be_recorded_by_the_operations(app, school, clock):
    director = make_person(school, policy.DIRECTOR)
    auth.record_auth_event(auth.DELEGATION_DECIDED, user=director, delegation_id=7, approved=True)
    db.session.commit()
    event = db.session.scalar(sa.select(AuthEvent))
    assert event.kind == auth.DELEGATION_DECIDED and event.detail == {"delegation_id": 7, "approved": True}
