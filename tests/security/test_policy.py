"""security/policy.py is the one role → permission table, written into Flask-Security by an
idempotent command."""

from __future__ import annotations

import sqlalchemy as sa

from schema.models import Role, db
from security import policy


def test_sync_roles_is_idempotent(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["security", "sync-roles"])
    assert first.exit_code == 0 and "create: 9" in first.output
    second = runner.invoke(args=["security", "sync-roles"])
    assert second.exit_code == 0 and "create: 0, actualizate: 0" in second.output
    roles = {role.name: set(role.permissions) for role in db.session.scalars(sa.select(Role))}
    assert roles == {name: set(permissions) for name, permissions in policy.POLICY.items()}


def test_sync_roles_repairs_a_changed_role(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["security", "sync-roles"])
    from schema.db import audit_context

    with audit_context(reason="test"):
        role = db.session.scalar(sa.select(Role).where(Role.name == policy.TEACHER))
        role.permissions = [policy.MANAGE_ACCOUNTS]
        db.session.commit()
    result = runner.invoke(args=["security", "sync-roles"])
    assert "actualizate: 1" in result.output
    role = db.session.scalar(sa.select(Role).where(Role.name == policy.TEACHER))
    assert set(role.permissions) == policy.POLICY[policy.TEACHER]


def test_administrators_never_hold_catalog_write_permissions_whatever_else_they_are():
    for other in policy.POLICY:
        granted = policy.permissions_of({policy.ADMINISTRATOR, other})
        assert not granted & policy.FORBIDDEN_TO_ADMINISTRATORS, other
