"""Full / verify / restore round trip on PostgreSQL (pg_dump -Fc, pg_restore); incremental is
refused there without pgBackRest. Runs with CATALOG_TEST_DATABASE=postgresql."""

from __future__ import annotations

import json
import shutil
from datetime import date

import pytest
import sqlalchemy as sa

from cron.backup import postgres_fingerprints
from schema.models import db
from tests.conftest import BACKEND, make_test_app, new_database_url

pytestmark = [
    pytest.mark.skipif(BACKEND != "postgresql", reason="PostgreSQL backups; run with CATALOG_TEST_DATABASE=postgresql"),
    pytest.mark.skipif(shutil.which("pg_dump") is None, reason="pg_dump is not installed"),
]


def _fingerprints(url: str) -> dict:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return postgres_fingerprints(connection)
    finally:
        engine.dispose()


def test_full_verify_restore_round_trip(tmp_path):
    from schema.operations.marks import change_mark, record_mark
    from tests.factories import build_school

    source_url, drop_source = new_database_url(str(tmp_path))
    target_url, drop_target = new_database_url(str(tmp_path))
    (tmp_path / "offsite").mkdir()
    app = make_test_app(source_url, CATALOG_BACKUP_DIR=str(tmp_path / "backups"),
                        CATALOG_OFFSITE_TARGET=str(tmp_path / "offsite"))
    runner = app.test_cli_runner()
    try:
        with app.app_context():
            db.create_all()
            school = build_school()
            for index in range(15):
                mark = record_mark(school.teacher, school.enrolment, school.maths, given_on=date(2025, 10, 1 + index),
                                   value=index % 10 + 1)
            change_mark(school.teacher, mark, reason="corectură", value=10)

            result = runner.invoke(args=["backup", "full"])
            assert result.exit_code == 0, result.output
            backup_dir = next((tmp_path / "backups").iterdir())
            manifest = json.loads((backup_dir / "manifest.json").read_text())
            assert manifest["backend"] == "postgresql" and manifest["tables"]["marks"]["rows"] == 15
            assert manifest["tables"]["marks_version"]["rows"] == 16
            assert (tmp_path / "offsite" / backup_dir.name / "catalog.dump").is_file()

            result = runner.invoke(args=["backup", "verify"])
            assert result.exit_code == 0, result.output
            assert "Verificare reușită" in result.output

            result = runner.invoke(args=["backup", "incremental"])
            assert result.exit_code != 0
            assert "pgBackRest" in result.output

            result = runner.invoke(args=["backup", "restore", "--target", target_url])
            assert result.exit_code == 0, result.output
            refused = runner.invoke(args=["backup", "restore", "--target", target_url])
            assert refused.exit_code != 0 and "nu este goală" in refused.output
            db.session.remove()
            db.engine.dispose()
        assert _fingerprints(target_url) == _fingerprints(source_url) == manifest["tables"]
    finally:
        drop_source()
        drop_target()


def test_verify_detects_a_tampered_manifest(tmp_path):
    source_url, drop_source = new_database_url(str(tmp_path))
    app = make_test_app(source_url, CATALOG_BACKUP_DIR=str(tmp_path / "backups"))
    runner = app.test_cli_runner()
    try:
        with app.app_context():
            db.create_all()
            from tests.factories import build_school

            build_school()
            assert runner.invoke(args=["backup", "full"]).exit_code == 0
            backup_dir = next((tmp_path / "backups").iterdir())
            manifest_path = backup_dir / "manifest.json"
            manifest = json.loads(manifest_path.read_text())
            manifest["tables"]["students"]["rows"] += 1
            manifest_path.write_text(json.dumps(manifest))
            result = runner.invoke(args=["backup", "verify"])
            assert result.exit_code != 0
            assert "DIFERENȚĂ students" in result.output
            db.session.remove()
            db.engine.dispose()
    finally:
        drop_source()


def test_replication_check_fails_on_a_server_without_a_synchronous_standby(database_url):
    """The test server has no standby: the check must say so and exit 1."""
    from cron.check_replication import main

    assert main(["check_replication", database_url]) == 1
