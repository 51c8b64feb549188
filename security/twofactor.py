"""Two-factor authentication (000 ¶6-¶9, decisions.md "Security settings").

- Mandatory for every staff role, optional for parents and students (`User.check_tf_required`
  in schema/users.py). A staff user who has not set it up reaches only the setup page: after the
  password Flask-Security sends them to setup, and `hold_at_two_factor_setup` sends every other
  request there until a code proves the new factor (also for a session opened without a second
  factor by someone who has become staff since).
- Methods: an authenticator app (TOTP, CATALOG_TOTP_STEP_SECONDS per step, ±CATALOG_TOTP_WINDOW_STEPS
  steps), a code by e-mail, recovery codes. SMS sits behind `SmsSender`, with no provider wired.
- A code is accepted once: `CatalogTotp` records the time step of every accepted code in
  `used_totp_codes` and refuses that step and older ones afterwards; an e-mail code is always
  generated for a step not used yet.
- The TOTP clock is `security.auth.now()`, the same clock as the other authentication rules.
"""

from __future__ import annotations

import contextlib
import contextvars
import importlib
from collections.abc import Iterator
from typing import Any, Protocol

import sqlalchemy as sa
from flask import Flask, current_app, flash, redirect, request, session, url_for
from flask_security import Totp, current_user
from flask_security.utils import SmsSenderBaseClass, SmsSenderFactory
from passlib.exc import TokenError
from passlib.totp import TOTP, TotpMatch
from sqlalchemy.exc import IntegrityError

from schema.audit_log import UsedTotpCode
from schema.models import User, db
from security import auth

#: While a code is being sent, the user it is for (see `CatalogTotp.generate_totp_password`).
_code_recipient: contextvars.ContextVar[User | None] = contextvars.ContextVar("code_recipient", default=None)

#: Endpoints a user in the middle of two-factor setup may reach.
SETUP_ENDPOINTS = frozenset({
    "security.two_factor_setup",
    "security.two_factor_token_validation",
    "security.two_factor_setup_validate",
    "security.logout",
    "security.verify",
})
#: Endpoints where a user proves the second factor after the password.
VALIDATION_ENDPOINTS = frozenset({"security.two_factor_token_validation", "security.two_factor_rescue", "security.mf_recovery"})


def _clock() -> float:
    return auth.now().timestamp()


@contextlib.contextmanager
def sending_code_to(user: User) -> Iterator[None]:
    """Mark `user` as the recipient of the code generated inside the block."""
    token = _code_recipient.set(user)
    try:
        yield
    finally:
        _code_recipient.reset(token)


def last_used_counter(user: User) -> int | None:
    """The time step of the last code this user had accepted."""
    if user.id is None:
        return None
    return db.session.scalar(sa.select(sa.func.max(UsedTotpCode.counter)).where(UsedTotpCode.user_id == user.id))


def claim_counter(user: User, counter: int) -> bool:
    """Record the step of an accepted code; False when another request used it first."""
    db.session.add(UsedTotpCode(user_id=user.id, counter=counter, used_at=auth.now()))
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return False
    return True


class CatalogTotp(Totp):
    """Flask-Security's TOTP factory with replay protection and the catalog's clock and step
    (Flask-Security leaves replay protection to the application: see `Totp`'s docstring)."""

    #: Seconds per TOTP step; `totp_class_for` makes a subclass with the configured value.
    step_seconds = 30

    def __init__(self, secrets: dict[str, str] | dict[int, str], issuer: str):
        super().__init__(secrets, issuer)
        self._totp = TOTP.using(issuer=issuer, secrets=secrets, period=self.step_seconds, now=_clock)

    def get_last_counter(self, user: Any) -> int | None:
        return last_used_counter(user)

    def verify_totp(self, token: str, totp_secret: str, user: Any, window: int = 0) -> bool:
        """Accept a code of this window once: passlib refuses steps up to the last used one, and
        the unique key on (user, step) refuses a concurrent request with the same code."""
        try:
            match: TotpMatch = self._totp.verify(token, totp_secret, window=window, last_counter=self.get_last_counter(user))
        except TokenError:
            return False
        return claim_counter(user, match.counter)

    def generate_totp_password(self, totp_secret: str) -> str:
        """The code to send by e-mail or SMS: for the current step, or the first step after the
        last used one, so that a second login within one step still gets a fresh code."""
        source = self._totp.from_source(totp_secret)
        moment = _clock()
        user = _code_recipient.get()
        last = last_used_counter(user) if user is not None else None
        if last is not None and last >= int(moment // source.period):
            moment = (last + 1) * source.period
        return source.generate(time=moment).token


def totp_class_for(step_seconds: int) -> type[CatalogTotp]:
    """`CatalogTotp` with this app's step (Flask-Security instantiates the class itself)."""
    return type("CatalogTotpForApp", (CatalogTotp,), {"step_seconds": step_seconds})


# --- holding staff at the setup page --------------------------------------------------------
def _exempt(endpoint: str | None) -> bool:
    return endpoint is None or endpoint == "static" or endpoint.endswith(".static") or endpoint == "healthz"


def _pending_user() -> User | None:
    """The user who gave the right password and is now proving the second factor."""
    uniquifier = session.get("tf_user_id")
    if not uniquifier:
        return None
    return db.session.scalar(sa.select(User).where(User.fs_uniquifier == uniquifier))


def hold_at_two_factor_setup() -> Any:
    """Before each request: a staff user without two-factor sees only the setup page; a login in
    progress stops when wrong codes have locked the account."""
    endpoint = request.endpoint
    if _exempt(endpoint):
        return None
    if current_user.is_authenticated:
        # A session opened without a second factor (a parent or student who became staff since):
        # only the setup page until the user proves one.
        opened_without = session.get(auth.SECOND_FACTOR_KEY) is False
        if current_user.is_staff and opened_without and endpoint not in SETUP_ENDPOINTS:
            flash("Pentru conturile personalului, autentificarea în doi pași este obligatorie. Configurați-o acum.", "warning")
            return redirect(url_for("security.two_factor_setup"))
        return None
    state = session.get("tf_state")
    if state in ("setup_from_login", "validating_profile") and endpoint not in SETUP_ENDPOINTS:
        return redirect(url_for("security.two_factor_setup"))
    if state == "ready" and endpoint in VALIDATION_ENDPOINTS:
        user = _pending_user()
        if user is not None and auth.is_locked_out(user):
            from flask_security.tf_plugin import tf_clean_session

            tf_clean_session()
            flash(auth.LOCKED_MESSAGE, "error")
            return redirect(url_for("security.login"))
    return None


def is_set_up(user: User) -> bool:
    """The user has a second factor (an authenticator or e-mail codes)."""
    return bool(user.tf_totp_secret and user.tf_primary_method)


# --- SMS: an interface, no provider ----------------------------------------------------------
class SmsSender(Protocol):
    """What an SMS provider must offer. None is wired by default; a school that has a contract
    with a provider sets CATALOG_SMS_SENDER="package.module:ClassName" (a class taking the app)."""

    def send_sms(self, to_number: str, message: str) -> None: ...


class SmsNotConfigured(RuntimeError):
    """No SMS provider is configured."""


class NoSmsProvider:
    """The default: sending an SMS is an error (and "sms" is not offered as a method)."""

    def __init__(self, app: Flask | None = None) -> None:
        """Nothing to configure: there is no provider."""

    def send_sms(self, to_number: str, message: str) -> None:
        raise SmsNotConfigured("Nu este configurat niciun furnizor de SMS (CATALOG_SMS_SENDER).")


def load_sms_sender(app: Flask) -> SmsSender:
    """The configured provider, or `NoSmsProvider`."""
    path = app.config.get("CATALOG_SMS_SENDER")
    if not path:
        return NoSmsProvider(app)
    module_name, _, class_name = path.partition(":")
    return getattr(importlib.import_module(module_name), class_name)(app)


class _FlaskSecuritySms(SmsSenderBaseClass):
    """Adapter: Flask-Security's SMS sender calls the catalog's `SmsSender` of the current app."""

    def send_sms(self, from_number: str, to_number: str, msg: str) -> None:
        current_app.extensions["catalog_sms"].send_sms(to_number, msg)


SmsSenderFactory.senders["catalog"] = _FlaskSecuritySms


def init_sms(app: Flask) -> None:
    """Wire the SMS method only when a provider is configured."""
    app.extensions["catalog_sms"] = load_sms_sender(app)
    if app.config.get("CATALOG_SMS_SENDER"):
        methods = app.config["SECURITY_TWO_FACTOR_ENABLED_METHODS"]
        if "sms" not in methods:
            app.config["SECURITY_TWO_FACTOR_ENABLED_METHODS"] = [*methods, "sms"]
        app.config["SECURITY_SMS_SERVICE"] = "catalog"
        app.config.setdefault("SECURITY_SMS_SERVICE_CONFIG", {"PHONE_NUMBER": app.config.get("CATALOG_SMS_FROM", "")})
