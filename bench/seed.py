"""Benchmark: how long `flask demo seed --students N` takes and how big the database gets.

    .venv/bin/python bench/seed.py [--students 1500] [--seed 2026] [--backend sqlite|postgresql]

Runs the real commands (`flask db upgrade`, then `flask demo seed`) on a fresh database and
prints the figures. PostgreSQL uses a scratch database on CATALOG_TEST_POSTGRES_ADMIN_URL.
"""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
ADMIN_URL = os.environ.get("CATALOG_TEST_POSTGRES_ADMIN_URL", "postgresql://postgres@localhost/postgres")


def _env(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    for name in ("CATALOG_SECRET_KEY", "CATALOG_PASSWORD_SALT", "CATALOG_TOTP_SECRET"):
        env[name] = secrets.token_urlsafe(32)
    env["CATALOG_DATABASE_URL"] = database_url
    return env


def _flask(env: dict[str, str], *args: str) -> str:
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, check=True)
    return result.stdout


def run(students: int, seed: int, backend: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        if backend == "sqlite":
            path = Path(tmp) / "bench.db"
            url, drop = f"sqlite:///{path}", lambda: None
        else:
            name = f"bench_seed_{uuid.uuid4().hex[:8]}"
            admin = sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
            url = sa.make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)

            def drop() -> None:
                with admin.connect() as connection:
                    connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        try:
            env = _env(url)
            _flask(env, "db", "upgrade")
            started = time.perf_counter()
            output = _flask(env, "demo", "seed", "--students", str(students), "--seed", str(seed))
            seconds = time.perf_counter() - started
            if backend == "sqlite":
                size = sum(p.stat().st_size for p in Path(tmp).glob("bench.db*"))
            else:
                with sa.create_engine(url).connect() as connection:
                    size = connection.exec_driver_sql("SELECT pg_database_size(current_database())").scalar()
        finally:
            drop()
    print(f"demo seed --students {students} --seed {seed} on {backend}")
    print(f"  wall time: {seconds:.1f} s")
    print(f"  database size: {size / 1024 / 1024:.1f} MiB")
    counts = [line.strip() for line in output.splitlines() if line.startswith("  ") and ":" in line and "@" not in line]
    print("  " + "; ".join(counts))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args()
    run(args.students, args.seed, args.backend)


if __name__ == "__main__":
    main()
