"""The real portal served over HTTPS by a werkzeug server in a thread, on a fresh database of the
selected backend, for the browser and API tests that talk to it over the network."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from schema.models import db
from tests.conftest import make_test_app, new_database_url


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class LiveServer:
    app: Any
    base_url: str
    cert: str


@contextmanager
def serving(workdir: Path, *, today: date, kind: type[LiveServer] = LiveServer,
            build: Callable[[Any], None]) -> Iterator[Any]:
    """Create the schema, let `build(server)` (a `kind`, LiveServer or a subclass) add the data (inside an app context), then serve
    the app over HTTPS until the block ends; `security.access.today` is frozen at `today`."""
    from werkzeug.serving import make_server

    from portal.devtools import write_self_signed_certificate

    write_self_signed_certificate(workdir)
    url, drop = new_database_url(str(workdir))
    app = make_test_app(url, SERVER_NAME=None)
    patcher = pytest.MonkeyPatch()
    patcher.setattr("security.access.today", lambda: today)
    port = free_port()
    live = kind(app=app, base_url=f"https://localhost:{port}", cert=str(workdir / "dev-cert.pem"))
    with app.app_context():
        db.create_all()
        build(live)
        db.session.remove()
    server = make_server("127.0.0.1", port, app, threaded=True,
                         ssl_context=(str(workdir / "dev-cert.pem"), str(workdir / "dev-key.pem")))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield live
    finally:
        server.shutdown()
        thread.join(timeout=10)
        patcher.undo()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        drop()
