"""Configuration from `CATALOG_*` environment variables, read by small strict parsers.

Outside testing there are no default secrets: `load_config` raises `ConfigError` naming the
missing or unusable variable, and the app refuses to boot.
"""

from __future__ import annotations

import base64
import hashlib
import os
from datetime import date
from collections.abc import Mapping
from pathlib import Path
from typing import Any

#: Variables deployment scripts and checks rely on; their names are fixed.
SECRET_VARIABLES = ("CATALOG_SECRET_KEY", "CATALOG_PASSWORD_SALT", "CATALOG_TOTP_SECRET")
#: Values people paste from examples; never accepted as secrets.
PLACEHOLDER_SECRETS = {"changeme", "change-me", "secret", "dev", "development", "test", "password", "xxx"}
MIN_SECRET_LENGTH = 24


class ConfigError(RuntimeError):
    """The environment does not hold a usable configuration; the message says which variable."""


def parse_boolean(name: str, value: str) -> bool:
    """'true/1/yes/on' or 'false/0/no/off' (any case); anything else is an error."""
    lowered = value.strip().lower()
    if lowered in {"true", "1", "yes", "on"}:
        return True
    if lowered in {"false", "0", "no", "off"}:
        return False
    raise ConfigError(f"{name} must be true or false, not {value!r}")


def parse_int(name: str, value: str, *, minimum: int = 0) -> int:
    try:
        number = int(value)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {value!r}") from None
    if number < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, not {number}")
    return number


def require_secret(environ: Mapping[str, str], name: str) -> str:
    """A real secret: present, not a placeholder, at least MIN_SECRET_LENGTH characters."""
    value = environ.get(name, "").strip()
    if not value:
        raise ConfigError(
            f"{name} is not set. Set it in the environment (for local use, `make run` writes "
            f"instance/secrets.env); the portal does not boot without it."
        )
    if value.lower() in PLACEHOLDER_SECRETS or len(value) < MIN_SECRET_LENGTH:
        raise ConfigError(f"{name} is not a real secret: use at least {MIN_SECRET_LENGTH} random characters.")
    return value


def parse_text(name: str, value: str) -> str:
    """A non-empty string setting."""
    if not value.strip():
        raise ConfigError(f"{name} must not be empty")
    return value.strip()


#: Security settings (decisions.md "Security settings"): name -> (parser, default, default in tests).
#: Every number of the security rules is one of these; README "Configuration" documents them.
SECURITY_SETTINGS: dict[str, tuple[Any, Any, Any]] = {
    "CATALOG_PASSWORD_MIN_LENGTH": (parse_int, 8, 8),
    "CATALOG_STAFF_PASSWORD_MAX_AGE_DAYS": (parse_int, 30, 30),
    "CATALOG_LOCKOUT_THRESHOLD": (parse_int, 10, 10),
    "CATALOG_LOCKOUT_HOURS": (parse_int, 24, 24),
    "CATALOG_IDLE_TIMEOUT_MINUTES": (parse_int, 45, 45),
    "CATALOG_TOTP_STEP_SECONDS": (parse_int, 30, 30),
    "CATALOG_TOTP_WINDOW_STEPS": (parse_int, 1, 1),
    "CATALOG_EMAIL_CODE_VALIDITY_MINUTES": (parse_int, 5, 5),
    "CATALOG_RECOVERY_CODES": (parse_int, 10, 10),
    "CATALOG_MINOR_AGE_YEARS": (parse_int, 18, 18),
    "CATALOG_HSTS_SECONDS": (parse_int, 31536000, 31536000),
    "CATALOG_AUTH_RATE_LIMIT": (parse_text, "20 per minute", "20 per minute"),
    "CATALOG_RATE_LIMIT_STORAGE_URI": (parse_text, "memory://", "memory://"),
    "CATALOG_RATE_LIMIT_ENABLED": (parse_boolean, True, False),
    "CATALOG_FORCE_HTTPS": (parse_boolean, True, False),
}


def security_settings(environ: Mapping[str, str], *, testing: bool) -> dict[str, Any]:
    """The `CATALOG_*` security settings: the environment's value, else the default."""
    settings: dict[str, Any] = {}
    for name, (parser, default, test_default) in SECURITY_SETTINGS.items():
        raw = environ.get(name, "").strip()
        if not raw:
            settings[name] = test_default if testing else default
        elif parser is parse_int:
            settings[name] = parse_int(name, raw, minimum=1)
        else:
            settings[name] = parser(name, raw)
    return settings


def mail_settings(environ: Mapping[str, str]) -> dict[str, Any]:
    """Flask-Mail settings: SMTP from `CATALOG_SMTP_*`; with `CATALOG_MAIL_OUTBOX` set (the
    `make run` demo), nothing is sent and every message goes to that folder and the terminal."""
    outbox = environ.get("CATALOG_MAIL_OUTBOX", "").strip()
    settings: dict[str, Any] = {
        "MAIL_DEFAULT_SENDER": environ.get("CATALOG_MAIL_SENDER", "catalog@localhost"),
        "MAIL_SERVER": environ.get("CATALOG_SMTP_HOST", "localhost"),
        "MAIL_PORT": parse_int("CATALOG_SMTP_PORT", environ.get("CATALOG_SMTP_PORT", "587"), minimum=1),
        "MAIL_USERNAME": environ.get("CATALOG_SMTP_USERNAME") or None,
        "MAIL_PASSWORD": environ.get("CATALOG_SMTP_PASSWORD") or None,
        "MAIL_USE_TLS": parse_boolean("CATALOG_SMTP_TLS", environ.get("CATALOG_SMTP_TLS", "true")),
        "MAIL_USE_SSL": parse_boolean("CATALOG_SMTP_SSL", environ.get("CATALOG_SMTP_SSL", "false")),
        "CATALOG_MAIL_OUTBOX": outbox or None,
        #: The portal's address as families reach it, for links in e-mails (e.g. https://catalog.scoala.ro).
        "CATALOG_BASE_URL": environ.get("CATALOG_BASE_URL", "").strip() or None,
    }
    if outbox:
        settings["MAIL_SUPPRESS_SEND"] = True
    return settings


def parse_date(name: str, value: str) -> date:
    """An ISO date, YYYY-MM-DD."""
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ConfigError(f"{name} must be a date YYYY-MM-DD, not {value!r}") from None


def backup_settings(environ: Mapping[str, str], *, instance_path: str, database_url: str, testing: bool) -> dict[str, Any]:
    """Backups (docs/backups.md): where they go, the save-time journal (SQLite only: on by default,
    off in tests and on PostgreSQL, which uses synchronous replication), and retention."""
    journal = environ.get("CATALOG_JOURNAL_PATH", "").strip()
    is_sqlite = database_url.startswith("sqlite")
    if journal.lower() == "off" or (not journal and (testing or not is_sqlite)):
        journal_path = None
    elif not is_sqlite:
        raise ConfigError("CATALOG_JOURNAL_PATH applies only to SQLite; on PostgreSQL use synchronous replication "
                          "(docs/backups.md) and leave it unset")
    else:
        journal_path = journal or str(Path(instance_path) / "journal" / "journal.db")
    contract_end = environ.get("CATALOG_CONTRACT_END", "").strip()
    return {
        "CATALOG_BACKUP_DIR": environ.get("CATALOG_BACKUP_DIR", "").strip() or str(Path(instance_path) / "backups"),
        "CATALOG_OFFSITE_TARGET": environ.get("CATALOG_OFFSITE_TARGET", "").strip() or None,
        "CATALOG_JOURNAL_PATH": journal_path,
        "CATALOG_CONTRACT_END": parse_date("CATALOG_CONTRACT_END", contract_end) if contract_end else None,
        "CATALOG_DAILY_RETENTION_DAYS": parse_int(
            "CATALOG_DAILY_RETENTION_DAYS", environ.get("CATALOG_DAILY_RETENTION_DAYS", "35"), minimum=1),
    }


def recovery_codes_key(totp_secret: str) -> bytes:
    """The Fernet key that encrypts two-factor recovery codes at rest, derived from the TOTP
    secret so that deployments keep three secrets, not four."""
    digest = hashlib.sha256(b"catalog recovery codes:" + totp_secret.encode()).digest()
    return base64.urlsafe_b64encode(digest)


def default_database_url(instance_path: str) -> str:
    return f"sqlite:///{Path(instance_path) / 'catalog.db'}"


def load_config(environ: Mapping[str, str], *, instance_path: str, testing: bool) -> dict[str, Any]:
    """Flask config from the environment. In tests, secrets fall back to fixed test values."""
    if testing:
        secrets = {name: environ.get(name) or f"test-only-{name.lower()}-0123456789abcdef" for name in SECRET_VARIABLES}
    else:
        secrets = {name: require_secret(environ, name) for name in SECRET_VARIABLES}

    database_url = environ.get("CATALOG_DATABASE_URL", "").strip() or default_database_url(instance_path)
    if database_url.startswith("postgres://"):
        database_url = "postgresql://" + database_url.removeprefix("postgres://")

    config: dict[str, Any] = {
        "SECRET_KEY": secrets["CATALOG_SECRET_KEY"],
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # Flask-Security (stack.md §7); two-factor and the password policy follow security/.
        "SECURITY_PASSWORD_SALT": secrets["CATALOG_PASSWORD_SALT"],
        "SECURITY_PASSWORD_HASH": "argon2",
        "SECURITY_TOTP_SECRETS": {"1": secrets["CATALOG_TOTP_SECRET"]},
        "SECURITY_TOTP_ISSUER": "Catalog Școlar",
        "SECURITY_TRACKABLE": True,
        "SECURITY_CHANGEABLE": True,
        "SECURITY_REGISTERABLE": False,
        "SECURITY_SEND_REGISTER_EMAIL": False,
        "SECURITY_POST_LOGIN_VIEW": "account.welcome",
        "SECURITY_POST_CHANGE_VIEW": "account.welcome",
        # Two-factor (stack.md §4.9-4.10): required per role by User.check_tf_required, not globally.
        "SECURITY_TWO_FACTOR": True,
        "SECURITY_TWO_FACTOR_ENABLED_METHODS": ["authenticator", "email"],
        "SECURITY_TWO_FACTOR_REQUIRED": False,
        "SECURITY_TWO_FACTOR_ALWAYS_VALIDATE": True,
        "SECURITY_TWO_FACTOR_POST_SETUP_VIEW": "account.welcome",
        "SECURITY_TWO_FACTOR_RESCUE_MAIL": environ.get("CATALOG_MAIL_SENDER", "catalog@localhost"),
        "SECURITY_MULTI_FACTOR_RECOVERY_CODES": True,
        "SECURITY_MULTI_FACTOR_RECOVERY_CODES_KEYS": [recovery_codes_key(secrets["CATALOG_TOTP_SECRET"])],
        # The same answer for an unknown e-mail and a wrong password.
        "SECURITY_RETURN_GENERIC_RESPONSES": True,
        "SECURITY_DEFAULT_REMEMBER_ME": False,
        # Logout is a POST with the form's CSRF token.
        "SECURITY_LOGOUT_CSRF": True,
        "SECURITY_USERNAME_ENABLE": False,
        "SECURITY_EMAIL_VALIDATOR_ARGS": {"check_deliverability": False},
        "BABEL_DEFAULT_LOCALE": "ro",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Bucharest",
        "FLASK_ADMIN_SWATCH": "default",
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": True,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "PREFERRED_URL_SCHEME": "https",
        "CATALOG_SCHOOL_TIMEZONE": "Europe/Bucharest",
    }
    config.update(mail_settings(environ))
    config.update(security_settings(environ, testing=testing))
    config.update(backup_settings(environ, instance_path=instance_path, database_url=database_url, testing=testing))
    if "CATALOG_TRUSTED_PROXIES" in environ:
        config["CATALOG_TRUSTED_PROXIES"] = parse_int(
            "CATALOG_TRUSTED_PROXIES", environ["CATALOG_TRUSTED_PROXIES"], minimum=0
        )
    return config


def environ() -> Mapping[str, str]:
    return os.environ
