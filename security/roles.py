"""Writes the policy's roles into Flask-Security's role table."""

from __future__ import annotations

from schema.db import audit_context
from schema.models import Role, db
from security.policy import POLICY, ROLE_DESCRIPTIONS


def sync_roles() -> tuple[int, int]:
    """Create missing roles and refresh descriptions and permissions; returns (created, updated)."""
    created = updated = 0
    existing = {role.name: role for role in db.session.scalars(db.select(Role))}
    with audit_context(reason="Sincronizare roluri din security/policy.py"):
        for name, permissions in POLICY.items():
            wanted = sorted(permissions)
            role = existing.get(name)
            if role is None:
                db.session.add(Role(name=name, description=ROLE_DESCRIPTIONS[name], permissions=wanted))
                created += 1
            elif role.description != ROLE_DESCRIPTIONS[name] or sorted(role.permissions or []) != wanted:
                role.description = ROLE_DESCRIPTIONS[name]
                role.permissions = wanted
                updated += 1
        db.session.commit()
    return created, updated
