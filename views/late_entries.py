"""Introduceri ulterioare: what was entered in the catalog more than a day after its lesson date,
typically from the paper sheets after an outage (rules.md §7.8 R-EMG-05..08; decisions.md
"Emergency / paper mode" A35; schema/rules/late_entry.py).

For the director, the deputy and the auditor (those who read the version history): each late mark
and absence with its class, subject, student, lesson date, what was entered, who entered it and
when (the row's `teacher_id` is the account that recorded it and `created_at` the moment), and the
days of delay. Filters: the lesson dates (from / to) and the class. CSV export (UTF-8 with BOM,
";" as Excel expects in Romanian). Reads cost a fixed number of queries whatever the rows.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import Blueprint, Response, abort, current_app, render_template, request
from flask_security import auth_required, current_user

from pdf.documents import student_order_key
from schema.models import (
    Absence,
    CurriculumEntry,
    Enrolment,
    Mark,
    SchoolClass,
    SchoolYear,
    Student,
    Subject,
    User,
    db,
)
from schema.rules.late_entry import LATE_ENTRY_REASON, days_late
from security import access, capabilities
from views.pages import spreadsheet_safe

bp = Blueprint("late_entries", __name__, url_prefix="/directiune/introduceri-ulterioare", template_folder="templates")

CSV_HEADER = [
    "Clasa",
    "Disciplina",
    "Elevul",
    "Data lecției",
    "Ce",
    "Valoarea",
    "Introdusă de",
    "Introdusă la",
    "Zile de întârziere",
]
ABSENCE_STATES_RO = {"unexcused": "nemotivată", "excused": "motivată", "late": "întârziere"}
MARK_KINDS_RO = {"regular": "notă", "thesis": "teză"}


@dataclass
class LateEntry:
    class_name: str
    subject: str
    student: str
    student_sort: tuple[str, str, int]
    lesson_on: date
    what: str
    value: str
    entered_by: str
    entered_at: datetime
    entered_on: date
    delay_days: int


def _require_access() -> None:
    if not capabilities.can_view_late_entries(current_user):
        abort(403)


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config.get("CATALOG_SCHOOL_TIMEZONE", "Europe/Bucharest"))


def _local(moment: datetime, zone: ZoneInfo) -> datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo("UTC"))  # SQLite returns naive UTC
    return moment.astimezone(zone)


def _day(raw: str | None) -> date | None:
    text = (raw or "").strip()
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    return day if 1900 <= day.year <= 2200 else None


def late_entries(
    school_id: int, *, starts_on: date | None, ends_on: date | None, class_id: int | None, zone: ZoneInfo
) -> list[LateEntry]:
    """The late marks and absences of the school whose lesson date lies in the range (either end
    open) and, when given, of one class: two queries, in class, lesson date and student order."""
    subject_name = Subject.name.label("subject_name")

    def scoped(query: sa.Select, model: Any, lesson_column: Any) -> sa.Select:
        query = (
            query.join(SchoolClass, SchoolClass.id == model.class_id)
            .join(CurriculumEntry, CurriculumEntry.id == model.curriculum_entry_id)
            .join(Subject, Subject.id == CurriculumEntry.subject_id)
            .join(User, User.id == model.teacher_id)
            .where(model.school_id == school_id, model.entered_late.is_(True))
        )
        if starts_on is not None:
            query = query.where(lesson_column >= starts_on)
        if ends_on is not None:
            query = query.where(lesson_column <= ends_on)
        if class_id is not None:
            query = query.where(model.class_id == class_id)
        return query

    marks = db.session.execute(
        scoped(
            sa.select(
                SchoolClass.name,
                subject_name,
                Student.id,
                Student.last_name,
                Student.first_name,
                Student.father_initial,
                Mark.given_on,
                Mark.kind,
                Mark.value,
                Mark.calificativ,
                User.last_name,
                User.first_name,
                Mark.created_at,
            )
            .select_from(Mark)
            .join(Enrolment, Enrolment.id == Mark.enrolment_id)
            .join(Student, Student.id == Enrolment.student_id),
            Mark,
            Mark.given_on,
        )
    ).all()
    absences = db.session.execute(
        scoped(
            sa.select(
                SchoolClass.name,
                subject_name,
                Student.id,
                Student.last_name,
                Student.first_name,
                Student.father_initial,
                Absence.occurred_on,
                Absence.lesson_hour,
                Absence.state,
                User.last_name,
                User.first_name,
                Absence.created_at,
            )
            .select_from(Absence)
            .join(Enrolment, Enrolment.id == Absence.enrolment_id)
            .join(Student, Student.id == Enrolment.student_id),
            Absence,
            Absence.occurred_on,
        )
    ).all()

    def student_name(last: str, initial: str | None, first: str) -> str:
        return f"{last}{' ' + initial if initial else ''} {first}"

    rows: list[LateEntry] = []
    for (
        class_name,
        subject,
        student_id,
        last,
        first,
        initial,
        given_on,
        kind,
        value,
        calificativ,
        teacher_last,
        teacher_first,
        created_at,
    ) in marks:
        moment = _local(created_at, zone)
        shown = str(value) if value is not None else (calificativ or "")
        rows.append(
            LateEntry(
                class_name,
                subject,
                student_name(last, initial, first),
                student_order_key(last, first, student_id),
                given_on,
                MARK_KINDS_RO.get(kind, kind),
                shown,
                f"{teacher_last} {teacher_first}",
                moment,
                moment.date(),
                days_late(given_on, moment.date()),
            )
        )
    for (
        class_name,
        subject,
        student_id,
        last,
        first,
        initial,
        occurred_on,
        hour,
        state,
        teacher_last,
        teacher_first,
        created_at,
    ) in absences:
        moment = _local(created_at, zone)
        rows.append(
            LateEntry(
                class_name,
                subject,
                student_name(last, initial, first),
                student_order_key(last, first, student_id),
                occurred_on,
                "absență",
                f"ora {hour}, {ABSENCE_STATES_RO.get(state, state)}",
                f"{teacher_last} {teacher_first}",
                moment,
                moment.date(),
                days_late(occurred_on, moment.date()),
            )
        )
    rows.sort(key=lambda row: (row.class_name, row.lesson_on, row.subject, row.student_sort, row.what))
    return rows


def _filters() -> dict[str, Any]:
    """The chosen lesson dates and class; the default range is the current school year so far."""
    school_id = current_user.school_id
    today = access.today()
    year = db.session.scalars(
        sa.select(SchoolYear)
        .where(SchoolYear.school_id == school_id, SchoolYear.starts_on <= today)
        .order_by(SchoolYear.starts_on.desc())
        .limit(1)
    ).first()
    has_args = "de_la" in request.args or "pana_la" in request.args
    starts_on = _day(request.args.get("de_la")) if has_args else (year.starts_on if year else None)
    ends_on = _day(request.args.get("pana_la")) if has_args else today
    class_id = request.args.get("clasa", type=int)
    classes = db.session.execute(
        sa.select(SchoolClass.id, SchoolClass.name, SchoolYear.name)
        .join(SchoolYear, SchoolYear.id == SchoolClass.year_id)
        .where(SchoolClass.school_id == school_id)
        .order_by(SchoolYear.starts_on.desc(), SchoolClass.name)
    ).all()
    if class_id is not None and class_id not in {row[0] for row in classes}:
        abort(404)
    return {"starts_on": starts_on, "ends_on": ends_on, "class_id": class_id, "classes": classes}


@bp.get("/")
@auth_required()
def index() -> Any:
    _require_access()
    chosen = _filters()
    rows = late_entries(
        current_user.school_id,
        starts_on=chosen["starts_on"],
        ends_on=chosen["ends_on"],
        class_id=chosen["class_id"],
        zone=_zone(),
    )
    return render_template(
        "late_entries/index.html", title="Introduceri ulterioare", rows=rows, reason=LATE_ENTRY_REASON, **chosen
    )


def csv_text(rows: list[LateEntry]) -> str:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for row in rows:
        writer.writerow(
            [
                spreadsheet_safe(cell)
                for cell in (
                    row.class_name,
                    row.subject,
                    row.student,
                    row.lesson_on.strftime("%d.%m.%Y"),
                    row.what,
                    row.value,
                    row.entered_by,
                    row.entered_at.strftime("%d.%m.%Y %H:%M"),
                    row.delay_days,
                )
            ]
        )
    return buffer.getvalue()


@bp.get("/export.csv")
@auth_required()
def export() -> Any:
    """The filtered report as CSV (UTF-8 with BOM, ";")."""
    _require_access()
    chosen = _filters()
    rows = late_entries(
        current_user.school_id,
        starts_on=chosen["starts_on"],
        ends_on=chosen["ends_on"],
        class_id=chosen["class_id"],
        zone=_zone(),
    )
    response = Response(csv_text(rows), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = 'attachment; filename="introduceri-ulterioare.csv"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
