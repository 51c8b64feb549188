"""Înștiințări: the class master's page of written notices to parents about unexcused absences
(rules.md §4.6 R-NOT-01; decisions.md "Absences"; schema/operations/absence_notices.py).

A tab of the class master's desk (/diriginte/clasa/<id>/instiintari): per learning period the
proposed notices ("Înștiințări propuse": students at a threshold multiple not yet notified), each
with a link to the PDF letter (views/documents.py `parent_notice`, kind ``absente``) and a button
that records the notice, queues the family's notification and sends the in-app message; below, the
notices already sent. A fixed number of queries whatever the class size.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_security import auth_required, current_user

from schema.absence_notices import NOTICE_CHANNEL_LABELS
from schema.errors import CatalogError
from schema.models import Enrolment, LearningPeriod, SchoolClass, db
from schema.operations.absence_notices import proposed_notices, send_absence_notice, sent_notices
from security import access, capabilities
from security.objects import access_master_class

bp = Blueprint("absence_notices", __name__, url_prefix="/diriginte", template_folder="templates")


def _require_desk() -> None:
    if not capabilities.can_use_class_master_desk(current_user):
        abort(403)


def _period(school_class: SchoolClass, period_id: int | None) -> LearningPeriod:
    """The chosen period of the class's year (404 for another), or the current one."""
    periods = list(school_class.year.periods)
    if not periods:
        abort(404)
    if period_id is not None:
        for period in periods:
            if period.id == period_id:
                return period
        abort(404)
    today = access.today()
    current = next((p for p in periods if p.contains(today)), None)
    if current is not None:
        return current
    begun = [p for p in periods if p.starts_on <= today]
    return begun[-1] if begun else periods[0]


def _page(school_class: SchoolClass, period: LearningPeriod, status: int = 200) -> Any:
    proposals = proposed_notices(current_user, school_class, period)
    return render_template(
        "absence_notices/index.html",
        title=f"Înștiințări — {school_class.name}",
        school_class=school_class,
        periods=list(school_class.year.periods),
        period=period,
        proposals=proposals,
        notices=sent_notices(school_class),
        channel_labels=NOTICE_CHANNEL_LABELS,
    ), status


@bp.get("/clasa/<int:class_id>/instiintari")
@auth_required()
def index(class_id: int) -> Any:
    _require_desk()
    school_class = access_master_class(current_user, class_id)
    return _page(school_class, _period(school_class, request.args.get("perioada", type=int)))


@bp.post("/clasa/<int:class_id>/instiintari")
@auth_required()
def send(class_id: int) -> Any:
    _require_desk()
    school_class = access_master_class(current_user, class_id)
    period = _period(school_class, request.form.get("period_id", type=int))
    enrolment = db.session.get(Enrolment, request.form.get("enrolment_id", type=int) or 0)
    if enrolment is None or enrolment.class_id != school_class.id:
        abort(404)
    name = enrolment.student.full_name
    try:
        notice = send_absence_notice(
            current_user, enrolment, period, notes=request.form.get("notes", ""), remote_addr=request.remote_addr
        )
    except CatalogError as error:
        db.session.rollback()
        flash(error.message_ro, "error")
        return _page(school_class, period, error.http_status)
    how = (
        "și mesajul în aplicație a fost trimis"
        if notice.message_thread_id
        else "familia nu are cont în aplicație: predați scrisoarea"
    )
    flash(f"Înștiințarea pentru {name} ({notice.unexcused} absențe nemotivate) a fost înregistrată; {how}.", "success")
    return redirect(url_for("absence_notices.index", class_id=school_class.id, perioada=period.id))
