"""The owner's personal access tokens, under /cont/tokenuri: list, create (the token is shown
once, on the answer to the form, never again), revoke. Each page: `auth_required` → the
owner's own tokens only → operation → template."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask_security import auth_required, current_user

from schema.api_tokens import ApiToken
from schema.db import utc_now
from schema.errors import CatalogError, InvariantViolation, NotFound
from schema.models import db
from schema.operations.api_tokens import DEFAULT_VALIDITY_DAYS, MAX_VALIDITY_DAYS, create_token, revoke_token
from security import twofactor

bp = Blueprint("api_tokens", __name__, url_prefix="/cont/tokenuri", template_folder="../templates")

SCOPE_LABELS = {"read": "citire", "read_write": "citire și scriere"}


def _own_tokens() -> list[ApiToken]:
    return list(db.session.scalars(
        sa.select(ApiToken).where(ApiToken.owner_id == current_user.id, ApiToken.school_id == current_user.school_id)
        .order_by(ApiToken.id.desc())
    ))


def _render(form: dict[str, Any], *, new_secret: str | None = None, error: str | None = None, status: int = 200) -> Any:
    user = current_user._get_current_object()
    response = make_response(render_template(
        "api/tokens.html", title="Tokenuri de acces API", tokens=_own_tokens(), form=form, new_secret=new_secret,
        error=error, scope_labels=SCOPE_LABELS, may_write=user.is_staff, needs_two_factor=user.is_staff
        and not twofactor.is_set_up(user), now=utc_now(), max_days=MAX_VALIDITY_DAYS,
        default_days=DEFAULT_VALIDITY_DAYS,
    ), status)
    response.headers["Cache-Control"] = "no-store"  # the new token is on this page once
    return response


@bp.get("/")
@auth_required()
def index() -> Any:
    return _render({})


@bp.post("/")
@auth_required()
def create() -> Any:
    form = request.form.to_dict()
    try:
        days_text = form.get("valid_days", "").strip() or str(DEFAULT_VALIDITY_DAYS)
        if not days_text.isdigit() or len(days_text) > 4:
            raise InvariantViolation("token_validity", f"Valabilitatea este un număr de zile, de la 1 la {MAX_VALIDITY_DAYS}.",
                                     "Validity is a number of days.")
        token, secret = create_token(current_user._get_current_object(), name=form.get("name", ""),
                                     scope=form.get("scope", "read"), valid_days=int(days_text),
                                     remote_addr=request.remote_addr)
    except CatalogError as error:
        db.session.rollback()
        return _render(form, error=error.message_ro, status=error.http_status)
    return _render({}, new_secret=secret)


@bp.post("/<int:token_id>/revocare")
@auth_required()
def revoke(token_id: int) -> Any:
    token = db.session.get(ApiToken, token_id)
    try:
        if token is None:
            raise NotFound("not_found", "Tokenul nu există.", "No such token.")
        revoke_token(current_user._get_current_object(), token, remote_addr=request.remote_addr)
    except CatalogError as error:
        db.session.rollback()
        return _render({}, error=error.message_ro, status=error.http_status)
    flash(f"Tokenul „{token.name}” a fost revocat.", "success")
    return redirect(url_for("api_tokens.index"))
