"""Personal access tokens for the REST API (issue 7 item 2).

A token is shown once, when created; only the SHA-256 of it is stored, so a copy of the
database cannot be used to call the API. Tokens belong to one user (the owner, in whose name
every write through the token is versioned, with the token's id) and carry a scope: "read", or
"read_write". They expire, and can be revoked; a revoked token stays, so the history can still
name it.

Versioned like every table; the hash and the last-use time stay out of the history (the hash is
a secret, and the last use changes at every call).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from schema.db import db, utc_now
from schema.school import _in
from schema.tenancy import TenantMixin, tenant_fk, tenant_key

TOKEN_SCOPES = ("read", "read_write")


class ApiToken(TenantMixin, db.Model):
    """A personal access token: owner, name, scope, SHA-256 of the secret, validity."""

    __tablename__ = "api_tokens"
    __versioned__ = {"exclude": ["secret_hash", "last_used_at"]}
    __table_args__ = (
        tenant_key(),
        tenant_fk("owner_id", "users"),
        sa.UniqueConstraint("secret_hash"),
        sa.CheckConstraint(_in("scope", TOKEN_SCOPES), name="scope_known"),
        sa.CheckConstraint("created_at < expires_at", name="expires_after_creation"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(index=True)
    #: What the owner calls it ("scriptul de import", "aplicația clasei").
    name: Mapped[str] = mapped_column(sa.String(100))
    #: read, or read_write.
    scope: Mapped[str] = mapped_column(sa.String(12))
    #: Hex SHA-256 of the token; the token itself is never stored.
    secret_hash: Mapped[str] = mapped_column(sa.String(64))
    #: The first characters of the token, so the owner can tell their tokens apart (not secret).
    prefix: Mapped[str] = mapped_column(sa.String(12))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utc_now)
    expires_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    owner = relationship("User", foreign_keys=[owner_id])

    @property
    def can_write(self) -> bool:
        return self.scope == "read_write"

    def is_usable(self, moment: datetime) -> bool:
        """Neither revoked nor expired at `moment` (timezone-aware UTC)."""
        return self.revoked_at is None and _aware(self.expires_at) > moment

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


def _aware(value: datetime) -> datetime:
    """SQLite returns naive datetimes for timezone-aware columns: they are UTC."""
    from datetime import UTC

    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
