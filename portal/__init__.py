"""The application factory: config, extensions, database, security, admin views, blueprints,
CLI, in this order (house-style.md)."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask, redirect, url_for
from flask_babel import Babel
from flask_mail import Mail
from flask_migrate import Migrate
from flask_security import Security, SQLAlchemyUserDatastore, current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from portal.config import load_config

babel = Babel()
mail = Mail()
migrate = Migrate()
security = Security()


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the portal. `test_config` (with TESTING=True) overrides the environment."""
    app = Flask(__name__, instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)

    testing = bool(test_config and test_config.get("TESTING"))
    app.config.from_mapping(load_config(os.environ, instance_path=app.instance_path, testing=testing))
    if test_config:
        app.config.from_mapping(test_config)

    if app.config.get("CATALOG_TRUSTED_PROXIES"):
        hops = app.config["CATALOG_TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]

    _init_database(app)
    _init_security(app)
    babel.init_app(app, default_locale="ro", default_timezone="Europe/Bucharest")
    mail.init_app(app)

    from views.admin import init_admin

    init_admin(app)
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


def _init_security(app: Flask) -> None:
    from schema.models import Role, User, WebAuthn, db

    datastore = SQLAlchemyUserDatastore(db, User, Role, webauthn_model=WebAuthn)
    security.init_app(app, datastore)


def _register_pages(app: Flask) -> None:
    @app.get("/")
    def home() -> Any:
        if not current_user.is_authenticated:
            return redirect(url_for("security.login"))
        return redirect(url_for("admin.index"))

    @app.get("/healthz")
    def healthz() -> Any:
        return {"status": "ok"}
