"""Benchmark: the end-of-year documents on the 1,500-student demo school.

    .venv/bin/python bench/pdf.py [--students 1500] [--seed 2026] [--workers 2]

Uses the demo database bench/pages.py builds and caches (copied to a scratch file first) and prints
1. the time of one full-year catalog (catalogul clasei, 2025-2026) of the past year's class with the
   most students × subjects (target: under 10 s for 30 students × 15 subjects);
2. the time of the whole year export (`export year`, every class, a process pool of --workers).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# This file is bench/pdf.py: keep bench/ off the path, or `import pdf` (here and in the spawned
# export workers) would find this script instead of the pdf package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))


def _bench_pages():
    """bench/pages.py, imported by path (it caches the demo database)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_pages", ROOT / "bench" / "pages.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run(students: int, seed: int, workers: int) -> None:
    pages = _bench_pages()
    source = pages.demo_database(students, seed)
    scratch_dir = Path(tempfile.mkdtemp(prefix="bench-pdf-"))
    scratch = scratch_dir / "bench-pdf.db"
    shutil.copy(source.removeprefix("sqlite:///"), scratch)
    os.environ.update({k: v for k, v in pages._secrets_env().items() if k.startswith("CATALOG_")})
    os.environ["CATALOG_DATABASE_URL"] = f"sqlite:///{scratch}"
    import sqlalchemy as sa

    from pdf.documents.class_catalog import render_class_catalog
    from pdf.export import export_year
    from portal import create_app
    from schema.models import CurriculumEntry, Enrolment, SchoolClass, SchoolYear, db

    app = create_app()
    with app.app_context():
        year = db.session.scalar(sa.select(SchoolYear).order_by(SchoolYear.starts_on))
        sizes = db.session.execute(
            sa.select(SchoolClass.id, SchoolClass.name,
                      sa.select(sa.func.count()).where(Enrolment.class_id == SchoolClass.id).scalar_subquery(),
                      sa.select(sa.func.count()).where(CurriculumEntry.class_id == SchoolClass.id).scalar_subquery())
            .where(SchoolClass.year_id == year.id)
        ).all()
        class_id, name, class_students, subjects = max(sizes, key=lambda row: (row[2] * row[3], row[0]))
        started = time.perf_counter()
        data = render_class_catalog(class_id)
        one = time.perf_counter() - started
        print(f"demo school: {students} students, seed {seed}; year {year.name}, {len(sizes)} classes")
        print(f"one catalog: class {name}, {class_students} students x {subjects} subjects: {one:.1f} s "
              f"({len(data) // 1024} KiB)")
        out = scratch_dir / "export"
        started = time.perf_counter()
        manifest = export_year(year.name, out, workers=workers, app=app)
        whole = time.perf_counter() - started
        total = sum(f["size"] for f in manifest["files"])
        print(f"year export: {len(manifest['files'])} catalogs, {workers} worker processes: {whole:.1f} s "
              f"({total // 1024} KiB)")
    shutil.rmtree(scratch_dir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    run(args.students, args.seed, args.workers)


if __name__ == "__main__":
    main()
