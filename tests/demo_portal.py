"""A test app over its own database holding the demo school, seeded by `flask demo seed` as an
administrator would, with the one-time demo passwords counted as already changed (so a test
client can log in as any demo account). Modules choose the school's size and seed."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa

from schema.db import audit_context
from schema.models import User, db
from tests.conftest import make_test_app, new_database_url


@contextmanager
def seeded_demo_portal(workdir: str, *, students: int, seed: int) -> Iterator[Any]:
    """The app, its database seeded with a demo school of `students` students; dropped afterwards."""
    from security.auth import naive_utc_now

    url, drop = new_database_url(workdir)
    portal = make_test_app(url)
    with portal.app_context():
        db.create_all()
        result = portal.test_cli_runner().invoke(args=["demo", "seed", "--students", str(students), "--seed", str(seed)])
        assert result.exit_code == 0, result.output
        with audit_context(reason="test: the one-time demo passwords count as changed"):
            for user in db.session.scalars(sa.select(User)):
                user.must_change_password = False
                user.password_changed_at = naive_utc_now()
            db.session.commit()
    try:
        yield portal
    finally:
        with portal.app_context():
            db.session.remove()
            db.engine.dispose()
        drop()
