"""The application factory: config, extensions, database, security, admin views, blueprints,
CLI, in this order (house-style.md)."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask, redirect, url_for
from flask_babel import Babel
from flask_mail import Mail
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect
from flask_security import Security, SQLAlchemyUserDatastore, current_user
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from portal import i18n
from portal.config import load_config

babel = Babel()
#: Every state-changing request of the portal carries the session's CSRF token (form field or
#: X-CSRFToken header); Flask-Admin's SecureForm and Flask-Security's forms use the same token.
csrf = CSRFProtect()
mail = Mail()
migrate = Migrate()
security = Security()


class BoundedIntConverter(IntegerConverter):
    """`<int:…>` limited to what a 64-bit id column can hold."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:  # noqa: A002 (Werkzeug's name)
        kwargs.setdefault("max", 2**63 - 1)
        super().__init__(map, *args, **kwargs)


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the portal. `test_config` (with TESTING=True) overrides the environment."""
    app = Flask(__name__, instance_relative_config=True)
    # Ids in URLs fit the database's 64-bit integers; a longer number is simply not found
    # (SQLite would otherwise raise OverflowError on it).
    app.url_map.converters["int"] = BoundedIntConverter
    os.makedirs(app.instance_path, exist_ok=True)

    testing = bool(test_config and test_config.get("TESTING"))
    app.config.from_mapping(load_config(os.environ, instance_path=app.instance_path, testing=testing))
    if test_config:
        app.config.from_mapping(test_config)

    if app.config.get("CATALOG_TRUSTED_PROXIES"):
        hops = app.config["CATALOG_TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]

    i18n.init_app(app)  # before security: Flask-Security reads SECURITY_I18N_DIRNAME in its init_app
    _init_database(app)
    _init_security(app)
    babel.init_app(app, default_locale="ro", default_timezone="Europe/Bucharest", locale_selector=i18n.select_locale)
    mail.init_app(app)

    from views.admin import init_admin

    admin = init_admin(app)
    # Flask-Admin's forms check their own CSRF token (SecureForm), after the view's access check,
    # so a refused role gets 403 rather than a CSRF error.
    for view in admin._views:
        csrf.exempt(view.blueprint)
    _register_pages(app)

    from portal.cli import register_cli

    register_cli(app)
    return app


def _init_database(app: Flask) -> None:
    from schema.db import enable_sqlite_pragmas
    from schema.models import db

    import security.guard  # noqa: F401  (registers the catalog write guard on every session)

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(os.path.dirname(__file__)), "migrations"))
    with app.app_context():
        enable_sqlite_pragmas(db.engine)
    from cron import journal

    journal.init_app(app)  # the save-time second store on SQLite (docs/backups.md)


def _init_security(app: Flask) -> None:
    """Flask-Security with the catalog's rules (security/), HTTPS, rate limits, mail outbox and
    the account pages. Order: HTTPS first, then idle logout, two-factor, password change."""
    from schema.models import Role, User, WebAuthn, db
    from security import auth, https, twofactor
    from security.mail import init_mail
    from views.account import CatalogLoginForm, CatalogTwoFactorRescueForm, CatalogTwoFactorSetupForm
    from views.account import bp as account_bp

    https.init_https(app)
    _apply_security_settings(app)
    twofactor.init_sms(app)
    # Flask-Security instantiates these classes itself; the module-level Security() takes no
    # per-app options, so they are set on it here (both are documented extension points).
    security._totp_cls = twofactor.totp_class_for(app.config["CATALOG_TOTP_STEP_SECONDS"])
    security._password_util_cls = auth.CatalogPasswordUtil
    datastore = SQLAlchemyUserDatastore(db, User, Role, webauthn_model=WebAuthn)
    security.init_app(
        app,
        datastore,
        login_form=CatalogLoginForm,
        two_factor_setup_form=CatalogTwoFactorSetupForm,
        two_factor_rescue_form=CatalogTwoFactorRescueForm,
    )
    auth.connect_signals()
    auth.configure_auth_log(app.testing)
    app.before_request(auth.enforce_idle_timeout)
    app.before_request(twofactor.hold_at_two_factor_setup)
    app.before_request(auth.require_password_change)
    _init_rate_limits(app)
    csrf.init_app(app)  # after the rate limits, so a flood of token-less POSTs is still limited
    init_mail(app)
    app.register_blueprint(account_bp)


def _apply_security_settings(app: Flask) -> None:
    """Flask-Security settings derived from the `CATALOG_*` numbers, and the Romanian texts."""
    from security.auth import naive_utc_now
    from views.account import ROMANIAN_MESSAGES, ROMANIAN_SUBJECTS, TEMPLATES

    config = app.config
    config.setdefault("SECURITY_DATETIME_FACTORY", naive_utc_now)  # login tracking reads the same clock
    config.setdefault("SECURITY_PASSWORD_LENGTH_MIN", config["CATALOG_PASSWORD_MIN_LENGTH"])
    config.setdefault(
        "SECURITY_TWO_FACTOR_AUTHENTICATOR_VALIDITY",
        config["CATALOG_TOTP_STEP_SECONDS"] * config["CATALOG_TOTP_WINDOW_STEPS"],
    )
    config.setdefault("SECURITY_TWO_FACTOR_MAIL_VALIDITY", config["CATALOG_EMAIL_CODE_VALIDITY_MINUTES"] * 60)
    config.setdefault("SECURITY_TWO_FACTOR_SMS_VALIDITY", config["CATALOG_EMAIL_CODE_VALIDITY_MINUTES"] * 60)
    config.setdefault("SECURITY_MULTI_FACTOR_RECOVERY_CODES_N", config["CATALOG_RECOVERY_CODES"])
    for key, message in ROMANIAN_MESSAGES.items():
        config.setdefault(f"SECURITY_MSG_{key}", message)
    for key, value in {**ROMANIAN_SUBJECTS, **TEMPLATES}.items():
        config.setdefault(key, value)


def _init_rate_limits(app: Flask) -> None:
    """Login and two-factor endpoints: CATALOG_AUTH_RATE_LIMIT POSTs per IP and endpoint (one
    limiter per app, so test apps do not share counters)."""
    from flask_limiter import Limiter
    from flask_limiter.util import get_remote_address

    app.config.setdefault("RATELIMIT_ENABLED", app.config["CATALOG_RATE_LIMIT_ENABLED"])
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["CATALOG_RATE_LIMIT_STORAGE_URI"])
    limiter = Limiter(get_remote_address, app=app)
    limiter.limit(lambda: app.config["CATALOG_AUTH_RATE_LIMIT"], methods=["POST"])(app.blueprints["security"])


def _register_pages(app: Flask) -> None:
    from views import class_master, director, documents, family, gdpr, history, pages, statistics, teacher
    from views.delegations import bp as delegations_bp

    app.register_blueprint(pages.bp)
    pages.register_error_pages(app)
    app.register_blueprint(delegations_bp)
    for module in (teacher, class_master, director, family, history, statistics, documents, gdpr):
        app.register_blueprint(module.bp)
    from views.late_entries import bp as late_entries_bp

    app.register_blueprint(late_entries_bp)  # issue 8: introduceri ulterioare (emergency paper mode)
    from views.absence_notices import bp as absence_notices_bp

    app.register_blueprint(absence_notices_bp)  # issue 8: înștiințări to parents (class master's desk)
    from views.messages import bp as messages_bp

    app.register_blueprint(messages_bp)  # issue 8: messages between staff and families
    from views import excuse_requests

    app.register_blueprint(excuse_requests.bp)  # online excuse requests (issue 8)
    from views import announcements, remarks, tests_calendar

    for module in (remarks, announcements, tests_calendar):
        app.register_blueprint(module.bp)  # issue 8: observații, anunțuri, terminar
    from views import evaluation

    app.register_blueprint(evaluation.bp)  # issue 9: staff annual evaluation
    from views.api import init_api

    init_api(app)  # REST API /api/v1, its docs and the token pages (issue 7)

    @app.get("/")
    def home() -> Any:
        if not current_user.is_authenticated:
            return redirect(url_for("security.login"))
        return redirect(pages.start_page_for(current_user))

    @app.get("/healthz")
    def healthz() -> Any:
        return {"status": "ok"}
