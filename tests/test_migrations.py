"""The migrations have one head and build exactly the schema the models describe."""

from __future__ import annotations

import flask_migrate
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from schema.models import db
from tests.conftest import make_test_app, new_database_url


def test_single_head(app):
    script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
    assert len(script.get_heads()) == 1


def test_upgrading_an_empty_database_matches_the_models(tmp_path):
    url, drop = new_database_url(str(tmp_path))
    try:
        migrated_app = make_test_app(url)
        with migrated_app.app_context():
            flask_migrate.upgrade()
            with db.engine.connect() as connection:
                differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
                triggers = _trigger_names(connection)
            db.engine.dispose()
        assert differences == []
        assert triggers, "the delegation immutability triggers were not created"
    finally:
        drop()


def _trigger_names(connection: sa.Connection) -> list[str]:
    if connection.dialect.name == "sqlite":
        return connection.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'").scalars().all()
    return connection.exec_driver_sql(
        "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgname LIKE 'delegation%%'"
    ).scalars().all()
