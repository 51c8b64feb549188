"""Crash safety (issue 6): a writer process is SIGKILLed while writing 500 marks through the
operations. Every acknowledged mark is then in the primary and in the journal, and no
transaction is half there: the journal's committed change sets are exactly the primary's rows."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from datetime import date

import pytest
import sqlalchemy as sa

from cron import journal
from schema.models import CurriculumEntry, Enrolment, User, db
from schema.operations.marks import record_mark
from tests.backup.helpers import journaled_app
from tests.conftest import BACKEND

pytestmark = pytest.mark.skipif(BACKEND != "sqlite", reason="the save-time journal is SQLite's second store")

ROOT = Path(__file__).resolve().parents[2]


def _rows(path: Path, table: str) -> dict:
    connection = sqlite3.connect(path)
    connection.row_factory = sqlite3.Row
    try:
        rows = [dict(row) for row in connection.execute(f'SELECT * FROM "{table}"')]
        if table.endswith("_version"):
            return {(row["id"], row["transaction_id"]): row for row in rows}
        return {row["id"]: row for row in rows}
    finally:
        connection.close()


def _kill_after(database_url: str, journal_path: str, acks_wanted: int) -> list[int]:
    writer = subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "backup" / "crash_writer.py"), database_url, journal_path, "500"],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE, text=True)
    acked: list[int] = []
    try:
        assert writer.stdout is not None
        for line in writer.stdout:
            if line.startswith("ack "):
                acked.append(int(line.split()[1]))
                if len(acked) >= acks_wanted:
                    os.kill(writer.pid, signal.SIGKILL)  # mid-way, possibly inside a commit
                    break
        writer.stdout.read()  # whatever was printed before the kill landed
    finally:
        writer.kill()
        writer.wait()
        writer.stdout.close()
    assert writer.returncode == -signal.SIGKILL
    return acked


@pytest.mark.slow
@pytest.mark.parametrize("acks_wanted", [37, 151])
def test_sigkill_loses_nothing_acknowledged_and_leaves_nothing_half(tmp_path, acks_wanted):
    from tests.factories import build_school

    app = journaled_app(tmp_path)
    with app.app_context():
        build_school()
        db.session.remove()
        db.engine.dispose()
    primary = tmp_path / "primary.db"
    journal_path = str(tmp_path / "journal" / "journal.db")

    acked = _kill_after(f"sqlite:///{primary}", journal_path, acks_wanted)
    assert len(acked) >= acks_wanted

    # "After restart": resolve pending entries against the primary, as the next write or backup does.
    last_committed = journal.reconcile(journal_path, str(primary))
    entries = list(journal.read_entries(journal_path, 0, statuses=("committed", "aborted", "pending")))
    assert all(e.status != "pending" for e in entries if e.seq <= last_committed)
    committed = [e for e in entries if e.status == "committed"]
    assert committed[-1].seq == last_committed

    marks, versions, transactions = (_rows(primary, t) for t in ("marks", "marks_version", "transaction"))
    journal_marks: dict[int, dict] = {}
    journal_transactions: dict[int, dict] = {}
    for entry in committed:
        for change in entry.changes:
            if change["op"] == "upsert" and change["table"] == "marks":
                journal_marks[change["row"]["id"]] = change["row"]
            if change["op"] == "upsert" and change["table"] == "transaction":
                journal_transactions[change["row"]["id"]] = change["row"]
            if change["op"] == "upsert" and change["table"] == "marks_version":
                row = change["row"]
                assert versions[(row["id"], row["transaction_id"])] == row  # the version row, exactly

    assert set(acked) <= set(marks), "an acknowledged mark is missing from the primary"
    assert set(acked) <= set(journal_marks), "an acknowledged mark is missing from the journal"
    # Nothing half there: the journal's committed marks and transactions are the primary's, row for row.
    assert journal_marks == marks
    assert journal_transactions == transactions
    # Entries the primary never committed (killed between journal and primary commit) hold no primary row.
    for entry in entries:
        if entry.status != "committed":
            ids = {c["row"]["id"] for c in entry.changes if c["op"] == "upsert" and c["table"] == "marks"}
            assert not ids & set(marks)

    # The restarted application carries on from the same sequence.
    app = journaled_app(tmp_path)
    with app.app_context():
        entry = db.session.scalars(sa.select(CurriculumEntry).order_by(CurriculumEntry.id)).first()
        enrolment = db.session.scalars(sa.select(Enrolment)).first()
        teacher = db.session.scalars(sa.select(User).where(User.last_name == "Vasilescu")).one()
        mark_id = record_mark(teacher, enrolment, entry, given_on=date(2025, 11, 3), value=10).id
        assert db.session.execute(sa.text("PRAGMA user_version")).scalar() == last_committed + 1
        db.session.remove()
        db.engine.dispose()
    latest = list(journal.read_entries(journal_path, last_committed))
    assert [e.seq for e in latest] == [last_committed + 1]
    assert mark_id in {c["row"]["id"] for c in latest[0].changes if c["table"] == "marks"}
