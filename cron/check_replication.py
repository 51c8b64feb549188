"""Check that PostgreSQL commits wait for a synchronous standby (rules.md R-BAK-01 on PostgreSQL;
docs/backups.md). Exit 0 when synchronous_commit is on (or stronger), synchronous_standby_names is
set and at least one standby streams with sync_state 'sync' or 'quorum'; exit 1 otherwise, with
the reason. Usage: python -m cron.check_replication [DATABASE_URL]  (default: CATALOG_DATABASE_URL)
"""

from __future__ import annotations

import os
import sys

import sqlalchemy as sa

SYNCHRONOUS_COMMIT_OK = {"on", "remote_write", "remote_apply"}


def replication_problems(connection: sa.Connection) -> list[str]:
    """Why commits are not synchronously replicated (empty when they are)."""
    problems = []
    commit = connection.exec_driver_sql("SHOW synchronous_commit").scalar()
    names = connection.exec_driver_sql("SHOW synchronous_standby_names").scalar()
    if commit not in SYNCHRONOUS_COMMIT_OK:
        problems.append(f"synchronous_commit = {commit} (trebuie on / must be on)")
    if not (names or "").strip():
        problems.append("synchronous_standby_names este gol / is empty")
    standbys = connection.exec_driver_sql(
        "SELECT application_name, state, sync_state FROM pg_stat_replication").all()
    if not any(row.state == "streaming" and row.sync_state in ("sync", "quorum") for row in standbys):
        seen = ", ".join(f"{r.application_name}:{r.state}/{r.sync_state}" for r in standbys) or "niciunul / none"
        problems.append(f"niciun standby sincron în pg_stat_replication / no synchronous standby ({seen})")
    return problems


def main(argv: list[str]) -> int:
    url = argv[1] if len(argv) > 1 else os.environ.get("CATALOG_DATABASE_URL", "")
    if not url.startswith(("postgresql", "postgres")):
        print("Dați URL-ul PostgreSQL (argument sau CATALOG_DATABASE_URL).", file=sys.stderr)
        return 2
    engine = sa.create_engine(url.replace("postgres://", "postgresql://", 1))
    try:
        with engine.connect() as connection:
            problems = replication_problems(connection)
    finally:
        engine.dispose()
    if problems:
        for problem in problems:
            print(f"NESINCRON / NOT SYNCHRONOUS: {problem}", file=sys.stderr)
        return 1
    print("Replicare sincronă activă / synchronous replication is active.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
