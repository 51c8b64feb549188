"""What every operation shares: one audited database transaction per operation, or one per
batch for bulk callers (imports, the demo seed)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from sqlalchemy.exc import IntegrityError

from schema.constraint_messages import explain_integrity_error
from schema.db import AUDIT_KEY, audit_context, db
from schema.invariants import UNLOCKED_KEY
from schema.errors import InvariantViolation
from schema.models import User

BATCH_KEY = "catalog_batch"


@contextlib.contextmanager
def _one_transaction(**audit: object) -> Iterator[None]:
    """Flush and commit the block's writes as one audited transaction, or roll all of it back.

    Database refusals become InvariantViolation with a Romanian message; nothing is half-saved.
    """
    session = db.session()
    try:
        with audit_context(**audit):  # type: ignore[arg-type]
            yield
            session.flush()
            session.commit()
    except IntegrityError as error:
        session.rollback()
        raise explain_integrity_error(error) from error
    except Exception:
        session.rollback()
        raise
    finally:
        session.info.pop(UNLOCKED_KEY, None)


@contextlib.contextmanager
def audited(actor: User, reason: str | None, remote_addr: str | None = None, token_id: int | None = None) -> Iterator[None]:
    """Run an operation's writes as one audited transaction, committed at the end.

    Inside `batch()`, the batch's transaction is used instead and nothing is committed here.
    """
    if db.session().info.get(BATCH_KEY):
        yield
        return
    with _one_transaction(reason=reason, user_id=actor.id, remote_addr=remote_addr, token_id=token_id):
        yield


@contextlib.contextmanager
def batch(actor: User | None, reason: str) -> Iterator[None]:
    """Many operations in one audited transaction (all or nothing), e.g. an import."""
    session = db.session()
    session.info[BATCH_KEY] = True
    try:
        with _one_transaction(reason=reason, user_id=actor.id if actor else None):
            yield
    finally:
        session.info.pop(BATCH_KEY, None)


def require_reason(reason: str | None) -> str:
    """Modify and delete need a reason (000 ¶22, decisions.md)."""
    if reason is None or not reason.strip():
        raise InvariantViolation(
            "reason_required",
            "Motivul modificării este obligatoriu.",
            "A reason is required.",
        )
    return reason.strip()


def current_reason() -> str | None:
    return (db.session().info.get(AUDIT_KEY) or {}).get("reason")


def unlock(row: object) -> None:
    """Allow this closed result to change in the current transaction (see schema/invariants.py).

    Only the operations that the law allows to change a closed result call it: an approved
    reopening, an exam result, a contestation, a transfer.
    """
    db.session().info.setdefault(UNLOCKED_KEY, set()).add((type(row).__name__, row.id))
