"""Passwords and sessions (decisions.md "Security settings", rules.md R-SEC-10..16, R-ACC-10):
the password policy, the one-time first password, staff password expiry, lockout after 10
failures with a frozen clock, idle logout, the last logins shown, a parent and a minor child's
password, rate limits on the login and two-factor endpoints."""

from __future__ import annotations

import re
from datetime import date

import pytest
import sqlalchemy as sa

from schema.db import audit_context
from schema.models import AuthEvent, Guardian, StudentGuardian, User, db
from security import auth, policy
from tests.conftest import make_test_app
from tests.factories import make_school
from tests.security.helpers import (
    reloaded,
    session_csrf_token,
    Credentials,
    change_password,
    https_client,
    is_logged_in,
    location,
    login,
    logout,
    make_child,
    make_person,
    post_form,
    prepare_account,
    sign_in,
    submit_code,
)

WRONG = "Gresita-Parola-1"


@pytest.fixture
def school(app):
    return make_school()


# --- the password policy ---------------------------------------------------------------------
@pytest.mark.parametrize(
    "password, problem",
    [
        ("Scurt1a", "cel puțin 8 caractere"),
        ("faramajuscule1", "literă mare"),
        ("FARAMINUSCULE1", "literă mică"),
        ("FaraCifreDeloc", "cifră"),
        ("Buna-Parola-2026", None),
        ("Șapte7ăȘț", None),
    ],
)
def test_the_password_policy(app, password, problem):
    problems = auth.password_problems(password, app.config["CATALOG_PASSWORD_MIN_LENGTH"])
    if problem is None:
        assert problems == []
    else:
        assert any(problem in text for text in problems)


def test_a_generated_one_time_password_meets_the_policy():
    for _ in range(50):
        assert auth.password_problems(auth.generate_one_time_password(8), 8) == []


def test_the_minimum_length_is_a_setting(app, monkeypatch):
    monkeypatch.setitem(app.config, "CATALOG_PASSWORD_MIN_LENGTH", 12)
    with app.test_request_context():
        from flask_security.proxies import _security

        problems, _normalized = _security.password_util.validate("Scurta-Par1", False)
    assert problems and "12 caractere" in problems[0]


# --- first login, expiry -----------------------------------------------------------------------
def test_the_first_password_is_one_time_and_its_change_is_forced(app, school, clock):
    parent = make_person(school, policy.PARENT, password="Prima-Parola-1")
    client = https_client(app)
    login(client, parent.email, "Prima-Parola-1")
    for url in ("/cont/", "/", "/admin/", "/cont/copii", "/tf-setup"):
        response = client.get(url)
        assert response.status_code == 302 and location(response).endswith("/change"), url
    page = client.get("/change").get_data(as_text=True)
    assert "de unică folosință" in page

    weak = change_password(client, "Prima-Parola-1", "slaba")
    assert weak.status_code == 200 and "cel puțin 8 caractere" in weak.get_data(as_text=True)
    same = change_password(client, "Prima-Parola-1", "Prima-Parola-1")
    assert same.status_code == 200
    assert change_password(client, "Prima-Parola-1", "Parola-Aleasa-7").status_code == 302
    assert is_logged_in(client)
    stored = reloaded(parent)
    assert stored.must_change_password is False and auth.as_utc(stored.password_changed_at) == clock()


def test_a_staff_password_older_than_30_days_must_be_changed(app, school, clock):
    teacher = make_person(school, policy.TEACHER)
    credentials = prepare_account(teacher)
    client = https_client(app)
    sign_in(app, client, credentials)
    assert is_logged_in(client)
    logout(client)

    clock.advance(days=30, seconds=30)
    sign_in(app, client, Credentials(credentials.email, credentials.password, "authenticator", credentials.totp_key),
            new_password="Parola-Lunii-Noi-1")
    stored = reloaded(teacher)
    assert auth.as_utc(stored.password_changed_at) == clock()
    events = db.session.scalars(sa.select(AuthEvent.kind).where(AuthEvent.user_id == teacher.id)).all()
    assert auth.PASSWORD_CHANGED in events


def test_the_forced_change_of_an_expired_password_applies_to_staff_only(app, school, clock):
    parent = make_person(school, policy.PARENT)
    credentials = prepare_account(parent, two_factor=None)
    clock.advance(days=400)
    client = https_client(app)
    login(client, credentials.email, credentials.password)
    assert is_logged_in(client)


# --- lockout -------------------------------------------------------------------------------------
def _fail(client, user: User, times: int) -> None:
    for _ in range(times):
        response = login(client, user.email, WRONG)
        assert response.status_code == 200


def test_lockout_after_10_failures_with_a_frozen_clock(app, school, clock):
    parent = make_person(school, policy.PARENT)
    credentials = prepare_account(parent, two_factor=None)
    client = https_client(app)

    # Nine failures in a row: the account still works, and success resets the count.
    _fail(client, parent, 9)
    assert not auth.is_locked_out(reloaded(parent))
    assert login(client, credentials.email, credentials.password).status_code == 302
    assert reloaded(parent).failed_login_count == 0
    logout(client)

    # Ten in a row: locked, even with the right password.
    _fail(client, parent, 10)
    assert auth.is_locked_out(reloaded(parent))
    refused = login(client, credentials.email, credentials.password)
    assert refused.status_code == 200 and "blocat" in refused.get_data(as_text=True)
    assert not is_logged_in(client)

    clock.advance(hours=23, minutes=59)
    assert login(client, credentials.email, credentials.password).status_code == 200

    # After 24 hours it unlocks by itself.
    clock.advance(minutes=2)
    assert login(client, credentials.email, credentials.password).status_code == 302
    assert is_logged_in(client)
    kinds = db.session.scalars(sa.select(AuthEvent.kind).where(AuthEvent.user_id == parent.id)).all()
    assert kinds.count(auth.LOGIN_FAILED) == 19 and kinds.count(auth.ACCOUNT_LOCKED) == 1
    assert kinds.count(auth.LOGIN_REFUSED_LOCKED) == 2


def test_the_thresholds_are_settings(app, school, clock, monkeypatch):
    monkeypatch.setitem(app.config, "CATALOG_LOCKOUT_THRESHOLD", 3)
    monkeypatch.setitem(app.config, "CATALOG_LOCKOUT_HOURS", 1)
    parent = make_person(school, policy.PARENT)
    credentials = prepare_account(parent, two_factor=None)
    client = https_client(app)
    _fail(client, parent, 3)
    assert login(client, credentials.email, credentials.password).status_code == 200
    clock.advance(hours=1, seconds=1)
    assert login(client, credentials.email, credentials.password).status_code == 302


def test_an_administrator_unlocks_an_account_sooner(app, school, clock):
    parent = make_person(school, policy.PARENT)
    credentials = prepare_account(parent, two_factor=None)
    admin = make_person(school, policy.ADMINISTRATOR)
    admin_credentials = prepare_account(admin)
    _fail(https_client(app), parent, 10)

    admin_client = https_client(app)
    sign_in(app, admin_client, admin_credentials)
    page = admin_client.get("/cont/conturi-blocate")
    assert page.status_code == 200 and parent.email in page.get_data(as_text=True)
    response = post_form(admin_client, f"/cont/conturi-blocate/{parent.id}/deblocare", {},
                         form_url="/cont/conturi-blocate")
    assert response.status_code == 302

    client = https_client(app)
    assert login(client, credentials.email, credentials.password).status_code == 302
    unlock = db.session.scalar(sa.select(AuthEvent).where(AuthEvent.kind == auth.ACCOUNT_UNLOCKED))
    assert unlock.user_id == parent.id and unlock.detail["by_user_id"] == admin.id


def test_only_an_administrator_of_the_same_school_unlocks(app, school, clock):
    parent = make_person(school, policy.PARENT)
    prepare_account(parent, two_factor=None)
    _fail(https_client(app), parent, 10)
    director = make_person(school, policy.DIRECTOR)
    director_client = https_client(app)
    sign_in(app, director_client, prepare_account(director))
    assert director_client.get("/cont/conturi-blocate").status_code == 403
    token = session_csrf_token(director_client)
    assert director_client.post(f"/cont/conturi-blocate/{parent.id}/deblocare", data={"csrf_token": token}).status_code == 403

    other_admin = make_person(make_school(name="Școala Gimnazială Nr. 2"), policy.ADMINISTRATOR)
    with pytest.raises(Exception, match="account_not_found"):
        auth.unlock_account(reloaded(parent), by=other_admin)
    assert auth.is_locked_out(reloaded(parent))


def test_the_command_line_unlocks_an_account(app, school, clock):
    parent = make_person(school, policy.PARENT)
    prepare_account(parent, two_factor=None)
    _fail(https_client(app), parent, 10)
    db.session.rollback()  # the command reads what the requests wrote
    result = app.test_cli_runner().invoke(args=["security", "unlock", parent.email])
    assert result.exit_code == 0 and "deblocat" in result.output
    assert not auth.is_locked_out(reloaded(parent))
    missing = app.test_cli_runner().invoke(args=["security", "unlock", "nimeni@scoala-exemplu.ro"])
    assert missing.exit_code != 0


def test_wrong_second_factor_codes_count_towards_the_lockout(app, school, clock):
    teacher = make_person(school, policy.TEACHER)
    credentials = prepare_account(teacher)
    client = https_client(app)
    login(client, credentials.email, credentials.password)
    for _ in range(10):
        assert submit_code(client, "000000").status_code == 200
    assert auth.is_locked_out(reloaded(teacher))
    # The login in progress stops; the right password is refused until the lock ends.
    stopped = client.get("/tf-validate")
    assert stopped.status_code == 302 and "/login" in location(stopped)
    assert login(client, credentials.email, credentials.password).status_code == 200


# --- idle logout ---------------------------------------------------------------------------------
def test_idle_logout_after_45_minutes(app, school, clock):
    teacher = make_person(school, policy.TEACHER)
    client = https_client(app)
    sign_in(app, client, prepare_account(teacher))

    clock.advance(minutes=44)
    assert is_logged_in(client)  # each request starts the 45 minutes again
    clock.advance(minutes=44, seconds=59)
    assert is_logged_in(client)

    clock.advance(minutes=45, seconds=1)
    response = client.get("/cont/")
    assert response.status_code == 302 and "/login" in location(response)
    assert not is_logged_in(client)
    event = db.session.scalar(sa.select(AuthEvent).where(AuthEvent.kind == auth.IDLE_LOGOUT))
    assert event.user_id == teacher.id and event.detail == {"idle_minutes": 45}
    assert db.session.scalar(sa.select(sa.func.count()).where(AuthEvent.kind == auth.LOGOUT)) == 0


# --- last logins (004 pt.22) -------------------------------------------------------------------
def test_the_last_successful_and_failed_logins_are_shown_after_login(app, school, clock):
    parent = make_person(school, policy.PARENT)
    credentials = prepare_account(parent, two_factor=None)
    client = https_client(app)

    client.environ_base["REMOTE_ADDR"] = "10.1.1.1"
    first = login(client, credentials.email, credentials.password)
    assert first.status_code == 302
    assert "prima autentificare" in client.get("/cont/").get_data(as_text=True)
    logout(client)

    clock.advance(hours=2)  # 10:00 in Bucharest (UTC+2)
    client.environ_base["REMOTE_ADDR"] = "10.2.2.2"
    login(client, credentials.email, WRONG)
    clock.advance(hours=1)
    client.environ_base["REMOTE_ADDR"] = "10.3.3.3"
    response = login(client, credentials.email, credentials.password)
    assert response.status_code == 302 and location(response).endswith("/cont/")
    page = client.get("/cont/").get_data(as_text=True)
    section = re.search(r'<section id="last-logins">(.*?)</section>', page, re.S).group(1)
    assert "23.11.2026 10:00 (de la 10.1.1.1)" in section  # the previous success
    assert "23.11.2026 12:00 (de la 10.2.2.2)" in section  # the failure
    assert "Încercări greșite de la autentificarea precedentă: 1" in section


# --- a parent and a minor child's password (000 ¶25) --------------------------------------------
def _family(school, *, child_birth: date):
    parent = make_person(school, policy.PARENT)
    child_user = make_person(school, policy.STUDENT, password="Copil-Parola-1")
    student = make_child(school, birth_date=child_birth, user_id=child_user.id)
    with audit_context(reason="test fixture"):
        guardian = Guardian(school_id=school.id, last_name=parent.last_name, first_name=parent.first_name, user_id=parent.id)
        db.session.add(guardian)
        db.session.flush()
        db.session.add(StudentGuardian(school_id=school.id, student_id=student.id, guardian_id=guardian.id, kind="mama"))
        db.session.commit()
    return parent, child_user, student


def test_a_parent_changes_a_minor_childs_password(app, school, clock):
    parent, child_user, student = _family(school, child_birth=date(2014, 3, 15))
    client = https_client(app)
    sign_in(app, client, prepare_account(parent, two_factor=None))
    listing = client.get("/cont/copii").get_data(as_text=True)
    assert student.last_name in listing

    url = f"/cont/copii/{student.id}/parola"
    weak = post_form(client, url, {"password": "slaba", "password_confirm": "slaba"})
    assert weak.status_code == 200 and "cel puțin 8 caractere" in weak.get_data(as_text=True)
    response = post_form(client, url, {"password": "Parola-Copil-2", "password_confirm": "Parola-Copil-2"})
    assert response.status_code == 302

    child_client = https_client(app)
    assert login(child_client, child_user.email, "Parola-Copil-2").status_code == 302
    assert is_logged_in(child_client)  # the parent chose it: not one-time for the child
    event = db.session.scalar(sa.select(AuthEvent).where(AuthEvent.kind == auth.PASSWORD_CHANGED,
                                                         AuthEvent.user_id == child_user.id))
    assert event.detail == {"by_user_id": parent.id}


def test_a_parent_cannot_change_an_adult_childs_or_another_childs_password(app, school, clock):
    parent, _child_user, adult = _family(school, child_birth=date(2006, 3, 15))
    _other_parent, _other_child, other_student = _family(school, child_birth=date(2014, 5, 1))
    client = https_client(app)
    sign_in(app, client, prepare_account(parent, two_factor=None))
    assert adult.last_name not in client.get("/cont/copii").get_data(as_text=True)
    assert client.get(f"/cont/copii/{adult.id}/parola").status_code == 404
    assert client.get(f"/cont/copii/{other_student.id}/parola").status_code == 404


# --- one-time passwords issued by the administrator (004 pt.19) ----------------------------------
def test_the_administrator_issues_a_one_time_password(app, school, clock):
    teacher = make_person(school, policy.TEACHER, password=None)
    admin = make_person(school, policy.ADMINISTRATOR)
    admin_client = https_client(app)
    sign_in(app, admin_client, prepare_account(admin))
    page = post_form(admin_client, "/cont/parola-initiala", {"email": teacher.email})
    password = re.search(r'id="issued">.*?<span class="code">([^<]+)</span>', page.get_data(as_text=True), re.S).group(1)
    assert auth.password_problems(password, 8) == []

    client = https_client(app)
    credentials = Credentials(teacher.email, password, method="email")
    sign_in(app, client, credentials, new_password="Parola-Mea-2026")
    assert credentials.password == "Parola-Mea-2026"  # the issued one was changed at first login
    assert is_logged_in(client)


# --- rate limits --------------------------------------------------------------------------------
def test_login_and_two_factor_endpoints_are_rate_limited_per_ip(app, database_url):
    limited = make_test_app(database_url, CATALOG_RATE_LIMIT_ENABLED=True, CATALOG_AUTH_RATE_LIMIT="3 per minute")
    client = https_client(limited)
    client.environ_base["REMOTE_ADDR"] = "10.9.9.9"
    statuses = [client.post("/login", data={"email": "x@scoala-exemplu.ro", "password": "x"}).status_code for _ in range(4)]
    assert statuses[:3] != [429] * 3 and statuses[3] == 429
    assert client.post("/tf-validate", data={"code": "123456"}).status_code != 429  # its own counter
    other = https_client(limited)
    other.environ_base["REMOTE_ADDR"] = "10.8.8.8"
    assert other.post("/login", data={"email": "x@scoala-exemplu.ro", "password": "x"}).status_code != 429
    assert client.get("/login").status_code == 200  # only POSTs count
    with limited.app_context():
        db.session.remove()
        db.engine.dispose()
