"""Creating, using and revoking personal access tokens for the REST API (issue 7 item 2).

- Staff create tokens only once their two-factor authentication is set up (000 ¶8: the token is
  a credential as strong as the account it opens).
- Parents and students get read-only tokens, limited to their own data by the API's scope.
- The token is shown once; only its SHA-256 is stored.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa

from schema.api_tokens import TOKEN_SCOPES, ApiToken
from schema.db import utc_now
from schema.errors import InvariantViolation, NotFound, PermissionDenied
from schema.models import User, db
from schema.operations.base import audited

#: Every token starts with this, so secret scanners and people recognise it.
TOKEN_PREFIX = "cat_"
#: Validity a token gets when none is chosen, and the longest allowed (days).
DEFAULT_VALIDITY_DAYS = 90
MAX_VALIDITY_DAYS = 365
#: `last_used_at` is written at most this often per token (a write per call would be wasted).
LAST_USE_RESOLUTION = timedelta(minutes=1)


def hash_secret(secret: str) -> str:
    """Hex SHA-256 of a token: what the database stores and looks up."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_token(
    actor: User,
    *,
    name: str,
    scope: str,
    valid_days: int = DEFAULT_VALIDITY_DAYS,
    remote_addr: str | None = None,
) -> tuple[ApiToken, str]:
    """A new token for `actor`; returns the row and the token itself (shown once, never stored)."""
    from security import twofactor

    name = (name or "").strip()
    if not name:
        raise InvariantViolation("token_name_required", "Dați un nume tokenului (de exemplu, „scriptul de export”).",
                                 "A token needs a name.")
    if len(name) > 100:
        raise InvariantViolation("token_name_too_long", "Numele tokenului are cel mult 100 de caractere.",
                                 "The name has at most 100 characters.")
    if scope not in TOKEN_SCOPES:
        raise InvariantViolation("token_scope_unknown", "Domeniul tokenului este „citire” sau „citire și scriere”.",
                                 "The scope is read or read_write.")
    if not 1 <= valid_days <= MAX_VALIDITY_DAYS:
        raise InvariantViolation(
            "token_validity",
            f"Valabilitatea unui token este între 1 și {MAX_VALIDITY_DAYS} de zile.",
            f"A token is valid for 1 to {MAX_VALIDITY_DAYS} days.",
        )
    if not actor.roles:
        raise PermissionDenied("token_no_role", "Contul nu are niciun rol în catalog.", "The account has no role.")
    if actor.is_staff:
        if not twofactor.is_set_up(actor):
            raise PermissionDenied(
                "token_needs_two_factor",
                "Personalul școlii poate crea tokenuri de acces numai după configurarea autentificării în doi pași.",
                "Staff create tokens only after setting up two-factor authentication.",
            )
    elif scope != "read":
        raise PermissionDenied(
            "token_read_only",
            "Părinții și elevii pot crea doar tokenuri de citire, limitate la datele proprii.",
            "Parents and students get read-only tokens.",
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = utc_now()
    with audited(actor, f"Token de acces API creat: {name}", remote_addr):
        token = ApiToken(
            school_id=actor.school_id,
            owner_id=actor.id,
            name=name,
            scope=scope,
            secret_hash=hash_secret(secret),
            prefix=secret[: len(TOKEN_PREFIX) + 6],
            created_at=now,
            expires_at=now + timedelta(days=valid_days),
        )
        db.session.add(token)
    return token, secret


def revoke_token(actor: User, token: ApiToken, *, remote_addr: str | None = None) -> ApiToken:
    """The owner revokes one of their tokens; it answers 401 from then on."""
    if token.owner_id != actor.id or token.school_id != actor.school_id:
        raise NotFound("not_found", "Tokenul nu există.", "No such token.")
    if token.revoked_at is not None:
        raise InvariantViolation("token_already_revoked", "Tokenul a fost deja revocat.", "The token is already revoked.")
    with audited(actor, f"Token de acces API revocat: {token.name}", remote_addr):
        token.revoked_at = utc_now()
    return token


def find_usable_token(secret: str, moment: datetime | None = None) -> ApiToken | None:
    """The token with this secret, if it exists, is neither revoked nor expired, and its owner's
    account is active; else None (the caller answers 401 without saying which)."""
    if not secret or not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.secret_hash == hash_secret(secret)))
    moment = moment or utc_now()
    if token is None or not token.is_usable(moment):
        return None
    owner = db.session.get(User, token.owner_id)
    if owner is None or not owner.active or owner.school_id != token.school_id:
        return None
    return token


def note_token_use(token: ApiToken, moment: datetime | None = None) -> None:
    """Record when the token was last used (at most once a minute; not versioned)."""
    moment = moment or utc_now()
    last = token.last_used_at
    if last is not None and last.tzinfo is None:
        from datetime import UTC

        last = last.replace(tzinfo=UTC)
    if last is not None and moment - last < LAST_USE_RESOLUTION:
        return
    token.last_used_at = moment
    db.session.commit()
