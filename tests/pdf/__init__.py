"""Helpers of the document tests: a seeded demo school, text extraction, a network trap."""

from __future__ import annotations

import io
import socket
from contextlib import contextmanager

import sqlalchemy as sa

from schema.models import db
from tests.conftest import make_test_app, new_database_url

#: Hostile last names: markup with a local file and a remote URL (the port is filled in).
FILE_NAME = '<img src="file:///etc/passwd">'
REMOTE_NAME = '<img src="http://127.0.0.1:{port}/x.png">'


def seeded_demo(tmp_path, students: int = 40, seed: int = 7):
    """A fresh database with the demo school (`demo seed`), its app and the drop function."""
    url, drop = new_database_url(str(tmp_path))
    app = make_test_app(url)
    with app.app_context():
        db.create_all()
        result = app.test_cli_runner().invoke(args=["demo", "seed", "--students", str(students), "--seed", str(seed)])
        assert result.exit_code == 0, result.output
    return app, drop


def dispose(app, drop) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    drop()


def pages_text(data: bytes) -> list[str]:
    """The text of each page (pypdf)."""
    from pypdf import PdfReader

    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]


def flat(text: str) -> str:
    """Whitespace collapsed, so a cell's wrapped text still matches."""
    return " ".join(text.split())


def rename_student(student_id: int, last_name: str) -> None:
    """Test set-up: give a student a (hostile) last name, as the secretary's edit would."""
    from schema.db import audit_context
    from schema.models import Student

    with audit_context(reason="test: hostile name"):
        db.session.get(Student, student_id).last_name = last_name
        db.session.commit()


@contextmanager
def network_trap():
    """A listening socket on 127.0.0.1; yields (port, connections) and records every connection
    made to it while the block runs."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.setblocking(False)
    connections: list = []
    try:
        yield server.getsockname()[1], connections
    finally:
        while True:
            try:
                connection, _address = server.accept()
            except BlockingIOError:
                break
            connections.append(connection)
            connection.close()
        server.close()


@contextmanager
def opened_files(monkeypatch):
    """Records every path passed to builtins.open while the block runs."""
    import builtins

    paths: list[str] = []
    real_open = builtins.open

    def recording_open(file, *args, **kwargs):
        paths.append(str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", recording_open)
    try:
        yield paths
    finally:
        monkeypatch.setattr(builtins, "open", real_open)


def count_queries():
    """A list that collects the SQL statements run on the app's engine (call .stop() to detach)."""
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    statements_stop = lambda: sa.event.remove(db.engine, "before_cursor_execute", record)  # noqa: E731
    return statements, statements_stop
