"""Shared by the backup tests: a fresh app with the journal on, and a table-by-table snapshot."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from schema.models import db
from tests.conftest import make_test_app


def journaled_app(tmp_path: Path, database_url: str | None = None, **overrides: object):
    """A new app on a fresh SQLite file with the save-time journal, backup and off-site dirs in tmp_path."""
    (tmp_path / "offsite").mkdir(exist_ok=True)
    config = {
        "CATALOG_JOURNAL_PATH": str(tmp_path / "journal" / "journal.db"),
        "CATALOG_BACKUP_DIR": str(tmp_path / "backups"),
        "CATALOG_OFFSITE_TARGET": str(tmp_path / "offsite"),
    }
    config.update(overrides)
    app = make_test_app(database_url or f"sqlite:///{tmp_path / 'primary.db'}", **config)
    with app.app_context():
        db.create_all()
    return app


def sqlite_tables(path: str | Path) -> dict[str, list[tuple]]:
    """Every row of every table, in key order (sqlite_* tables excepted)."""
    connection = sqlite3.connect(path)
    try:
        names = [r[0] for r in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        return {name: connection.execute(f'SELECT * FROM "{name}" ORDER BY rowid').fetchall() for name in names}
    finally:
        connection.close()
