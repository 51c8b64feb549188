"""Accounts and roles (Flask-Security fsqla v3 models), versioned like every other table."""

from __future__ import annotations

import sqlalchemy as sa
from flask_security.models import fsqla_v3 as fsqla
from sqlalchemy.orm import Mapped, mapped_column, relationship

from schema.db import db


def _set_db_info() -> None:
    """fsqla's `FsModels.set_db_info`, except that roles_users gets a primary key: Continuum keys
    an association's version rows by the table's primary key plus the transaction, so without one
    two role grants in one transaction collide."""
    fsqla.FsModels.db = db
    fsqla.FsModels.user_table_name = "users"
    fsqla.FsModels.role_table_name = "roles"
    fsqla.FsModels.webauthn_table_name = "webauthn"
    fsqla.FsModels.roles_users = db.Table(
        "roles_users",
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), primary_key=True),
        sa.Column("role_id", sa.Integer, sa.ForeignKey("roles.id"), primary_key=True),
    )


_set_db_info()

#: Secrets never go into the version history that auditors read.
SECRET_COLUMNS = ["password", "tf_totp_secret", "mf_recovery_codes", "fs_uniquifier"]


class Role(db.Model, fsqla.FsRoleMixin):
    """A role of security/policy.py (administrator, director, teacher, ...)."""

    __tablename__ = "roles"
    __versioned__: dict = {}

    def __str__(self) -> str:
        return self.description or self.name


class User(db.Model, fsqla.FsUserMixin):
    """A person who logs in: staff, parent or student. Belongs to one school."""

    __tablename__ = "users"
    __versioned__ = {"exclude": SECRET_COLUMNS}
    __table_args__ = (sa.UniqueConstraint("school_id", "id"),)

    school_id: Mapped[int] = mapped_column(sa.ForeignKey("schools.id"), index=True)
    first_name: Mapped[str] = mapped_column(sa.String(100))
    last_name: Mapped[str] = mapped_column(sa.String(100))

    school = relationship("School")

    @property
    def full_name(self) -> str:
        return f"{self.last_name} {self.first_name}"

    @property
    def role_names(self) -> set[str]:
        return {role.name for role in self.roles}

    def __str__(self) -> str:
        return self.full_name


class WebAuthn(db.Model, fsqla.FsWebAuthnMixin):
    """WebAuthn credentials; required by fsqla v3 when the webauthn package is present."""

    __tablename__ = "webauthn"
    __versioned__ = {"exclude": ["public_key", "credential_id"]}
