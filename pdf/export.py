"""End-of-year archive (issue 6 item 4; rules.md §6.1: the director prints, signs and archives the
catalog): one catalog PDF per class of a school year, and a manifest.json with the SHA-256 and size
of each file, the year, the Alembic revision of the database and the generation time.

xhtml2pdf serialises renders inside one process (stack.md §4 item 23), so the classes are rendered
by a ProcessPoolExecutor with the `spawn` start method. Each worker builds its own app with
portal.create_app from the same database URL and secrets, passed through its environment, and
renders by class id. Files are written to a temporary directory inside the output directory and
renamed into place only when every class has rendered; the manifest is written last, the same way,
so a failure leaves no partial manifest (and no half-written PDF).
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import shutil
import tempfile
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app

from pdf.documents import ascii_slug, romanian_key

MANIFEST = "manifest.json"


class ExportError(RuntimeError):
    """The export cannot run (unknown year or school, several schools, unusable directory)."""


# --- worker side -------------------------------------------------------------------------------
_worker_app: Flask | None = None


def _init_worker(environ: dict[str, str], testing: bool) -> None:
    """Runs once in each spawned worker: the same configuration, from the environment."""
    global _worker_app
    os.environ.update(environ)
    from portal import create_app

    _worker_app = create_app({"TESTING": True} if testing else None)


def _render_class(class_id: int, path: str) -> str:
    from pdf.documents.class_catalog import render_class_catalog

    assert _worker_app is not None, "worker not initialised"
    with _worker_app.app_context():
        data = render_class_catalog(class_id)
    Path(path).write_bytes(data)
    return path


# --- parent side -------------------------------------------------------------------------------
def worker_environment(app: Flask) -> dict[str, str]:
    """The variables a worker needs to build the same app: the database URL and the secrets."""
    config = app.config
    return {
        "CATALOG_DATABASE_URL": config["SQLALCHEMY_DATABASE_URI"],
        "CATALOG_SECRET_KEY": config["SECRET_KEY"],
        "CATALOG_PASSWORD_SALT": config["SECURITY_PASSWORD_SALT"],
        "CATALOG_TOTP_SECRET": config["SECURITY_TOTP_SECRETS"]["1"],
    }


def alembic_revision() -> str | None:
    """The database's Alembic revision (alembic_version), or None when the table is absent."""
    from schema.models import db

    if not sa.inspect(db.engine).has_table("alembic_version"):
        return None
    return db.session.scalar(sa.text("SELECT version_num FROM alembic_version"))


def classes_to_export(year_name: str, school_code: str | None) -> tuple[dict[str, Any], list[tuple[int, str]]]:
    """The school and the (class id, file name) pairs of a year, in grade and name order."""
    from schema.models import GradeLevel, School, SchoolClass, SchoolYear, db

    schools = db.session.scalars(sa.select(School).order_by(School.id)).all()
    if school_code is not None:
        schools = [s for s in schools if s.siiir_code == school_code]
        if not schools:
            raise ExportError(f"Nu există o școală cu codul SIIIR {school_code}.")
    elif len(schools) > 1:
        codes = ", ".join(s.siiir_code for s in schools)
        raise ExportError(f"Baza de date conține mai multe școli ({codes}); alegeți una cu --school COD_SIIIR.")
    if not schools:
        raise ExportError("Baza de date nu conține nicio școală.")
    school = schools[0]
    year = db.session.scalar(sa.select(SchoolYear).where(SchoolYear.school_id == school.id,
                                                          SchoolYear.name == year_name))
    if year is None:
        raise ExportError(f"Școala {school.name} nu are anul școlar {year_name}.")
    rows = db.session.execute(
        sa.select(SchoolClass.id, SchoolClass.name, GradeLevel.code)
        .join(GradeLevel, GradeLevel.id == SchoolClass.grade_level_id)
        .where(SchoolClass.year_id == year.id)
    ).all()
    rows = sorted(rows, key=lambda r: (r.code, romanian_key(r.name), r.id))
    names: set[str] = set()
    classes = []
    for class_id, name, _code in rows:
        file_name = f"{year.name}_{ascii_slug(name)}.pdf"
        if file_name in names:  # two names that differ only in diacritics
            file_name = f"{year.name}_{ascii_slug(name)}-{class_id}.pdf"
        names.add(file_name)
        classes.append((class_id, file_name))
    return {"name": school.name, "siiir_code": school.siiir_code, "year": year.name}, classes


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def export_year(year_name: str, out_dir: str | os.PathLike, *, school_code: str | None = None,
                workers: int | None = None, app: Flask | None = None) -> dict[str, Any]:
    """Render every class catalog of the year into `out_dir` and write the manifest; returns it."""
    app = app or current_app._get_current_object()
    school, classes = classes_to_export(year_name, school_code)
    if not classes:
        raise ExportError(f"Anul școlar {year_name} nu are clase.")
    revision = alembic_revision()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for _class_id, file_name in classes:
        if (out / file_name).exists():
            raise ExportError(f"{out / file_name} există deja; alegeți un director gol.")
    if (out / MANIFEST).exists():
        raise ExportError(f"{out / MANIFEST} există deja; alegeți un director gol.")
    workers = max(1, min(workers or os.cpu_count() or 1, len(classes)))
    staging = Path(tempfile.mkdtemp(prefix=".export-", dir=out))
    try:
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_init_worker,
                                 initargs=(worker_environment(app), app.testing)) as pool:
            futures = [pool.submit(_render_class, class_id, str(staging / file_name))
                       for class_id, file_name in classes]
            for future in futures:
                future.result()
        files = [{"file": file_name, "class_id": class_id, "size": (staging / file_name).stat().st_size,
                  "sha256": _sha256(staging / file_name)} for class_id, file_name in classes]
        manifest = {
            "document": "catalogul clasei",
            "school": school["name"],
            "siiir_code": school["siiir_code"],
            "year": school["year"],
            "alembic_revision": revision,
            "generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "files": files,
        }
        (staging / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        for entry in files:
            os.replace(staging / entry["file"], out / entry["file"])
        os.replace(staging / MANIFEST, out / MANIFEST)  # last: its presence means the export is whole
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return manifest
