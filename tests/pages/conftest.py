"""Fixtures for the portal pages: a logged-in HTTPS client and a query counter."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from schema.models import db
from tests.security.access_helpers import login_as


class QueryCounter:
    """Counts the SQL statements the application sends while active (SAVEPOINTs excluded)."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)

    def _on_execute(self, conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
            self.statements.append(statement)


@contextmanager
def counting_queries() -> Iterator[QueryCounter]:
    counter = QueryCounter()
    engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", counter._on_execute)
    try:
        yield counter
    finally:
        sa.event.remove(engine, "before_cursor_execute", counter._on_execute)


@pytest.fixture
def client_for(app):
    """client_for(user) → an HTTPS test client logged in as `user`."""
    return lambda user: login_as(app, user)
