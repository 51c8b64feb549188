"""Backups as plain functions (the `flask backup ...` commands in cron/cli.py wrap them).

A backup is a directory `<kind>-<UTC timestamp>` in the backup directory holding the data file(s)
and `manifest.json`: the Alembic revision, the SHA-256 of every file, and per-table row counts and
checksums of the database state it restores to. Directories are written under a temporary name
and renamed, so a backup is either whole or absent. See docs/backups.md.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from cron import journal as journal_mod

MANIFEST = "manifest.json"
FULL_SQLITE = "catalog.db.gz"
FULL_POSTGRES = "catalog.dump"
INCREMENTAL_FILE = "journal.jsonl.gz"
FORMAT = 1


class BackupError(RuntimeError):
    """A backup job cannot do what was asked; the message (Romanian) says why and what to do."""


@dataclass(frozen=True)
class BackupInfo:
    """One backup directory and its manifest."""

    name: str
    kind: str
    created_at: datetime
    path: Path | None = None
    manifest: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def base(self) -> str:
        """The full backup an incremental builds on (itself for a full)."""
        return self.manifest.get("base", self.name) if self.kind == "incremental" else self.name


# --- helpers -------------------------------------------------------------------------------------


def backend_of(database_url: str) -> str:
    name = sa.make_url(database_url).get_backend_name()
    if name not in ("sqlite", "postgresql"):
        raise BackupError(f"Baza de date {name} nu este suportată pentru copii de siguranță.")
    return name


def sqlite_path(url_or_path: str) -> str:
    """The file of a sqlite URL, or the path itself."""
    if url_or_path.startswith("sqlite:"):
        database = sa.make_url(url_or_path).database
        if not database or database == ":memory:":
            raise BackupError("Baza de date SQLite din memorie nu poate fi copiată.")
        return database
    return url_or_path


def libpq_url(database_url: str) -> str:
    """A SQLAlchemy PostgreSQL URL as libpq understands it (pg_dump, pg_restore)."""
    return sa.make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _norm(value: Any) -> Any:
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return str(value)


def _fingerprint_rows(rows: Iterable[Iterable[Any]]) -> dict[str, Any]:
    digest = hashlib.sha256()
    count = 0
    for row in rows:
        digest.update(json.dumps(list(row), default=_norm, ensure_ascii=False).encode())
        digest.update(b"\n")
        count += 1
    return {"rows": count, "sha256": digest.hexdigest()}


def sqlite_fingerprints(connection: sqlite3.Connection) -> dict[str, dict[str, Any]]:
    """Per table (every table but sqlite_*): row count and SHA-256 of the rows in key order."""
    cursor = connection.cursor()
    tables = sorted(row[0] for row in cursor.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").fetchall())
    result = {}
    for table in tables:
        keys = ", ".join(journal_mod._quote(k) for k in journal_mod._primary_keys(cursor, table))
        result[table] = _fingerprint_rows(cursor.execute(f"SELECT * FROM {journal_mod._quote(table)} ORDER BY {keys}"))
    return result


def postgres_fingerprints(connection: sa.Connection) -> dict[str, dict[str, Any]]:
    """The same fingerprints on PostgreSQL (public schema)."""
    inspector = sa.inspect(connection)
    result = {}
    for table in sorted(inspector.get_table_names()):
        keys = inspector.get_pk_constraint(table)["constrained_columns"] or [
            c["name"] for c in inspector.get_columns(table)]
        order = ", ".join(f'"{k}"' for k in keys)
        result[table] = _fingerprint_rows(connection.exec_driver_sql(f'SELECT * FROM "{table}" ORDER BY {order}'))
    return result


def _sqlite_revision(connection: sqlite3.Connection) -> str | None:
    found = connection.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'").fetchone()
    if not found:
        return None
    row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    return row[0] if row else None


def _postgres_revision(connection: sa.Connection) -> str | None:
    if not sa.inspect(connection).has_table("alembic_version"):
        return None
    return connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


def list_backups(directory: str | Path) -> list[BackupInfo]:
    """Every complete backup in `directory` (temporary directories are skipped), oldest first."""
    directory = Path(directory)
    found = []
    if not directory.is_dir():
        return found
    for entry in directory.iterdir():
        manifest_path = entry / MANIFEST
        if entry.name.startswith(".") or not manifest_path.is_file():
            continue
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        found.append(BackupInfo(entry.name, manifest["kind"], datetime.fromisoformat(manifest["created_at"]),
                                entry, manifest))
    return sorted(found, key=lambda b: (b.created_at, b.name))


def _new_name(kind: str, now: datetime, directory: Path) -> str:
    name = f"{kind}-{now:%Y%m%dT%H%M%S}Z"
    suffix = 1
    while (directory / name).exists():
        suffix += 1
        name = f"{kind}-{now:%Y%m%dT%H%M%S}Z-{suffix}"
    return name


@contextlib.contextmanager
def _staging(directory: Path, name: str) -> Iterator[Path]:
    """A temporary directory renamed to `name` when the block succeeds, removed otherwise."""
    directory.mkdir(parents=True, exist_ok=True)
    staging = directory / f".tmp-{name}-{uuid.uuid4().hex[:6]}"
    staging.mkdir()
    try:
        yield staging
        for child in staging.iterdir():
            with open(child, "rb") as handle:
                os.fsync(handle.fileno())
        os.rename(staging, directory / name)
        _fsync_dir(directory)
    finally:
        if staging.exists():
            shutil.rmtree(staging)


def _write_manifest(staging: Path, manifest: dict[str, Any]) -> dict[str, Any]:
    manifest["files"] = {
        child.name: {"sha256": sha256_file(child), "bytes": child.stat().st_size}
        for child in sorted(staging.iterdir())
    }
    (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    return manifest


def check_files(backup: BackupInfo) -> None:
    """Every file of the backup has the size and SHA-256 of its manifest."""
    assert backup.path is not None
    for name, expected in backup.manifest["files"].items():
        path = backup.path / name
        if not path.is_file() or sha256_file(path) != expected["sha256"]:
            raise BackupError(f"Copia {backup.name} este deteriorată: fișierul {name} nu corespunde manifestului.")


# --- off-site copy ------------------------------------------------------------------------------


def is_rsync_target(target: str) -> bool:
    """`host:path` or `user@host:path` (scp syntax) goes through rsync; anything else is a directory."""
    head = target.split("/", 1)[0]
    return ":" in head and not target.startswith("/")


def copy_offsite(backup: BackupInfo, target: str) -> str:
    """Copy a backup to the off-site target: a mounted directory (temp name, checked, renamed) or
    an rsync destination over SSH. Returns where it went."""
    assert backup.path is not None
    if is_rsync_target(target):
        if shutil.which("rsync") is None:
            raise BackupError("rsync nu este instalat; copia în afara școlii nu a putut fi trimisă.")
        destination = target.rstrip("/") + "/"
        completed = subprocess.run(["rsync", "-a", "--partial-dir=.rsync-partial", str(backup.path), destination],
                                   capture_output=True, text=True, check=False)
        if completed.returncode != 0:
            raise BackupError(f"rsync către {target} a eșuat: {completed.stderr.strip()}")
        return destination + backup.name
    root = Path(target)
    if not root.is_dir():
        raise BackupError(f"Destinația din afara școlii {target} nu există sau nu este montată.")
    staging = root / f".tmp-{backup.name}-{uuid.uuid4().hex[:6]}"
    try:
        shutil.copytree(backup.path, staging)
        copied = BackupInfo(backup.name, backup.kind, backup.created_at, staging, backup.manifest)
        check_files(copied)
        os.rename(staging, root / backup.name)
        _fsync_dir(root)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return str(root / backup.name)


# --- full ---------------------------------------------------------------------------------------


def full_backup(database_url: str, backup_dir: str | Path, *, offsite: str | None = None,
                now: datetime | None = None) -> tuple[BackupInfo, str | None]:
    """A full, compressed backup with its manifest; copied off-site when a target is given."""
    now = now or datetime.now(UTC)
    backup_dir = Path(backup_dir)
    name = _new_name("full", now, backup_dir)
    manifest: dict[str, Any] = {"format": FORMAT, "kind": "full", "name": name, "created_at": now.isoformat()}
    with _staging(backup_dir, name) as staging:
        if backend_of(database_url) == "sqlite":
            manifest.update(_full_sqlite(sqlite_path(database_url), staging))
        else:
            manifest.update(_full_postgres(database_url, staging))
        _write_manifest(staging, manifest)
    backup = BackupInfo(name, "full", now, backup_dir / name, manifest)
    return backup, (copy_offsite(backup, offsite) if offsite else None)


def _full_sqlite(path: str, staging: Path) -> dict[str, Any]:
    if not os.path.isfile(path):
        raise BackupError(f"Baza de date {path} nu există.")
    snapshot = staging / "catalog.db"
    source = sqlite3.connect(path, isolation_level=None, timeout=30)
    try:
        source.execute("VACUUM INTO ?", (str(snapshot),))
    finally:
        source.close()
    copy = sqlite3.connect(snapshot, isolation_level=None)
    try:
        info = {
            "backend": "sqlite",
            "alembic_revision": _sqlite_revision(copy),
            "journal_seq": copy.execute("PRAGMA user_version").fetchone()[0],
            "tables": sqlite_fingerprints(copy),
        }
    finally:
        copy.close()
    with open(snapshot, "rb") as raw, gzip.open(staging / FULL_SQLITE, "wb", compresslevel=6) as packed:
        shutil.copyfileobj(raw, packed, 1 << 20)
    snapshot.unlink()
    return info


def _full_postgres(database_url: str, staging: Path) -> dict[str, Any]:
    if shutil.which("pg_dump") is None:
        raise BackupError("pg_dump nu este instalat (pachetul postgresql-client).")
    engine = sa.create_engine(database_url, isolation_level="REPEATABLE READ")
    try:
        with engine.connect() as connection:
            # One snapshot for the dump and the checksums, so verify compares like with like.
            snapshot = connection.exec_driver_sql("SELECT pg_export_snapshot()").scalar()
            completed = subprocess.run(
                ["pg_dump", "-Fc", "--no-owner", f"--snapshot={snapshot}", "-f", str(staging / FULL_POSTGRES),
                 f"--dbname={libpq_url(database_url)}"], capture_output=True, text=True, check=False)
            if completed.returncode != 0:
                raise BackupError(f"pg_dump a eșuat: {completed.stderr.strip()}")
            info = {
                "backend": "postgresql",
                "alembic_revision": _postgres_revision(connection),
                "tables": postgres_fingerprints(connection),
                "pgbackrest": shutil.which("pgbackrest") is not None,
            }
            connection.rollback()
    finally:
        engine.dispose()
    return info


# --- incremental (SQLite journal segment) -------------------------------------------------------

POSTGRES_INCREMENTAL_REFUSED = (
    "Copia incrementală pe PostgreSQL necesită pgBackRest, care nu este instalat; folosiți `backup full` "
    "(pg_dump) și replicarea sincronă (docs/backups.md). / Incremental backups on PostgreSQL need "
    "pgBackRest, which is not installed."
)


def incremental_backup(database_url: str, journal_path: str | None, backup_dir: str | Path, *,
                       offsite: str | None = None, now: datetime | None = None) -> tuple[BackupInfo, str | None]:
    """The journal segment since the previous backup, compressed, with its manifest (seq from..to)."""
    if backend_of(database_url) != "sqlite":
        raise BackupError(POSTGRES_INCREMENTAL_REFUSED)
    if not journal_path:
        raise BackupError("Jurnalul (CATALOG_JOURNAL_PATH) este oprit; nu există modificări de copiat incremental.")
    now = now or datetime.now(UTC)
    backup_dir = Path(backup_dir)
    chain = latest_chain(backup_dir)
    previous = chain[-1]
    after = _through_seq(previous)
    primary = sqlite3.connect(sqlite_path(database_url), isolation_level=None, timeout=30)
    try:
        primary.execute("BEGIN")  # one read snapshot for the segment's end and the checksums
        primary.execute("SELECT count(*) FROM sqlite_master").fetchone()
        through = primary.execute("PRAGMA user_version").fetchone()[0]
        revision = _sqlite_revision(primary)
        if revision != chain[0].manifest.get("alembic_revision"):
            raise BackupError("Schema bazei de date s-a schimbat (migrare) de la ultima copie completă; "
                              "rulați `flask --app wsgi backup full`.")
        _confirm_through(journal_path, through)
        entries = list(journal_mod.read_entries(journal_path, after, through, statuses=("committed", "aborted")))
        missing = sorted(set(range(after + 1, through + 1)) - {e.seq for e in entries})
        if missing:
            raise BackupError(f"Jurnalul are o lipsă ({len(missing)} tranzacții, de la nr. {missing[0]}); "
                              "copia incrementală nu ar fi completă. Rulați `flask --app wsgi backup full`.")
        tables = sqlite_fingerprints(primary)
        primary.execute("COMMIT")
    finally:
        primary.close()
    committed = [e for e in entries if e.status == "committed"]
    name = _new_name("incremental", now, backup_dir)
    manifest: dict[str, Any] = {
        "format": FORMAT, "kind": "incremental", "name": name, "created_at": now.isoformat(), "backend": "sqlite",
        "base": chain[0].name, "previous": previous.name, "alembic_revision": revision,
        "from_seq": after + 1, "to_seq": through, "transactions": len(committed), "tables": tables,
    }
    with _staging(backup_dir, name) as staging:
        with gzip.open(staging / INCREMENTAL_FILE, "wt", encoding="utf-8", compresslevel=6) as handle:
            for entry in committed:
                handle.write(json.dumps({"seq": entry.seq, "created_at": entry.created_at,
                                         "changes": entry.changes}, ensure_ascii=False,
                                        default=journal_mod._encode_value) + "\n")
        _write_manifest(staging, manifest)
    _mark_exported(journal_path, through)
    backup = BackupInfo(name, "incremental", now, backup_dir / name, manifest)
    return backup, (copy_offsite(backup, offsite) if offsite else None)


def _through_seq(backup: BackupInfo) -> int:
    return backup.manifest["journal_seq"] if backup.kind == "full" else backup.manifest["to_seq"]


def _confirm_through(journal_path: str, through: int) -> None:
    """Pending entries up to the primary's user_version were committed there (journal.py)."""
    journal = journal_mod.open_journal(journal_path)
    try:
        journal.execute("UPDATE entries SET status = 'committed' WHERE status = 'pending' AND seq <= ?", (through,))
    finally:
        journal.close()


def _mark_exported(journal_path: str, through: int) -> None:
    journal = journal_mod.open_journal(journal_path)
    try:
        journal.execute("UPDATE entries SET exported = 1 WHERE seq <= ?", (through,))
    finally:
        journal.close()


def latest_chain(backup_dir: str | Path, full_name: str | None = None) -> list[BackupInfo]:
    """The newest full backup (or the named one) followed by its incrementals, continuous in seq."""
    backups = list_backups(backup_dir)
    fulls = [b for b in backups if b.kind == "full" and (full_name is None or b.name == full_name)]
    if not fulls:
        raise BackupError("Nu există nicio copie completă; rulați întâi `flask --app wsgi backup full`.")
    chain = [fulls[-1]]
    for backup in backups:
        if backup.kind == "incremental" and backup.manifest.get("base") == chain[0].name:
            if backup.manifest["from_seq"] != _through_seq(chain[-1]) + 1:
                raise BackupError(f"Lanțul de copii este întrerupt la {backup.name}; rulați `backup full`.")
            chain.append(backup)
    return chain


# --- restore and verify -------------------------------------------------------------------------


@dataclass
class RestoreReport:
    """What a restore applied."""

    target: str
    full: str
    incrementals: list[str]
    journal_entries: int
    last_seq: int | None
    skipped_pending: list[int] = field(default_factory=list)

    def lines(self) -> list[str]:
        text = [f"Restaurat în {self.target} din {self.full}"]
        if self.incrementals:
            text.append(f"  + {len(self.incrementals)} copii incrementale ({self.incrementals[0]} … {self.incrementals[-1]})")
        if self.journal_entries:
            text.append(f"  + {self.journal_entries} tranzacții din jurnal")
        if self.skipped_pending:
            text.append(f"  tranzacții neconfirmate omise (nu au fost confirmate utilizatorului): {self.skipped_pending}")
        if self.last_seq is not None:
            text.append(f"  ultima tranzacție: nr. {self.last_seq}")
        return text


def apply_changes(connection: sqlite3.Connection, changes: list[dict[str, Any]]) -> None:
    """Replay one transaction's change set (row images) into a SQLite database."""
    quote = journal_mod._quote
    for change in changes:
        table = quote(change["table"])
        if change["op"] == "upsert":
            row = change["row"]
            columns = ", ".join(quote(c) for c in row)
            marks = ", ".join("?" for _ in row)
            connection.execute(f"INSERT OR REPLACE INTO {table} ({columns}) VALUES ({marks})", list(row.values()))
        else:
            pk = change["pk"]
            where = " AND ".join(f"{quote(k)} IS ?" for k in pk)
            connection.execute(f"DELETE FROM {table} WHERE {where}", list(pk.values()))


def _read_incremental(backup: BackupInfo) -> Iterator[dict[str, Any]]:
    assert backup.path is not None
    with gzip.open(backup.path / INCREMENTAL_FILE, "rt", encoding="utf-8") as handle:
        for line in handle:
            entry = json.loads(line)
            for change in entry["changes"]:
                for key in ("row", "pk"):
                    if key in change:
                        change[key] = {k: journal_mod._decode_value(v) for k, v in change[key].items()}
            yield entry


def restore(backup_dir: str | Path, target: str, *, full_name: str | None = None,
            journal_path: str | None = None) -> RestoreReport:
    """Restore the newest full backup (or `full_name`) and its incrementals into `target` (a new
    SQLite file/URL, or an existing empty PostgreSQL database URL). With `journal_path` (SQLite),
    the journal's committed transactions after the last incremental are replayed too."""
    chain = latest_chain(backup_dir, full_name)
    for backup in chain:
        check_files(backup)
    full = chain[0]
    if full.manifest["backend"] == "postgresql":
        if not target.startswith("postgresql"):
            raise BackupError("O copie PostgreSQL se restaurează într-o bază PostgreSQL (URL postgresql://...).")
        _restore_postgres(full, target)
        return RestoreReport(target, full.name, [], 0, None)
    path = Path(sqlite_path(target))
    if path.exists() and path.stat().st_size > 0:
        raise BackupError(f"Ținta {path} există deja; restaurarea scrie doar într-o bază nouă (alegeți altă cale).")
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.with_name(f".{path.name}.restoring-{uuid.uuid4().hex[:6]}")
    try:
        assert full.path is not None
        with gzip.open(full.path / FULL_SQLITE, "rb") as packed, open(staging, "wb") as raw:
            shutil.copyfileobj(packed, raw, 1 << 20)
        report = RestoreReport(str(path), full.name, [b.name for b in chain[1:]], 0, full.manifest["journal_seq"])
        connection = sqlite3.connect(staging, isolation_level=None)
        try:
            connection.execute("PRAGMA foreign_keys=OFF")  # each change set is consistent once applied whole
            last = full.manifest["journal_seq"]
            for backup in chain[1:]:
                connection.execute("BEGIN")
                for entry in _read_incremental(backup):
                    apply_changes(connection, entry["changes"])
                connection.execute("COMMIT")
                last = backup.manifest["to_seq"]
            if journal_path:
                last = _replay_journal(connection, journal_path, last, report)
            connection.execute(f"PRAGMA user_version = {int(last)}")
            report.last_seq = last
            problems = connection.execute("PRAGMA integrity_check").fetchall()
            if problems != [("ok",)]:
                raise BackupError(f"Baza restaurată nu trece verificarea de integritate: {problems[:3]}")
        finally:
            connection.close()
        with open(staging, "rb") as handle:
            os.fsync(handle.fileno())
        os.rename(staging, path)
        _fsync_dir(path.parent)
    finally:
        if staging.exists():
            staging.unlink()
    return report


def _replay_journal(connection: sqlite3.Connection, journal_path: str, after: int, report: RestoreReport) -> int:
    """Committed journal entries after `after`, in order, stopping at a gap. Entries still pending
    were never confirmed to the user (journal.py) and are left out."""
    last = after
    entries = list(journal_mod.read_entries(journal_path, after, statuses=("committed", "aborted", "pending")))
    connection.execute("BEGIN")
    for entry in entries:
        if entry.seq != last + 1 and entry.status == "committed":
            raise BackupError(f"Jurnalul are o lipsă înainte de tranzacția nr. {entry.seq}; restaurarea s-a oprit.")
        if entry.status == "pending":
            report.skipped_pending.append(entry.seq)
            continue
        if entry.status == "committed":
            apply_changes(connection, entry.changes)
            report.journal_entries += 1
        last = entry.seq
    connection.execute("COMMIT")
    return last


def _restore_postgres(full: BackupInfo, target: str) -> None:
    engine = sa.create_engine(target)
    try:
        with engine.connect() as connection:
            if sa.inspect(connection).get_table_names():
                raise BackupError("Baza PostgreSQL țintă nu este goală; restaurarea scrie doar într-o bază goală.")
    finally:
        engine.dispose()
    assert full.path is not None
    completed = subprocess.run(
        ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
         f"--dbname={libpq_url(target)}", str(full.path / FULL_POSTGRES)], capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise BackupError(f"pg_restore a eșuat: {completed.stderr.strip()}")


@dataclass
class VerifyReport:
    """The outcome of restoring into a scratch database and comparing with the manifest."""

    chain: list[str]
    tables: int
    rows: int
    mismatches: dict[str, tuple[Any, Any]]

    @property
    def ok(self) -> bool:
        return not self.mismatches


def verify(backup_dir: str | Path, *, database_url: str | None = None) -> VerifyReport:
    """Restore the newest chain into a scratch database and compare per-table row counts and
    checksums with the last manifest. PostgreSQL scratch databases are created on the server of
    `database_url` and dropped afterwards."""
    chain = latest_chain(backup_dir)
    expected = chain[-1].manifest["tables"]
    if chain[0].manifest["backend"] == "postgresql":
        if not database_url or backend_of(database_url) != "postgresql":
            raise BackupError("Verificarea unei copii PostgreSQL are nevoie de serverul PostgreSQL (CATALOG_DATABASE_URL).")
        actual = _verify_postgres(backup_dir, database_url)
    else:
        scratch = Path(backup_dir) / f".verify-{uuid.uuid4().hex[:8]}.db"
        try:
            restore(backup_dir, str(scratch))
            connection = sqlite3.connect(scratch)
            try:
                actual = sqlite_fingerprints(connection)
            finally:
                connection.close()
        finally:
            for leftover in Path(backup_dir).glob(f"{scratch.name}*"):
                leftover.unlink()
    mismatches = {name: (expected.get(name), actual.get(name))
                  for name in sorted(set(expected) | set(actual)) if expected.get(name) != actual.get(name)}
    return VerifyReport([b.name for b in chain], len(actual), sum(t["rows"] for t in actual.values()), mismatches)


def _verify_postgres(backup_dir: str | Path, database_url: str) -> dict[str, dict[str, Any]]:
    scratch_name = f"catalog_verify_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(database_url, isolation_level="AUTOCOMMIT")
    scratch_url = sa.make_url(database_url).set(database=scratch_name).render_as_string(hide_password=False)
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{scratch_name}"')
        try:
            restore(backup_dir, scratch_url)
            engine = sa.create_engine(scratch_url)
            try:
                with engine.connect() as connection:
                    return postgres_fingerprints(connection)
            finally:
                engine.dispose()
        finally:
            with admin.connect() as connection:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{scratch_name}" WITH (FORCE)')
    finally:
        admin.dispose()


# --- retention ----------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it has fewer days)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        with contextlib.suppress(ValueError):
            return date(year, month, candidate)
    raise AssertionError("unreachable")


def backups_to_keep(backups: list[BackupInfo], today: date, *, contract_end: date | None,
                    daily_days: int) -> set[str]:
    """The retention policy (rules.md R-BAK-03/04), as a pure function of the backups and today:

    - the first full backup of each calendar month (the monthly full) is kept until 24 months
      after the contract end (for ever while no end is configured);
    - every backup (full or incremental) younger than `daily_days` days is kept;
    - the newest full backup and its incrementals are always kept;
    - a kept incremental keeps the full it builds on and the incrementals before it in its chain.
    """
    keep: set[str] = set()
    fulls = sorted((b for b in backups if b.kind == "full"), key=lambda b: (b.created_at, b.name))
    monthly_until = add_months(contract_end, 24) if contract_end else None
    seen_months: set[tuple[int, int]] = set()
    for backup in fulls:
        month = (backup.created_at.year, backup.created_at.month)
        if month not in seen_months:
            seen_months.add(month)
            if monthly_until is None or today <= monthly_until:
                keep.add(backup.name)
    for backup in backups:
        if (today - backup.created_at.date()).days < daily_days:
            keep.add(backup.name)
    if fulls:
        newest = fulls[-1].name
        keep.add(newest)
        keep.update(b.name for b in backups if b.kind == "incremental" and b.base == newest)
    for backup in backups:
        if backup.kind == "incremental" and backup.name in keep:
            keep.add(backup.base)
            keep.update(b.name for b in backups if b.kind == "incremental" and b.base == backup.base
                        and b.created_at <= backup.created_at)
    return keep


def prune(backup_dir: str | Path, today: date, *, contract_end: date | None, daily_days: int,
          offsite: str | None = None, journal_path: str | None = None) -> tuple[list[str], list[str]]:
    """Apply the retention policy to the backup directory (and a directory off-site target);
    journal entries already in the newest full backup are dropped. Returns (kept, removed)."""
    removed: list[str] = []
    kept: list[str] = []
    roots = [Path(backup_dir)] + ([Path(offsite)] if offsite and not is_rsync_target(offsite) else [])
    for root in roots:
        backups = list_backups(root)
        keep = backups_to_keep(backups, today, contract_end=contract_end, daily_days=daily_days)
        for backup in backups:
            if backup.name in keep:
                kept.append(str(backup.path))
            else:
                assert backup.path is not None
                trash = backup.path.with_name(f".tmp-delete-{backup.name}")
                os.rename(backup.path, trash)  # out of the listing at once, then deleted
                shutil.rmtree(trash)
                removed.append(str(backup.path))
    fulls = [b for b in list_backups(backup_dir) if b.kind == "full"]
    if journal_path and fulls and fulls[-1].manifest.get("backend") == "sqlite":
        journal = journal_mod.open_journal(journal_path)
        try:
            journal.execute("DELETE FROM entries WHERE seq <= ? AND status != 'pending'", (fulls[-1].manifest["journal_seq"],))
        finally:
            journal.close()
    return kept, removed


def today_utc() -> date:
    return datetime.now(UTC).date()
