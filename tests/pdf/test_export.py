"""`flask export year`: one catalog PDF per class and a manifest whose hashes match the files."""

from __future__ import annotations

import hashlib
import json

import pytest
import sqlalchemy as sa

from schema.models import SchoolClass, SchoolYear, db
from tests.pdf import dispose, pages_text, seeded_demo


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    app, drop = seeded_demo(tmp_path_factory.mktemp("export"))
    yield app
    dispose(app, drop)


@pytest.mark.slow
def test_export_year_writes_every_catalog_and_a_matching_manifest(demo, tmp_path):
    from pdf.documents import ascii_slug

    out = tmp_path / "arhiva"
    with demo.app_context():
        result = demo.test_cli_runner().invoke(args=["export", "year", "--year", "2025-2026", "--out", str(out),
                                                     "--workers", "2"])
        assert result.exit_code == 0, result.output
        year = db.session.scalar(sa.select(SchoolYear).where(SchoolYear.name == "2025-2026"))
        classes = db.session.scalars(sa.select(SchoolClass).where(SchoolClass.year_id == year.id)).all()
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["year"] == "2025-2026"
    assert manifest["alembic_revision"] is None  # the test schema comes from create_all, not Alembic
    assert manifest["generated_at"]
    expected = {f"2025-2026_{ascii_slug(c.name)}.pdf" for c in classes}
    assert "2025-2026_a-V-a-A.pdf" in expected
    assert {entry["file"] for entry in manifest["files"]} == expected
    assert sorted(p.name for p in out.iterdir()) == sorted([*expected, "manifest.json"])  # no temp dir left
    for entry in manifest["files"]:
        data = (out / entry["file"]).read_bytes()
        assert entry["size"] == len(data)
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert data.startswith(b"%PDF")
    by_id = {c.id: c.name for c in classes}
    sample = manifest["files"][0]
    assert f"CATALOGUL CLASEI {by_id[sample['class_id']]}" in pages_text((out / sample["file"]).read_bytes())[0]


def test_export_refuses_an_unknown_year_and_writes_nothing(demo, tmp_path):
    out = tmp_path / "arhiva"
    with demo.app_context():
        result = demo.test_cli_runner().invoke(args=["export", "year", "--year", "2030-2031", "--out", str(out)])
    assert result.exit_code != 0
    assert "nu are anul școlar 2030-2031" in result.output
    assert not out.exists() or list(out.iterdir()) == []


def test_export_refuses_a_directory_with_a_manifest(demo, tmp_path):
    (tmp_path / "manifest.json").write_text("{}", encoding="utf-8")
    with demo.app_context():
        result = demo.test_cli_runner().invoke(args=["export", "year", "--year", "2025-2026", "--out", str(tmp_path)])
    assert result.exit_code != 0 and "există deja" in result.output
    assert (tmp_path / "manifest.json").read_text(encoding="utf-8") == "{}"
    assert [p.name for p in tmp_path.iterdir()] == ["manifest.json"]
