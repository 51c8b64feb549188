"""Benchmark: mark writes through the REST API with concurrent clients.

    .venv/bin/python bench/api.py [--backend sqlite|postgresql] [--students N] [--clients 50] [--marks 10]

The demo school (SQLite: the cached 1,500-student database of bench/pages.py, copied; PostgreSQL:
a fresh database seeded with `demo seed --students N`, 300 by default to keep the set-up short)
is served by gunicorn (2 workers × 16 threads) over HTTPS, as in production; on SQLite the
save-time journal is on. Each client has its own teacher token (read_write) and POSTs `--marks`
marks to /api/v1/marks, one at a time, for students of a class that teacher teaches. Prints the
throughput (marks per second over the wall time) and the median and p95 latency.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import warnings
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ADMIN_URL = os.environ.get("CATALOG_TEST_POSTGRES_ADMIN_URL", "postgresql://postgres@localhost/postgres")
LESSON_DAY = "2026-11-20"  # a Friday of the demo's current module


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _database(backend: str, students: int, workdir: Path) -> tuple[str, callable]:
    if backend == "sqlite":
        from bench.pages import demo_database

        source = Path(demo_database(students, 2026).removeprefix("sqlite:///"))
        target = workdir / "bench-api.db"
        shutil.copy(source, target)
        return f"sqlite:///{target}", lambda: None
    name = f"bench_api_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = sa.make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    env = os.environ | {"CATALOG_DATABASE_URL": url}
    print(f"seeding the demo school ({students} students) on PostgreSQL ...", flush=True)
    for args in (["db", "upgrade"], ["demo", "seed", "--students", str(students)]):
        subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=env, check=True,
                       capture_output=True)

    def drop() -> None:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return url, drop


def _tokens(url: str, clients: int) -> list[tuple[str, int, list[int]]]:
    """(token, curriculum entry id, enrolment ids) for `clients` teacher assignments of the current year."""
    from portal import create_app
    from portal import security as flask_security
    from schema import models as m
    from schema.db import audit_context
    from schema.models import db
    from schema.operations.api_tokens import create_token

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "CATALOG_JOURNAL_PATH": None})
    result = []
    with app.app_context():
        year = db.session.scalars(sa.select(m.SchoolYear).order_by(m.SchoolYear.starts_on.desc())).first()
        assignments = db.session.execute(
            sa.select(m.TeachingAssignment.teacher_id, m.CurriculumEntry.id, m.CurriculumEntry.class_id)
            .join(m.CurriculumEntry, m.CurriculumEntry.id == m.TeachingAssignment.curriculum_entry_id)
            .join(m.SchoolClass, m.SchoolClass.id == m.CurriculumEntry.class_id)
            .join(m.GradeLevel, m.GradeLevel.id == m.SchoolClass.grade_level_id)
            .where(m.SchoolClass.year_id == year.id, m.GradeLevel.evaluation_scale == "marks")
            .order_by(m.CurriculumEntry.id)
        ).all()
        for index in range(clients):
            teacher_id, entry_id, class_id = assignments[index % len(assignments)]
            teacher = db.session.get(m.User, teacher_id)
            if not teacher.tf_primary_method:
                with audit_context(reason="benchmark: two-factor set up for the token"):
                    flask_security.datastore.tf_set(
                        teacher, "authenticator", totp_secret=flask_security.totp_factory.generate_totp_secret())
                    db.session.commit()
            _token, secret = create_token(teacher, name=f"bench {index}", scope="read_write")
            enrolments = list(db.session.scalars(
                sa.select(m.Enrolment.id).where(m.Enrolment.class_id == class_id, m.Enrolment.status == "active")))
            result.append((secret, entry_id, enrolments))
    return result


def run(backend: str, students: int, clients: int, marks: int) -> None:
    import requests
    from urllib3.exceptions import InsecureRequestWarning

    from portal.devtools import write_self_signed_certificate

    warnings.simplefilter("ignore", InsecureRequestWarning)
    for name in ("CATALOG_SECRET_KEY", "CATALOG_PASSWORD_SALT", "CATALOG_TOTP_SECRET"):
        os.environ.setdefault(name, secrets.token_urlsafe(32))
    workdir = Path(tempfile.mkdtemp())
    write_self_signed_certificate(workdir)
    url, drop = _database(backend, students, workdir)
    server = None
    try:
        work = _tokens(url, clients)
        port = _free_port()
        env = os.environ | {"CATALOG_DATABASE_URL": url}
        if backend == "sqlite":
            env["CATALOG_JOURNAL_PATH"] = str(workdir / "journal" / "journal.db")
        server = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "--workers", "2", "--threads", "16", "--bind",
             f"127.0.0.1:{port}", "--certfile", str(workdir / "dev-cert.pem"), "--keyfile",
             str(workdir / "dev-key.pem"), "--log-level", "warning", "wsgi:app"],
            cwd=ROOT, env=env)
        base = f"https://127.0.0.1:{port}"
        for _ in range(100):
            try:
                requests.get(base + "/healthz", verify=False, timeout=1)
                break
            except requests.RequestException:
                time.sleep(0.2)
        latencies: list[float] = []
        failures: list[str] = []
        lock = threading.Lock()

        def client(token: str, entry_id: int, enrolments: list[int]) -> None:
            session = requests.Session()
            session.verify = False
            session.headers["Authorization"] = f"Bearer {token}"
            for index in range(marks):
                body = {"enrolment_id": enrolments[index % len(enrolments)], "curriculum_entry_id": entry_id,
                        "given_on": LESSON_DAY, "value": 5 + index % 6}
                started = time.perf_counter()
                response = session.post(base + "/api/v1/marks", json=body, timeout=60, verify=False)
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    if response.status_code == 201:
                        latencies.append(elapsed)
                    else:
                        failures.append(f"{response.status_code} {response.text[:200]}")

        threads = [threading.Thread(target=client, args=item) for item in work]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - started
        if not latencies:
            raise SystemExit("no mark was written: " + "; ".join(failures[:3]))
        latencies.sort()
        p95 = latencies[max(0, int(round(0.95 * len(latencies))) - 1)] if latencies else float("nan")
        print(f"{backend}: {clients} clients × {marks} marks, demo school of {students} students, gunicorn 2×16"
              + (", save-time journal on" if backend == "sqlite" else ""))
        print(f"  written: {len(latencies)} marks in {wall:.1f} s = {len(latencies) / wall:.1f} marks/s; "
              f"latency median {statistics.median(latencies):.0f} ms, p95 {p95:.0f} ms; failures: {len(failures)}")
        for failure in failures[:5]:
            print("  failure:", failure)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        drop()
        shutil.rmtree(workdir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--students", type=int, default=None)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--marks", type=int, default=10)
    args = parser.parse_args()
    students = args.students or (1500 if args.backend == "sqlite" else 300)
    run(args.backend, students, args.clients, args.marks)


if __name__ == "__main__":
    main()
