"""Configuration from `CATALOG_*` environment variables, read by small strict parsers.

Outside testing there are no default secrets: `load_config` raises `ConfigError` naming the
missing or unusable variable, and the app refuses to boot.
"""

from __future__ import annotations

import os
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
        "SECURITY_POST_LOGIN_VIEW": "/",
        "SECURITY_USERNAME_ENABLE": False,
        "SECURITY_EMAIL_VALIDATOR_ARGS": {"check_deliverability": False},
        "MAIL_DEFAULT_SENDER": environ.get("CATALOG_MAIL_SENDER", "catalog@localhost"),
        "BABEL_DEFAULT_LOCALE": "ro",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Bucharest",
        "FLASK_ADMIN_SWATCH": "default",
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": True,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "PREFERRED_URL_SCHEME": "https",
        "CATALOG_SCHOOL_TIMEZONE": "Europe/Bucharest",
    }
    if "CATALOG_TRUSTED_PROXIES" in environ:
        config["CATALOG_TRUSTED_PROXIES"] = parse_int(
            "CATALOG_TRUSTED_PROXIES", environ["CATALOG_TRUSTED_PROXIES"], minimum=0
        )
    return config


def environ() -> Mapping[str, str]:
    return os.environ
