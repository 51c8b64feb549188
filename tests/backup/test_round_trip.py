"""Round trip on SQLite (issue 6): seed → full backup → 200 mark changes → incremental →
restore into an empty database → every table equal to the source, version history included."""

from __future__ import annotations

import gzip
import json
import sqlite3
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from schema.models import Mark, db
from tests.backup.helpers import journaled_app, sqlite_tables
from tests.conftest import BACKEND

pytestmark = pytest.mark.skipif(BACKEND != "sqlite", reason="the save-time journal is SQLite's second store")


def _write_marks(school, count: int, *, start: int = 0) -> None:
    """`count` writes through the operations: new marks, corrections of earlier ones, deletions."""
    from schema.operations.marks import change_mark, delete_mark, record_mark

    for index in range(start, start + count):
        given_on = date(2025, 10, 1) + timedelta(days=index % 60)
        if index % 4 == 3:
            mark = db.session.scalars(sa.select(Mark).order_by(Mark.id.desc()).limit(1)).one()
            change_mark(school.teacher, mark, reason=f"corectură {index}", value=(mark.value % 10) + 1)
        elif index % 25 == 24:
            mark = db.session.scalars(sa.select(Mark).order_by(Mark.id).limit(1)).one()
            delete_mark(school.teacher, mark, reason="notă trecută greșit")
        else:
            record_mark(school.teacher, school.enrolment, school.maths, given_on=given_on, value=index % 10 + 1)


def test_full_incremental_restore_gives_back_every_table(tmp_path):
    from tests.factories import build_school

    app = journaled_app(tmp_path)
    runner = app.test_cli_runner()
    with app.app_context():
        school = build_school()
        _write_marks(school, 20)

        result = runner.invoke(args=["backup", "full"])
        assert result.exit_code == 0, result.output
        assert "Copiată în afara școlii" in result.output

        _write_marks(school, 200, start=20)
        result = runner.invoke(args=["backup", "incremental"])
        assert result.exit_code == 0, result.output
        db.session.remove()
        db.engine.dispose()

    backups = sorted(p.name for p in (tmp_path / "backups").iterdir())
    assert [name.split("-")[0] for name in backups] == ["full", "incremental"]
    assert sorted(p.name for p in (tmp_path / "offsite").iterdir()) == backups
    incremental = json.loads((tmp_path / "backups" / backups[1] / "manifest.json").read_text())
    assert incremental["transactions"] == 200 and incremental["to_seq"] - incremental["from_seq"] == 199
    with gzip.open(tmp_path / "backups" / backups[1] / "journal.jsonl.gz", "rt") as handle:
        assert sum(1 for _ in handle) == 200

    with app.app_context():
        result = runner.invoke(args=["backup", "restore", "--target", str(tmp_path / "restored" / "catalog.db")])
        assert result.exit_code == 0, result.output
        result = runner.invoke(args=["backup", "verify"])
        assert result.exit_code == 0, result.output
        assert "Verificare reușită" in result.output

    source = sqlite_tables(tmp_path / "primary.db")
    restored = sqlite_tables(tmp_path / "restored" / "catalog.db")
    assert restored == source
    # The history is there: 200+20 transactions of marks, with their versions and reasons.
    assert len(source["marks_version"]) == 220
    assert len(source["marks"]) < 220  # some were deleted, and the deletions are restored too
    reasons = {row[-2] for row in source["transaction"] if row[-2]}
    assert "notă trecută greșit" in reasons
    same_version = sqlite3.connect(tmp_path / "restored" / "catalog.db").execute("PRAGMA user_version").fetchone()
    assert same_version == sqlite3.connect(tmp_path / "primary.db").execute("PRAGMA user_version").fetchone()


def test_incremental_refuses_when_the_journal_has_a_gap(tmp_path):
    from tests.factories import build_school

    app = journaled_app(tmp_path)
    runner = app.test_cli_runner()
    with app.app_context():
        school = build_school()
        assert runner.invoke(args=["backup", "full"]).exit_code == 0
        _write_marks(school, 3)
        # The journal lost its entries (a disk swapped, a file deleted): the segment is incomplete.
        journal = sqlite3.connect(tmp_path / "journal" / "journal.db", isolation_level=None)
        journal.execute("DELETE FROM entries WHERE seq = (SELECT MIN(seq) FROM entries WHERE status = 'committed' "
                        "AND seq > (SELECT MAX(seq) - 3 FROM entries))")
        journal.close()
        result = runner.invoke(args=["backup", "incremental"])
        assert result.exit_code != 0
        assert "lipsă" in result.output and "backup full" in result.output
        assert [p.name.split("-")[0] for p in (tmp_path / "backups").iterdir()] == ["full"]
        db.session.remove()
        db.engine.dispose()


def test_restore_with_the_journal_replays_what_no_backup_holds_yet(tmp_path):
    """The disaster case: primary lost after the last incremental; full + journal give it back."""
    from tests.factories import build_school

    app = journaled_app(tmp_path)
    runner = app.test_cli_runner()
    with app.app_context():
        school = build_school()
        assert runner.invoke(args=["backup", "full"]).exit_code == 0
        _write_marks(school, 30)
        db.session.remove()
        db.engine.dispose()
        result = runner.invoke(args=["backup", "restore", "--target", f"sqlite:///{tmp_path / 'back.db'}",
                                     "--journal", str(tmp_path / "journal" / "journal.db")])
        assert result.exit_code == 0, result.output
        assert "30 tranzacții din jurnal" in result.output
        refused = runner.invoke(args=["backup", "restore", "--target", str(tmp_path / "back.db")])
        assert refused.exit_code != 0 and "există deja" in refused.output
    assert sqlite_tables(tmp_path / "back.db") == sqlite_tables(tmp_path / "primary.db")
