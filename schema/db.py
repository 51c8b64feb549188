"""The database object, row versioning and the audit context of every transaction.

Order matters here (see ../shared/design/stack.md §4): `make_versioned()` runs before any
model class is defined, and `schema.models` calls `configure_mappers()` after the last one.

Every committed transaction gets one row in the Continuum `transaction` table with the acting
user, the client IP, a reason and, for API writes, the personal access token used. Operations
set them with `audit_context()`; inside a Flask request the user and IP default to the logged-in
user and the request's address.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData, event
from sqlalchemy.orm import Session
from sqlalchemy_continuum import TransactionFactory, make_versioned, versioning_manager
from sqlalchemy_continuum.plugins.base import Plugin

#: Constraint names that Alembic can diff and that read well in error messages.
def _short(name: str) -> str:
    """Keep identifiers within PostgreSQL's 63 characters, deterministically."""
    if len(name) <= 60:
        return name
    return f"{name[:51]}_{hashlib.sha1(name.encode()).hexdigest()[:8]}"


def _fk_name(constraint: sa.ForeignKeyConstraint, table: sa.Table) -> str:
    """fk_<table>_<local columns except school_id>_<referred table>."""
    columns = [c.name for c in constraint.columns if c.name != "school_id"] or ["school_id"]
    referred = constraint.elements[0].target_fullname.split(".")[0]
    return _short(f"{table.name}_{'_'.join(columns)}_{referred}")


def _uq_name(constraint: sa.UniqueConstraint, table: sa.Table) -> str:
    return _short(f"{table.name}_{'_'.join(c.name for c in constraint.columns)}")


NAMING_CONVENTION = {
    "fk_name": _fk_name,
    "uq_name": _uq_name,
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(uq_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(fk_name)s",
    "pk": "pk_%(table_name)s",
}

#: Continuum strategy, chosen before the first migration; the figures behind the choice are
#: in docs/decisions.md (bench/versioning_strategy.py measures them again).
VERSIONING_STRATEGY = "subquery"

#: Session.info key holding the audit context of the current transaction.
AUDIT_KEY = "catalog_audit"


def utc_now() -> datetime:
    """Timezone-aware current UTC time; display code converts to Europe/Bucharest."""
    return datetime.now(UTC)


class AuditPlugin(Plugin):
    """Fills each Continuum transaction with user, IP, reason and token.

    Values come from `audit_context()` when an operation or a script set one; otherwise, inside a
    request, from the logged-in user and the request's remote address.
    """

    def transaction_args(self, uow: Any, session: Session) -> dict[str, Any]:
        context = _find_audit_context(session)
        user_id = context.get("user_id")
        remote_addr = context.get("remote_addr")
        if user_id is None:
            user_id = _request_user_id()
        if remote_addr is None:
            remote_addr = _request_remote_addr()
        return {
            "user_id": user_id,
            "remote_addr": remote_addr,
            "reason": context.get("reason"),
            "token_id": context.get("token_id"),
        }


def _find_audit_context(session: Session) -> dict[str, Any]:
    """The audit context that `audit_context()` put on the session, or an empty one."""
    return session.info.get(AUDIT_KEY) or {}


def _request_user_id() -> int | None:
    from flask import has_request_context

    if not has_request_context():
        return None
    from flask_login import current_user

    return getattr(current_user, "id", None)


def _request_remote_addr() -> str | None:
    from flask import has_request_context, request

    return request.remote_addr if has_request_context() else None


class CatalogTransactionFactory(TransactionFactory):
    """Continuum's transaction table plus the reason and the API token of the change."""

    def create_class(self, manager: Any) -> Any:
        transaction_cls = super().create_class(manager)
        #: Why the change was made; required by operations that modify or delete catalog rows.
        transaction_cls.reason = sa.Column(sa.Text)
        #: Personal access token used for an API write (plain id, tokens may be revoked).
        transaction_cls.token_id = sa.Column(sa.Integer)
        return transaction_cls


versioning_manager.transaction_cls = CatalogTransactionFactory()
make_versioned(
    user_cls="User",
    plugins=[AuditPlugin()],
    options={"strategy": VERSIONING_STRATEGY},
)

db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING_CONVENTION))


@contextlib.contextmanager
def audit_context(
    *,
    reason: str | None = None,
    user_id: int | None = None,
    remote_addr: str | None = None,
    token_id: int | None = None,
    session: Session | None = None,
) -> Iterator[None]:
    """Attach who, from where and why to the versioned writes made inside the block.

    The context must be set before the first flush of the database transaction, because
    Continuum creates the transaction row at that flush.
    """
    session = session or db.session()
    previous = session.info.get(AUDIT_KEY)
    session.info[AUDIT_KEY] = {
        "reason": reason,
        "user_id": user_id,
        "remote_addr": remote_addr,
        "token_id": token_id,
    }
    try:
        yield
    finally:
        if previous is None:
            session.info.pop(AUDIT_KEY, None)
        else:
            session.info[AUDIT_KEY] = previous


def enable_sqlite_pragmas(engine: sa.Engine) -> None:
    """WAL, foreign keys and NORMAL sync on every new SQLite connection (stack.md §7)."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _set_pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()
