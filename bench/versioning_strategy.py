"""Write cost of SQLAlchemy-Continuum's versioning strategies on our real Mark model.

    .venv/bin/python bench/versioning_strategy.py [--marks 10000] [--backend sqlite|postgresql|both]
                                                  [--updates 1000] [--small-tx N] [--repeat 1]

For every backend and every mode the measurement runs in a fresh subprocess against a fresh
database, because Continuum's strategy is a process-wide option that shapes the version tables
when `schema.models` configures the mappers. Modes:

* ``none``     — the same ORM code path (``add_all`` + commit, our flush invariants included) with
  Continuum switched off after configuration (``versioning_manager.options["versioning"] = False``):
  its listeners still fire but return at once, so no transaction or version rows are written.
  This is the baseline of the ratios.
* ``core``     — plain Core ``insert()``/``update()`` executemany on the ``marks`` table: no ORM, no
  flush invariants and no Continuum (Core statements on non-association tables are not versioned).
  Shown for reference only.
* ``validity`` — Continuum's default strategy (``end_transaction_id`` kept up to date at flush).
* ``subquery`` — what schema/db.py chose (``VERSIONING_STRATEGY``).

Each worker builds a school (year, semester, one class of 30 enrolled students, one curriculum
entry, one teacher) and measures, on the marks table:

1. ``bulk``:    N marks imported in ONE transaction (``add_all`` + commit in ``audit_context``);
2. ``small``:   N/10 transactions of 10 marks each (the same total number of marks);
3. ``update``:  1,000 of the bulk marks changed in ONE transaction (with a reason, as required);
4. ``history``: (versioned modes) ``changeset`` of the latest version of each updated mark, i.e. one
   ``previous`` lookup per version — the read that differs between the two strategies.

Building the Mark objects happens before the timer starts; the timer covers add/flush/commit.
The period, class and enrolments are kept loaded in the session, as an import or a request holds
them; otherwise schema/invariants.py re-reads them with three SELECTs per mark.
With the defaults the whole run takes about 2 minutes on 2 cores.
Scratch PostgreSQL databases (``bench_versioning_<random>``) are dropped at the end, also on failure.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MODES = ("none", "core", "validity", "subquery")
BASELINE = "none"
STUDENTS = 30
RESULT_PREFIX = "BENCH_RESULT "
DEFAULT_ADMIN_URL = os.environ.get("CATALOG_TEST_POSTGRES_ADMIN_URL", "postgresql://postgres@localhost:5432/postgres")

PERIOD_START = date(2025, 9, 8)
PERIOD_END = date(2026, 1, 30)
INSTRUMENTS = ("oral", "written", "test", "practical", "project")


# --------------------------------------------------------------------------------------------
# Worker: one mode, one database, one process.
# --------------------------------------------------------------------------------------------


def _mark_rows(count: int, *, seed: int, ids: dict[str, Any]) -> list[dict[str, Any]]:
    """`count` valid marks (1–10, dates inside the semester), spread over the 30 students."""
    rng = random.Random(seed)
    days = (PERIOD_END - PERIOD_START).days
    enrolments = ids["enrolment_ids"]
    return [
        {
            "school_id": ids["school_id"],
            "enrolment_id": enrolments[i % len(enrolments)],
            "class_id": ids["class_id"],
            "curriculum_entry_id": ids["curriculum_entry_id"],
            "period_id": ids["period_id"],
            "teacher_id": ids["teacher_id"],
            "value": rng.randint(1, 10),
            "given_on": PERIOD_START + timedelta(days=rng.randrange(days + 1)),
            "kind": "regular",
            "instrument": rng.choice(INSTRUMENTS),
            "is_fraud": False,
            "entered_late": False,
        }
        for i in range(count)
    ]


def _build_school(db: Any) -> dict[str, Any]:
    """School, year, semester, grade, class of STUDENTS enrolled students, subject, curriculum,
    teacher and teaching assignment; returns the ids the marks need."""
    from schema.cnp import make_cnp
    from schema.db import audit_context
    from schema.models import (
        CurriculumEntry,
        Enrolment,
        GradeLevel,
        LearningPeriod,
        Role,
        School,
        SchoolClass,
        SchoolYear,
        Student,
        Subject,
        TeachingAssignment,
        User,
    )
    from security import policy
    from security.roles import sync_roles

    session = db.session
    sync_roles()
    with audit_context(reason="bench setup"):
        school = School(
            name="Școala Gimnazială „Bench”", siiir_code=uuid.uuid4().hex[:10], county="Iași", locality="Iași"
        )
        session.add(school)
        session.flush()
        teacher_role = session.scalars(db.select(Role).filter_by(name=policy.TEACHER)).one()
        teacher = User(
            school_id=school.id,
            email=f"{uuid.uuid4().hex[:8]}@scoala.test",
            first_name="Ion",
            last_name="Vasilescu",
            active=True,
            fs_uniquifier=uuid.uuid4().hex,
            roles=[teacher_role],
        )
        year = SchoolYear(
            school_id=school.id,
            name="2025-2026",
            starts_on=date(2025, 9, 1),
            ends_on=date(2026, 8, 31),
            period_kind="semester",
            ruleset="rofuip2016",
        )
        grade = GradeLevel(
            school_id=school.id, code=5, name="a V-a", education_level="gimnazial", evaluation_scale="marks"
        )
        subject = Subject(school_id=school.id, name="Matematică", short_name="MAT")
        session.add_all([teacher, year, grade, subject])
        session.flush()
        semester = LearningPeriod(
            school_id=school.id,
            year_id=year.id,
            ordinal=1,
            name="Semestrul I",
            starts_on=PERIOD_START,
            ends_on=PERIOD_END,
            teaching_weeks=18,
        )
        school_class = SchoolClass(school_id=school.id, year_id=year.id, grade_level_id=grade.id, name="a V-a A")
        session.add_all([semester, school_class])
        session.flush()
        entry = CurriculumEntry(school_id=school.id, class_id=school_class.id, subject_id=subject.id, weekly_hours=4)
        session.add(entry)
        session.flush()
        session.add(TeachingAssignment(school_id=school.id, curriculum_entry_id=entry.id, teacher_id=teacher.id))
        students = []
        for serial in range(1, STUDENTS + 1):
            birth = date(2014, 1 + serial % 12, 1 + serial % 28)
            sex = "F" if serial % 2 else "M"
            students.append(
                Student(
                    school_id=school.id,
                    cnp=make_cnp(birth, sex, "22", serial),
                    birth_date=birth,
                    sex=sex,
                    last_name=f"Elev{serial:02d}",
                    first_name="Andrei" if sex == "M" else "Ioana",
                )
            )
        session.add_all(students)
        session.flush()
        enrolments = [
            Enrolment(
                school_id=school.id,
                student_id=student.id,
                year_id=year.id,
                class_id=school_class.id,
                starts_on=PERIOD_START,
            )
            for student in students
        ]
        session.add_all(enrolments)
        session.commit()
    return {
        "school_id": school.id,
        "teacher_id": teacher.id,
        "class_id": school_class.id,
        "curriculum_entry_id": entry.id,
        "period_id": semester.id,
        "enrolment_ids": [e.id for e in enrolments],
    }


def _load_context(db: Any, ids: dict[str, Any]) -> list[Any]:
    """Load the period, class, curriculum entry and enrolments into the current session and
    return them, so they stay in its identity map for the flush invariants (schema/invariants.py
    looks them up with `session.get`). An import or a request that has resolved its students
    holds these objects anyway; without them every new mark costs three extra SELECTs."""
    from schema.models import CurriculumEntry, Enrolment, LearningPeriod, SchoolClass

    session = db.session
    context = [
        session.get(LearningPeriod, ids["period_id"]),
        session.get(SchoolClass, ids["class_id"]),
        session.get(CurriculumEntry, ids["curriculum_entry_id"]),
    ]
    context += session.scalars(db.select(Enrolment).where(Enrolment.id.in_(ids["enrolment_ids"]))).all()
    return context


def _orm_runs(db: Any, ids: dict[str, Any], args: argparse.Namespace) -> dict[str, float]:
    import sqlalchemy as sa
    import sqlalchemy_continuum

    from schema.db import audit_context
    from schema.models import Mark

    db.session.remove()
    session = db.session
    teacher_id = ids["teacher_id"]
    timings: dict[str, float] = {}
    context = _load_context(db, ids)

    # 1. One big import transaction.
    marks = [Mark(**row) for row in _mark_rows(args.marks, seed=1, ids=ids)]
    start = time.perf_counter()
    with audit_context(reason="Import note din fișier", user_id=teacher_id):
        session.add_all(marks)
        session.commit()
    timings["bulk"] = time.perf_counter() - start
    bulk_ids = sorted(sa.inspect(m).identity[0] for m in marks[: args.updates])  # no refresh SELECTs
    del marks
    db.session.remove()

    # 2. Many small transactions (what the UI does), same total number of marks.
    session = db.session
    context = _load_context(db, ids)
    rows = _mark_rows(args.small_tx * 10, seed=2, ids=ids)
    batches = [[Mark(**row) for row in rows[i : i + 10]] for i in range(0, len(rows), 10)]
    batches.reverse()
    start = time.perf_counter()
    while batches:
        # pop(): committed marks are not kept alive, as after a request; otherwise every commit
        # would expire all earlier marks still in the identity map (quadratic, not Continuum).
        batch = batches.pop()
        with audit_context(reason="Note la oră", user_id=teacher_id):
            session.add_all(batch)
            session.commit()
    timings["small"] = time.perf_counter() - start
    del batch
    db.session.remove()

    # 3. Change `updates` of the bulk marks in one transaction; modifications need a reason.
    session = db.session
    context = _load_context(db, ids)
    to_change = session.scalars(db.select(Mark).where(Mark.id.in_(bulk_ids))).all()
    start = time.perf_counter()
    with audit_context(reason="Corectare după contestație", user_id=teacher_id):
        for mark in to_change:
            mark.value = mark.value % 10 + 1
        session.commit()
    timings["update"] = time.perf_counter() - start
    del context, to_change
    db.session.remove()

    # 4. History read (versioned modes): the changeset (old -> new) of the latest version of each
    #    updated mark; each needs one `previous` lookup, the query that differs between strategies.
    if sqlalchemy_continuum.versioning_manager.options["versioning"]:
        mark_version = sqlalchemy_continuum.version_class(Mark)
        session = db.session
        versions = session.scalars(
            db.select(mark_version).where(
                mark_version.id.in_(bulk_ids), mark_version.operation_type == sqlalchemy_continuum.Operation.UPDATE
            )
        ).all()
        start = time.perf_counter()
        changesets = [version.changeset for version in versions]
        timings["history"] = time.perf_counter() - start
        if len(changesets) != len(bulk_ids) or not all("value" in c for c in changesets):
            raise RuntimeError("history check failed: an updated mark has no value change in its changeset")
        db.session.remove()
    return timings


def _core_runs(db: Any, ids: dict[str, Any], args: argparse.Namespace) -> dict[str, float]:
    import sqlalchemy as sa

    from schema.db import utc_now
    from schema.models import Mark

    marks = Mark.__table__
    timings: dict[str, float] = {}

    def stamped(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        now = utc_now()
        return [row | {"created_at": now} for row in rows]

    rows = _mark_rows(args.marks, seed=1, ids=ids)
    start = time.perf_counter()
    with db.engine.begin() as connection:
        connection.execute(sa.insert(marks), stamped(rows))
    timings["bulk"] = time.perf_counter() - start

    rows = _mark_rows(args.small_tx * 10, seed=2, ids=ids)
    batches = [rows[i : i + 10] for i in range(0, len(rows), 10)]
    start = time.perf_counter()
    for batch in batches:
        with db.engine.begin() as connection:
            connection.execute(sa.insert(marks), stamped(batch))
    timings["small"] = time.perf_counter() - start

    with db.engine.connect() as connection:
        current = connection.execute(
            sa.select(marks.c.id, marks.c.value).order_by(marks.c.id).limit(args.updates)
        ).all()
    params = [{"b_id": mark_id, "b_value": value % 10 + 1} for mark_id, value in current]
    statement = sa.update(marks).where(marks.c.id == sa.bindparam("b_id")).values(value=sa.bindparam("b_value"))
    start = time.perf_counter()
    with db.engine.begin() as connection:
        connection.execute(statement, params)
    timings["update"] = time.perf_counter() - start
    return timings


def run_worker(args: argparse.Namespace) -> None:
    sys.path.insert(0, str(PROJECT_ROOT))
    import sqlalchemy as sa
    import sqlalchemy_continuum

    import schema.db

    project_strategy = schema.db.VERSIONING_STRATEGY
    if args.mode in ("validity", "subquery"):
        sqlalchemy_continuum.versioning_manager.options["strategy"] = args.mode
    import schema.models  # noqa: F401  (configure_mappers builds the version classes here)

    if args.mode in ("none", "core"):
        sqlalchemy_continuum.versioning_manager.options["versioning"] = False

    from portal import create_app
    from schema.models import Mark, db

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": args.url, "MAIL_SUPPRESS_SEND": True})
    with app.app_context():
        db.create_all()
        inspector = sa.inspect(db.engine)
        version_columns = {c["name"] for c in inspector.get_columns("marks_version")}
        with db.engine.connect() as connection:
            if db.engine.dialect.name == "sqlite":
                journal = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
                server = "SQLite " + connection.exec_driver_sql("select sqlite_version()").scalar()
            else:
                journal = "-"
                server = "PostgreSQL " + connection.exec_driver_sql("SHOW server_version").scalar().split()[0]

        ids = _build_school(db)
        with db.engine.connect() as connection:
            transactions_before = connection.execute(sa.text('SELECT count(*) FROM "transaction"')).scalar()
        timings = (_core_runs if args.mode == "core" else _orm_runs)(db, ids, args)

        version_table = sa.Table("marks_version", sa.MetaData(), autoload_with=db.engine)
        with db.engine.connect() as connection:
            counts = {
                "marks": connection.execute(sa.select(sa.func.count()).select_from(Mark.__table__)).scalar(),
                "marks_version": connection.execute(sa.select(sa.func.count()).select_from(version_table)).scalar(),
                "transactions": connection.execute(sa.text('SELECT count(*) FROM "transaction"')).scalar()
                - transactions_before,
            }
        db.session.remove()
        db.engine.dispose()

    result = {
        "mode": args.mode,
        "strategy_option": sqlalchemy_continuum.versioning_manager.options["strategy"],
        "project_strategy": project_strategy,
        "end_transaction_id": "end_transaction_id" in version_columns,
        "journal_mode": journal,
        "server": server,
        "timings": timings,
        "counts": counts,
    }
    print(RESULT_PREFIX + json.dumps(result), flush=True)


# --------------------------------------------------------------------------------------------
# Driver: scratch databases, subprocesses, table.
# --------------------------------------------------------------------------------------------


class ScratchPostgres:
    """Creates `bench_versioning_<random>` databases and drops every one of them on close."""

    def __init__(self, admin_url: str) -> None:
        import sqlalchemy as sa

        self._sa = sa
        self.admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
        self.admin_url = sa.make_url(admin_url)
        self.created: list[str] = []

    def create(self) -> str:
        name = f"bench_versioning_{uuid.uuid4().hex[:10]}"
        with self.admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        self.created.append(name)
        return self.admin_url.set(database=name).render_as_string(hide_password=False)

    def drop(self, url: str) -> None:
        name = self._sa.make_url(url).database
        with self.admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if name in self.created:
            self.created.remove(name)

    def close(self) -> None:
        failures = []
        for name in list(self.created):
            try:
                with self.admin.connect() as connection:
                    connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                self.created.remove(name)
            except Exception as exc:  # keep dropping the others
                failures.append(f"{name}: {exc}")
        self.admin.dispose()
        if failures:
            print("WARNING: could not drop scratch databases:\n  " + "\n  ".join(failures), file=sys.stderr)


def _spawn_worker(mode: str, url: str, args: argparse.Namespace) -> dict[str, Any]:
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--worker",
        "--mode", mode,
        "--url", url,
        "--marks", str(args.marks),
        "--small-tx", str(args.small_tx),
        "--updates", str(args.updates),
    ]  # fmt: skip
    env = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT), PYTHONWARNINGS="ignore")
    process = subprocess.Popen(
        command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        stdout, stderr = process.communicate(timeout=args.timeout)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    if process.returncode != 0:
        raise RuntimeError(f"worker {mode} failed (exit {process.returncode}):\n{stderr[-4000:]}")
    for line in stdout.splitlines():
        if line.startswith(RESULT_PREFIX):
            return json.loads(line[len(RESULT_PREFIX) :])
    raise RuntimeError(f"worker {mode} printed no result:\n{stdout[-2000:]}\n{stderr[-2000:]}")


def _cell(seconds: float, baseline: float | None) -> str:
    if baseline:
        ratio = seconds / baseline
        return f"{seconds:7.3f} (×{ratio:.2f})" if ratio < 1 else f"{seconds:7.3f} (×{ratio:.1f})"
    return f"{seconds:7.3f}"


def _print_table(results: list[tuple[str, dict[str, Any]]], args: argparse.Namespace) -> None:
    headers = (
        f"{args.marks:,} marks, 1 tx",
        f"{args.small_tx:,} tx × 10 marks",
        f"update {args.updates:,} marks, 1 tx",
        f"history: {args.updates:,} changesets",
    )
    labels = {
        "none": "unversioned (ORM, Continuum off)",
        "core": "unversioned (Core insert/update)",
        "validity": "Continuum validity",
        "subquery": "Continuum subquery",
    }
    rows = []
    for backend, result in results:
        base = next((r for b, r in results if b == backend and r["mode"] == BASELINE), None)
        cells = []
        for key in ("bulk", "small", "update"):
            baseline = base["timings"][key] if base else None
            cells.append(_cell(result["timings"][key], baseline))
        cells.append(f"{result['timings']['history']:7.3f}" if "history" in result["timings"] else "      –")
        counts = result["counts"]
        rows.append(
            (result["server"] + (f" ({result['journal_mode']})" if result["journal_mode"] != "-" else ""),
             labels[result["mode"]], *cells, f"{counts['marks_version']:,} / {counts['transactions']:,}")
        )  # fmt: skip
    columns = ("backend", "mode", *headers, "version rows / tx")
    widths = [max(len(str(row[i])) for row in [columns, *rows]) for i in range(len(columns))]

    def line(values: tuple[str, ...]) -> str:
        return "| " + " | ".join(str(v).ljust(w) for v, w in zip(values, widths, strict=True)) + " |"

    print(line(columns))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print(line(row))
    print()
    runs = "one run per cell" if args.repeat == 1 else f"median of {args.repeat} runs per cell"
    print(f"Seconds (ratio to 'unversioned (ORM, Continuum off)' on the same database); {runs}.")
    print("ORM rows: add_all + commit inside audit_context, flush invariants on; Mark objects built before the timer.")
    print("The period, class and 30 enrolments are loaded in the session (as an import or request would have them);")
    print("in the 10-mark transactions they expire at each commit and the invariants read them again.")
    print("Core rows: plain insert()/update() executemany on `marks` — no ORM, no invariants, not versioned by")
    print("Continuum (Core statements on non-association tables are not tracked); for reference only.")
    print("'history' = Version.changeset of each updated mark's latest version (one `previous` lookup each); no ratio,")
    print("unversioned rows have no history. 'version rows / tx' = marks_version rows and Continuum transactions")
    print("written.")


def run_driver(args: argparse.Namespace) -> int:
    import sqlalchemy
    import sqlalchemy_continuum

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    modes = tuple(m for m in MODES if m in args.modes)
    print(
        f"Continuum write cost on Mark — {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, SQLAlchemy {sqlalchemy.__version__}, "
        f"SQLAlchemy-Continuum {sqlalchemy_continuum.__version__}"
    )
    results: list[tuple[str, dict[str, Any]]] = []
    postgres = ScratchPostgres(args.postgres_admin_url) if "postgresql" in backends else None
    started = time.perf_counter()
    try:
        with tempfile.TemporaryDirectory(prefix="bench_versioning_") as tmp:
            for backend in backends:
                for mode in modes:
                    runs = []
                    for run in range(args.repeat):
                        if backend == "sqlite":
                            url = f"sqlite:///{Path(tmp) / f'{mode}-{run}.db'}"
                        else:
                            assert postgres is not None
                            url = postgres.create()
                        try:
                            result = _spawn_worker(mode, url, args)
                        finally:
                            if backend == "postgresql" and postgres is not None:
                                postgres.drop(url)
                        runs.append(result)
                        timings = result["timings"]
                        print(
                            f"  {backend:10} {mode:8} bulk {timings['bulk']:.3f}s  small {timings['small']:.3f}s  "
                            f"update {timings['update']:.3f}s  "
                            + (f"history {timings['history']:.3f}s  " if "history" in timings else "")
                            + "(end_transaction_id column: "
                            f"{'yes' if result['end_transaction_id'] else 'no'})",
                            flush=True,
                        )
                    combined = dict(runs[0])
                    combined["timings"] = {
                        key: statistics.median(r["timings"][key] for r in runs) for key in runs[0]["timings"]
                    }
                    results.append((backend, combined))
    finally:
        if postgres is not None:
            postgres.close()
    print(f"Total {time.perf_counter() - started:.0f} s.\n")
    _print_table(results, args)
    if results:
        project = results[0][1]["project_strategy"]
        print(f"Project setting: schema.db.VERSIONING_STRATEGY = {project!r}.")
    for backend in backends:
        by_mode = {r["mode"]: r["timings"] for b, r in results if b == backend}
        if "validity" in by_mode and "subquery" in by_mode:
            keys = ("bulk", "small", "update", "history")
            slower = [k for k in keys if by_mode["subquery"][k] > by_mode["validity"][k]]
            if slower:
                print(f"NOTE ({backend}): subquery was SLOWER than validity on: {', '.join(slower)}.")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--marks", type=int, default=10_000, help="marks imported in one transaction (default 10000)")
    parser.add_argument(
        "--small-tx", type=int, default=None, help="transactions of 10 marks each (default: marks / 10, i.e. 1000)"
    )
    parser.add_argument("--updates", type=int, default=1_000, help="marks changed in one transaction (default 1000)")
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--modes", nargs="+", choices=MODES, default=list(MODES), help="modes to run (default: all)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per cell, median reported (default 1)")
    parser.add_argument("--postgres-admin-url", default=DEFAULT_ADMIN_URL)
    parser.add_argument("--timeout", type=float, default=600, help="seconds allowed per worker")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--mode", choices=MODES, help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.small_tx is None:
        args.small_tx = max(1, args.marks // 10)
    args.updates = min(args.updates, args.marks)
    if args.marks < 1 or args.repeat < 1:
        parser.error("--marks and --repeat must be at least 1")
    if args.worker:
        run_worker(args)
        return 0
    return run_driver(args)


if __name__ == "__main__":
    sys.exit(main())
