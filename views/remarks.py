"""Remarks (observații) for staff: a teacher writes remarks about the students of the classes they
teach (or lead) and follows whether the family has read them; the diriginte reads every remark of
the class; the director and deputy read all. Families read them on their child's page
(views/family.py).

Each page: `auth_required` → capability → class access (404 for a class the user may not open)
→ operation → template. Lists load in a fixed number of queries.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_security import auth_required, current_user
from sqlalchemy.orm import selectinload

from schema.communication import REMARK_KIND_LABELS, Remark
from schema.errors import CatalogError, InvariantViolation, NotFound
from schema.models import CurriculumEntry, Enrolment, SchoolClass, SchoolYear, Student, Subject, User, db
from schema.operations.remarks import hide_remark, record_remark, remark_class_ids
from security import access, capabilities

bp = Blueprint("remarks", __name__, url_prefix="/observatii", template_folder="templates")

#: How many of one's own remarks the index lists.
OWN_REMARKS_SHOWN = 100


def _user() -> User:
    user = current_user._get_current_object()
    if not capabilities.can_use_remarks_page(user):
        abort(403)
    return user


def _missing() -> NotFound:
    return NotFound("not_found", "Pagina cerută nu există.", "No such record.")


def _access_class(user: User, class_id: int) -> SchoolClass:
    """A class the user writes remarks in, or (director, deputy) any class of the school."""
    school_class = db.session.get(SchoolClass, class_id)
    if school_class is None or school_class.school_id != user.school_id:
        raise _missing()
    if not (capabilities.reads_all_remarks(user) or school_class.id in remark_class_ids(user)):
        raise _missing()
    return school_class


def _reads_whole_class(user: User, school_class: SchoolClass) -> bool:
    """The diriginte, the director and the deputy read every remark of the class."""
    return capabilities.reads_all_remarks(user) or (
        school_class.class_master_id == user.id and capabilities.can_use_class_master_desk(user)
    )


def _remarks_query() -> sa.Select:
    return (
        sa.select(Remark)
        .options(
            selectinload(Remark.enrolment).selectinload(Enrolment.student),
            selectinload(Remark.author),
            selectinload(Remark.read_by),
            selectinload(Remark.school_class),
            selectinload(Remark.curriculum_entry).selectinload(CurriculumEntry.subject),
        )
        .order_by(Remark.remarked_on.desc(), Remark.id.desc())
    )


@bp.get("/")
@auth_required()
def index() -> Any:
    """The classes one writes remarks in, and one's own remarks with their read state."""
    user = _user()
    today = access.today()
    writable = remark_class_ids(user)
    class_query = (
        sa.select(SchoolClass)
        .join(SchoolYear, SchoolYear.id == SchoolClass.year_id)
        .where(SchoolClass.school_id == user.school_id, SchoolYear.starts_on <= today, SchoolYear.ends_on >= today)
    )
    if not capabilities.reads_all_remarks(user):
        class_query = class_query.where(SchoolClass.id.in_(sorted(writable)))
    classes = db.session.scalars(class_query.order_by(SchoolClass.name)).all()
    own = db.session.scalars(
        _remarks_query().where(Remark.author_id == user.id, Remark.school_id == user.school_id).limit(OWN_REMARKS_SHOWN)
    ).all()
    return render_template(
        "remarks/index.html",
        title="Observații",
        classes=classes,
        writable=writable,
        remarks=own,
        kinds=REMARK_KIND_LABELS,
    )


def _class_page(user: User, school_class: SchoolClass, form: dict[str, str], status: int = 200) -> Any:
    enrolments = db.session.scalars(
        sa.select(Enrolment)
        .join(Student, Student.id == Enrolment.student_id)
        .where(Enrolment.class_id == school_class.id, Enrolment.status == "active")
        .options(sa.orm.contains_eager(Enrolment.student))
        .order_by(Student.last_name, Student.first_name, Student.id)
    ).all()
    entries = db.session.scalars(
        sa.select(CurriculumEntry)
        .join(Subject, Subject.id == CurriculumEntry.subject_id)
        .where(CurriculumEntry.class_id == school_class.id)
        .options(sa.orm.contains_eager(CurriculumEntry.subject))
        .order_by(Subject.name)
    ).all()
    query = _remarks_query().where(Remark.class_id == school_class.id)
    whole_class = _reads_whole_class(user, school_class)
    if not whole_class:
        query = query.where(Remark.author_id == user.id)
    remarks = db.session.scalars(query).all()
    return render_template(
        "remarks/class.html",
        title=f"Observații — {school_class.name}",
        school_class=school_class,
        enrolments=enrolments,
        entries=entries,
        remarks=remarks,
        kinds=REMARK_KIND_LABELS,
        form=form,
        can_write=school_class.id in remark_class_ids(user),
        whole_class=whole_class,
        today=access.today(),
    ), status


def _parse_day(raw: str | None) -> date:
    try:
        return date.fromisoformat(raw or "")
    except ValueError:
        raise InvariantViolation("date_invalid", "Data observației nu este validă.", "Invalid date.") from None


def _form_int(name: str) -> int | None:
    raw = (request.form.get(name) or "").strip()
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


@bp.route("/clasa/<int:class_id>", methods=["GET", "POST"])
@auth_required()
def school_class(class_id: int) -> Any:
    """Write a remark about a student of the class; the class's remarks this user may read."""
    user = _user()
    chosen_class = _access_class(user, class_id)
    if request.method == "GET":
        return _class_page(user, chosen_class, {})
    form = request.form.to_dict()
    enrolment = db.session.get(Enrolment, _form_int("enrolment_id") or 0)
    if enrolment is None or enrolment.class_id != chosen_class.id:
        abort(404)
    entry = None
    entry_id = _form_int("curriculum_entry_id")
    if entry_id is not None:
        entry = db.session.get(CurriculumEntry, entry_id)
        if entry is None or entry.class_id != chosen_class.id:
            abort(404)
    try:
        record_remark(
            user,
            enrolment,
            kind=form.get("kind", ""),
            remarked_on=_parse_day(form.get("remarked_on")),
            text=form.get("text", ""),
            curriculum_entry=entry,
            remote_addr=request.remote_addr,
        )
    except CatalogError as error:
        db.session.rollback()
        flash(error.message_ro, "error")
        return _class_page(user, chosen_class, form, 422 if isinstance(error, InvariantViolation) else 403)
    flash(f"Observația pentru {enrolment.student.full_name} a fost înregistrată.", "success")
    return redirect(url_for("remarks.school_class", class_id=chosen_class.id))


@bp.post("/<int:remark_id>/sterge")
@auth_required()
def hide(remark_id: int) -> Any:
    """The author "deletes" a remark: hidden from the file with a reason, kept in the history."""
    user = _user()
    remark = db.session.get(Remark, remark_id)
    if remark is None or remark.school_id != user.school_id or remark.author_id != user.id:
        raise _missing()
    try:
        hide_remark(user, remark, reason=request.form.get("reason"), remote_addr=request.remote_addr)
    except CatalogError as error:
        db.session.rollback()
        flash(error.message_ro, "error")
    else:
        flash("Observația a fost ștearsă din fișa elevului (rămâne în istoric).", "success")
    target = request.form.get("next") or ""
    if target == "class":
        return redirect(url_for("remarks.school_class", class_id=remark.class_id))
    return redirect(url_for("remarks.index"))
