"""Two-factor authentication (000 ¶6-¶9, decisions.md "Security settings"): mandatory for every
staff role, optional for parents and students; TOTP codes computed with pyotp are accepted once;
e-mail codes; recovery codes used once; SMS only behind an interface."""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp
import pytest
import sqlalchemy as sa
from flask import Flask

from portal import security as security_extension
from schema.audit_log import UsedTotpCode
from schema.models import db
from security import policy, twofactor
from tests.factories import make_school
from tests.security.helpers import (
    reloaded,
    Credentials,
    captured_code,
    choose_method,
    csrf_token,
    https_client,
    is_logged_in,
    location,
    login,
    logout,
    make_person,
    post_form,
    prepare_account,
    sign_in,
    submit_code,
    totp_code,
)

STAFF = sorted(policy.STAFF_ROLES)


@pytest.fixture
def school(app):
    return make_school()


@pytest.mark.parametrize("role", STAFF)
def test_every_staff_role_is_sent_to_two_factor_setup_after_the_password(app, school, role):
    user = make_person(school, role)
    client = https_client(app)
    response = login(client, user.email, "Parola-Noua-2026")
    assert response.status_code == 302 and "/tf-setup" in location(response)
    page = client.get("/tf-setup").get_data(as_text=True)
    assert 'value="authenticator"' in page and 'value="email"' in page
    assert 'value="disable"' not in page and 'value="sms"' not in page


@pytest.mark.parametrize("role", [policy.PARENT, policy.STUDENT])
def test_parents_and_students_log_in_without_a_second_factor_unless_they_turn_it_on(app, school, role):
    user = make_person(school, role)
    prepare_account(user, two_factor=None)
    client = https_client(app)
    response = login(client, user.email, "Parola-Noua-2026")
    assert response.status_code == 302 and "/tf-" not in location(response)
    assert is_logged_in(client)


def test_a_staff_user_without_two_factor_reaches_only_the_setup_page(app, school):
    teacher = make_person(school, policy.TEACHER)
    client = https_client(app)
    login(client, teacher.email, "Parola-Noua-2026")
    for url in ("/", "/cont/", "/admin/", "/admin/marks/", "/change", "/cont/jurnal-autentificari", "/mf-recovery"):
        response = client.get(url)
        assert response.status_code == 302 and "/tf-setup" in location(response), url
    assert client.get("/tf-setup").status_code == 200
    assert not is_logged_in(client)


def test_a_session_opened_without_a_second_factor_is_held_once_the_user_becomes_staff(app, school):
    parent = make_person(school, policy.PARENT)
    prepare_account(parent, two_factor=None)
    client = https_client(app)
    login(client, parent.email, "Parola-Noua-2026")
    assert is_logged_in(client)
    from schema.db import audit_context
    from schema.models import Role

    with audit_context(reason="test: the parent becomes a teacher"):
        parent.roles.append(db.session.scalar(sa.select(Role).where(Role.name == policy.TEACHER)))
        db.session.commit()
    response = client.get("/cont/")
    assert response.status_code == 302 and "/tf-setup" in location(response)


def test_first_login_with_an_authenticator_app_through_pyotp(app, school, clock):
    teacher = make_person(school, policy.TEACHER)
    client = https_client(app)
    credentials = Credentials(teacher.email, "Parola-Noua-2026", method="authenticator")
    sign_in(app, client, credentials, new_password="Alta-Parola-2026")
    assert is_logged_in(client)
    stored = reloaded(teacher)
    assert stored.tf_primary_method == "authenticator" and credentials.totp_key
    # The next login asks for the app's code, which pyotp computes from the key shown at setup.
    logout(client)
    clock.advance(seconds=30)
    response = login(client, credentials.email, credentials.password)
    assert "/tf-validate" in location(response)
    assert submit_code(client, totp_code(credentials.totp_key)).status_code == 302
    assert is_logged_in(client)


def test_a_totp_code_is_accepted_once_and_refused_on_reuse(app, school, clock):
    teacher = make_person(school, policy.TEACHER)
    credentials = prepare_account(teacher)
    client = https_client(app)
    login(client, credentials.email, credentials.password)
    code = totp_code(credentials.totp_key)
    assert submit_code(client, code).status_code == 302
    assert is_logged_in(client)
    logout(client)

    # Same code, same 30-second window: refused, even with the right password first.
    clock.advance(seconds=5)
    login(client, credentials.email, credentials.password)
    refused = submit_code(client, code)
    assert refused.status_code == 200 and "Cod greșit sau deja folosit" in refused.get_data(as_text=True)
    assert not is_logged_in(client)

    # The next window's code works.
    clock.advance(seconds=30)
    login(client, credentials.email, credentials.password)
    assert submit_code(client, totp_code(credentials.totp_key)).status_code == 302
    assert is_logged_in(client)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(UsedTotpCode).where(UsedTotpCode.user_id == teacher.id)) == 2


def test_a_code_one_step_old_is_accepted_two_steps_old_is_not(app, school, clock):
    teacher = make_person(school, policy.TEACHER)
    credentials = prepare_account(teacher)
    client = https_client(app)
    two_steps_ago = pyotp.TOTP(credentials.totp_key).at(clock() - timedelta(seconds=60))
    one_step_ago = pyotp.TOTP(credentials.totp_key).at(clock() - timedelta(seconds=30))
    login(client, credentials.email, credentials.password)
    assert submit_code(client, two_steps_ago).status_code == 200
    assert submit_code(client, one_step_ago).status_code == 302


def test_the_same_code_racing_in_two_requests_is_accepted_once(app, school, clock):
    teacher = make_person(school, policy.TEACHER)
    prepare_account(teacher)
    counter = int(clock().timestamp()) // 30
    assert twofactor.claim_counter(teacher, counter) is True
    db.session.commit()
    assert twofactor.claim_counter(teacher, counter) is False


def test_login_with_a_code_by_email(app, school, clock):
    secretary = make_person(school, policy.SECRETARY)
    credentials = prepare_account(secretary, two_factor="email")
    client = https_client(app)
    response, code = captured_code(app, lambda: login(client, credentials.email, credentials.password))
    assert "/tf-validate" in location(response) and code
    assert submit_code(client, code).status_code == 302
    assert is_logged_in(client)

    # Logging in again within the same 30 seconds sends a different code, which works; the old
    # one does not.
    logout(client)
    clock.advance(seconds=3)
    _response, second = captured_code(app, lambda: login(client, credentials.email, credentials.password))
    assert second and second != code
    assert submit_code(client, code).status_code == 200
    assert submit_code(client, second).status_code == 302
    assert is_logged_in(client)


def test_first_login_choosing_email_codes(app, school, clock):
    director = make_person(school, policy.DIRECTOR)
    client = https_client(app)
    login(client, director.email, "Parola-Noua-2026")
    page, code = choose_method(app, client, "email")
    assert code and "Am trimis un cod" in page.get_data(as_text=True)
    response = client.post("/tf-validate", data={"code": code, "csrf_token": csrf_token(page.get_data(as_text=True))})
    assert response.status_code == 302
    assert reloaded(director).tf_primary_method == "email"


def test_a_recovery_code_works_once(app, school, clock):
    auditor = make_person(school, policy.AUDITOR)
    credentials = prepare_account(auditor)
    codes = security_extension.mf_recovery_codes_util.create_recovery_codes(auditor)
    db.session.commit()
    client = https_client(app)

    login(client, credentials.email, credentials.password)
    response = post_form(client, "/mf-recovery", {"code": codes[0]})
    assert response.status_code == 302
    assert is_logged_in(client)
    logout(client)

    login(client, credentials.email, credentials.password)
    refused = post_form(client, "/mf-recovery", {"code": codes[0]})
    assert refused.status_code == 200 and "Cod de recuperare greșit" in refused.get_data(as_text=True)
    assert not is_logged_in(client)
    assert post_form(client, "/mf-recovery", {"code": codes[1]}).status_code == 302
    assert is_logged_in(client)


def test_recovery_codes_are_generated_from_the_account_and_stored_encrypted(app, school, clock):
    teacher = make_person(school, policy.TEACHER)
    credentials = prepare_account(teacher)
    client = https_client(app)
    sign_in(app, client, credentials)
    page = post_form(client, "/mf-recovery-codes", {"generate_new_codes": "1"})
    html = page.get_data(as_text=True)
    shown = re.findall(r'<li class="code">([0-9a-f-]+)</li>', html)
    assert len(shown) == app.config["CATALOG_RECOVERY_CODES"] == 10
    stored = reloaded(teacher).mf_recovery_codes
    assert len(stored) == 10 and not set(shown) & set(stored)  # encrypted at rest


def test_a_parent_turns_on_two_factor_in_the_profile(app, school, clock):
    parent = make_person(school, policy.PARENT)
    credentials = prepare_account(parent, two_factor=None)
    client = https_client(app)
    login(client, credentials.email, credentials.password)
    setup = post_form(client, "/tf-setup", {"setup": "authenticator"})
    html = setup.get_data(as_text=True)
    key = re.search(r'id="authr-key">([^<]+)<', html).group(1).replace("-", "")
    action = re.search(r'action="(/tf-setup/[^"]+)"', html).group(1)
    assert client.post(action, data={"code": totp_code(key), "csrf_token": csrf_token(html)}).status_code == 302
    logout(client)
    clock.advance(seconds=30)
    response = login(client, credentials.email, credentials.password)
    assert "/tf-validate" in location(response)


def test_sms_is_an_interface_with_no_provider_by_default(app):
    assert "sms" not in app.config["SECURITY_TWO_FACTOR_ENABLED_METHODS"]
    assert isinstance(app.extensions["catalog_sms"], twofactor.NoSmsProvider)
    with pytest.raises(twofactor.SmsNotConfigured):
        app.extensions["catalog_sms"].send_sms("+40700000000", "Cod")


class RecordingSms:
    """A stand-in provider: what a school's SMS contract would plug in."""

    sent: list[tuple[str, str]] = []

    def __init__(self, app: Flask) -> None:
        """A fake provider needs no configuration."""

    def send_sms(self, to_number: str, message: str) -> None:
        self.sent.append((to_number, message))


def test_a_configured_sms_provider_is_offered_and_used():
    bare = Flask("sms-test")
    bare.config.update(CATALOG_SMS_SENDER=f"{__name__}:RecordingSms",
                       SECURITY_TWO_FACTOR_ENABLED_METHODS=["authenticator", "email"])
    twofactor.init_sms(bare)
    assert bare.config["SECURITY_TWO_FACTOR_ENABLED_METHODS"][-1] == "sms"
    assert bare.config["SECURITY_SMS_SERVICE"] == "catalog"
    from flask_security.utils import SmsSenderFactory

    with bare.app_context():
        SmsSenderFactory.createSender("catalog").send_sms(from_number="", to_number="+40711111111", msg="Cod 123")
    assert RecordingSms.sent[-1] == ("+40711111111", "Cod 123")


def test_the_demo_outbox_receives_the_email_code_and_prints_it(app, school, clock, tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(app.config, "CATALOG_MAIL_OUTBOX", str(tmp_path / "outbox"))
    secretary = make_person(school, policy.SECRETARY)
    credentials = prepare_account(secretary, two_factor="email")
    client = https_client(app)
    _response, code = captured_code(app, lambda: login(client, credentials.email, credentials.password))
    files = list((tmp_path / "outbox").glob("*.eml"))
    assert len(files) == 1 and code in files[0].read_text()
    printed = capsys.readouterr().out
    assert credentials.email in printed and code in printed
    assert submit_code(client, code).status_code == 302
