"""Who calls the API: `Authorization: Bearer <token>` (a personal access token), or, for reads
only, the browser session of a logged-in user.

The token's owner becomes the request's user (Flask-Login's `current_user`, for this request only:
no session is opened), and every write goes through the operations with `actor=owner` and
`token_id=token.id`, so the catalog guard checks the owner's rights and the version history
names both.
"""

from __future__ import annotations

from typing import Any

from flask import g, request
from flask_login import current_user
from flask_limiter.util import get_remote_address

from schema.api_tokens import ApiToken
from schema.errors import CatalogError, PermissionDenied
from schema.models import User, db
from schema.operations.api_tokens import find_usable_token, note_token_use

_LOOKUP = "_catalog_api_token_lookup"


class Unauthorized(CatalogError):
    """No usable credentials: missing, unknown, expired or revoked token (one answer for all)."""

    http_status = 401


def _unauthorized() -> Unauthorized:
    return Unauthorized(
        "unauthorized",
        "Lipsește un token de acces valabil: trimiteți antetul „Authorization: Bearer <token>” cu un token "
        "nerevocat și neexpirat.",
        "A valid personal access token is required (Authorization: Bearer <token>); it may be expired or revoked.",
    )


def bearer_secret() -> str | None:
    header = request.headers.get("Authorization", "")
    if not header:
        return None
    scheme, _, secret = header.partition(" ")
    return secret.strip() if scheme.lower() == "bearer" else ""


def request_token() -> ApiToken | None:
    """The usable token of this request's Authorization header (looked up once per request)."""
    if _LOOKUP not in g.__dict__:
        secret = bearer_secret()
        setattr(g, _LOOKUP, find_usable_token(secret) if secret else None)
    return getattr(g, _LOOKUP)


def rate_limit_key() -> str:
    """Requests are counted per token; callers without a usable token per address."""
    token = request_token()
    return f"api-token:{token.id}" if token is not None else f"api-anonymous:{get_remote_address()}"


def authenticate() -> None:
    """Before every API request: set `g.api_user` and `g.api_token`, or answer 401."""
    if bearer_secret() is not None:
        token = request_token()
        if token is None:
            raise _unauthorized()
        owner = db.session.get(User, token.owner_id)
        g._login_user = owner  # Flask-Login's current user for this request only
        g.api_user, g.api_token = owner, token
        note_token_use(token)
        return
    if request.method in ("GET", "HEAD") and current_user.is_authenticated:
        g.api_user, g.api_token = current_user._get_current_object(), None
        return
    raise _unauthorized()


def api_user() -> User:
    return g.api_user


def token_id() -> int | None:
    token = g.get("api_token")
    return token.id if token is not None else None


def require_write_token() -> None:
    """Writes need a read_write token (never the browser session, which has no CSRF check here)."""
    token: Any = g.get("api_token")
    if token is None:
        raise _unauthorized()
    if not token.can_write:
        raise PermissionDenied(
            "token_read_only",
            "Tokenul folosit este doar pentru citire: creați unul „citire și scriere” pentru a modifica datele.",
            "This token is read-only.",
        )
