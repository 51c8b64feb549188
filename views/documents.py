"""Downloading the official documents as PDF (issue 6 item 3; rules.md §6, decisions.md
"Documents"): catalogul clasei, class statistics, foaia matricolă, situația școlară, the notice to
parents (înștiințare) and the condica de prezență.

Who may download what (the predicates below build on security/capabilities.py and the `access_*`
helpers of security/objects.py, so "missing" and "not yours" give the same 404):
- roles that read the whole catalog (policy READ_ALL_CATALOG: director, deputy, secretary,
  auditor and administrator, who holds that permission and reads the catalog read-only in the
  administration screens too): every document of their school;
- the class master (diriginte): the catalog, statistics, situații, foi matricole and notices of
  the classes they lead;
- a teacher: their own condica only; the catalog of a class they teach but do not lead is not
  theirs to print (they read their own subject in the grade grid);
- the blank emergency paper sheets (fișe zilnice, rules.md §7.8): director, deputy and secretary
  for every class, a teacher for the subjects they teach and the classes they lead; never the
  administrator or the auditor (`access_paper_sheet_entry`);
- parents and students: the situația școlară of their own child (self), for any period or year
  they were enrolled in; the foaia matricolă is an official document the secretariat issues, and
  notices are sent to parents, not downloaded by them;
- the staff evaluation documents (issue 9: fișele de evaluare, the board's decision list): a link
  to each one the user may read, listed by views/evaluation.py `evaluation_documents`; they are
  served, checked and logged by the evaluation pages;
- the class statistics hold aggregates only, never a student's name (R-ACC-08), so the statistics
  viewer may download them too, for any class of the school.

Every download is logged. A document about one student adds one personal-data access row for
that student (`log_personal_data_access`); the class catalog adds one row per student enrolled in
the class (all of them in one commit), since it names and shows every one of them. The class
statistics and the condica hold no student's personal data (aggregates, counts), so they add no
personal-data row. Every download, of every kind, is also written as a JSON line to the
"catalog.documents" log (who, which document, which class/student/teacher, from where). The rows
are written after the PDF is rendered and before it is sent, so a document whose access could not
be logged is never sent.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, make_response, render_template, request, url_for
from flask_security import auth_required, current_user

from pdf.documents import ascii_slug, student_order_key
from pdf.documents.attendance_register import render_attendance_register, week_of
from pdf.documents.paper_sheet import render_paper_sheet
from pdf.documents.parent_notice import NOTICE_KINDS, NOTICE_TITLES, notice_threshold, render_parent_notice
from pdf.documents.student_report import render_student_report
from schema.audit_log import PersonalDataAccess
from schema.db import audit_context
from schema.errors import CatalogError, NotFound
from schema.models import (
    Absence,
    CurriculumEntry,
    Enrolment,
    LearningPeriod,
    Role,
    SchoolClass,
    SchoolYear,
    Student,
    Subject,
    User,
    YearResult,
    db,
)
from security import access, capabilities, policy
from security.auth import log_personal_data_access, now
from security.objects import (
    access_family_student,
    access_master_class,
    access_school_class,
    family_students,
    teachable_entry_ids,
)
from views.evaluation import evaluation_documents

bp = Blueprint("documents", __name__, url_prefix="/documente", template_folder="templates")

log = logging.getLogger("catalog.documents")

STATUS_NOTICES = ("corigent", "amanat", "repetent")


# --- who may download what ------------------------------------------------------------------
reads_whole_school = capabilities.reads_whole_school
can_download_documents = capabilities.can_download_documents


def _missing() -> NotFound:
    return NotFound("not_found", "Documentul cerut nu există.", "No such document.")


def _user() -> User:
    user = current_user._get_current_object()
    if not can_download_documents(user):
        abort(403)
    return user


def access_document_class(user: User, class_id: int) -> SchoolClass:
    """A class whose documents the user prints: any class of the school for whole-school readers,
    the classes they lead for a class master; 403 for roles with no class documents."""
    if reads_whole_school(user):
        return access_school_class(user, class_id)
    if capabilities.can_use_class_master_desk(user):
        return access_master_class(user, class_id)
    abort(403)


def access_statistics_class(user: User, class_id: int) -> SchoolClass:
    """A class whose statistics the user prints: the class documents' readers, plus the
    statistics viewer for any class of the school (aggregates only)."""
    if capabilities.can_view_statistics(user) and not reads_whole_school(user):
        return access_school_class(user, class_id)
    return access_document_class(user, class_id)


def _staff_student(user: User, student_id: int) -> Student | None:
    """The student, for staff entitled to their documents; None for roles without such a right."""
    if reads_whole_school(user):
        student = db.session.get(Student, student_id)
        if student is None or student.school_id != user.school_id:
            raise _missing()
        return student
    if capabilities.can_use_class_master_desk(user):
        # Only the class master of the student's latest enrolment: after a transfer or a new year
        # the former diriginte no longer prints the student's documents.
        latest = db.session.scalars(
            sa.select(Enrolment).where(Enrolment.student_id == student_id, Enrolment.school_id == user.school_id)
            .order_by(Enrolment.starts_on.desc(), Enrolment.id.desc()).limit(1)
        ).first()
        if latest is None or latest.school_class.class_master_id != user.id:
            raise _missing()
        return latest.student
    return None


def access_document_student(user: User, student_id: int, *, family: bool) -> Student:
    """A student whose documents the user prints. `family`: parents and students may have this
    document of their own child (self); otherwise they are refused with 403."""
    is_family = capabilities.can_read_family_pages(user)
    try:
        student = _staff_student(user, student_id)
    except NotFound:
        if not (family and is_family):
            raise
        student = None
    if student is not None:
        return student
    if is_family:
        if not family:
            abort(403)
        return access_family_student(user, student_id)
    abort(403)


def access_condica_teacher(user: User, teacher_id: int) -> User:
    """The teacher whose condica the user prints: self (a teacher), or any teacher of the school
    for whole-school readers."""
    if reads_whole_school(user):
        teacher = db.session.get(User, teacher_id)
        if teacher is None or teacher.school_id != user.school_id:
            raise _missing()
        return teacher
    if capabilities.can_use_grade_grid(user):
        if teacher_id != user.id:
            raise _missing()
        return user
    abort(403)


# --- responses and the download log -----------------------------------------------------------
def _pdf_response(content: bytes, filename: str) -> Any:
    response = make_response(content)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _log_download(user: User, document: str, **facts: Any) -> None:
    log.info(json.dumps({"event": "document_download", "document": document, "user_id": user.id,
                         "school_id": user.school_id, "ip": request.remote_addr, **facts},
                        ensure_ascii=False, default=str))


def log_class_download(user: User, school_class: SchoolClass, what: str) -> int:
    """One personal-data access row per student enrolled in the class this year (every one of
    them is named in the document), in one commit. Returns the number of rows."""
    student_ids = sorted(set(db.session.scalars(
        sa.select(Enrolment.student_id).where(Enrolment.class_id == school_class.id,
                                              Enrolment.school_id == school_class.school_id)
    )))
    moment = now()
    db.session.add_all([
        PersonalDataAccess(school_id=school_class.school_id, user_id=user.id, student_id=student_id,
                           what=what[:100], ip=request.remote_addr, occurred_at=moment)
        for student_id in student_ids
    ])
    with audit_context(reason="Acces la date personale", user_id=user.id):
        db.session.commit()
    return len(student_ids)


def _render(render: Callable[[], bytes]) -> bytes | Any:
    """The PDF, or the Romanian error page of a refusal the document explains (e.g. a notice below
    its threshold)."""
    try:
        return render()
    except NotFound:
        raise
    except CatalogError as error:
        db.session.rollback()
        return make_response(render_template("pages/error.html", title="Documentul nu se poate emite",
                                             message=error.message_ro), error.http_status)


def _int_arg(name: str) -> int | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 18:
        abort(404)
    return int(raw)


def _class_period(school_class: SchoolClass) -> LearningPeriod | None:
    """The `perioada` argument: a period of the class's year (404 otherwise), or None."""
    period_id = _int_arg("perioada")
    if period_id is None:
        return None
    period = db.session.get(LearningPeriod, period_id)
    if period is None or period.year_id != school_class.year_id:
        raise _missing()
    return period


# --- class documents --------------------------------------------------------------------------
@bp.get("/clasa/<int:class_id>/catalog.pdf")
@auth_required()
def class_catalog(class_id: int) -> Any:
    """Catalogul clasei for the whole year."""
    user = _user()
    school_class = access_document_class(user, class_id)
    from pdf.documents.class_catalog import render_class_catalog

    content = render_class_catalog(school_class.id)
    rows = log_class_download(user, school_class, f"PDF catalogul clasei {school_class.name}")
    _log_download(user, "catalog", class_id=school_class.id, students=rows)
    return _pdf_response(content, f"catalog-{ascii_slug(school_class.name)}-{school_class.year.name}.pdf")


@bp.get("/clasa/<int:class_id>/statistici.pdf")
@auth_required()
def class_statistics(class_id: int) -> Any:
    """Class statistics for a period (`perioada`) or the year."""
    user = _user()
    school_class = access_statistics_class(user, class_id)
    period = _class_period(school_class)
    from pdf.documents.class_statistics import render_class_statistics

    content = render_class_statistics(school_class.id, period.id if period else None)
    _log_download(user, "statistici", class_id=school_class.id, period_id=period.id if period else None)
    scope = ascii_slug(period.name) if period else "anual"
    return _pdf_response(content, f"statistici-{ascii_slug(school_class.name)}-{scope}.pdf")


# --- student documents ------------------------------------------------------------------------
@bp.get("/elev/<int:student_id>/situatie.pdf")
@auth_required()
def student_report(student_id: int) -> Any:
    """Situația școlară for a period (`perioada`) or a year (`an`, a school year id; default the
    latest)."""
    user = _user()
    student = access_document_student(user, student_id, family=True)
    period_id, year_id = _int_arg("perioada"), _int_arg("an")
    content = _render(lambda: render_student_report(student.id, period_id, year_id))
    if not isinstance(content, bytes):
        return content
    period = db.session.get(LearningPeriod, period_id) if period_id else None
    scope = ascii_slug(period.name) if period else "anual"
    log_personal_data_access(user, student, f"PDF situația școlară ({period.name if period else 'anual'})")
    _log_download(user, "situatie", student_id=student.id, period_id=period_id, year_id=year_id)
    return _pdf_response(content, f"situatia-scolara-{ascii_slug(student.full_name)}-{scope}.pdf")


@bp.get("/elev/<int:student_id>/foaie-matricola.pdf")
@auth_required()
def transcript(student_id: int) -> Any:
    """Foaia matricolă over all the student's years (staff only)."""
    user = _user()
    student = access_document_student(user, student_id, family=False)
    from pdf.documents.transcript import render_transcript

    content = render_transcript(student.id)
    log_personal_data_access(user, student, "PDF foaia matricolă")
    _log_download(user, "foaie_matricola", student_id=student.id)
    return _pdf_response(content, f"foaie-matricola-{ascii_slug(student.full_name)}.pdf")


@bp.get("/elev/<int:student_id>/instiintare-<kind>.pdf")
@auth_required()
def parent_notice(student_id: int, kind: str) -> Any:
    """The notice to parents: `absente` (period `perioada`, default the current one), `corigent`,
    `amanat` or `repetent` (year `an`, default the latest); `nr` is the registration number."""
    user = _user()
    if kind not in NOTICE_KINDS:
        raise _missing()
    student = access_document_student(user, student_id, family=False)
    period_id, year_id = _int_arg("perioada"), _int_arg("an")
    number = request.args.get("nr", "")
    content = _render(lambda: render_parent_notice(student.id, kind, period_id=period_id, year_id=year_id,
                                                   number=number))
    if not isinstance(content, bytes):
        return content
    log_personal_data_access(user, student, f"PDF înștiințare ({NOTICE_TITLES[kind]})")
    _log_download(user, "instiintare", kind=kind, student_id=student.id, period_id=period_id, year_id=year_id)
    return _pdf_response(content, f"instiintare-{kind}-{ascii_slug(student.full_name)}.pdf")


# --- condica ----------------------------------------------------------------------------------
def _condica_range() -> tuple[date, date, str]:
    """`zi` (YYYY-MM-DD, default today) and `interval` (zi or saptamana, default saptamana)."""
    raw = request.args.get("zi", "").strip()
    try:
        day = date.fromisoformat(raw) if raw else access.today()
    except ValueError:
        abort(404)
    if not 1900 <= day.year <= 2200:
        abort(404)
    if request.args.get("interval", "saptamana") == "zi":
        return day, day, "zi"
    monday, sunday = week_of(day)
    return monday, sunday, "saptamana"


@bp.get("/profesor/<int:teacher_id>/condica.pdf")
@auth_required()
def attendance_register(teacher_id: int) -> Any:
    """The condica de prezență of a teacher for a day or a week."""
    user = _user()
    teacher = access_condica_teacher(user, teacher_id)
    starts_on, ends_on, interval = _condica_range()
    content = _render(lambda: render_attendance_register(teacher.id, starts_on, ends_on))
    if not isinstance(content, bytes):
        return content
    _log_download(user, "condica", teacher_id=teacher.id, starts_on=starts_on.isoformat(),
                  ends_on=ends_on.isoformat())
    return _pdf_response(content, f"condica-{ascii_slug(teacher.full_name)}-{starts_on.isoformat()}-{interval}.pdf")


# --- emergency paper sheets -------------------------------------------------------------------
def access_paper_sheet_entry(user: User, curriculum_entry_id: int) -> CurriculumEntry:
    """A subject of a class whose blank paper sheets the user prints (rules.md §7.8 R-EMG-03):
    any of the school for director, deputy and secretary (the secretariat hands the sheets out);
    for a teacher, the subjects they teach (or hold a delegation for) and every subject of the
    classes they lead. Anything else, the administrator included, answers as missing."""
    entry = db.session.get(CurriculumEntry, curriculum_entry_id)
    if entry is None or entry.school_id != user.school_id or not capabilities.can_print_paper_sheets(user):
        raise _missing()
    if capabilities.prints_every_paper_sheet(user):
        return entry
    if entry.id in teachable_entry_ids(user):
        return entry
    if entry.school_class.class_master_id == user.id and capabilities.can_use_class_master_desk(user):
        return entry
    raise _missing()


def paper_sheet_entries(user: User, year: SchoolYear | None) -> list[tuple[int, str, str]]:
    """(curriculum entry id, class, subject) of the sheets the user may print in `year`, in class
    and subject order; one query (two for a teacher)."""
    if year is None or not capabilities.can_print_paper_sheets(user):
        return []
    query = (
        sa.select(CurriculumEntry.id, SchoolClass.name, Subject.name)
        .join(SchoolClass, SchoolClass.id == CurriculumEntry.class_id)
        .join(Subject, Subject.id == CurriculumEntry.subject_id)
        .where(SchoolClass.year_id == year.id, CurriculumEntry.school_id == user.school_id)
        .order_by(SchoolClass.name, Subject.name)
    )
    if not capabilities.prints_every_paper_sheet(user):
        query = query.where(sa.or_(CurriculumEntry.id.in_(teachable_entry_ids(user)),
                                   SchoolClass.class_master_id == user.id))
    return [(entry_id, class_name, subject) for entry_id, class_name, subject in db.session.execute(query)]


def _day_arg(name: str, default: date) -> date:
    raw = request.args.get(name, "").strip()
    try:
        day = date.fromisoformat(raw) if raw else default
    except ValueError:
        abort(404)
    if not 1900 <= day.year <= 2200:
        abort(404)
    return day


@bp.get("/fisa-urgenta.pdf")
@auth_required()
def paper_sheet() -> Any:
    """Blank daily sheets of one subject of a class (`disciplina`, a curriculum entry id) for a day
    (`zi`, default today) or a range (`zi` to `pana`), one page per school day."""
    user = _user()
    curriculum_entry_id = _int_arg("disciplina")
    if curriculum_entry_id is None:
        raise _missing()
    entry = access_paper_sheet_entry(user, curriculum_entry_id)
    starts_on = _day_arg("zi", access.today())
    ends_on = _day_arg("pana", starts_on)
    content = _render(lambda: render_paper_sheet(entry.id, starts_on, ends_on))
    if not isinstance(content, bytes):
        return content
    school_class = entry.school_class
    rows = log_class_download(user, school_class, f"PDF fișă zilnică {entry.subject.name}, {school_class.name}")
    _log_download(user, "fisa_urgenta", curriculum_entry_id=entry.id, class_id=school_class.id, students=rows,
                  starts_on=starts_on.isoformat(), ends_on=ends_on.isoformat())
    scope = starts_on.isoformat() if starts_on == ends_on else f"{starts_on.isoformat()}-{ends_on.isoformat()}"
    return _pdf_response(content, f"fisa-{ascii_slug(school_class.name)}-{ascii_slug(entry.subject.name)}-{scope}.pdf")


# --- pages ------------------------------------------------------------------------------------
def _current_year(school_id: int) -> SchoolYear | None:
    today = access.today()
    years = list(db.session.scalars(
        sa.select(SchoolYear).where(SchoolYear.school_id == school_id).order_by(SchoolYear.starts_on.desc())
    ))
    current = [year for year in years if year.starts_on <= today <= year.ends_on]
    return current[0] if current else (years[0] if years else None)


@bp.get("/")
@auth_required()
def index() -> Any:
    """The documents the user may download, by role."""
    user = _user()
    year = _current_year(user.school_id)
    whole_school = reads_whole_school(user)
    classes: list[SchoolClass] = []
    teachers: list[User] = []
    statistics_only = not whole_school and capabilities.can_view_statistics(user)
    if (whole_school or statistics_only) and year is not None:
        classes = list(db.session.scalars(
            sa.select(SchoolClass).where(SchoolClass.year_id == year.id).order_by(SchoolClass.name)))
    elif capabilities.can_use_class_master_desk(user):
        classes = list(db.session.scalars(
            sa.select(SchoolClass).join(SchoolYear, SchoolYear.id == SchoolClass.year_id)
            .where(SchoolClass.class_master_id == user.id).order_by(SchoolYear.starts_on.desc(), SchoolClass.name)))
    if whole_school:
        teachers = list(db.session.scalars(
            sa.select(User).where(User.school_id == user.school_id, User.roles.any(Role.name == policy.TEACHER))
            .order_by(User.last_name, User.first_name)))
    children: list[tuple[Student, list[tuple[str, list[tuple[str, str]]]]]] = []
    if capabilities.can_read_family_pages(user):
        children = [(child, _report_links(child)) for child in family_students(user)]
    today = access.today()
    return _private(render_template(
        "documents/index.html", title="Documente", year=year, classes=classes, teachers=teachers,
        whole_school=whole_school, statistics_only=statistics_only, own_condica=capabilities.can_use_grade_grid(user),
        children=children, today=today, monday=week_of(today)[0],
        paper_sheet_entries=paper_sheet_entries(user, year),
        evaluation_campaigns=evaluation_documents(user),
    ))


def _report_links(student: Student) -> list[tuple[str, list[tuple[str, str]]]]:
    """(year name, [(label, url)]) of the situații a family member may download."""
    years = db.session.execute(
        sa.select(SchoolYear.id, SchoolYear.name).join(Enrolment, Enrolment.year_id == SchoolYear.id)
        .where(Enrolment.student_id == student.id).distinct().order_by(SchoolYear.name.desc())
    ).all()
    periods = db.session.execute(
        sa.select(LearningPeriod.id, LearningPeriod.year_id, LearningPeriod.name)
        .where(LearningPeriod.year_id.in_([row[0] for row in years])).order_by(LearningPeriod.ordinal)
    ).all()
    links = []
    for year_id, year_name in years:
        items = [(name, url_for("documents.student_report", student_id=student.id, perioada=period_id))
                 for period_id, period_year, name in periods if period_year == year_id]
        items.append(("Anual", url_for("documents.student_report", student_id=student.id, an=year_id)))
        links.append((year_name, items))
    return links


@bp.get("/clasa/<int:class_id>")
@auth_required()
def class_page(class_id: int) -> Any:
    """A class's documents: the catalog and statistics, and per student the situații, the foaia
    matricolă and the notices that apply (unexcused absences at the threshold in the chosen
    period, the year status)."""
    user = _user()
    school_class = access_document_class(user, class_id)
    periods = list(school_class.year.periods)
    period = _class_period(school_class)
    if period is None and periods:
        today = access.today()
        period = next((p for p in periods if p.contains(today)), None) or next(
            (p for p in reversed(periods) if p.starts_on <= today), periods[0])
    enrolments = db.session.execute(
        sa.select(Enrolment.id, Enrolment.status, Student.id, Student.last_name, Student.first_name,
                  Student.father_initial)
        .join(Student, Student.id == Enrolment.student_id)
        .where(Enrolment.class_id == school_class.id)
    ).all()
    enrolment_ids = [row[0] for row in enrolments]
    unexcused: dict[int, int] = {}
    if period is not None and enrolment_ids:
        unexcused = dict(db.session.execute(
            sa.select(Absence.enrolment_id, sa.func.count(Absence.id))
            .where(Absence.enrolment_id.in_(enrolment_ids), Absence.period_id == period.id,
                   Absence.state == "unexcused")
            .group_by(Absence.enrolment_id)
        ).all())
    statuses = dict(db.session.execute(
        sa.select(YearResult.enrolment_id, YearResult.status)
        .where(YearResult.enrolment_id.in_(enrolment_ids), YearResult.state == "closed")
    ).all()) if enrolment_ids else {}
    students = []
    for enrolment_id, status, student_id, last_name, first_name, initial in sorted(
        enrolments, key=lambda row: student_order_key(row[3], row[4], row[2])
    ):
        name = f"{last_name}{' ' + initial if initial else ''} {first_name}"
        year_status = statuses.get(enrolment_id)
        students.append({
            "id": student_id, "name": name, "enrolment_status": status,
            "unexcused": unexcused.get(enrolment_id, 0),
            "status_notice": year_status if year_status in STATUS_NOTICES else None,
        })
    return _private(render_template(
        "documents/class.html", title=f"Documente — {school_class.name}", school_class=school_class,
        periods=periods, period=period, students=students, threshold=notice_threshold(school_class.school_id),
        notice_titles=NOTICE_TITLES,
    ))


def _private(html: str) -> Any:
    response = make_response(html)
    response.headers["Cache-Control"] = "private, no-store"
    return response
