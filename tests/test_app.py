"""The app factory's configuration rules, and a real HTTPS boot of the portal."""

from __future__ import annotations

import os
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from portal import create_app
from portal.config import SECRET_VARIABLES, ConfigError, load_config
from portal.devtools import write_local_secrets, write_self_signed_certificate

ROOT = Path(__file__).resolve().parent.parent
GOOD = {name: f"{name.lower()}-a-real-random-secret-value-123" for name in SECRET_VARIABLES}


@pytest.mark.parametrize("missing", SECRET_VARIABLES)
def test_outside_testing_a_missing_secret_stops_the_boot_and_is_named(missing, tmp_path):
    environ = {name: value for name, value in GOOD.items() if name != missing}
    with pytest.raises(ConfigError, match=missing):
        load_config(environ, instance_path=str(tmp_path), testing=False)


@pytest.mark.parametrize("weak", ["changeme", "secret", "short-one"])
def test_placeholder_or_short_secrets_are_refused(weak, tmp_path):
    environ = GOOD | {"CATALOG_SECRET_KEY": weak}
    with pytest.raises(ConfigError, match="CATALOG_SECRET_KEY is not a real secret"):
        load_config(environ, instance_path=str(tmp_path), testing=False)


def test_configuration_comes_from_catalog_variables(tmp_path):
    environ = GOOD | {"CATALOG_DATABASE_URL": "postgres://u@db/catalog", "CATALOG_TRUSTED_PROXIES": "1"}
    config = load_config(environ, instance_path=str(tmp_path), testing=False)
    assert config["SECRET_KEY"] == GOOD["CATALOG_SECRET_KEY"]
    assert config["SECURITY_PASSWORD_SALT"] == GOOD["CATALOG_PASSWORD_SALT"]
    assert config["SECURITY_TOTP_SECRETS"] == {"1": GOOD["CATALOG_TOTP_SECRET"]}
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql://u@db/catalog"
    assert config["SESSION_COOKIE_SECURE"] is True


def test_sqlite_is_the_default_database(tmp_path):
    config = load_config(GOOD, instance_path=str(tmp_path), testing=False)
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'catalog.db'}"


def test_junk_in_a_numeric_variable_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="CATALOG_TRUSTED_PROXIES"):
        load_config(GOOD | {"CATALOG_TRUSTED_PROXIES": "many"}, instance_path=str(tmp_path), testing=False)


def test_sqlite_runs_with_wal_and_foreign_keys(app):
    from schema.models import db

    with db.engine.connect() as connection:
        if connection.dialect.name != "sqlite":
            pytest.skip("SQLite pragmas")
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_create_app_refuses_to_boot_without_secrets(monkeypatch):
    for name in SECRET_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ConfigError, match="CATALOG_SECRET_KEY"):
        create_app()


def test_local_secrets_are_written_once(tmp_path):
    path = tmp_path / "secrets.env"
    assert write_local_secrets(path) is True
    first = path.read_text()
    assert write_local_secrets(path) is False
    assert path.read_text() == first
    assert all(f"{name}=" in first for name in SECRET_VARIABLES)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_the_portal_boots_and_the_login_page_answers_over_https(tmp_path):
    """What `make run` does, minus the demo data: secrets, migrations, certificate, HTTPS server."""
    secrets_file = tmp_path / "secrets.env"
    write_local_secrets(secrets_file)
    write_self_signed_certificate(tmp_path)
    env = dict(os.environ)
    env.update(line.split("=", 1) for line in secrets_file.read_text().splitlines() if "=" in line and not line.startswith("#"))
    env["CATALOG_DATABASE_URL"] = f"sqlite:///{tmp_path / 'catalog.db'}"
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    port = _free_port()
    server = subprocess.Popen(
        [*flask, "run", "--host", "127.0.0.1", "--port", str(port), "--cert", str(tmp_path / "dev-cert.pem"),
         "--key", str(tmp_path / "dev-key.pem")],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    context = ssl.create_default_context(cafile=str(tmp_path / "dev-cert.pem"))
    try:
        body = None
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"https://localhost:{port}/login", context=context, timeout=5) as response:
                    assert response.status == 200
                    body = response.read().decode()
                    break
            except (ConnectionError, urllib.error.URLError):
                time.sleep(0.2)
        assert body is not None, "the HTTPS server did not answer"
        assert 'name="password"' in body
    finally:
        server.terminate()
        server.wait(timeout=10)
