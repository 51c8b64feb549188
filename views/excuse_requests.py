"""Online excuse requests (issue 8 part 5): the family's page, the file download, and the class
master's accept / reject buttons (shown on the motivations desk, views/class_master.py).

Family page `/cereri-motivare/elev/<id>`: the child's unexcused absences of the current school year,
a form (dates from–to, reason, optional file) and the state of every online request. Access as the
child's page (views/family.py): `can_read_family_pages` (403 for staff), then `access_family_student`
(another parent's child → 404). A minor student sees the page but cannot file (the operation refuses).

The operations are in schema/operations/excuse_requests.py; the director decides in the inbox.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_security import auth_required, current_user

from schema.errors import CatalogError, InvariantViolation, NotFound, PermissionDenied
from schema.models import Absence, Attachment, CurriculumEntry, Enrolment, MotivationRequest, Student, Subject, db
from schema.operations.excuse_requests import (
    FAMILY_STATE_LABELS,
    accept_excuse_request,
    current_enrolment,
    reject_excuse_request,
    require_may_file_for,
    submit_excuse_request,
)
from security import access, capabilities, policy
from security.auth import log_personal_data_access
from security.objects import access_family_student

bp = Blueprint("excuse_requests", __name__, url_prefix="/cereri-motivare", template_folder="templates")


def _family_reader() -> Any:
    user = current_user._get_current_object()
    if not capabilities.can_read_family_pages(user):
        abort(403)
    return user


def _date(name: str, label: str) -> date:
    try:
        return date.fromisoformat(request.form.get(name, ""))
    except ValueError:
        raise InvariantViolation("date_invalid", f"{label}: data nu este validă.", "Invalid date.") from None


def _page(child: Student, form: dict[str, str], status: int = 200) -> Any:
    user = current_user._get_current_object()
    try:
        enrolment = current_enrolment(child)
    except InvariantViolation:
        enrolment = None
    absences = []
    requests = []
    if enrolment is not None:
        absences = db.session.execute(
            sa.select(Absence.occurred_on, Absence.lesson_hour, Subject.name)
            .join(CurriculumEntry, CurriculumEntry.id == Absence.curriculum_entry_id)
            .join(Subject, Subject.id == CurriculumEntry.subject_id)
            .where(Absence.enrolment_id == enrolment.id, Absence.state == "unexcused")
            .order_by(Absence.occurred_on.desc(), Absence.lesson_hour)
        ).all()
        requests = db.session.scalars(
            sa.select(MotivationRequest)
            .join(Enrolment, Enrolment.id == MotivationRequest.enrolment_id)
            .where(Enrolment.student_id == child.id, MotivationRequest.filed_by_family.is_(True))
            .order_by(MotivationRequest.id.desc())
        ).all()
    try:
        require_may_file_for(user, child)
        may_file = enrolment is not None
    except PermissionDenied:
        may_file = False
    html = render_template(
        "excuse_requests/family.html",
        child=child,
        enrolment=enrolment,
        absences=absences,
        requests=requests,
        states=FAMILY_STATE_LABELS,
        form=form,
        may_file=may_file,
        today=access.today(),
    )
    log_personal_data_access(user, child, "cererile de motivare a absențelor")
    response = make_response(html, status)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/elev/<int:student_id>")
@auth_required()
def family_page(student_id: int) -> Any:
    user = _family_reader()
    child = access_family_student(user, student_id)
    return _page(child, {"covers_from": request.args.get("de_la", ""), "covers_to": request.args.get("pana_la", "")})


@bp.post("/elev/<int:student_id>")
@auth_required()
def submit(student_id: int) -> Any:
    user = _family_reader()
    child = access_family_student(user, student_id)
    form = request.form.to_dict()
    upload = request.files.get("attachment")
    try:
        attachment = None
        if upload is not None and upload.filename:
            attachment = (upload.filename, upload.read())
        submit_excuse_request(
            user,
            child,
            covers_from=_date("covers_from", "De la"),
            covers_to=_date("covers_to", "Până la"),
            reason=form.get("reason", ""),
            attachment=attachment,
            remote_addr=request.remote_addr,
        )
    except NotFound:
        db.session.rollback()
        abort(404)
    except CatalogError as error:
        db.session.rollback()
        flash(error.message_ro, "error")
        return _page(child, form, error.http_status)
    flash("Cererea a fost trimisă. Directorul o aprobă, apoi dirigintele motivează absențele.", "success")
    return redirect(url_for("excuse_requests.family_page", student_id=child.id))


def _may_read(user: Any, motivation_request: MotivationRequest) -> bool:
    """Whoever may read the request may download its file: the child's family (guardians, the
    student), the director or deputy, and the class master of the class."""
    enrolment = db.session.get(Enrolment, motivation_request.enrolment_id)
    if enrolment is None or enrolment.school_id != user.school_id:
        return False
    if policy.has_permission(access.role_names(user), policy.APPROVE):
        return True
    if enrolment.school_class.class_master_id == user.id:
        return True
    if capabilities.can_read_family_pages(user):
        try:
            access_family_student(user, enrolment.student_id)
        except NotFound:
            return False
        return True
    return False


@bp.get("/<int:request_id>/atasament")
@auth_required()
def attachment(request_id: int) -> Any:
    motivation_request = db.session.get(MotivationRequest, request_id)
    if (
        motivation_request is None
        or motivation_request.attachment_id is None
        or not _may_read(current_user, motivation_request)
    ):
        abort(404)
    stored = db.session.get(Attachment, motivation_request.attachment_id)
    enrolment = db.session.get(Enrolment, motivation_request.enrolment_id)
    log_personal_data_access(current_user._get_current_object(), enrolment.student, "documentul unei cereri de motivare")
    response = make_response(stored.data)
    response.headers["Content-Type"] = stored.content_type
    response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quoted(stored.filename)}"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _quoted(filename: str) -> str:
    from urllib.parse import quote

    return quote(filename, safe="")


# --- the class master's decision ----------------------------------------------------------------


def _desk_request(request_id: int) -> MotivationRequest:
    if not capabilities.can_use_class_master_desk(current_user):
        abort(403)
    motivation_request = db.session.get(MotivationRequest, request_id)
    if motivation_request is None or motivation_request.school_id != current_user.school_id:
        abort(404)
    enrolment = db.session.get(Enrolment, motivation_request.enrolment_id)
    if enrolment.school_class.class_master_id != current_user.id or not motivation_request.filed_by_family:
        abort(404)
    return motivation_request


def _back_to_desk(motivation_request: MotivationRequest) -> Any:
    enrolment = db.session.get(Enrolment, motivation_request.enrolment_id)
    return redirect(url_for("class_master.motivations", class_id=enrolment.class_id, elev=enrolment.id))


@bp.post("/<int:request_id>/accepta")
@auth_required()
def accept(request_id: int) -> Any:
    motivation_request = _desk_request(request_id)
    try:
        motivation = accept_excuse_request(current_user, motivation_request, remote_addr=request.remote_addr)
    except CatalogError as error:
        db.session.rollback()
        flash(error.message_ro, "error")
    else:
        flash(f"Cererea a fost acceptată: au fost motivate {motivation.hours} absențe.", "success")
    return _back_to_desk(motivation_request)


@bp.post("/<int:request_id>/respinge")
@auth_required()
def reject(request_id: int) -> Any:
    motivation_request = _desk_request(request_id)
    try:
        reject_excuse_request(
            current_user, motivation_request, reason=request.form.get("reason", ""), remote_addr=request.remote_addr
        )
    except CatalogError as error:
        db.session.rollback()
        flash(error.message_ro, "error")
    else:
        flash("Cererea a fost respinsă; familia a fost anunțată.", "success")
    return _back_to_desk(motivation_request)
