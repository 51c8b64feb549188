"""Benchmark: server time of the portal's heaviest pages on the 1,500-student demo school.

    .venv/bin/python bench/pages.py [--students 1500] [--seed 2026] [--requests 40]

Builds the demo school once (`flask db upgrade` + `flask demo seed`, about 6 minutes for 1,500
students) into bench/.cache/, keyed by the migration head, then times in-process requests
(Flask test client over HTTPS, a logged-in session, no network) and prints the median and p95.

Pages, each for a class of about 30 with a full year of data (the demo's closed 2025-2026 year,
second semester): the teacher's grade grid, the class master's overview, the parent's page, and
the auditor's history browser (first page, marks only and all tables). Target: p95 under 150 ms on SQLite.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CACHE = ROOT / "bench" / ".cache"


def _migration_head() -> str:
    return max(p.name.split("_", 1)[0] for p in (ROOT / "migrations" / "versions").glob("0*.py"))


def _secrets_env() -> dict[str, str]:
    env = dict(os.environ)
    for name in ("CATALOG_SECRET_KEY", "CATALOG_PASSWORD_SALT", "CATALOG_TOTP_SECRET"):
        env.setdefault(name, secrets.token_urlsafe(32))
    return env


def demo_database(students: int, seed: int) -> str:
    """The seeded SQLite file for these parameters, built on first use."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"demo-{students}-{seed}-{_migration_head()}.db"
    if not path.exists():
        partial = path.with_suffix(".partial")
        for leftover in CACHE.glob(partial.name + "*"):
            leftover.unlink()
        env = _secrets_env() | {"CATALOG_DATABASE_URL": f"sqlite:///{partial}"}
        print(f"building the demo school ({students} students) into {path} ...", flush=True)
        started = time.perf_counter()
        for args in (["db", "upgrade"], ["demo", "seed", "--students", str(students), "--seed", str(seed)]):
            subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=env, check=True,
                           capture_output=True)
        partial.rename(path)
        print(f"  built in {time.perf_counter() - started:.0f} s", flush=True)
    return f"sqlite:///{path}"


def _client(app, user):
    client = app.test_client()
    client.environ_base["wsgi.url_scheme"] = "https"
    with client.session_transaction() as session:
        session["_user_id"] = user.fs_uniquifier
        session["_fresh"] = True
        session["tf_state"] = None
    return client


def _pick_subjects(db, m):
    """The past year's biggest class, its maths (or first) subject and teacher, a parent of one of
    its students, its class master, an auditor."""
    import sqlalchemy as sa

    year = db.session.scalars(sa.select(m.SchoolYear).order_by(m.SchoolYear.starts_on)).first()
    period = db.session.scalars(sa.select(m.LearningPeriod).where(m.LearningPeriod.year_id == year.id)
                                .order_by(m.LearningPeriod.ordinal.desc())).first()
    sizes = db.session.execute(
        sa.select(m.Enrolment.class_id, sa.func.count()).where(m.Enrolment.year_id == year.id)
        .group_by(m.Enrolment.class_id).order_by(sa.func.count().desc())
    ).all()
    school_class = db.session.get(m.SchoolClass, sizes[0][0])
    entries = db.session.scalars(sa.select(m.CurriculumEntry).where(m.CurriculumEntry.class_id == school_class.id)).all()
    entry = next((e for e in entries if e.subject.name == "Matematică"), entries[0])
    teacher_id = db.session.scalar(sa.select(m.TeachingAssignment.teacher_id)
                                   .where(m.TeachingAssignment.curriculum_entry_id == entry.id))
    student_id = db.session.scalar(sa.select(m.Enrolment.student_id).where(m.Enrolment.class_id == school_class.id))
    guardian = db.session.scalars(
        sa.select(m.Guardian).join(m.StudentGuardian, m.StudentGuardian.guardian_id == m.Guardian.id)
        .where(m.StudentGuardian.student_id == student_id)
    ).first()
    parent = db.session.get(m.User, guardian.user_id) if guardian and guardian.user_id else None
    if parent is None:  # give this student's guardian an account for the benchmark (a scratch copy is fine)
        from flask_security import hash_password

        from schema.db import audit_context
        from security import policy

        role = db.session.scalar(sa.select(m.Role).where(m.Role.name == policy.PARENT))
        parent = m.User(school_id=school_class.school_id, email=f"bench-parent-{student_id}@liceul-demo.ro",
                        first_name=guardian.first_name, last_name=guardian.last_name, active=True,
                        fs_uniquifier=secrets.token_hex(16), password=hash_password(secrets.token_urlsafe(16)),
                        roles=[role])
        with audit_context(reason="benchmark parent account"):
            db.session.add(parent)
            db.session.flush()
            guardian.user_id = parent.id
            db.session.commit()
    auditor = next(u for u in db.session.scalars(sa.select(m.User)) if "auditor" in {r.name for r in u.roles})
    from schema.db import audit_context
    from security.auth import naive_utc_now

    people = [db.session.get(m.User, teacher_id), db.session.get(m.User, school_class.class_master_id), parent, auditor]
    with audit_context(reason="benchmark: the one-time demo passwords count as changed"):
        for user in people:
            user.must_change_password = False
            user.password_changed_at = naive_utc_now()
        db.session.commit()
    return {
        "year": year, "period": period, "class": school_class, "entry": entry, "student_id": student_id,
        "teacher": db.session.get(m.User, teacher_id), "master": db.session.get(m.User, school_class.class_master_id),
        "parent": parent, "auditor": auditor, "class_size": sizes[0][1],
    }


def run(students: int, seed: int, requests: int) -> None:
    import shutil
    import tempfile

    source = demo_database(students, seed)
    scratch = Path(tempfile.mkdtemp()) / "bench-pages.db"
    shutil.copy(source.removeprefix("sqlite:///"), scratch)  # the benchmark may add a parent account
    os.environ.update({k: v for k, v in _secrets_env().items() if k.startswith("CATALOG_")})
    from portal import create_app
    from portal.demo.seed import DEMO_TODAY
    from schema import models as m
    from schema.models import db

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{scratch}", "SERVER_NAME": "localhost"})
    import security.access

    security.access.today = lambda: DEMO_TODAY
    with app.app_context():
        picked = _pick_subjects(db, m)
        period, school_class = picked["period"], picked["class"]
        pages = [
            ("grade grid", picked["teacher"], f"/catalogul-meu/{picked['entry'].id}?perioada={period.id}"),
            ("class overview", picked["master"], f"/diriginte/clasa/{school_class.id}?perioada={period.id}"),
            ("parent page", picked["parent"], f"/situatie/elev/{picked['student_id']}?an={picked['year'].name}"),
            ("history (marks)", picked["auditor"], "/istoric/?tabel=marks"),
            ("history (all)", picked["auditor"], "/istoric/"),
        ]
        clients = {label: _client(app, user) for label, user, _ in pages}
        print(f"demo school: {students} students, seed {seed}; class {school_class.name} ({picked['class_size']} "
              f"students), {picked['entry'].subject.name}, {period.name} {picked['year'].name}; "
              f"{requests} requests per page after 3 warm-ups")
    for label, _user, url in pages:
        client = clients[label]
        timings = []
        for attempt in range(requests + 3):
            started = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                raise SystemExit(f"{label}: {url} answered {response.status_code}")
            if attempt >= 3:
                timings.append(elapsed)
        timings.sort()
        p95 = timings[min(len(timings) - 1, int(round(0.95 * len(timings))) - 1)]
        print(f"  {label:16} median {statistics.median(timings):6.1f} ms   p95 {p95:6.1f} ms   "
              f"({len(response.data) // 1024} KiB)  {url}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()
    run(args.students, args.seed, args.requests)


if __name__ == "__main__":
    main()
