"""The endpoints of /api/v1. Reads query the models directly, within the caller's scope
(views/api/scope.py), one page at a time, in a fixed number of queries. Writes call the same
operations as the pages (schema/operations/marks.py, absences.py), with the token's owner as
the actor and the token's id in the version history.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy.orm import selectinload

from schema.errors import CatalogError, InvariantViolation, NotFound
from schema.models import (
    Absence,
    AnnualAverage,
    CurriculumEntry,
    CurriculumThesis,
    Enrolment,
    GradeLevel,
    Guardian,
    LearningPeriod,
    Mark,
    MotivationRequest,
    PeriodAverage,
    SchoolClass,
    SchoolYear,
    Student,
    StudentGuardian,
    Subject,
    TeachingAssignment,
    User,
    YearResult,
    db,
)
from schema.operations.absences import delete_absence, excuse_absences, record_absence
from schema.operations.marks import change_mark, delete_mark, record_mark
from security import access
from security.auth import log_personal_data_access
from views.api import auth, error_response
from views.api import schemas as s
from views.api.scope import Scope, scope_of

blp = Blueprint(
    "api", __name__, url_prefix="/api/v1",
    description="Catalogul școlar: structură, elevi, note, absențe, medii încheiate, situații anuale.",
)


@blp.before_request
def _authenticate() -> None:
    auth.authenticate()


@blp.errorhandler(CatalogError)
def _catalog_error(error: CatalogError) -> Any:
    db.session.rollback()
    return error_response(error)


@blp.errorhandler(Exception)
def _http_error(error: Exception) -> Any:
    from werkzeug.exceptions import HTTPException

    if not isinstance(error, HTTPException):
        raise error
    db.session.rollback()
    return error_response(error)


# --- helpers -----------------------------------------------------------------------------------
def _scope() -> Scope:
    return scope_of(auth.api_user())


def _page(query: sa.Select, args: dict[str, Any]) -> tuple[list[Any], dict[str, Any]]:
    """One page of `query` (ordered by a stable id) and the paging facts."""
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery()))
    page, per_page = args["page"], args["per_page"]
    rows = db.session.execute(query.limit(per_page).offset((page - 1) * per_page)).all()
    return rows, {"page": page, "per_page": per_page, "total": total}


def _decimal(value: Any) -> str | None:
    return None if value is None else f"{value:.2f}"


def _missing() -> NotFound:
    return NotFound("not_found", "Înregistrarea nu există.", "No such record.")


# --- structure ---------------------------------------------------------------------------------
@blp.route("/years")
@blp.arguments(s.PageArgs, location="query")
@blp.response(200, s.YearPage)
def years(args: dict[str, Any]) -> Any:
    """School years of the school."""
    scope = _scope()
    rows, meta = _page(sa.select(SchoolYear).where(SchoolYear.school_id == scope.school_id).order_by(SchoolYear.id), args)
    return {"items": [{c: getattr(y, c) for c in ("id", "name", "starts_on", "ends_on", "period_kind", "ruleset",
                                                    "is_closed")} for (y,) in rows], **meta}


@blp.route("/periods")
@blp.arguments(s.PeriodArgs, location="query")
@blp.response(200, s.PeriodPage)
def periods(args: dict[str, Any]) -> Any:
    """Learning periods (semesters, trimesters, modules); filter: year_id."""
    scope = _scope()
    query = sa.select(LearningPeriod).where(LearningPeriod.school_id == scope.school_id)
    if args.get("year_id"):
        query = query.where(LearningPeriod.year_id == args["year_id"])
    rows, meta = _page(query.order_by(LearningPeriod.id), args)
    return {"items": [{c: getattr(p, c) for c in ("id", "year_id", "ordinal", "name", "starts_on", "ends_on")}
                      for (p,) in rows], **meta}


@blp.route("/classes")
@blp.arguments(s.ClassArgs, location="query")
@blp.response(200, s.ClassPage)
def classes(args: dict[str, Any]) -> Any:
    """Classes the caller reads (the school, the classes taught or led, or the family's)."""
    scope = _scope()
    query = (sa.select(SchoolClass, GradeLevel.code, GradeLevel.evaluation_scale)
             .join(GradeLevel, GradeLevel.id == SchoolClass.grade_level_id).where(scope.classes()))
    if args.get("year_id"):
        query = query.where(SchoolClass.year_id == args["year_id"])
    rows, meta = _page(query.order_by(SchoolClass.id), args)
    return {"items": [{"id": c.id, "year_id": c.year_id, "name": c.name, "grade_code": code,
                       "evaluation_scale": scale, "class_master_id": c.class_master_id}
                      for c, code, scale in rows], **meta}


@blp.route("/subjects")
@blp.arguments(s.PageArgs, location="query")
@blp.response(200, s.SubjectPage)
def subjects(args: dict[str, Any]) -> Any:
    """Subjects of the school."""
    scope = _scope()
    rows, meta = _page(sa.select(Subject).where(Subject.school_id == scope.school_id).order_by(Subject.id), args)
    return {"items": [{"id": x.id, "name": x.name, "short_name": x.short_name} for (x,) in rows], **meta}


@blp.route("/curriculum")
@blp.arguments(s.ClassSubjectArgs, location="query")
@blp.response(200, s.CurriculumPage)
def curriculum(args: dict[str, Any]) -> Any:
    """Subjects of each class (curriculum entries); filters: class_id, subject_id."""
    scope = _scope()
    query = sa.select(CurriculumEntry).where(
        CurriculumEntry.class_id.in_(sa.select(SchoolClass.id).where(scope.classes())))
    if args.get("class_id"):
        query = query.where(CurriculumEntry.class_id == args["class_id"])
    if args.get("subject_id"):
        query = query.where(CurriculumEntry.subject_id == args["subject_id"])
    rows, meta = _page(query.order_by(CurriculumEntry.id), args)
    theses: dict[int, list[int]] = {}
    for entry_id, period_id in db.session.execute(
        sa.select(CurriculumThesis.curriculum_entry_id, CurriculumThesis.period_id)
        .where(CurriculumThesis.curriculum_entry_id.in_([e.id for (e,) in rows]))
    ):
        theses.setdefault(entry_id, []).append(period_id)
    return {"items": [{"id": e.id, "class_id": e.class_id, "subject_id": e.subject_id, "weekly_hours": e.weekly_hours,
                       "module_hours": e.module_hours, "thesis_period_ids": sorted(theses.get(e.id, []))}
                      for (e,) in rows], **meta}


@blp.route("/assignments")
@blp.arguments(s.ClassSubjectArgs, location="query")
@blp.response(200, s.AssignmentPage)
def assignments(args: dict[str, Any]) -> Any:
    """Teaching assignments (încadrări): who teaches which subject of which class."""
    scope = _scope()
    query = (
        sa.select(TeachingAssignment, CurriculumEntry.class_id, CurriculumEntry.subject_id, User.last_name,
                  User.first_name)
        .join(CurriculumEntry, CurriculumEntry.id == TeachingAssignment.curriculum_entry_id)
        .join(User, User.id == TeachingAssignment.teacher_id)
        .where(CurriculumEntry.class_id.in_(sa.select(SchoolClass.id).where(scope.classes())))
    )
    if args.get("class_id"):
        query = query.where(CurriculumEntry.class_id == args["class_id"])
    if args.get("subject_id"):
        query = query.where(CurriculumEntry.subject_id == args["subject_id"])
    rows, meta = _page(query.order_by(TeachingAssignment.id), args)
    return {"items": [{"id": a.id, "curriculum_entry_id": a.curriculum_entry_id, "class_id": class_id,
                       "subject_id": subject_id, "teacher_id": a.teacher_id, "teacher_name": f"{last} {first}"}
                      for a, class_id, subject_id, last, first in rows], **meta}


# --- people ------------------------------------------------------------------------------------
@blp.route("/students")
@blp.arguments(s.StudentArgs, location="query")
@blp.response(200, s.StudentPage)
def students(args: dict[str, Any]) -> Any:
    """Students with their enrolments (the enrolment id is what marks and absences name).
    Each student returned is written to the personal data access log."""
    scope = _scope()
    query = sa.select(Student).where(scope.students())
    if args.get("class_id"):
        query = query.where(Student.id.in_(sa.select(Enrolment.student_id).where(
            Enrolment.class_id == args["class_id"], scope.enrolments())))
    rows, meta = _page(query.options(selectinload(Student.enrolments)).order_by(Student.id), args)
    user = auth.api_user()
    for (student,) in rows:
        log_personal_data_access(user, student, "API: date elevi", commit=False)
    if rows:
        from schema.db import audit_context

        with audit_context(user_id=user.id, token_id=auth.token_id(), reason="Acces prin API"):
            db.session.commit()
    items = []
    for (student,) in rows:
        items.append({
            "id": student.id, "last_name": student.last_name, "first_name": student.first_name,
            "father_initial": student.father_initial,
            "enrolments": [{"id": e.id, "class_id": e.class_id, "year_id": e.year_id, "status": e.status,
                            "starts_on": e.starts_on, "ends_on": e.ends_on}
                           for e in sorted(student.enrolments, key=lambda e: e.id) if e.school_id == scope.school_id],
        })
    return {"items": items, **meta}


@blp.route("/guardians")
@blp.arguments(s.StudentArgs, location="query")
@blp.response(200, s.GuardianPage)
def guardians(args: dict[str, Any]) -> Any:
    """Parents and tutors of the students the caller reads (teachers: of the class they lead)."""
    scope = _scope()
    visible = sa.select(Student.id).where(scope.students(led_only=True))
    if args.get("class_id"):
        visible = visible.where(Student.id.in_(sa.select(Enrolment.student_id).where(
            Enrolment.class_id == args["class_id"])))
    links = sa.select(StudentGuardian.guardian_id).where(StudentGuardian.student_id.in_(visible))
    query = sa.select(Guardian).where(Guardian.school_id == scope.school_id, Guardian.id.in_(links))
    rows, meta = _page(query.order_by(Guardian.id), args)
    visible_ids = set(db.session.scalars(visible))
    by_guardian: dict[int, list[dict[str, Any]]] = {}
    for link in db.session.scalars(sa.select(StudentGuardian).where(
            StudentGuardian.guardian_id.in_([g.id for (g,) in rows])).order_by(StudentGuardian.id)):
        if link.student_id in visible_ids:
            by_guardian.setdefault(link.guardian_id, []).append(
                {"student_id": link.student_id, "kind": link.kind, "is_primary_contact": link.is_primary_contact})
    return {"items": [{"id": g.id, "last_name": g.last_name, "first_name": g.first_name, "phone": g.phone,
                       "email": g.email, "students": by_guardian.get(g.id, [])} for (g,) in rows], **meta}


# --- catalog rows ------------------------------------------------------------------------------
def _class_rows(model: Any, args: dict[str, Any], *, with_period: bool = True) -> sa.Select:
    scope = _scope()
    query = (
        sa.select(model, CurriculumEntry.subject_id, Enrolment.student_id)
        .join(CurriculumEntry, CurriculumEntry.id == model.curriculum_entry_id)
        .join(Enrolment, Enrolment.id == model.enrolment_id)
        .where(scope.class_rows(model))
    )
    if args.get("class_id"):
        query = query.where(model.class_id == args["class_id"])
    if args.get("subject_id"):
        query = query.where(CurriculumEntry.subject_id == args["subject_id"])
    if with_period and args.get("period_id"):
        query = query.where(model.period_id == args["period_id"])
    if args.get("student_id"):
        query = query.where(Enrolment.student_id == args["student_id"])
    return query.order_by(model.id)


def _row_base(row: Any, subject_id: int, student_id: int) -> dict[str, Any]:
    return {"id": row.id, "enrolment_id": row.enrolment_id, "student_id": student_id, "class_id": row.class_id,
            "curriculum_entry_id": row.curriculum_entry_id, "subject_id": subject_id}


def _mark_dict(mark: Mark, subject_id: int, student_id: int) -> dict[str, Any]:
    return {**_row_base(mark, subject_id, student_id), "period_id": mark.period_id, "value": mark.value,
            "calificativ": mark.calificativ, "given_on": mark.given_on, "kind": mark.kind,
            "instrument": mark.instrument, "is_fraud": mark.is_fraud, "teacher_id": mark.teacher_id}


def _absence_dict(absence: Absence, subject_id: int, student_id: int) -> dict[str, Any]:
    return {**_row_base(absence, subject_id, student_id), "period_id": absence.period_id,
            "occurred_on": absence.occurred_on, "lesson_hour": absence.lesson_hour, "state": absence.state,
            "motivation_id": absence.motivation_id}


def _written(row: Any) -> tuple[Any, int, int]:
    """A row just written, with the subject and student ids the answer carries."""
    entry = db.session.get(CurriculumEntry, row.curriculum_entry_id)
    enrolment = db.session.get(Enrolment, row.enrolment_id)
    return row, entry.subject_id, enrolment.student_id


def _visible(model: Any, row_id: int) -> Any:
    """A catalog row the caller reads (404 for missing and for not theirs)."""
    row = db.session.scalar(sa.select(model).where(model.id == row_id, _scope().class_rows(model)))
    if row is None:
        raise _missing()
    return row


def _target(enrolment_id: int, curriculum_entry_id: int) -> tuple[Enrolment, CurriculumEntry]:
    """The student (active enrolment) and subject a new mark or absence is for, both readable by
    the caller; the operation then decides whether the caller may write them."""
    scope = _scope()
    entry = db.session.scalar(sa.select(CurriculumEntry).where(
        CurriculumEntry.id == curriculum_entry_id, CurriculumEntry.school_id == scope.school_id,
        CurriculumEntry.class_id.in_(sa.select(SchoolClass.id).where(scope.classes()))))
    enrolment = db.session.scalar(sa.select(Enrolment).where(
        Enrolment.id == enrolment_id, Enrolment.status == "active", scope.enrolments()))
    if entry is None or enrolment is None:
        raise _missing()
    if not (scope.whole_school or entry.id in scope.entry_ids):
        raise _missing()
    return enrolment, entry


def _result(entry: CurriculumEntry, value: int | None, calificativ: str | None) -> dict[str, Any]:
    """The mark as the class's evaluation scale wants it (as the grade grid does)."""
    scale = entry.school_class.grade_level.evaluation_scale
    if scale == "descriptive":
        raise InvariantViolation("descriptive_scale", "Clasa pregătitoare are evaluare descriptivă, fără note.",
                                 "The preparatory grade gets no marks.")
    if scale == "calificative":
        if calificativ is None or value is not None:
            raise InvariantViolation("calificativ_missing", "La această clasă se dau calificative: FB, B, S sau I.",
                                     "This class is assessed with calificative: send `calificativ`.")
        return {"calificativ": calificativ}
    if value is None or calificativ is not None:
        raise InvariantViolation("mark_missing", "La această clasă se dau note întregi de la 1 la 10.",
                                 "This class is assessed with marks 1-10: send `value`.")
    return {"value": value}


@blp.route("/marks")
class Marks(MethodView):
    @blp.arguments(s.CatalogArgs, location="query")
    @blp.response(200, s.MarkPage)
    def get(self, args: dict[str, Any]) -> Any:
        """Marks; filters: class_id, subject_id, period_id, student_id."""
        rows, meta = _page(_class_rows(Mark, args), args)
        return {"items": [_mark_dict(*row) for row in rows], **meta}

    @blp.arguments(s.MarkCreate)
    @blp.response(201, s.Mark)
    def post(self, body: dict[str, Any]) -> Any:
        """Give a mark (read_write token of the subject's teacher), as in the grade grid."""
        auth.require_write_token()
        enrolment, entry = _target(body["enrolment_id"], body["curriculum_entry_id"])
        kind = body.get("kind", "regular")
        mark = record_mark(
            auth.api_user(), enrolment, entry, given_on=body.get("given_on") or access.today(), kind=kind,
            instrument="written" if kind == "thesis" else "oral", remote_addr=request.remote_addr,
            token_id=auth.token_id(), **_result(entry, body.get("value"), body.get("calificativ")),
        )
        return _mark_dict(*_written(mark))


@blp.route(f"/marks/<int(max={s.MAX_ID}):mark_id>")
class MarkById(MethodView):
    @blp.response(200, s.Mark)
    def get(self, mark_id: int) -> Any:
        """One mark."""
        return _mark_dict(*_written(_visible(Mark, mark_id)))

    @blp.arguments(s.MarkChange)
    @blp.response(200, s.Mark)
    def patch(self, body: dict[str, Any], mark_id: int) -> Any:
        """Correct a mark; the reason goes into the version history."""
        auth.require_write_token()
        mark = _visible(Mark, mark_id)
        result = _result(mark.curriculum_entry, body.get("value"), body.get("calificativ"))
        change_mark(auth.api_user(), mark, reason=body["reason"], remote_addr=request.remote_addr,
                    token_id=auth.token_id(), **result)
        return _mark_dict(*_written(mark))

    @blp.arguments(s.Reason)
    @blp.response(204)
    def delete(self, body: dict[str, Any], mark_id: int) -> None:
        """Delete a mark, with the reason (JSON body); the history keeps it."""
        auth.require_write_token()
        mark = _visible(Mark, mark_id)
        delete_mark(auth.api_user(), mark, reason=body["reason"], remote_addr=request.remote_addr,
                    token_id=auth.token_id())


@blp.route("/absences")
class Absences(MethodView):
    @blp.arguments(s.CatalogArgs, location="query")
    @blp.response(200, s.AbsencePage)
    def get(self, args: dict[str, Any]) -> Any:
        """Absences; filters: class_id, subject_id, period_id, student_id."""
        rows, meta = _page(_class_rows(Absence, args), args)
        return {"items": [_absence_dict(*row) for row in rows], **meta}

    @blp.arguments(s.AbsenceCreate)
    @blp.response(201, s.Absence)
    def post(self, body: dict[str, Any]) -> Any:
        """Record an absence at a lesson (the subject's teacher)."""
        auth.require_write_token()
        enrolment, entry = _target(body["enrolment_id"], body["curriculum_entry_id"])
        absence = record_absence(auth.api_user(), enrolment, entry, occurred_on=body.get("occurred_on") or access.today(),
                                 lesson_hour=body["lesson_hour"], remote_addr=request.remote_addr,
                                 token_id=auth.token_id())
        return _absence_dict(*_written(absence))


@blp.route(f"/absences/<int(max={s.MAX_ID}):absence_id>")
class AbsenceById(MethodView):
    @blp.response(200, s.Absence)
    def get(self, absence_id: int) -> Any:
        """One absence."""
        return _absence_dict(*_written(_visible(Absence, absence_id)))

    @blp.arguments(s.Reason)
    @blp.response(204)
    def delete(self, body: dict[str, Any], absence_id: int) -> None:
        """Delete an absence recorded by mistake, with the reason (JSON body)."""
        auth.require_write_token()
        absence = _visible(Absence, absence_id)
        delete_absence(auth.api_user(), absence, reason=body["reason"], remote_addr=request.remote_addr,
                       token_id=auth.token_id())


@blp.route("/absences/excuse", methods=["POST"])
@blp.arguments(s.ExcuseCreate)
@blp.response(201, s.Motivation)
def excuse(body: dict[str, Any]) -> Any:
    """The class master excuses a student's unexcused absences between two dates with a document."""
    auth.require_write_token()
    scope = _scope()
    enrolment = db.session.scalar(sa.select(Enrolment).where(Enrolment.id == body["enrolment_id"], scope.enrolments()))
    if enrolment is None:
        raise _missing()
    approval = None
    if body.get("approval_id"):
        approval = db.session.scalar(sa.select(MotivationRequest).where(
            MotivationRequest.id == body["approval_id"], MotivationRequest.enrolment_id == enrolment.id))
        if approval is None:
            raise _missing()
    motivation = excuse_absences(
        auth.api_user(), enrolment, kind=body["kind"], document_number=body["document_number"].strip(),
        document_date=body["document_date"], covers_from=body["covers_from"], covers_to=body["covers_to"],
        returned_on=body["returned_on"], presented_on=body["presented_on"], approval=approval,
        remote_addr=request.remote_addr, token_id=auth.token_id(),
    )
    return {"id": motivation.id, "enrolment_id": motivation.enrolment_id, "kind": motivation.kind,
            "covers_from": motivation.covers_from, "covers_to": motivation.covers_to, "hours": motivation.hours}


# --- closed results ----------------------------------------------------------------------------
@blp.route("/averages/period")
@blp.arguments(s.CatalogArgs, location="query")
@blp.response(200, s.PeriodAveragePage)
def period_averages(args: dict[str, Any]) -> Any:
    """Closed period (semester, trimester, module) averages."""
    query = _class_rows(PeriodAverage, args).where(PeriodAverage.state == "closed")
    rows, meta = _page(query, args)
    return {"items": [{**_row_base(a, subject_id, student_id), "period_id": a.period_id, "value": a.value,
                       "calificativ": a.calificativ, "closed_at": a.closed_at}
                      for a, subject_id, student_id in rows], **meta}


@blp.route("/averages/annual")
@blp.arguments(s.AnnualArgs, location="query")
@blp.response(200, s.AnnualAveragePage)
def annual_averages(args: dict[str, Any]) -> Any:
    """Closed annual averages (exact, two decimals)."""
    query = _class_rows(AnnualAverage, args, with_period=False).where(AnnualAverage.state == "closed")
    rows, meta = _page(query, args)
    return {"items": [{**_row_base(a, subject_id, student_id), "value": _decimal(a.value),
                       "calificativ": a.calificativ, "source": a.source, "closed_at": a.closed_at}
                      for a, subject_id, student_id in rows], **meta}


@blp.route("/year-results")
@blp.arguments(s.YearResultArgs, location="query")
@blp.response(200, s.YearResultPage)
def year_results(args: dict[str, Any]) -> Any:
    """Closed yearly situations: promovat, corigent, repetent, amânat, with the general average
    (teachers: of the class they lead)."""
    scope = _scope()
    query = (
        sa.select(YearResult, Enrolment.student_id, Enrolment.class_id, Enrolment.year_id)
        .join(Enrolment, Enrolment.id == YearResult.enrolment_id)
        .where(YearResult.school_id == scope.school_id, YearResult.state == "closed",
               scope.enrolments(led_only=True))
    )
    for name, column in (("class_id", Enrolment.class_id), ("year_id", Enrolment.year_id),
                         ("student_id", Enrolment.student_id)):
        if args.get(name):
            query = query.where(column == args[name])
    rows, meta = _page(query.order_by(YearResult.id), args)
    return {"items": [{"id": r.id, "enrolment_id": r.enrolment_id, "student_id": student_id, "class_id": class_id,
                       "year_id": year_id, "status": r.status, "general_average": _decimal(r.general_average),
                       "behaviour_average": _decimal(r.behaviour_average),
                       "behaviour_calificativ": r.behaviour_calificativ, "closed_at": r.closed_at}
                      for r, student_id, class_id, year_id in rows], **meta}
