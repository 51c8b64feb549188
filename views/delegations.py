"""Delegation of rights in the application (000 ¶20): the teacher asks, the director approves or
refuses. Each page: `auth_required` → what this user may see → operation → template."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_security import auth_required, current_user

from schema.errors import CatalogError
from schema.models import Delegation, TeachingAssignment, User, db
from schema.operations.delegations import decide_delegation, request_delegation
from security import policy
from security.access import role_names

bp = Blueprint("delegation_requests", __name__, url_prefix="/delegari", template_folder="templates")


def _is_teacher() -> bool:
    return policy.TEACHER in role_names(current_user) and policy.ADMINISTRATOR not in role_names(current_user)


def _decides() -> bool:
    return policy.has_permission(role_names(current_user), policy.APPROVE)


def _parse_date(name: str) -> date:
    try:
        return date.fromisoformat(request.form.get(name, ""))
    except ValueError:
        raise CatalogError("date_invalid", "Data nu este validă (zz.ll.aaaa).", "Invalid date.") from None


@bp.get("/")
@auth_required()
def index() -> Any:
    if not (_is_teacher() or _decides()):
        abort(403)
    school_id = current_user.school_id
    mine = db.session.scalars(
        sa.select(Delegation).where(Delegation.from_teacher_id == current_user.id).order_by(Delegation.id.desc())
    ).all() if _is_teacher() else []
    assignments = db.session.scalars(
        sa.select(TeachingAssignment).where(TeachingAssignment.teacher_id == current_user.id)
    ).all() if _is_teacher() else []
    colleagues = [
        user for user in db.session.scalars(
            sa.select(User).where(User.school_id == school_id, User.id != current_user.id, User.active.is_(True))
            .order_by(User.last_name, User.first_name)
        )
        if policy.TEACHER in role_names(user)
    ] if _is_teacher() else []
    to_decide = db.session.scalars(
        sa.select(Delegation).where(Delegation.school_id == school_id).order_by(Delegation.id.desc())
    ).all() if _decides() else []
    return render_template("delegations/index.html", mine=mine, assignments=assignments, colleagues=colleagues,
                           to_decide=to_decide, decides=_decides(), is_teacher=_is_teacher())


@bp.post("/cerere")
@auth_required()
def ask() -> Any:
    if not _is_teacher():
        abort(403)
    assignment = db.session.get(TeachingAssignment, request.form.get("assignment_id", type=int) or 0)
    colleague = db.session.get(User, request.form.get("to_teacher_id", type=int) or 0)
    if assignment is None or assignment.teacher_id != current_user.id or colleague is None \
            or colleague.school_id != current_user.school_id:
        abort(404)
    try:
        request_delegation(current_user, assignment, colleague, starts_on=_parse_date("starts_on"),
                           ends_on=_parse_date("ends_on"), reason=request.form.get("reason", ""),
                           remote_addr=request.remote_addr)
    except CatalogError as error:
        flash(error.message_ro, "error")
    else:
        flash("Cererea de delegare a fost trimisă directorului.", "success")
    return redirect(url_for("delegation_requests.index"))


@bp.post("/<int:delegation_id>/decizie")
@auth_required()
def decide(delegation_id: int) -> Any:
    if not _decides():
        abort(403)
    delegation = db.session.get(Delegation, delegation_id)
    if delegation is None or delegation.school_id != current_user.school_id:
        abort(404)
    approve = request.form.get("decision") == "approve"
    try:
        decide_delegation(current_user, delegation, approve=approve, note=request.form.get("note") or None,
                          remote_addr=request.remote_addr)
    except CatalogError as error:
        flash(error.message_ro, "error")
    else:
        flash("Delegarea a fost aprobată." if approve else "Delegarea a fost respinsă.", "success")
    return redirect(url_for("delegation_requests.index"))
