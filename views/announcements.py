"""Announcements (anunțuri): everybody logged in reads the published announcements that reach
their audience, within their validity window; staff post them; the director and deputy approve
the ones about collecting money or events open to outsiders from their inbox (views/director.py).

A pending, refused or withdrawn announcement is shown only to its author (and pending ones to the
director in the inbox); another audience's announcement is never listed.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_security import auth_required, current_user
from sqlalchemy.orm import selectinload

from schema.communication import ANNOUNCEMENT_AUDIENCE_LABELS, Announcement
from schema.errors import CatalogError, InvariantViolation, NotFound
from schema.models import SchoolClass, SchoolYear, User, db
from schema.operations.announcements import (
    announcement_class_ids,
    can_write_announcements,
    decide_announcement,
    post_announcement,
    visible_announcements_query,
    withdraw_announcement,
)
from security import access, capabilities

bp = Blueprint("announcements", __name__, url_prefix="/anunturi", template_folder="templates")

STATE_LABELS = {"published": "publicat", "pending": "așteaptă aprobarea directorului", "refused": "respins"}
OWN_SHOWN = 50


def _user() -> User:
    user = current_user._get_current_object()
    if not capabilities.can_read_announcements(user):
        abort(403)
    return user


def _missing() -> NotFound:
    return NotFound("not_found", "Pagina cerută nu există.", "No such record.")


def pending_announcements(school_id: int) -> list[Announcement]:
    """Announcements waiting for the director's approval (the director's inbox)."""
    return list(
        db.session.scalars(
            sa.select(Announcement)
            .where(
                Announcement.school_id == school_id,
                Announcement.state == "pending",
                Announcement.is_withdrawn.is_(False),
            )
            .options(selectinload(Announcement.author), selectinload(Announcement.school_class))
            .order_by(Announcement.created_at, Announcement.id)
        )
    )


@bp.get("/")
@auth_required()
def index() -> Any:
    """The announcements that reach this user today; an author's own announcements with their state."""
    user = _user()
    visible = db.session.scalars(
        visible_announcements_query(user, on_day=access.today())
        .options(selectinload(Announcement.author), selectinload(Announcement.school_class))
        .order_by(Announcement.valid_from.desc(), Announcement.id.desc())
    ).all()
    own: list[Announcement] = []
    if can_write_announcements(user):
        own = list(
            db.session.scalars(
                sa.select(Announcement)
                .where(Announcement.author_id == user.id, Announcement.school_id == user.school_id)
                .options(selectinload(Announcement.school_class), selectinload(Announcement.decided_by))
                .order_by(Announcement.created_at.desc(), Announcement.id.desc())
                .limit(OWN_SHOWN)
            )
        )
    return render_template(
        "announcements/index.html",
        title="Anunțuri",
        announcements=visible,
        own=own,
        can_write=can_write_announcements(user),
        states=STATE_LABELS,
    )


def _author_classes(user: User) -> list[SchoolClass]:
    today = access.today()
    allowed = announcement_class_ids(user)
    query = (
        sa.select(SchoolClass)
        .join(SchoolYear, SchoolYear.id == SchoolClass.year_id)
        .where(SchoolClass.school_id == user.school_id, SchoolYear.starts_on <= today, SchoolYear.ends_on >= today)
    )
    if allowed is not None:
        query = query.where(SchoolClass.id.in_(sorted(allowed)))
    return list(db.session.scalars(query.order_by(SchoolClass.name)))


def _parse_day(raw: str | None, label: str) -> date:
    try:
        return date.fromisoformat(raw or "")
    except ValueError:
        raise InvariantViolation("date_invalid", f"{label}: data nu este validă.", "Invalid date.") from None


def _form_page(user: User, form: dict[str, str], status: int = 200) -> Any:
    return render_template(
        "announcements/new.html",
        title="Anunț nou",
        form=form,
        audiences=ANNOUNCEMENT_AUDIENCE_LABELS,
        classes=_author_classes(user),
        today=access.today(),
    ), status


@bp.route("/nou", methods=["GET", "POST"])
@auth_required()
def new() -> Any:
    """Post an announcement (staff)."""
    user = _user()
    if not can_write_announcements(user):
        abort(403)
    if request.method == "GET":
        return _form_page(user, {})
    form = request.form.to_dict()
    school_class = None
    if form.get("audience") == "class":
        raw = (form.get("class_id") or "").strip()
        school_class = db.session.get(SchoolClass, int(raw)) if raw.isdigit() and len(raw) < 10 else None
        if school_class is not None and school_class.school_id != user.school_id:
            school_class = None
    try:
        announcement = post_announcement(
            user,
            audience=form.get("audience", ""),
            title=form.get("title", ""),
            body=form.get("body", ""),
            valid_from=_parse_day(form.get("valid_from"), "Valabil de la"),
            valid_to=_parse_day(form.get("valid_to"), "Valabil până la"),
            requires_approval=form.get("requires_approval") == "1",
            school_class=school_class,
            remote_addr=request.remote_addr,
        )
    except CatalogError as error:
        db.session.rollback()
        flash(error.message_ro, "error")
        return _form_page(user, form, 422 if isinstance(error, InvariantViolation) else 403)
    if announcement.state == "pending":
        flash("Anunțul a fost trimis directorului spre aprobare; va fi publicat după aprobare.", "success")
    else:
        flash("Anunțul a fost publicat.", "success")
    return redirect(url_for("announcements.index"))


@bp.post("/<int:announcement_id>/decizie")
@auth_required()
def decide(announcement_id: int) -> Any:
    """The director or deputy approves or refuses a pending announcement (from the inbox)."""
    user = _user()
    if not capabilities.can_use_director_desk(user):
        abort(403)
    announcement = db.session.get(Announcement, announcement_id)
    if announcement is None or announcement.school_id != user.school_id:
        raise _missing()
    decision = request.form.get("decision")
    if decision not in ("approve", "refuse"):
        abort(400)
    approve = decision == "approve"
    try:
        decide_announcement(
            user, announcement, approve=approve, note=request.form.get("note"), remote_addr=request.remote_addr
        )
    except CatalogError as error:
        db.session.rollback()
        flash(error.message_ro, "error")
    else:
        flash(f"Anunțul a fost {'aprobat și publicat' if approve else 'respins'}.", "success")
    return redirect(url_for("director.index"))


@bp.post("/<int:announcement_id>/retrage")
@auth_required()
def withdraw(announcement_id: int) -> Any:
    """The author withdraws an announcement (kept in the history)."""
    user = _user()
    announcement = db.session.get(Announcement, announcement_id)
    if announcement is None or announcement.school_id != user.school_id or announcement.author_id != user.id:
        raise _missing()
    try:
        withdraw_announcement(user, announcement, reason=request.form.get("reason"), remote_addr=request.remote_addr)
    except CatalogError as error:
        db.session.rollback()
        flash(error.message_ro, "error")
    else:
        flash("Anunțul a fost retras.", "success")
    return redirect(url_for("announcements.index"))
