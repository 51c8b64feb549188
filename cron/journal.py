"""The second store at save time on SQLite: a journal database that receives every committed
transaction's change set before the request answers (rules.md R-BAK-01; docs/backups.md).

How a change set is captured. On every primary connection, TEMP triggers (per connection, never
in the schema, so migrations and checksums do not see them) record the table and primary key of
each inserted, updated or deleted row into `temp.catalog_changes`. This catches every write path:
ORM flushes, Continuum's version and transaction rows, its core inserts into association version
tables, bulk statements and raw SQL.

The order that keeps both stores consistent. At the primary's commit point (the engine's
`commit` event, after the last flush, while this connection still holds SQLite's write lock):

1. the full stored row of every touched key (or a delete) is read inside the transaction;
2. the change set is appended to the journal as `pending` with the next sequence number and the
   journal commits with synchronous=FULL (fsync);
3. `PRAGMA user_version = seq` is set in the primary transaction, so the primary itself records,
   atomically with the data, the last journal entry it committed;
4. the primary commits; `after_commit` then marks the entry `committed` (before the response).

If step 2 fails the primary transaction is rolled back and the user gets a Romanian error: nothing
is acknowledged that is not in both stores. A crash between 2 and 4 leaves a `pending` entry;
the next append (under the same write lock) or `reconcile()` resolves it against the primary's
user_version: seq <= user_version means the primary committed it, otherwise it was rolled back
and is marked `aborted`. Replays use only committed entries, so nothing unacknowledged is half
there.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import sqlite3
import threading
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from flask import Flask
from sqlalchemy import event
from sqlalchemy.orm import Session

from schema.errors import CatalogError

log = logging.getLogger("catalog.backup")

CHANGES_TABLE = "catalog_changes"
TRIGGER_PREFIX = "catalog_journal_"

JOURNAL_DDL = (
    """CREATE TABLE IF NOT EXISTS entries (
           seq INTEGER PRIMARY KEY,
           status TEXT NOT NULL CHECK (status IN ('pending', 'committed', 'aborted')),
           created_at TEXT NOT NULL,
           change_count INTEGER NOT NULL,
           changes BLOB NOT NULL,
           exported INTEGER NOT NULL DEFAULT 0)""",
)


class JournalUnavailable(CatalogError):
    """The journal (second store) could not be written; the change was not saved."""

    http_status = 503


@dataclass(frozen=True)
class JournalEntry:
    """One committed primary transaction: its sequence number and ordered changes."""

    seq: int
    status: str
    created_at: str
    changes: list[dict[str, Any]]


# --- value encoding ---------------------------------------------------------------------------


def _encode_value(value: Any) -> Any:
    if isinstance(value, bytes | memoryview):
        return {"$b": base64.b64encode(bytes(value)).decode()}
    return value


def _decode_value(value: Any) -> Any:
    if isinstance(value, dict) and "$b" in value:
        return base64.b64decode(value["$b"])
    return value


def encode_changes(changes: list[dict[str, Any]]) -> bytes:
    """The change set as compressed JSON (bytes values base64-encoded)."""
    return zlib.compress(json.dumps(changes, ensure_ascii=False, default=_encode_value).encode(), 6)


def decode_changes(blob: bytes) -> list[dict[str, Any]]:
    changes = json.loads(zlib.decompress(blob))
    for change in changes:
        for key in ("row", "pk"):
            if key in change:
                change[key] = {name: _decode_value(value) for name, value in change[key].items()}
    return changes


# --- the journal database ---------------------------------------------------------------------

_local = threading.local()


def open_journal(path: str) -> sqlite3.Connection:
    """A connection to the journal (created if missing), WAL with synchronous=FULL, autocommit."""
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    connection = sqlite3.connect(path, isolation_level=None, timeout=30)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")
    for statement in JOURNAL_DDL:
        connection.execute(statement)
    return connection


def _thread_journal(path: str) -> sqlite3.Connection:
    """This thread's journal connection (sqlite3 connections are not shared between threads)."""
    connections = getattr(_local, "journals", None)
    if connections is None:
        connections = _local.journals = {}
    if path not in connections:
        connections[path] = open_journal(path)
    return connections[path]


def _resolve_pending(journal: sqlite3.Connection, last_committed: int) -> None:
    """Pending entries up to the primary's user_version were committed there; later ones were not."""
    journal.execute("UPDATE entries SET status = 'committed' WHERE status = 'pending' AND seq <= ?", (last_committed,))
    journal.execute("UPDATE entries SET status = 'aborted' WHERE status = 'pending' AND seq > ?", (last_committed,))


def append_pending(journal: sqlite3.Connection, last_committed: int, changes: list[dict[str, Any]]) -> int:
    """Resolve older pending entries, then durably append this change set as pending; its seq."""
    journal.execute("BEGIN IMMEDIATE")
    try:
        _resolve_pending(journal, last_committed)
        highest = journal.execute("SELECT COALESCE(MAX(seq), 0) FROM entries").fetchone()[0]
        seq = max(highest, last_committed) + 1
        journal.execute(
            "INSERT INTO entries (seq, status, created_at, change_count, changes) VALUES (?, 'pending', ?, ?, ?)",
            (seq, datetime.now(UTC).isoformat(timespec="microseconds"), len(changes), encode_changes(changes)),
        )
        journal.execute("COMMIT")
    except BaseException:
        if journal.in_transaction:
            journal.execute("ROLLBACK")
        raise
    return seq


def mark_committed(journal: sqlite3.Connection, seq: int) -> None:
    journal.execute("UPDATE entries SET status = 'committed' WHERE seq = ? AND status = 'pending'", (seq,))


def reconcile(journal_path: str, primary_path: str) -> int:
    """Resolve pending entries against the primary's user_version (a read snapshot); returns it."""
    primary = sqlite3.connect(primary_path, isolation_level=None, timeout=30)
    try:
        last_committed = primary.execute("PRAGMA user_version").fetchone()[0]
    finally:
        primary.close()
    journal = open_journal(journal_path)
    try:
        journal.execute("BEGIN IMMEDIATE")
        journal.execute(
            "UPDATE entries SET status = 'committed' WHERE status = 'pending' AND seq <= ?", (last_committed,))
        journal.execute("COMMIT")
    finally:
        journal.close()
    return last_committed


def read_entries(journal_path: str, after_seq: int, through_seq: int | None = None,
                 statuses: tuple[str, ...] = ("committed",)) -> Iterator[JournalEntry]:
    """Entries with after_seq < seq (<= through_seq) and one of `statuses`, in order."""
    journal = open_journal(journal_path)
    try:
        query = "SELECT seq, status, created_at, changes FROM entries WHERE seq > ?"
        params: list[Any] = [after_seq]
        if through_seq is not None:
            query += " AND seq <= ?"
            params.append(through_seq)
        placeholders = ", ".join("?" for _ in statuses)
        query += f" AND status IN ({placeholders}) ORDER BY seq"
        for seq, status, created_at, blob in journal.execute(query, [*params, *statuses]).fetchall():
            yield JournalEntry(seq, status, created_at, decode_changes(blob))
    finally:
        journal.close()


# --- capture on the primary -------------------------------------------------------------------


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _primary_keys(cursor: sqlite3.Cursor, table: str) -> list[str]:
    info = cursor.execute(f"PRAGMA main.table_info({_quote(table)})").fetchall()
    keyed = sorted((row[5], row[1]) for row in info if row[5])
    return [name for _, name in keyed] or [row[1] for row in info]


def _install_triggers(cursor: sqlite3.Cursor) -> None:
    """(Re)create the TEMP change-capture triggers for every table of the main schema."""
    cursor.execute(
        f"CREATE TEMP TABLE IF NOT EXISTS {CHANGES_TABLE} (id INTEGER PRIMARY KEY, tbl TEXT NOT NULL, pk TEXT NOT NULL)")
    for (name,) in cursor.execute(
            "SELECT name FROM sqlite_temp_master WHERE type = 'trigger' AND name LIKE ?", (TRIGGER_PREFIX + "%",)).fetchall():
        cursor.execute(f"DROP TRIGGER temp.{_quote(name)}")
    tables = [row[0] for row in cursor.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").fetchall()]
    for index, table in enumerate(tables):
        keys = _primary_keys(cursor, table)
        literal = "'" + table.replace("'", "''") + "'"

        def key_json(alias: str, keys: list[str] = keys) -> str:
            return "json_object(" + ", ".join(f"'{k}', {alias}.{_quote(k)}" for k in keys) + ")"

        insert = f"INSERT INTO {CHANGES_TABLE} (tbl, pk) VALUES ({literal}, {{}});"
        cursor.execute(f"CREATE TEMP TRIGGER {TRIGGER_PREFIX}{index}_i AFTER INSERT ON main.{_quote(table)} "
                       f"BEGIN {insert.format(key_json('NEW'))} END")
        cursor.execute(f"CREATE TEMP TRIGGER {TRIGGER_PREFIX}{index}_u AFTER UPDATE ON main.{_quote(table)} "
                       f"BEGIN {insert.format(key_json('OLD'))} {insert.format(key_json('NEW'))} END")
        cursor.execute(f"CREATE TEMP TRIGGER {TRIGGER_PREFIX}{index}_d AFTER DELETE ON main.{_quote(table)} "
                       f"BEGIN {insert.format(key_json('OLD'))} END")


def collect_changes(cursor: sqlite3.Cursor) -> list[dict[str, Any]]:
    """The transaction's change set: for each touched key, in first-touch order, the full stored
    row ({"op": "upsert", "table", "row"}) or {"op": "delete", "table", "pk"} when it is gone."""
    touched = cursor.execute(
        f"SELECT tbl, pk FROM temp.{CHANGES_TABLE} GROUP BY tbl, pk ORDER BY MIN(id)").fetchall()
    changes: list[dict[str, Any]] = []
    for table, pk_json in touched:
        pk = json.loads(pk_json)
        where = " AND ".join(f"{_quote(k)} IS ?" for k in pk)
        found = cursor.execute(f"SELECT * FROM main.{_quote(table)} WHERE {where}", list(pk.values()))
        row = found.fetchone()
        if row is None:
            changes.append({"op": "delete", "table": table, "pk": pk})
        else:
            columns = [d[0] for d in found.description]
            changes.append({"op": "upsert", "table": table, "row": dict(zip(columns, row, strict=True))})
    cursor.execute(f"DELETE FROM temp.{CHANGES_TABLE}")
    return changes


def alert(event_name: str, **fields: Any) -> None:
    """A CRITICAL `catalog.backup` log line (JSON) plus a line in the alert file next to the journal."""
    record = {"event": event_name, "at": datetime.now(UTC).isoformat(timespec="seconds"), **fields}
    line = json.dumps(record, ensure_ascii=False, default=str)
    log.critical(line)
    alert_file = fields.get("alert_file")
    if alert_file:
        try:
            with open(alert_file, "a", encoding="utf-8") as handle:
                handle.write(line + "\n")
                handle.flush()
                os.fsync(handle.fileno())
        except OSError:  # the log record above is the alert of last resort
            log.exception("could not write the backup alert file %s", alert_file)


def alert_file_for(journal_path: str) -> str:
    return journal_path + ".alerts.jsonl"


def install(engine: sa.Engine, journal_path: str) -> None:
    """Capture every transaction of this SQLite engine into the journal at `journal_path`."""
    if engine.dialect.name != "sqlite":
        raise ValueError("the save-time journal is for SQLite; PostgreSQL uses synchronous replication")
    journal_path = os.path.abspath(journal_path)
    open_journal(journal_path).close()  # fail at boot, not at the first save, if the path is unusable

    @event.listens_for(engine, "begin")
    def _ensure_triggers(connection: sa.Connection) -> None:
        dbapi = connection.connection.dbapi_connection
        cursor = dbapi.cursor()
        try:
            version = cursor.execute("PRAGMA main.schema_version").fetchone()[0]
            if connection.connection.info.get("catalog_journal_schema") != version:
                _install_triggers(cursor)
                connection.connection.info["catalog_journal_schema"] = version
        finally:
            cursor.close()

    @event.listens_for(engine, "commit")
    def _journal_before_commit(connection: sa.Connection) -> None:
        _local.committed_seq = None
        if "catalog_journal_schema" not in connection.connection.info:
            return
        cursor = connection.connection.dbapi_connection.cursor()
        try:
            changes = collect_changes(cursor)
            if not changes:
                return
            last_committed = cursor.execute("PRAGMA main.user_version").fetchone()[0]
            try:
                seq = append_pending(_thread_journal(journal_path), last_committed, changes)
            except Exception as error:
                getattr(_local, "journals", {}).pop(journal_path, None)  # reopen on the next write
                alert("journal_write_failed", journal=journal_path, error=repr(error),
                      tables=sorted({c["table"] for c in changes}), alert_file=alert_file_for(journal_path))
                raise JournalUnavailable(
                    "journal_unavailable",
                    "Modificarea nu a fost salvată: copia de siguranță (jurnalul) nu poate fi scrisă. "
                    "Administratorul a fost alertat; încercați din nou mai târziu.",
                    "Not saved: the backup journal cannot be written. The administrator was alerted.",
                ) from error
            cursor.execute(f"PRAGMA main.user_version = {int(seq)}")
            _local.committed_seq = (journal_path, seq)
        finally:
            cursor.close()

    @event.listens_for(engine, "rollback")
    def _forget(connection: sa.Connection) -> None:
        _local.committed_seq = None


@event.listens_for(Session, "after_commit")
def _mark_committed(session: Session) -> None:
    """After the primary commit: flip this thread's pending entry to committed (best effort; a
    failure leaves it pending and reconcile() resolves it from the primary's user_version)."""
    pending = getattr(_local, "committed_seq", None)
    if not pending:
        return
    _local.committed_seq = None
    journal_path, seq = pending
    try:
        mark_committed(_thread_journal(journal_path), seq)
    except Exception as error:  # the entry stays pending; nothing is lost
        alert("journal_confirm_failed", journal=journal_path, seq=seq, error=repr(error),
              alert_file=alert_file_for(journal_path))


def init_app(app: Flask) -> None:
    """Install the journal on the app's engine when CATALOG_JOURNAL_PATH is set (SQLite only)."""
    path = app.config.get("CATALOG_JOURNAL_PATH")
    if not path:
        return
    from schema.models import db

    with app.app_context():
        engine = db.engine
        if engine.dialect.name != "sqlite":
            return
        install(engine, path)
