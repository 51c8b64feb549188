"""Test fixtures. The suite runs on SQLite by default and on PostgreSQL with
CATALOG_TEST_DATABASE=postgresql (`make test` runs both when PostgreSQL is reachable).

The schema is created once per session; after each test every table is emptied, because
versioning needs real commits (house-style.md, tests/).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

BACKEND = os.environ.get("CATALOG_TEST_DATABASE", "sqlite")
POSTGRES_ADMIN_URL = os.environ.get("CATALOG_TEST_POSTGRES_ADMIN_URL", "postgresql://postgres@localhost/postgres")


def pytest_report_header(config: pytest.Config) -> str:
    return f"catalog database backend: {BACKEND}"


def _create_postgres_database() -> tuple[str, sa.Engine]:
    name = f"catalog_test_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = sa.make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    return url, admin


def new_database_url(tmp_dir: str) -> tuple[str, callable]:
    """A fresh, empty database of the selected backend, and a function that drops it."""
    if BACKEND == "postgresql":
        url, admin = _create_postgres_database()
        name = sa.make_url(url).database

        def drop() -> None:
            sa.orm.close_all_sessions()
            with admin.connect() as connection:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.dispose()

        return url, drop
    if BACKEND != "sqlite":
        raise pytest.UsageError(f"CATALOG_TEST_DATABASE must be sqlite or postgresql, not {BACKEND!r}")
    path = os.path.join(tmp_dir, f"catalog-{uuid.uuid4().hex[:8]}.db")
    return f"sqlite:///{path}", lambda: None


def make_test_app(database_url: str, **overrides: object):
    from portal import create_app

    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SERVER_NAME": "localhost",
        "MAIL_SUPPRESS_SEND": True,
    }
    config.update(overrides)
    return create_app(config)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url, drop = new_database_url(str(tmp_path_factory.mktemp("db")))
    yield url
    drop()


@pytest.fixture(scope="session")
def app(database_url: str):
    from schema.models import db

    app = make_test_app(database_url)
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.engine.dispose()


def _empty_all_tables() -> None:
    from schema.delegations import IMMUTABILITY_DDL
    from schema.models import db

    db.session.remove()
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # TRUNCATE costs about 15 ms per table even when it is empty, so only the tables a
            # test filled are truncated (one probe query finds them); then every sequence starts
            # again at 1, also those a rolled-back insert advanced.
            probe = " UNION ALL ".join(f"SELECT '{t.name}' WHERE EXISTS (SELECT 1 FROM \"{t.name}\")" for t in tables)
            filled = connection.exec_driver_sql(probe).scalars().all()
            if filled:
                quoted = ", ".join(f'"{name}"' for name in filled)
                connection.exec_driver_sql(f"TRUNCATE {quoted} CASCADE")
            connection.exec_driver_sql(
                "SELECT setval(oid::regclass, 1, false) FROM pg_class "
                "WHERE relkind = 'S' AND relnamespace = 'public'::regnamespace"
            )
            return
        # SQLite: the immutability triggers refuse deletes; lift them while emptying.
        for trigger in connection.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'").scalars().all():
            connection.exec_driver_sql(f'DROP TRIGGER "{trigger}"')
        for table in tables:
            connection.exec_driver_sql(f'DELETE FROM "{table.name}"')
        for statement in IMMUTABILITY_DDL["sqlite"]:
            connection.exec_driver_sql(statement)


@pytest.fixture(autouse=True)
def app_context(request: pytest.FixtureRequest) -> Iterator[None]:
    """Tests that use the app get an app context and an empty database afterwards."""
    if "app" not in request.fixturenames and not request.node.get_closest_marker("database"):
        yield
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        yield
        _empty_all_tables()


@pytest.fixture
def school():
    """A small school: see tests/factories.py: build_school."""
    from tests.factories import build_school

    return build_school()
