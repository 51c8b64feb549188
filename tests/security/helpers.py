"""Going through the real login flow in tests: CSRF tokens scraped from each form, two-factor
codes computed with pyotp (stack.md §4.12) or read from the e-mail Flask-Mail records, the
forced password change. `sign_in` does the whole first (or later) login of an account.

For tests about authorisation rather than authentication, tests/security/access_helpers.py
opens a session directly.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pyotp
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from security import auth

CSRF_PATTERN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|type="hidden" name="csrf_token" value="([^"]+)"')
CODE_PATTERN = re.compile(r"\b(\d{6})\b")
#: A password that meets the policy, for tests.
GOOD_PASSWORD = "Parola-Noua-2026"


@dataclass
class Credentials:
    """What a person knows: e-mail, password and, once set up, the authenticator key."""

    email: str
    password: str
    #: The two-factor method this person chooses at setup ("email" or "authenticator").
    method: str = "email"
    #: Base32 key of the authenticator app, once set up.
    totp_key: str | None = None


class FreshContextClient(FlaskClient):
    """A test client whose every request runs in its own application context, as on a server.

    The suite's autouse fixture keeps one application context open for the whole test; requests
    made inside it would share `flask.g`, where Flask-Login keeps the loaded user, so a login or a
    logout would leak into the next request. The requests' database sessions are their own too:
    call `db.session.rollback()` (or `expire_all()`) before reading what a request wrote.
    """

    def open(self, *args: Any, **kwargs: Any) -> TestResponse:  # noqa: A003 (FlaskClient's name)
        # A browser sends the page's address as Referer; over HTTPS, CSRFProtect requires it to be
        # of the same origin (WTF_CSRF_SSL_STRICT).
        self.environ_base.setdefault("HTTP_REFERER", "https://localhost/")
        with self.application.app_context():
            return super().open(*args, **kwargs)


class FrozenClock:
    """Replaces `security.auth.now()`, the one clock of the authentication rules (lockout, idle
    logout, password age, TOTP codes, login tracking); moves only when told."""

    def __init__(self, start: datetime) -> None:
        self.current = start

    def __call__(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> datetime:
        self.current += timedelta(**delta)
        return self.current


def freeze_clock(monkeypatch: Any, start: datetime | None = None) -> FrozenClock:
    clock = FrozenClock(start or datetime(2026, 11, 23, 8, 0, 5, tzinfo=UTC))
    monkeypatch.setattr(auth, "now", clock)
    return clock


def https_client(app: Flask) -> FlaskClient:
    """A client over HTTPS (the session cookie is Secure), one application context per request."""
    client = FreshContextClient(app, app.response_class, use_cookies=True)
    client.environ_base["wsgi.url_scheme"] = "https"
    return client


def csrf_token(html: str) -> str:
    match = CSRF_PATTERN.search(html)
    assert match, "the form has no CSRF token"
    return match.group(1) or match.group(2)


def session_csrf_token(client: FlaskClient, url: str = "/cont/") -> str:
    """The CSRF token of the client's session, read from a page that carries it."""
    return csrf_token(client.get(url).get_data(as_text=True))


def post_form(client: FlaskClient, url: str, data: dict[str, Any], *, form_url: str | None = None) -> TestResponse:
    """GET the form (at `form_url` or `url`), take its CSRF token, POST `data` with it."""
    page = client.get(form_url or url)
    return client.post(url, data={**data, "csrf_token": csrf_token(page.get_data(as_text=True))})


def location(response: TestResponse) -> str:
    return response.headers.get("Location", "")


def captured_code(app: Flask, action: Callable[[], TestResponse]) -> tuple[TestResponse, str | None]:
    """Run `action` and return its response and the code of the e-mail it sent, if any."""
    with app.extensions["mail"].record_messages() as outbox:
        response = action()
    codes = [CODE_PATTERN.search(message.body or "") for message in outbox]
    codes = [match.group(1) for match in codes if match]
    return response, (codes[-1] if codes else None)


def totp_code(key: str) -> str:
    """The authenticator app's code at the portal's current time (`security.auth.now`)."""
    return pyotp.TOTP(key).at(auth.now())


def login(client: FlaskClient, email: str, password: str) -> TestResponse:
    """Only the first step: e-mail and password."""
    return post_form(client, "/login", {"email": email, "password": password})


def logout(client: FlaskClient) -> TestResponse:
    """Press "Deconectare" (a POST with the CSRF token of the page it is on)."""
    for page_url in ("/cont/", "/change", "/tf-setup"):
        page = client.get(page_url)
        if page.status_code == 200:
            return client.post("/logout", data={"csrf_token": csrf_token(page.get_data(as_text=True))})
    raise AssertionError("no page with a logout button")


def is_logged_in(client: FlaskClient) -> bool:
    """The account page answers (it redirects anonymous visitors to the login page)."""
    response = client.get("/cont/")
    return response.status_code == 200


def choose_method(app: Flask, client: FlaskClient, method: str) -> tuple[TestResponse, str | None]:
    """On the setup page, choose a method; returns the page and the e-mailed code (for "email")."""
    return captured_code(app, lambda: post_form(client, "/tf-setup", {"setup": method}))


def authenticator_key(setup_page: str) -> str:
    """The key the setup page shows (pretty form ABCD-EFGH-...), as base32 for pyotp."""
    match = re.search(r'id="authr-key">([^<]+)<', setup_page)
    assert match, "the setup page shows no authenticator key"
    return match.group(1).replace("-", "").strip()


def submit_code(client: FlaskClient, code: str, *, url: str = "/tf-validate", form_url: str | None = None) -> TestResponse:
    return post_form(client, url, {"code": code}, form_url=form_url)


def set_up_two_factor(app: Flask, client: FlaskClient, credentials: Credentials) -> TestResponse:
    """At the setup page after the password: choose the method and confirm the first code."""
    page, mailed = choose_method(app, client, credentials.method)
    html = page.get_data(as_text=True)
    if credentials.method == "authenticator":
        credentials.totp_key = authenticator_key(html)
        code = totp_code(credentials.totp_key)
    else:
        assert mailed, "no code was e-mailed"
        code = mailed
    token = csrf_token(html)
    return client.post("/tf-validate", data={"code": code, "csrf_token": token})


def change_password(client: FlaskClient, old: str, new: str) -> TestResponse:
    return post_form(client, "/change", {"password": old, "new_password": new, "new_password_confirm": new})


def sign_in(app: Flask, client: FlaskClient, credentials: Credentials, *, new_password: str | None = None) -> TestResponse:
    """The whole login as a person would do it: password; two-factor setup or code; the forced
    change of a one-time or expired password (the new one is kept in `credentials`). Returns the
    last response; the client is then logged in."""
    response, mailed = captured_code(app, lambda: login(client, credentials.email, credentials.password))
    assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
    if "/tf-setup" in location(response):
        response = set_up_two_factor(app, client, credentials)
    elif "/tf-validate" in location(response):
        code = totp_code(credentials.totp_key) if credentials.method == "authenticator" else mailed
        assert code, "no two-factor code"
        response = submit_code(client, code)
    assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
    follow = client.get("/cont/")
    if follow.status_code == 302 and "/change" in location(follow):
        new = new_password or f"Nou-{uuid.uuid4().hex[:6]}-Aa1"
        response = change_password(client, credentials.password, new)
        assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
        credentials.password = new
    return response


def prepare_account(user: Any, *, password: str = GOOD_PASSWORD, two_factor: str | None = "authenticator") -> Credentials:
    """Give a factory user a usable password (not one-time, not expired) and, by default, an
    authenticator already set up; returns what the person knows."""
    from flask_security import hash_password

    from portal import security
    from schema.db import audit_context
    from schema.models import db

    user.password = hash_password(password)
    user.must_change_password = False
    user.password_changed_at = auth.now()
    credentials = Credentials(email=user.email, password=password, method=two_factor or "email")
    if two_factor == "authenticator":
        secret = security.totp_factory.generate_totp_secret()
        security.datastore.tf_set(user, "authenticator", totp_secret=secret)
        credentials.totp_key = security.totp_factory.get_totp_b32_key(secret)
    elif two_factor == "email":
        security.datastore.tf_set(user, "email", totp_secret=security.totp_factory.generate_totp_secret())
    with audit_context(reason="test fixture"):
        db.session.commit()
    return credentials


def make_person(school: Any, *roles: str, password: str | None = GOOD_PASSWORD, **overrides: Any) -> Any:
    """A factory user with a login e-mail (email-validator refuses the .test domain) and, by
    default, a one-time password, as a new account has."""
    from flask_security import hash_password

    from tests.factories import make_user

    overrides.setdefault("email", f"{uuid.uuid4().hex[:8]}@scoala-exemplu.ro")
    if password is not None:
        overrides["password"] = hash_password(password)
    return make_user(school, *roles, **overrides)


_cnp_serial = iter(range(1, 10**6))


def make_child(school: Any, *, birth_date: Any, user_id: int | None = None) -> Any:
    """A student record (tests/factories.py's make_student draws on a serial shared by the
    whole session; these draw on their own)."""
    from schema.cnp import make_cnp
    from schema.db import audit_context
    from schema.models import Student, db

    student = Student(school_id=school.id, cnp=make_cnp(birth_date, "F", "40", next(_cnp_serial) % 999 + 1),
                      birth_date=birth_date, sex="F", last_name="Vlădescu", first_name="Ioana", user_id=user_id)
    with audit_context(reason="test fixture"):
        db.session.add(student)
        db.session.commit()
    return student


def reloaded(user):
    """The user as the database holds it now (after requests made in other sessions)."""
    from schema.models import User, db

    db.session.rollback()
    return db.session.get(User, user.id)
