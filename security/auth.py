"""Passwords and sessions (decisions.md "Security settings", rules.md §7.2) and the record of
authentication events (issue 4 items 6 and 8).

- Password policy: at least CATALOG_PASSWORD_MIN_LENGTH characters with upper case, lower case
  and a digit (004 pt.18), checked by Flask-Security through `CatalogPasswordUtil`.
- The first password is one-time (004 pt.19) and staff passwords expire after
  CATALOG_STAFF_PASSWORD_MAX_AGE_DAYS (004 pt.17): until changed, every page leads to the
  change-password page.
- CATALOG_LOCKOUT_THRESHOLD failures in a row lock the account for CATALOG_LOCKOUT_HOURS; it
  unlocks by itself and an administrator can unlock it sooner (004 pt.26).
- CATALOG_IDLE_TIMEOUT_MINUTES without a request log the user out (004 pt.25).
- After login the user sees the last successful and the last failed login (004 pt.22).
- A parent changes a minor child's password (000 ¶25).

Every moment these rules use comes from `now()` (the TOTP codes and Flask-Security's login
tracking read it too), so tests freeze the clock in one place.
Events go to the `auth_events` table and, as one JSON line each, to the `catalog.auth` logger;
neither ever receives a password, a code or a secret (`record_auth_event` refuses such keys).
"""

from __future__ import annotations

import json
import logging
import secrets
import string
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app, g, has_request_context, request, session
from flask_security import PasswordUtil, hash_password

from schema.audit_log import AuthEvent, PersonalDataAccess
from schema.db import audit_context
from schema.errors import NotFound, PermissionDenied
from schema.models import Guardian, Student, StudentGuardian, User, db
from security import policy

AUTH_LOGGER = logging.getLogger("catalog.auth")

# Event kinds (AuthEvent.kind).
LOGIN_SUCCEEDED = "login_succeeded"
LOGIN_FAILED = "login_failed"
LOGIN_REFUSED_LOCKED = "login_refused_locked"
ACCOUNT_LOCKED = "account_locked"
ACCOUNT_UNLOCKED = "account_unlocked"
LOGOUT = "logout"
IDLE_LOGOUT = "idle_logout"
TWO_FACTOR_SET_UP = "two_factor_set_up"
TWO_FACTOR_DISABLED = "two_factor_disabled"
TWO_FACTOR_CODE_SENT = "two_factor_code_sent"
RECOVERY_CODE_USED = "recovery_code_used"
PASSWORD_CHANGED = "password_changed"
ONE_TIME_PASSWORD_ISSUED = "one_time_password_issued"
DELEGATION_DECIDED = "delegation_decided"
EVENT_KINDS = frozenset({
    LOGIN_SUCCEEDED, LOGIN_FAILED, LOGIN_REFUSED_LOCKED, ACCOUNT_LOCKED, ACCOUNT_UNLOCKED, LOGOUT,
    IDLE_LOGOUT, TWO_FACTOR_SET_UP, TWO_FACTOR_DISABLED, TWO_FACTOR_CODE_SENT, RECOVERY_CODE_USED,
    PASSWORD_CHANGED, ONE_TIME_PASSWORD_ISSUED, DELEGATION_DECIDED,
})
#: Words that may not appear in an event's detail keys: the event says what happened, never with what.
SECRET_WORDS = ("password", "parola", "code", "cod", "token", "secret", "totp", "otp")

LOCKED_MESSAGE = (
    "Contul este blocat temporar după prea multe încercări greșite. Se deblochează automat; "
    "administratorul școlii îl poate debloca mai devreme."
)
#: Session keys.
LAST_SEEN_KEY = "catalog_last_seen"
LOGIN_INFO_KEY = "catalog_login_info"
#: Whether the session was opened with a second factor (True/False; absent for sessions opened
#: by other means than a login, e.g. in tests).
SECOND_FACTOR_KEY = "catalog_second_factor"


def now() -> datetime:
    """The current time (UTC, aware). The one clock of the authentication rules: tests patch it."""
    return datetime.now(UTC)


def naive_utc_now() -> datetime:
    """`now()` without tzinfo, for Flask-Security's login tracking columns (naive UTC)."""
    return now().replace(tzinfo=None)


def as_utc(value: datetime | None) -> datetime | None:
    """Aware UTC for values read back from SQLite (naive) or written by Flask-Security (naive UTC)."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _setting(name: str) -> Any:
    return current_app.config[name]


# --- auth events ---------------------------------------------------------------------------
def _request_facts() -> tuple[str | None, str | None]:
    if not has_request_context():
        return None, None
    agent = request.headers.get("User-Agent")
    return request.remote_addr, agent[:255] if agent else None


def _check_detail(detail: dict[str, Any]) -> dict[str, Any]:
    for key in detail:
        if any(word in key.lower() for word in SECRET_WORDS):
            raise ValueError(f"auth event detail {key!r} looks like a secret; events never hold one")
    return {key: value for key, value in detail.items() if value is not None}


def record_auth_event(kind: str, *, user: User | None = None, email: str | None = None, **detail: Any) -> AuthEvent:
    """Add one event to the session (the caller commits) and write it to the `catalog.auth` log.

    `detail` holds plain facts (method="email", reason="wrong_password", by_user_id=3); a key that
    looks like a secret is refused, so a password or a code cannot slip in by mistake.
    """
    if kind not in EVENT_KINDS:
        raise ValueError(f"unknown auth event kind {kind!r}")
    facts = _check_detail(detail)
    ip, agent = _request_facts()
    event = AuthEvent(
        occurred_at=now(), kind=kind, user_id=user.id if user else None, school_id=user.school_id if user else None,
        email=(email or (user.email if user else None) or None), ip=ip, user_agent=agent, detail=facts,
    )
    db.session.add(event)
    AUTH_LOGGER.info(json.dumps({
        "event": kind, "at": event.occurred_at.isoformat(), "user_id": event.user_id, "school_id": event.school_id,
        "email": event.email, "ip": ip, "detail": facts,
    }, ensure_ascii=False, default=str))
    return event


def configure_auth_log(testing: bool) -> None:
    """Events as JSON lines on stderr (journald, gunicorn's error log), unless the deployment
    configured the `catalog.auth` logger itself; in tests the records propagate to pytest."""
    AUTH_LOGGER.setLevel(logging.INFO)
    if testing or AUTH_LOGGER.handlers:
        return
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(message)s"))
    AUTH_LOGGER.addHandler(handler)
    AUTH_LOGGER.propagate = False


def _commit(reason: str) -> None:
    with audit_context(reason=reason):
        db.session.commit()


# --- password policy -----------------------------------------------------------------------
def password_problems(password: str, min_length: int) -> list[str]:
    """What the password lacks (004 pt.18), in Romanian; empty when it is acceptable."""
    problems = []
    if len(password) < min_length:
        problems.append(f"Parola trebuie să aibă cel puțin {min_length} caractere.")
    if not any(ch.isupper() for ch in password):
        problems.append("Parola trebuie să conțină cel puțin o literă mare.")
    if not any(ch.islower() for ch in password):
        problems.append("Parola trebuie să conțină cel puțin o literă mică.")
    if not any(ch.isdigit() for ch in password):
        problems.append("Parola trebuie să conțină cel puțin o cifră.")
    return problems


class CatalogPasswordUtil(PasswordUtil):
    """Flask-Security's password check, with the catalog's rules instead of its defaults."""

    def validate(self, password: str, is_register: bool, **kwargs: Any) -> tuple[list | None, str]:
        normalized = self.normalize(password)
        problems = password_problems(normalized, _setting("CATALOG_PASSWORD_MIN_LENGTH"))
        return (problems or None), normalized


def generate_one_time_password(min_length: int) -> str:
    """A random password that meets the policy, for a new account or a reset by the administrator."""
    alphabet = string.ascii_letters + string.digits
    while True:
        candidate = "".join(secrets.choice(alphabet) for _ in range(max(min_length, 12)))
        if not password_problems(candidate, min_length):
            return candidate


# --- lockout -------------------------------------------------------------------------------
def is_locked_out(user: User) -> bool:
    """Locked now; a lock whose time has passed no longer counts (it unlocks by itself)."""
    until = as_utc(user.locked_until)
    return until is not None and until > now()


def _forget_expired_lock(user: User) -> None:
    until = as_utc(user.locked_until)
    if until is not None and until <= now():
        user.locked_until = None
        user.failed_login_count = 0


def note_failed_login(user: User, factor: str) -> None:
    """A wrong password or second-factor code: count it, lock at the threshold, record both."""
    _forget_expired_lock(user)
    moment = now()
    ip, _agent = _request_facts()
    user.failed_login_count = (user.failed_login_count or 0) + 1
    user.last_failed_login_at = moment
    user.last_failed_login_ip = ip
    reason = "wrong_code" if factor == "code" else "wrong_password"
    record_auth_event(LOGIN_FAILED, user=user, reason=reason, failures_in_a_row=user.failed_login_count)
    if user.failed_login_count >= _setting("CATALOG_LOCKOUT_THRESHOLD") and user.locked_until is None:
        user.locked_until = moment + timedelta(hours=_setting("CATALOG_LOCKOUT_HOURS"))
        record_auth_event(ACCOUNT_LOCKED, user=user, until=user.locked_until.isoformat())
    _commit("Autentificare eșuată")


def note_refused_while_locked(user: User) -> None:
    """The right password on a locked account: refused, and recorded."""
    record_auth_event(LOGIN_REFUSED_LOCKED, user=user, until=as_utc(user.locked_until).isoformat())
    _commit("Autentificare refuzată: cont blocat")


def note_unknown_account(email: str | None) -> None:
    """A login attempt with an e-mail address that has no account."""
    record_auth_event(LOGIN_FAILED, email=(email or "")[:255] or None, reason="unknown_account")
    _commit("Autentificare eșuată")


def locked_accounts(school_id: int) -> list[User]:
    """The school's accounts locked right now."""
    candidates = db.session.scalars(
        sa.select(User).where(User.school_id == school_id, User.locked_until.is_not(None)).order_by(User.last_name)
    ).all()
    return [user for user in candidates if is_locked_out(user)]


def require_account_manager(actor: User, user: User) -> None:
    """An administrator of the same school (004 pt.26, pt.31)."""
    if not policy.has_permission({role.name for role in actor.roles}, policy.MANAGE_ACCOUNTS):
        raise PermissionDenied("not_account_manager", "Doar administratorul școlii gestionează conturile.",
                               "Only the school's administrator manages accounts.")
    if actor.school_id != user.school_id:
        raise NotFound("account_not_found", "Contul nu există.", "No such account.")


def unlock_account(user: User, *, by: User | None = None, via: str = "page") -> None:
    """Unlock before the lock ends: an administrator of the school, or the command line."""
    if by is not None:
        require_account_manager(by, user)
    user.locked_until = None
    user.failed_login_count = 0
    record_auth_event(ACCOUNT_UNLOCKED, user=user, by_user_id=by.id if by else None, via=via)
    with audit_context(reason="Deblocare cont", user_id=by.id if by else None):
        db.session.commit()


# --- passwords: expiry, first login, changes -----------------------------------------------
def password_change_reason(user: User) -> str | None:
    """Why the user must change their password before anything else: "one_time" (first password,
    004 pt.19), "expired" (a staff password older than the limit, 004 pt.17), or None. An account
    without a password (it cannot log in with one) has nothing to change."""
    if user.password is None:
        return None  # no password to change (and none to log in with)
    if user.must_change_password:
        return "one_time"
    if user.is_staff:
        changed = as_utc(user.password_changed_at)
        max_age = timedelta(days=_setting("CATALOG_STAFF_PASSWORD_MAX_AGE_DAYS"))
        if changed is None or now() - changed > max_age:
            return "expired"
    return None


def note_password_changed(user: User, *, by: User | None = None) -> None:
    """The user chose a new password (by=None) or someone set one for them."""
    user.password_changed_at = now()
    user.must_change_password = False
    record_auth_event(PASSWORD_CHANGED, user=user, by_user_id=by.id if by else None)


def issue_one_time_password(admin: User, user: User) -> str:
    """A new one-time password chosen by the system (004 pt.19): shown once to the administrator,
    changed by the user at the next login. Ends the user's sessions and any lock."""
    require_account_manager(admin, user)
    password = generate_one_time_password(_setting("CATALOG_PASSWORD_MIN_LENGTH"))
    user.password = hash_password(password)
    user.fs_uniquifier = uuid.uuid4().hex
    user.must_change_password = True
    user.password_changed_at = now()
    user.locked_until = None
    user.failed_login_count = 0
    record_auth_event(ONE_TIME_PASSWORD_ISSUED, user=user, by_user_id=admin.id)
    with audit_context(reason="Parolă inițială de unică folosință", user_id=admin.id):
        db.session.commit()
    return password


# --- a parent and a minor child's password (000 ¶25, 004 pt.73) -----------------------------
def is_minor(student: Student, on_day: date | None = None) -> bool:
    day = on_day or now().date()
    years = day.year - student.birth_date.year - ((day.month, day.day) < (student.birth_date.month, student.birth_date.day))
    return years < _setting("CATALOG_MINOR_AGE_YEARS")


def minor_children_with_accounts(parent: User) -> list[Student]:
    """The parent's own children who are minors and have an account."""
    students = db.session.scalars(
        sa.select(Student)
        .join(StudentGuardian, StudentGuardian.student_id == Student.id)
        .join(Guardian, Guardian.id == StudentGuardian.guardian_id)
        .where(Guardian.user_id == parent.id, Student.user_id.is_not(None), Student.school_id == parent.school_id)
        .order_by(Student.last_name, Student.first_name)
    ).unique().all()
    return [student for student in students if is_minor(student)]


def access_child_account(parent: User, student_id: int) -> Student:
    """The parent's minor child with an account, or NotFound (the same answer for "not yours")."""
    for student in minor_children_with_accounts(parent):
        if student.id == student_id:
            return student
    raise NotFound("child_not_found", "Elevul nu există sau nu este copilul dumneavoastră minor.", "No such child.")


def change_child_password(parent: User, student: Student, new_password: str) -> None:
    """Set the password of a minor child's account; the child's open sessions end."""
    access_child_account(parent, student.id)
    problems = password_problems(new_password, _setting("CATALOG_PASSWORD_MIN_LENGTH"))
    if problems:
        raise PermissionDenied("weak_password", " ".join(problems), "The password does not meet the policy.")
    child = db.session.get(User, student.user_id)
    child.password = hash_password(new_password)
    child.fs_uniquifier = uuid.uuid4().hex
    note_password_changed(child, by=parent)
    with audit_context(reason="Parolă schimbată de părinte pentru copilul minor", user_id=parent.id):
        db.session.commit()


# --- last logins (004 pt.22) ---------------------------------------------------------------
@dataclass(frozen=True)
class LoginInfo:
    """What the user sees right after login."""

    previous_success_at: datetime | None
    previous_success_ip: str | None
    last_failure_at: datetime | None
    last_failure_ip: str | None
    failures_since_previous_success: int

    def as_session(self) -> dict[str, Any]:
        return {
            "previous_success_at": self.previous_success_at.isoformat() if self.previous_success_at else None,
            "previous_success_ip": self.previous_success_ip,
            "last_failure_at": self.last_failure_at.isoformat() if self.last_failure_at else None,
            "last_failure_ip": self.last_failure_ip,
            "failures_since_previous_success": self.failures_since_previous_success,
        }

    @classmethod
    def from_session(cls, data: dict[str, Any]) -> LoginInfo:
        def moment(value: str | None) -> datetime | None:
            return datetime.fromisoformat(value) if value else None

        return cls(moment(data.get("previous_success_at")), data.get("previous_success_ip"),
                   moment(data.get("last_failure_at")), data.get("last_failure_ip"),
                   int(data.get("failures_since_previous_success") or 0))


def login_info_at_login(user: User) -> LoginInfo:
    """Read when Flask-Security has just recorded this login: its `last_login_*` now hold the
    previous login (none on the first one)."""
    first_login = (user.login_count or 0) <= 1
    return LoginInfo(
        previous_success_at=None if first_login else as_utc(user.last_login_at),
        previous_success_ip=None if first_login else user.last_login_ip,
        last_failure_at=as_utc(user.last_failed_login_at),
        last_failure_ip=user.last_failed_login_ip,
        failures_since_previous_success=user.failed_login_count or 0,
    )


def note_successful_login(user: User, method: str | None, *, second_factor: bool) -> None:
    """Keep what the user must see, reset the failure count, record the event."""
    session[LOGIN_INFO_KEY] = login_info_at_login(user).as_session()
    session[LAST_SEEN_KEY] = now().timestamp()
    session[SECOND_FACTOR_KEY] = second_factor
    _forget_expired_lock(user)
    user.failed_login_count = 0
    record_auth_event(LOGIN_SUCCEEDED, user=user, method=method)
    _commit("Autentificare reușită")


def login_info_of_session() -> LoginInfo | None:
    data = session.get(LOGIN_INFO_KEY)
    return LoginInfo.from_session(data) if data else None


# --- idle sessions (004 pt.25) ---------------------------------------------------------------
def idle_for_too_long(last_seen: float | None) -> bool:
    if last_seen is None:
        return False
    idle = timedelta(minutes=_setting("CATALOG_IDLE_TIMEOUT_MINUTES"))
    return now().timestamp() - last_seen > idle.total_seconds()


# --- access to personal data (issue 4 item 7) ----------------------------------------------
def log_personal_data_access(user: User, student: Student, what: str, *, commit: bool = True) -> PersonalDataAccess:
    """Record that `user` opened `what` of `student`'s record (pages showing a student's personal
    data call this). Commits by default, since the page itself only reads; pass commit=False
    inside a larger transaction."""
    ip, _agent = _request_facts()
    entry = PersonalDataAccess(
        school_id=student.school_id, user_id=user.id, student_id=student.id, what=what[:100], ip=ip, occurred_at=now()
    )
    db.session.add(entry)
    if commit:
        with audit_context(reason="Acces la date personale", user_id=user.id):
            db.session.commit()
    return entry


# --- request hooks --------------------------------------------------------------------------
#: Endpoints reachable while a password change is pending.
PASSWORD_CHANGE_ENDPOINTS = frozenset({"security.change_password", "security.logout", "security.verify"})


def _exempt(endpoint: str | None) -> bool:
    return endpoint is None or endpoint == "static" or endpoint.endswith(".static") or endpoint == "healthz"


def enforce_idle_timeout() -> Any:
    """Before each request: log out a session idle for longer than the limit (004 pt.25)."""
    from flask import flash, redirect, url_for
    from flask_security import current_user
    from flask_security.utils import logout_user

    if _exempt(request.endpoint) or not current_user.is_authenticated:
        return None
    if idle_for_too_long(session.get(LAST_SEEN_KEY)):
        user = current_user._get_current_object()
        minutes = _setting("CATALOG_IDLE_TIMEOUT_MINUTES")
        record_auth_event(IDLE_LOGOUT, user=user, idle_minutes=minutes)
        _commit("Deconectare după inactivitate")
        g.catalog_idle_logout = True  # one event, not also a plain "logout"
        logout_user()
        session.pop(LAST_SEEN_KEY, None)
        session.pop(LOGIN_INFO_KEY, None)
        flash(f"Ați fost deconectat după {minutes} de minute de inactivitate. Autentificați-vă din nou.", "info")
        return redirect(url_for("security.login"))
    session[LAST_SEEN_KEY] = now().timestamp()
    return None


def require_password_change() -> Any:
    """Before each request: a one-time or expired password leads to the change-password page."""
    from flask import flash, redirect, url_for
    from flask_security import current_user

    if _exempt(request.endpoint) or not current_user.is_authenticated:
        return None
    if request.endpoint in PASSWORD_CHANGE_ENDPOINTS:
        return None
    reason = password_change_reason(current_user)
    if reason is None:
        return None
    if reason == "one_time":
        flash("Parola primită este de unică folosință: alegeți acum o parolă nouă.", "warning")
    else:
        days = _setting("CATALOG_STAFF_PASSWORD_MAX_AGE_DAYS")
        flash(f"Parola personalului se schimbă la cel mult {days} de zile: alegeți acum o parolă nouă.", "warning")
    return redirect(url_for("security.change_password"))


# --- Flask-Security signals -----------------------------------------------------------------
def _on_user_authenticated(_app: Any, user: User, authn_via: list[str] | None = None, **_kwargs: Any) -> None:
    if authn_via == ["change"]:
        return  # Flask-Security logs the user in again after a password change
    if has_request_context() and request.endpoint == "security.mf_recovery":
        record_auth_event(RECOVERY_CODE_USED, user=user)
        method, second_factor = "password+recovery_code", True
    elif authn_via:
        method, second_factor = "+".join(authn_via), False
    else:  # completed by Flask-Security's two-factor plugin
        method, second_factor = f"password+{user.tf_primary_method}", True
    note_successful_login(user, method, second_factor=second_factor)


def _on_logged_out(_app: Any, user: User | None = None, **_kwargs: Any) -> None:
    if user is None or not getattr(user, "id", None) or g.get("catalog_idle_logout"):
        return
    record_auth_event(LOGOUT, user=user)
    _commit("Deconectare")


def _on_code_confirmed(_app: Any, user: User, method: str, **_kwargs: Any) -> None:
    # Sent for every completed two-factor login; a set-up is the one still validating a profile.
    if session.get("tf_state") == "validating_profile":
        record_auth_event(TWO_FACTOR_SET_UP, user=user, method=method)
        _commit("Autentificare în doi pași configurată")


def _on_profile_changed(_app: Any, user: User, method: str, **_kwargs: Any) -> None:
    session[SECOND_FACTOR_KEY] = True  # the user has just proved the new second factor
    record_auth_event(TWO_FACTOR_SET_UP, user=user, method=method, changed=True)
    _commit("Autentificare în doi pași configurată")


def _on_two_factor_disabled(_app: Any, user: User, **_kwargs: Any) -> None:
    record_auth_event(TWO_FACTOR_DISABLED, user=user)
    _commit("Autentificare în doi pași dezactivată")


def _on_code_sent(_app: Any, user: User, method: str, **_kwargs: Any) -> None:
    # The signal also carries the code itself: it is deliberately not read here.
    if method in ("email", "mail", "sms"):
        record_auth_event(TWO_FACTOR_CODE_SENT, user=user, method=method)
        _commit("Cod de autentificare trimis")


def _on_password_changed(_app: Any, user: User, **_kwargs: Any) -> None:
    note_password_changed(user)
    _commit("Parolă schimbată")


def connect_signals() -> None:
    """Record Flask-Security's events (idempotent: blinker keeps one connection per receiver)."""
    from flask_login import user_logged_out
    from flask_security import (
        password_changed,
        tf_code_confirmed,
        tf_disabled,
        tf_profile_changed,
        tf_security_token_sent,
        user_authenticated,
    )

    user_authenticated.connect(_on_user_authenticated)
    user_logged_out.connect(_on_logged_out)
    tf_code_confirmed.connect(_on_code_confirmed)
    tf_profile_changed.connect(_on_profile_changed)
    tf_disabled.connect(_on_two_factor_disabled)
    tf_security_token_sent.connect(_on_code_sent)
    password_changed.connect(_on_password_changed)
