"""Accounts and roles (Flask-Security fsqla v3 models), versioned like every other table.

The authentication rules (decisions.md "Security settings") hook in here through the methods
Flask-Security calls on the user: two-factor required for every staff role, lockout after
consecutive failures. The rules themselves live in security/auth.py and security/twofactor.py.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_security.models import fsqla_v3 as fsqla
from sqlalchemy.orm import Mapped, mapped_column, relationship

from schema.db import db
from security.policy import STAFF_ROLES


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
#: Login bookkeeping that changes at every login or failure: the auth_events table records those
#: moments, so they stay out of the version history (a change to them alone makes no version).
LOGIN_BOOKKEEPING_COLUMNS = [
    "last_login_at",
    "current_login_at",
    "last_login_ip",
    "current_login_ip",
    "login_count",
    "failed_login_count",
    "last_failed_login_at",
    "last_failed_login_ip",
    "locked_until",
]


class Role(db.Model, fsqla.FsRoleMixin):
    """A role of security/policy.py (administrator, director, teacher, ...)."""

    __tablename__ = "roles"
    __versioned__: dict = {}

    def __str__(self) -> str:
        return self.description or self.name


#: How a user receives notifications (schema/notifications.py): right away, in a daily digest
#: (the default), or only in the portal. SMS is offered only where CATALOG_SMS_SENDER names a provider.
NOTIFICATION_PREFERENCES = ("immediate", "digest", "none", "sms")


class User(db.Model, fsqla.FsUserMixin):
    """A person who logs in: staff, parent or student. Belongs to one school."""

    __tablename__ = "users"
    __versioned__ = {"exclude": SECRET_COLUMNS + LOGIN_BOOKKEEPING_COLUMNS}
    __table_args__ = (
        sa.UniqueConstraint("school_id", "id"),
        sa.CheckConstraint(
            "notification_preference IN ('immediate', 'digest', 'none', 'sms')", name="notification_preference_known"
        ),
    )

    school_id: Mapped[int] = mapped_column(sa.ForeignKey("schools.id"), index=True)
    first_name: Mapped[str] = mapped_column(sa.String(100))
    last_name: Mapped[str] = mapped_column(sa.String(100))
    #: When the password was last set; staff passwords expire after CATALOG_STAFF_PASSWORD_MAX_AGE_DAYS.
    password_changed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    #: The current password is one-time (a new account's first password): changed at the next login.
    must_change_password: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    #: Consecutive failed logins (password or second factor) since the last success or unlock.
    failed_login_count: Mapped[int] = mapped_column(default=0, server_default="0")
    last_failed_login_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    last_failed_login_ip: Mapped[str | None] = mapped_column(sa.String(64))
    #: Locked after CATALOG_LOCKOUT_THRESHOLD failures, until this moment (unlocks by itself).
    locked_until: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    #: immediate, digest (default) or none (see NOTIFICATION_PREFERENCES); "Contul meu" edits it.
    notification_preference: Mapped[str] = mapped_column(sa.String(10), default="digest", server_default="digest")

    school = relationship("School")

    @property
    def full_name(self) -> str:
        return f"{self.last_name} {self.first_name}"

    @property
    def role_names(self) -> set[str]:
        return {role.name for role in self.roles}

    @property
    def is_staff(self) -> bool:
        return bool(self.role_names & STAFF_ROLES)

    def __str__(self) -> str:
        return self.full_name

    # --- Flask-Security hooks (stack.md §4.10) ---------------------------------------------
    def check_tf_required(
        self, tf_setup_methods: list[tuple[str, str]], tf_fresh: bool
    ) -> tuple[bool, list[tuple[str, str]]]:
        """Two-factor is mandatory for every staff role (000 ¶8); parents and students who turned
        it on in their profile use it too (000 ¶9)."""
        if self.is_staff:
            return True, tf_setup_methods
        return super().check_tf_required(tf_setup_methods, tf_fresh)

    def check_tf_required_setup(self) -> bool:
        """Staff see no "disable" choice on the two-factor setup page."""
        return self.is_staff or super().check_tf_required_setup()

    def tf_send_security_token(self, method: str, **kwargs: Any) -> str | None:
        """Send a code by e-mail (or SMS) that has not been used yet (no replay)."""
        from security.twofactor import sending_code_to

        with sending_code_to(self):
            return super().tf_send_security_token(method, **kwargs)

    def track_failed_authn(self, auth_type: str, tfa: bool = False) -> None:
        """A wrong password or code counts towards the lockout (004 pt.26)."""
        super().track_failed_authn(auth_type, tfa)
        from security.auth import note_failed_login

        note_failed_login(self, "code" if tfa else auth_type)

    def is_locked(self, form_error: list[str] | None = None) -> bool:
        """Locked for CATALOG_LOCKOUT_HOURS after CATALOG_LOCKOUT_THRESHOLD failures in a row,
        even with the right password."""
        from security.auth import LOCKED_MESSAGE, is_locked_out, note_refused_while_locked

        if not is_locked_out(self):
            return False
        if form_error is not None:
            form_error.append(LOCKED_MESSAGE)
        note_refused_while_locked(self)
        return True


class WebAuthn(db.Model, fsqla.FsWebAuthnMixin):
    """WebAuthn credentials; required by fsqla v3 when the webauthn package is present."""

    __tablename__ = "webauthn"
    __versioned__ = {"exclude": ["public_key", "credential_id"]}
