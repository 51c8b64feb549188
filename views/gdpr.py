"""Personal data (GDPR) pages (issue 7 item 4; rules.md R-GDP-01; docs/gdpr.md).

* The secretariat (secretary, administrator: `students.manage`) searches students and guardians
  at `/date-personale/`, downloads anyone's data as a ZIP, restricts or frees a student's
  processing, and resolves or refuses the rectification requests at `/date-personale/rectificari`.
* A parent (or the student) opens `/date-personale/elev/<id>` for their own child: downloads the
  child's data and their own (as guardian), files a rectification request, and reads who opened
  the child's record (`/accesari`). Another child, or an id that does not exist, is the same 404
  (security/objects.access_family_student).

Every export and every opening of a student's GDPR page is written to the personal-data log.
Writes go through schema/operations/gdpr.py; the pages only read.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint, Response, abort, flash, make_response, redirect, render_template, request, url_for
from flask_security import auth_required, current_user

from schema import gdpr
from schema.audit_log import PersonalDataAccess
from schema.errors import CatalogError, NotFound
from schema.models import Guardian, RectificationRequest, Role, Student, StudentGuardian, User, db
from schema.operations.gdpr import file_rectification_request, resolve_rectification_request, set_restriction
from security import capabilities, policy
from security.access import role_names
from security.auth import log_personal_data_access
from security.objects import access_family_student

bp = Blueprint("gdpr", __name__, url_prefix="/date-personale", template_folder="templates")

SEARCH_LIMIT = 50
PAGE_SIZE = 50
STATE_LABELS = {"pending": "în așteptare", "resolved": "soluționată", "refused": "respinsă"}


def can_manage_personal_data(user: User) -> bool:
    """The secretariat's GDPR desk: whoever keeps the students' personal records."""
    return user.is_authenticated and policy.has_permission(role_names(user), policy.MANAGE_STUDENTS)


def _user() -> User:
    return current_user._get_current_object()


def _missing() -> NotFound:
    return NotFound("not_found", "Pagina cerută nu există.", "No such record.")


def _require_staff() -> User:
    user = _user()
    if not can_manage_personal_data(user):
        abort(403)
    return user


def _student_for(user: User, student_id: int) -> Student:
    """The secretariat: any student of the school; a parent or student: own child / self only."""
    if can_manage_personal_data(user):
        student = db.session.get(Student, student_id)
        if student is None or student.school_id != user.school_id:
            raise _missing()
        return student
    if capabilities.can_read_family_pages(user):
        return access_family_student(user, student_id)
    abort(403)


def _private(body: Any, status: int = 200) -> Any:
    response = make_response(body, status)
    response.headers["Cache-Control"] = "private, no-store"
    return response


# --- the secretariat's desk ----------------------------------------------------------------
@bp.get("/")
@auth_required()
def index() -> Any:
    """Search students and guardians; each result leads to its export."""
    user = _require_staff()
    text = (request.args.get("q") or "").strip()[:100]
    students: list[Student] = []
    guardians: list[Guardian] = []
    if text:
        pattern = f"%{text.lower()}%"
        full = sa.func.lower(Student.last_name + " " + Student.first_name)
        students = db.session.scalars(
            sa.select(Student).where(Student.school_id == user.school_id,
                                     sa.or_(full.like(pattern), sa.func.lower(Student.first_name + " " + Student.last_name)
                                            .like(pattern), Student.cnp.like(f"{text}%")))
            .order_by(Student.last_name, Student.first_name, Student.id).limit(SEARCH_LIMIT)
        ).all()
        guardian_full = sa.func.lower(Guardian.last_name + " " + Guardian.first_name)
        guardians = db.session.scalars(
            sa.select(Guardian).where(Guardian.school_id == user.school_id,
                                      sa.or_(guardian_full.like(pattern), sa.func.lower(Guardian.email).like(pattern)))
            .order_by(Guardian.last_name, Guardian.first_name, Guardian.id).limit(SEARCH_LIMIT)
        ).all()
    pending = db.session.scalar(
        sa.select(sa.func.count(RectificationRequest.id)).where(RectificationRequest.school_id == user.school_id,
                                                                RectificationRequest.state == "pending")
    )
    restricted = db.session.scalars(
        sa.select(Student).where(Student.school_id == user.school_id, Student.is_restricted.is_(True))
        .order_by(Student.last_name, Student.first_name).limit(SEARCH_LIMIT)
    ).all()
    return _private(render_template("gdpr/index.html", text=text, students=students, guardians=guardians,
                                    pending=pending, restricted=restricted, limit=SEARCH_LIMIT))


@bp.get("/rectificari")
@auth_required()
def requests() -> Any:
    """Pending rectification requests first, then the latest decided ones."""
    user = _require_staff()
    pending = db.session.scalars(
        sa.select(RectificationRequest).where(RectificationRequest.school_id == user.school_id,
                                              RectificationRequest.state == "pending")
        .options(sa.orm.joinedload(RectificationRequest.student), sa.orm.joinedload(RectificationRequest.requested_by))
        .order_by(RectificationRequest.requested_at, RectificationRequest.id)
    ).all()
    decided = db.session.scalars(
        sa.select(RectificationRequest).where(RectificationRequest.school_id == user.school_id,
                                              RectificationRequest.state != "pending")
        .options(sa.orm.joinedload(RectificationRequest.student), sa.orm.joinedload(RectificationRequest.requested_by),
                 sa.orm.joinedload(RectificationRequest.resolved_by))
        .order_by(RectificationRequest.resolved_at.desc(), RectificationRequest.id.desc()).limit(PAGE_SIZE)
    ).all()
    return _private(render_template("gdpr/requests.html", pending=pending, decided=decided, states=STATE_LABELS))


@bp.post("/rectificari/<int:request_id>")
@auth_required()
def decide(request_id: int) -> Any:
    user = _require_staff()
    rectification = db.session.get(RectificationRequest, request_id)
    if rectification is None or rectification.school_id != user.school_id:
        raise _missing()
    accept = request.form.get("decizie") == "solutionata"
    try:
        resolve_rectification_request(user, rectification, accept=accept, note=request.form.get("nota", ""),
                                      remote_addr=request.remote_addr)
    except CatalogError as error:
        db.session.rollback()
        flash(error.message_ro, "error")
    else:
        flash(f"Cererea a fost {'soluționată' if accept else 'respinsă'}.", "success")
    return redirect(url_for("gdpr.requests"))


@bp.post("/elev/<int:student_id>/restrictionare")
@auth_required()
def restrict(student_id: int) -> Any:
    user = _require_staff()
    student = _student_for(user, student_id)
    restricted = request.form.get("restrictionat") == "1"
    try:
        set_restriction(user, student, restricted=restricted, reason=request.form.get("motiv", ""),
                        remote_addr=request.remote_addr)
    except CatalogError as error:
        db.session.rollback()
        flash(error.message_ro, "error")
    else:
        flash("Prelucrarea datelor elevului este acum restricționată." if restricted
              else "Restricționarea prelucrării a fost ridicată.", "success")
    return redirect(url_for("gdpr.student", student_id=student_id))


# --- one student ---------------------------------------------------------------------------
def _student_page(user: User, student: Student, *, form: dict[str, str] | None = None, status: int = 200) -> Any:
    staff = can_manage_personal_data(user)
    query = sa.select(RectificationRequest).where(RectificationRequest.student_id == student.id)
    if not staff:
        query = query.where(RectificationRequest.requested_by_id == user.id)
    rectifications = db.session.scalars(
        query.options(sa.orm.joinedload(RectificationRequest.resolved_by))
        .order_by(RectificationRequest.requested_at.desc(), RectificationRequest.id.desc())
    ).all()
    links = db.session.execute(
        sa.select(Guardian, StudentGuardian.kind).join(StudentGuardian, StudentGuardian.guardian_id == Guardian.id)
        .where(StudentGuardian.student_id == student.id).order_by(Guardian.last_name, Guardian.first_name)
    ).all()
    own_guardian = next((guardian for guardian, _kind in links if guardian.user_id == user.id), None)
    html = render_template("gdpr/student.html", student=student, staff=staff, rectifications=rectifications,
                           guardians=links if staff else [], own_guardian=own_guardian, states=STATE_LABELS,
                           form=form or {})
    log_personal_data_access(user, student, "date personale (GDPR)")
    return _private(html, status)


@bp.get("/elev/<int:student_id>")
@auth_required()
def student(student_id: int) -> Any:
    """A student's GDPR page: export, restriction (secretariat), rectification requests."""
    user = _user()
    return _student_page(user, _student_for(user, student_id))


@bp.post("/elev/<int:student_id>/rectificare")
@auth_required()
def file_request(student_id: int) -> Any:
    """A parent (or the student) asks the secretariat to correct the record."""
    user = _user()
    if not capabilities.can_read_family_pages(user):
        abort(403)
    child = access_family_student(user, student_id)
    form = {"camp": request.form.get("camp", ""), "descriere": request.form.get("descriere", "")}
    try:
        file_rectification_request(user, child, field=form["camp"], description=form["descriere"],
                                   remote_addr=request.remote_addr)
    except CatalogError as error:
        db.session.rollback()
        flash(error.message_ro, "error")
        return _student_page(user, child, form=form, status=422)
    flash("Cererea de rectificare a fost trimisă secretariatului.", "success")
    return redirect(url_for("gdpr.student", student_id=student_id))


def _zip_response(export: gdpr.DataExport) -> Response:
    response = Response(gdpr.export_zip(export), mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="{gdpr.export_filename(export)}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/elev/<int:student_id>/export.zip")
@auth_required()
def student_export(student_id: int) -> Any:
    """Every row about the student, as a ZIP of JSON and CSV; the download is logged."""
    user = _user()
    student = _student_for(user, student_id)
    export = gdpr.student_export(student)
    response = _zip_response(export)
    log_personal_data_access(user, student, "export date personale (GDPR)")
    return response


@bp.get("/parinte/<int:guardian_id>/export.zip")
@auth_required()
def guardian_export(guardian_id: int) -> Any:
    """Every row about one guardian: the secretariat for anyone, a parent for themself only."""
    user = _user()
    guardian = db.session.get(Guardian, guardian_id)
    if guardian is None or guardian.school_id != user.school_id:
        raise _missing()
    if not can_manage_personal_data(user):
        if not capabilities.can_read_family_pages(user):
            abort(403)
        if guardian.user_id != user.id:
            raise _missing()
    export = gdpr.guardian_export(guardian)
    response = _zip_response(export)
    children = db.session.scalars(
        sa.select(Student).join(StudentGuardian, StudentGuardian.student_id == Student.id)
        .where(StudentGuardian.guardian_id == guardian.id)
    ).all()
    for child in children:  # the export names the children: that is an access to their record too
        log_personal_data_access(user, child, "export date personale ale părintelui (GDPR)", commit=False)
    if children:
        from schema.db import audit_context

        with audit_context(reason="Acces la date personale", user_id=user.id):
            db.session.commit()
    return response


@bp.get("/elev/<int:student_id>/accesari")
@auth_required()
def accesses(student_id: int) -> Any:
    """Who opened the child's record: a parent (or the student) for their own child only."""
    user = _user()
    if not capabilities.can_read_family_pages(user):
        abort(403)
    child = access_family_student(user, student_id)
    try:
        page = max(1, min(int(request.args.get("pagina", "1")), 10_000))
    except ValueError:
        page = 1
    rows = db.session.execute(
        sa.select(PersonalDataAccess.occurred_at, PersonalDataAccess.what, User.first_name, User.last_name,
                  PersonalDataAccess.user_id)
        .join(User, User.id == PersonalDataAccess.user_id)
        .where(PersonalDataAccess.student_id == child.id)
        .order_by(PersonalDataAccess.occurred_at.desc(), PersonalDataAccess.id.desc())
        .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
    ).all()
    user_ids = {row.user_id for row in rows}
    roles: dict[int, list[str]] = {}
    if user_ids:
        users = db.metadata.tables["roles_users"]
        for user_id, name in db.session.execute(
            sa.select(users.c.user_id, Role.name).join(Role, Role.id == users.c.role_id).where(users.c.user_id.in_(user_ids))
        ):
            roles.setdefault(user_id, []).append(policy.ROLE_DESCRIPTIONS.get(name, name))
    return _private(render_template("gdpr/accesses.html", child=child, rows=rows, roles=roles, page=page,
                                    page_size=PAGE_SIZE))
