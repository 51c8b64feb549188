"""HTTPS only (000 ¶17): plain HTTP redirects to HTTPS, HTTPS answers carry HSTS, cookies are
Secure, HttpOnly and SameSite, ProxyFix trusts X-Forwarded-Proto when told to; CSRF on every form;
every number of the security rules is a setting; access to personal data is logged."""

from __future__ import annotations

import re
from datetime import date

import pytest
import sqlalchemy as sa

from portal.config import SECRET_VARIABLES, SECURITY_SETTINGS, ConfigError, load_config
from schema.models import PersonalDataAccess, User, db
from security import auth, policy
from tests.conftest import make_test_app
from tests.factories import make_school
from tests.security.helpers import (
    change_password,
    csrf_token,
    https_client,
    is_logged_in,
    location,
    login,
    make_child,
    make_person,
    prepare_account,
    sign_in,
)

GOOD = {name: f"{name.lower()}-a-real-random-secret-value-123" for name in SECRET_VARIABLES}


@pytest.fixture
def school(app):
    return make_school()


def _cookie_attributes(response, name: str) -> str:
    headers = [value for value in response.headers.getlist("Set-Cookie") if value.startswith(f"{name}=")]
    assert headers, f"no {name} cookie set"
    return headers[-1]


def test_the_session_cookie_is_secure_httponly_and_samesite(app, school, clock):
    parent = make_person(school, policy.PARENT)
    credentials = prepare_account(parent, two_factor=None)
    client = https_client(app)
    response = login(client, credentials.email, credentials.password)
    cookie = _cookie_attributes(response, app.config.get("SESSION_COOKIE_NAME", "session"))
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_no_remember_me_cookie_and_its_flags_are_set_anyway(app, school, clock):
    parent = make_person(school, policy.PARENT)
    credentials = prepare_account(parent, two_factor=None)
    client = https_client(app)
    page = client.get("/login").get_data(as_text=True)
    assert 'name="remember"' not in page
    response = client.post("/login", data={"email": credentials.email, "password": credentials.password,
                                           "remember": "y", "csrf_token": csrf_token(page)})
    assert response.status_code == 302
    assert not [value for value in response.headers.getlist("Set-Cookie") if value.startswith("remember_token=")]
    assert app.config["REMEMBER_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_HTTPONLY"]
    assert app.config["REMEMBER_COOKIE_SAMESITE"] == "Lax"
    assert app.config["SECURITY_TWO_FACTOR_VALIDITY_COOKIE"] == {"httponly": True, "secure": True, "samesite": "Strict"}


HTTP = "http://localhost"  # the test client's default scheme follows PREFERRED_URL_SCHEME (https)


def test_plain_http_redirects_to_https(app, monkeypatch):
    monkeypatch.setitem(app.config, "CATALOG_FORCE_HTTPS", True)
    client = app.test_client()
    for method, url in (("GET", "/login"), ("GET", "/admin/marks/?page=2"), ("POST", "/login")):
        response = client.open(url, method=method, base_url=HTTP)
        assert response.status_code == 308, url
        assert location(response) == f"https://localhost{url}"
    assert client.get("/healthz", base_url=HTTP).status_code == 200  # load-balancer probes


def test_https_answers_carry_hsts_and_http_answers_do_not(app):
    secure = https_client(app).get("/login")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "Strict-Transport-Security" not in app.test_client().get("/healthz", base_url=HTTP).headers


def test_behind_a_tls_proxy_x_forwarded_proto_is_trusted_when_configured(app, database_url):
    proxied = make_test_app(database_url, CATALOG_TRUSTED_PROXIES=1, CATALOG_FORCE_HTTPS=True)
    client = proxied.test_client()
    forwarded = client.get("/login", base_url=HTTP, headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"})
    assert forwarded.status_code == 200 and "Strict-Transport-Security" in forwarded.headers
    assert client.get("/login", base_url=HTTP).status_code == 308
    direct = make_test_app(database_url, CATALOG_FORCE_HTTPS=True)  # no proxy trusted: the header is ignored
    assert direct.test_client().get("/login", base_url=HTTP, headers={"X-Forwarded-Proto": "https"}).status_code == 308
    for extra in (proxied, direct):
        with extra.app_context():
            db.engine.dispose()


def test_every_form_carries_a_csrf_token_and_a_post_without_it_changes_nothing(app, school, clock):
    parent = make_person(school, policy.PARENT, password="Prima-Parola-1")
    client = https_client(app)
    page = client.get("/login").get_data(as_text=True)
    assert 'name="csrf_token"' in page
    without = client.post("/login", data={"email": parent.email, "password": "Prima-Parola-1"})
    assert without.status_code == 400 and not is_logged_in(client)  # CSRFProtect refuses before the form
    assert "Sesiunea formularului a expirat" in without.get_data(as_text=True)

    login(client, parent.email, "Prima-Parola-1")
    assert 'name="csrf_token"' in client.get("/change").get_data(as_text=True)
    refused = client.post("/change", data={"password": "Prima-Parola-1", "new_password": "Alta-Parola-9",
                                           "new_password_confirm": "Alta-Parola-9"})
    assert refused.status_code == 400
    db.session.rollback()
    assert db.session.get(User, parent.id).must_change_password is True
    assert change_password(client, "Prima-Parola-1", "Alta-Parola-9").status_code == 302

    # Logging out is a POST with the token too.
    assert client.post("/logout").status_code == 400 and is_logged_in(client)

    admin = make_person(school, policy.ADMINISTRATOR)
    admin_client = https_client(app)
    sign_in(app, admin_client, prepare_account(admin))
    for url in ("/cont/parola-initiala", "/admin/school_years/new/", "/admin/students/new/"):
        assert 'name="csrf_token"' in admin_client.get(url).get_data(as_text=True), url
    assert admin_client.post("/cont/parola-initiala", data={"email": parent.email}).status_code == 400
    db.session.rollback()
    assert db.session.get(User, parent.id).must_change_password is False  # nothing was issued


def test_the_security_settings_have_their_defaults_and_come_from_the_environment(tmp_path):
    config = load_config(GOOD, instance_path=str(tmp_path), testing=False)
    expected = {
        "CATALOG_PASSWORD_MIN_LENGTH": 8, "CATALOG_STAFF_PASSWORD_MAX_AGE_DAYS": 30, "CATALOG_LOCKOUT_THRESHOLD": 10,
        "CATALOG_LOCKOUT_HOURS": 24, "CATALOG_IDLE_TIMEOUT_MINUTES": 45, "CATALOG_TOTP_STEP_SECONDS": 30,
        "CATALOG_TOTP_WINDOW_STEPS": 1, "CATALOG_EMAIL_CODE_VALIDITY_MINUTES": 5, "CATALOG_RECOVERY_CODES": 10,
        "CATALOG_MINOR_AGE_YEARS": 18, "CATALOG_HSTS_SECONDS": 31536000, "CATALOG_AUTH_RATE_LIMIT": "20 per minute",
        "CATALOG_RATE_LIMIT_STORAGE_URI": "memory://", "CATALOG_RATE_LIMIT_ENABLED": True, "CATALOG_FORCE_HTTPS": True,
    }
    assert {name: config[name] for name in SECURITY_SETTINGS} == expected
    assert config["CATALOG_MAIL_OUTBOX"] is None and "MAIL_SUPPRESS_SEND" not in config
    changed = load_config(GOOD | {"CATALOG_LOCKOUT_THRESHOLD": "5", "CATALOG_FORCE_HTTPS": "off",
                                  "CATALOG_MAIL_OUTBOX": "instance/outbox", "CATALOG_SMTP_HOST": "smtp.scoala.ro"},
                          instance_path=str(tmp_path), testing=False)
    assert changed["CATALOG_LOCKOUT_THRESHOLD"] == 5 and changed["CATALOG_FORCE_HTTPS"] is False
    assert changed["MAIL_SUPPRESS_SEND"] is True and changed["MAIL_SERVER"] == "smtp.scoala.ro"
    assert changed["MAIL_DEFAULT_SENDER"] == "catalog@localhost"
    with pytest.raises(ConfigError, match="CATALOG_IDLE_TIMEOUT_MINUTES"):
        load_config(GOOD | {"CATALOG_IDLE_TIMEOUT_MINUTES": "soon"}, instance_path=str(tmp_path), testing=False)
    with pytest.raises(ConfigError, match="CATALOG_LOCKOUT_HOURS"):
        load_config(GOOD | {"CATALOG_LOCKOUT_HOURS": "0"}, instance_path=str(tmp_path), testing=False)


def test_the_flask_security_settings_follow_the_catalog_numbers(app):
    assert app.config["SECURITY_TWO_FACTOR_AUTHENTICATOR_VALIDITY"] == 30  # ±1 step of 30 s
    assert app.config["SECURITY_TWO_FACTOR_MAIL_VALIDITY"] == 300
    assert app.config["SECURITY_MULTI_FACTOR_RECOVERY_CODES_N"] == 10
    assert app.config["SECURITY_PASSWORD_LENGTH_MIN"] == 8
    assert app.config["SECURITY_TWO_FACTOR_ENABLED_METHODS"] == ["authenticator", "email"]


def test_access_to_a_students_personal_data_is_logged(app, school, clock):
    auditor = make_person(school, policy.AUDITOR)
    student = make_child(school, birth_date=date(2013, 9, 2))
    with app.test_request_context(environ_base={"REMOTE_ADDR": "10.4.4.4"}):
        auth.log_personal_data_access(auditor, student, "fișa elevului")
    row = db.session.scalar(sa.select(PersonalDataAccess))
    assert (row.user_id, row.student_id, row.school_id, row.what, row.ip) == (
        auditor.id, student.id, school.id, "fișa elevului", "10.4.4.4")
    assert auth.as_utc(row.occurred_at) == clock()

    client = https_client(app)
    sign_in(app, client, prepare_account(auditor))
    page = client.get("/cont/acces-date-personale").get_data(as_text=True)
    assert student.last_name in page and "fișa elevului" in page and "10.4.4.4" in page
    assert re.search(r"23\.11\.2026 10:00", page)


def test_only_readers_of_the_history_see_the_personal_data_log(app, school, clock):
    teacher = make_person(school, policy.TEACHER)
    client = https_client(app)
    sign_in(app, client, prepare_account(teacher))
    assert client.get("/cont/acces-date-personale").status_code == 403
