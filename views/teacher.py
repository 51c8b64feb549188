"""The teacher's grade grid, "Catalogul meu" (issue 5, item 2).

Pages: the teacher's assignments of the current school year; the grid of one subject of a class
(students × marks, teză, absences, live average, minimum-marks warning, closed average) for one
learning period; absences per lesson; closing the average of one student or of the whole class.

Under a rule-set without period averages (rofuip2022, rofuip2024: ROFUIP 2022 Art. 109(1)) a
subject that is not a module of a modular curriculum has one average per year, from all the
year's marks: the grid shows that live annual average and offers "Închide media anuală" from the
year's last learning period on, instead of closing an average per module.

Each page: `auth_required` → `can_use_grade_grid` (403) → `access_teachable_entry` (404) →
operation (schema/operations) → template. Writes answer JSON to `fetch` (keyboard entry) and a
redirect with a flash message to plain forms, so the grid works without JavaScript too.

The grid reads everything in a fixed number of queries whatever the class size and computes the
live averages and warnings with the pure rules (schema/rules) from the marks already loaded.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_security import auth_required, current_user
from sqlalchemy.orm import contains_eager, joinedload

from schema import rules
from schema.errors import CatalogError, InvariantViolation, NotFound
from schema.models import (
    Absence,
    AnnualAverage,
    CurriculumEntry,
    Enrolment,
    Exemption,
    LearningPeriod,
    Mark,
    PeriodAverage,
    SchoolClass,
    SchoolYear,
    Student,
    TeachingAssignment,
    db,
)
from schema.operations.absences import delete_absence, record_absence
from schema.operations.base import batch
from schema.operations.closing import close_annual_average, close_period_average, period_average_proposal
from schema.operations.marks import change_mark, delete_mark, record_mark
from schema.rules.late_entry import LATE_ENTRY_REASON, is_late_entry
from security import access, capabilities
from security.objects import access_teachable_entry, teachable_entry_ids

bp = Blueprint("teacher", __name__, url_prefix="/catalogul-meu", template_folder="templates")

#: Lesson hours a teacher can pick for an absence (0 = "ora zero"; the database allows 0–14).
LESSON_HOURS = range(0, 15)
_WHOLE_MARK = re.compile(r"\d{1,2}")


# --- guards ----------------------------------------------------------------------------------
def _require_grid_user() -> None:
    if not capabilities.can_use_grade_grid(current_user):
        abort(403)


def _entry(curriculum_entry_id: int) -> CurriculumEntry:
    """The curriculum entry this teacher may open (404 otherwise), then loaded again in one query
    with its class, grade level, year, periods, subject and teză periods (all small)."""
    _require_grid_user()
    access_teachable_entry(current_user, curriculum_entry_id)
    return db.session.scalars(
        sa.select(CurriculumEntry)
        .where(CurriculumEntry.id == curriculum_entry_id)
        .options(
            joinedload(CurriculumEntry.subject),
            joinedload(CurriculumEntry.school_class).joinedload(SchoolClass.grade_level),
            joinedload(CurriculumEntry.school_class).joinedload(SchoolClass.year).joinedload(SchoolYear.periods),
            joinedload(CurriculumEntry.thesis_periods),
        )
        .execution_options(populate_existing=True)
    ).unique().one()


def _missing() -> NotFound:
    return NotFound("not_found", "Înregistrarea nu există.", "No such record.")


# --- reading ---------------------------------------------------------------------------------
def _current_year(school_id: int) -> SchoolYear | None:
    """The school year containing today, else the latest one."""
    today = access.today()
    year = db.session.scalar(
        sa.select(SchoolYear).where(
            SchoolYear.school_id == school_id, SchoolYear.starts_on <= today, SchoolYear.ends_on >= today
        )
    )
    if year is None:
        year = db.session.scalar(
            sa.select(SchoolYear).where(SchoolYear.school_id == school_id).order_by(SchoolYear.starts_on.desc()).limit(1)
        )
    return year


def _pick_period(entry: CurriculumEntry, period_id: int | None) -> LearningPeriod:
    """The asked period of the class's year (404 for another year's); by default the period
    containing today, else the last one already started, else the first."""
    periods = list(entry.school_class.year.periods)
    if not periods:
        raise NotFound("no_periods", "Anul școlar nu are perioade de învățare definite.", "No learning periods.")
    if period_id is not None:
        for period in periods:
            if period.id == period_id:
                return period
        raise _missing()
    today = access.today()
    started = [p for p in periods if p.starts_on <= today]
    for period in started:
        if period.contains(today):
            return period
    return started[-1] if started else periods[0]


@dataclass
class Row:
    """One student's line of the grid, computed from rows already loaded."""

    enrolment: Enrolment
    name: str
    marks: list[Mark] = field(default_factory=list)
    thesis: Mark | None = None
    absences: list[Absence] = field(default_factory=list)
    #: Regular marks counted for the minimum (this period, or the whole year under rofuip2022).
    counted_marks: int = 0
    live: int | None = None
    candidates: list[str] = field(default_factory=list)
    minimum: int = 0
    at_risk: bool = False
    closed: PeriodAverage | None = None
    reopened: bool = False
    locked_by_year: bool = False
    exempt: bool = False
    #: The student's annual average of the subject (closed or reopened), if any.
    annual: AnnualAverage | None = None
    #: Exempt from the subject for the whole year.
    exempt_year: bool = False
    #: Regular marks of the whole year (loaded only under a rule-set with a year scope).
    year_marks: list[Mark] = field(default_factory=list)
    #: What closing would ask a reason for (mirrors period_average_proposal).
    close_warnings: list[str] = field(default_factory=list)

    @property
    def unexcused(self) -> int:
        return sum(1 for a in self.absences if a.state == "unexcused")

    @property
    def excused(self) -> int:
        return sum(1 for a in self.absences if a.state == "excused")

    @property
    def late(self) -> int:
        return sum(1 for a in self.absences if a.state == "late")

    @property
    def below_minimum(self) -> bool:
        return not self.exempt and self.counted_marks < self.minimum

    @property
    def locked(self) -> bool:
        """Marks and absences cannot change: the average is closed (rules.md §3.16)."""
        return self.closed is not None or self.locked_by_year

    @property
    def closable(self) -> bool:
        return not self.locked and not self.exempt and bool(self.marks)

    @property
    def annual_closed(self) -> AnnualAverage | None:
        return self.annual if self.annual is not None and self.annual.state == "closed" else None

    @property
    def annual_display(self) -> str:
        """The closed annual average as shown: 10 (a whole number under rofuip2022), 7,50, or FB."""
        average = self.annual_closed
        if average is None:
            return ""
        if average.value is None:
            return average.calificativ or ""
        value = average.value
        return str(int(value)) if value == int(value) else str(value).replace(".", ",")

    @property
    def annual_closable(self) -> bool:
        """The annual average may be closed (the grid also needs the year's last period to have begun)."""
        return self.annual_closed is None and not self.exempt_year and bool(self.year_marks)

    @property
    def proposal(self) -> str | None:
        if self.live is not None:
            return str(self.live)
        return self.candidates[0] if self.candidates else None


@dataclass
class Grid:
    """The grid of one subject of a class in one learning period."""

    entry: CurriculumEntry
    period: LearningPeriod
    ruleset: rules.RuleSet
    scale: str
    has_thesis: bool
    rows: list[Row]
    #: No period average for this subject: one annual average from all the year's marks.
    annual_mode: bool = False
    #: The year's last learning period has begun: the annual averages may be closed.
    annual_closing_open: bool = False

    @property
    def last_period(self) -> LearningPeriod:
        return list(self.entry.school_class.year.periods)[-1]

    @property
    def school_class(self) -> SchoolClass:
        return self.entry.school_class

    @property
    def takes_marks(self) -> bool:
        return self.scale != "descriptive"

    @property
    def minimum_per_year(self) -> bool:
        return self.ruleset.min_marks_scope == "year"


def _ruleset_of_class(school_class: SchoolClass) -> rules.RuleSet:
    """The grade level's rule-set if it has its own, else the school year's (as closing uses)."""
    return rules.get_ruleset(school_class.grade_level.ruleset or school_class.year.ruleset)


def has_annual_average_only(entry: CurriculumEntry, ruleset: rules.RuleSet) -> bool:
    """No period average: the rule-set has none (ROFUIP 2022 Art. 109(1)) and the entry is not a
    module of a modular curriculum (those close from their own marks when they end, Art. 109(3))."""
    return not ruleset.has_period_average and entry.module_hours is None


def annual_closing_open(entry: CurriculumEntry) -> bool:
    """The annual average may be closed once the year's last learning period has begun."""
    periods = list(entry.school_class.year.periods)
    return bool(periods) and access.today() >= periods[-1].starts_on


def load_grid(entry: CurriculumEntry, period: LearningPeriod, enrolment_id: int | None = None) -> Grid:
    """Students × marks, teză, absences, averages of `entry` in `period`: six queries whatever the
    class size (`enrolment_id` restricts it to one student's row, for updating a row in place)."""
    school_class = entry.school_class
    ruleset = _ruleset_of_class(school_class)
    scale = school_class.grade_level.evaluation_scale
    has_thesis = entry.has_thesis_in(period.id)
    annual_mode = has_annual_average_only(entry, ruleset)
    year_scope = ruleset.min_marks_scope == "year" or annual_mode

    enrolment_query = (
        sa.select(Enrolment)
        .join(Student, Student.id == Enrolment.student_id)
        .options(contains_eager(Enrolment.student))
        .where(Enrolment.class_id == school_class.id, Enrolment.status == "active")
        .order_by(Student.last_name, Student.first_name, Student.id)
    )
    if enrolment_id is not None:
        enrolment_query = enrolment_query.where(Enrolment.id == enrolment_id)
    enrolments = db.session.scalars(enrolment_query).all()

    def for_students(query: sa.Select, column: Any) -> sa.Select:
        return query.where(column == enrolment_id) if enrolment_id is not None else query

    mark_periods = [p.id for p in school_class.year.periods] if year_scope else [period.id]
    marks = db.session.scalars(for_students(
        sa.select(Mark).where(Mark.curriculum_entry_id == entry.id, Mark.period_id.in_(mark_periods))
        .order_by(Mark.given_on, Mark.id), Mark.enrolment_id)).all()
    absences = db.session.scalars(for_students(
        sa.select(Absence).where(Absence.curriculum_entry_id == entry.id, Absence.period_id == period.id)
        .order_by(Absence.occurred_on, Absence.lesson_hour), Absence.enrolment_id)).all()
    closed = {
        a.enrolment_id: a for a in db.session.scalars(for_students(
            sa.select(PeriodAverage).where(
                PeriodAverage.curriculum_entry_id == entry.id, PeriodAverage.period_id == period.id
            ), PeriodAverage.enrolment_id))
    }
    annual = {
        a.enrolment_id: a for a in db.session.scalars(for_students(
            sa.select(AnnualAverage).where(AnnualAverage.curriculum_entry_id == entry.id), AnnualAverage.enrolment_id))
    }
    exemptions = db.session.execute(for_students(
        sa.select(Exemption.enrolment_id, Exemption.period_id).where(Exemption.curriculum_entry_id == entry.id),
        Exemption.enrolment_id)).all()
    exempt = {enrolment for enrolment, period_id in exemptions if period_id is None or period_id == period.id}
    exempt_year = {enrolment for enrolment, period_id in exemptions if period_id is None}

    marks_by_student: dict[int, list[Mark]] = defaultdict(list)
    for mark in marks:
        marks_by_student[mark.enrolment_id].append(mark)
    absences_by_student: dict[int, list[Absence]] = defaultdict(list)
    for absence in absences:
        absences_by_student[absence.enrolment_id].append(absence)

    rows = []
    for enrolment in enrolments:
        own = marks_by_student.get(enrolment.id, [])
        in_period = [m for m in own if m.period_id == period.id]
        closed_average = closed.get(enrolment.id)
        row = Row(
            enrolment=enrolment,
            name=enrolment.student.full_name,
            marks=[m for m in in_period if m.kind == "regular"],
            thesis=next((m for m in in_period if m.kind == "thesis"), None),
            absences=absences_by_student.get(enrolment.id, []),
            closed=closed_average if closed_average is not None and closed_average.state == "closed" else None,
            reopened=closed_average is not None and closed_average.state == "reopened",
            annual=annual.get(enrolment.id),
            exempt=enrolment.id in exempt,
            exempt_year=enrolment.id in exempt_year,
        )
        row.locked_by_year = row.annual_closed is not None
        row.reopened = row.reopened or (annual_mode and row.annual is not None and row.annual.state == "reopened")
        counted = [m for m in own if m.kind == "regular"] if year_scope else row.marks
        row.year_marks = counted if year_scope else []
        row.counted_marks = len(counted)
        if annual_mode:
            _compute_annual(row, entry, ruleset, scale, counted)
        else:
            _compute_averages(row, entry, ruleset, scale, has_thesis, counted, year_scope)
        rows.append(row)
    return Grid(entry=entry, period=period, ruleset=ruleset, scale=scale, has_thesis=has_thesis, rows=rows,
                annual_mode=annual_mode, annual_closing_open=annual_mode and annual_closing_open(entry))


def _compute_annual(row: Row, entry: CurriculumEntry, ruleset: rules.RuleSet, scale: str, year_marks: list[Mark]) -> None:
    """The live annual average from all the year's marks (ROFUIP 2022 Art. 109(1)), or the two most
    frequent calificative of the year, and the minimum of marks per year (Art. 107(4), (6))."""
    if scale == "descriptive":
        return
    if scale == "calificative":
        found = [m.calificativ for m in year_marks if m.calificativ]
        row.candidates = rules.primary_period_candidates(found) if found else []
    else:
        values = [m.value for m in year_marks if m.value is not None]
        row.live = rules.annual_average_from_marks(values) if values else None
        # One more mark for a student at risk of corigență (Art. 107(6), decisions.md A12).
        row.at_risk = row.live is not None and row.live < 5
    row.minimum = rules.minimum_marks(entry.weekly_hours, ruleset=ruleset, module_hours=entry.module_hours,
                                      at_risk=row.at_risk)
    if year_marks and len(year_marks) < row.minimum:
        what = ("calificativ" if len(year_marks) == 1 else "calificative") if scale == "calificative" \
            else ("notă" if len(year_marks) == 1 else "note")
        row.close_warnings.append(
            f"Are {len(year_marks)} {what} în acest an, sub minimul de {row.minimum} pe an"
            f"{' (elev în situație de corigență)' if row.at_risk else ''}."
        )


def _compute_averages(row: Row, entry: CurriculumEntry, ruleset: rules.RuleSet, scale: str, has_thesis: bool,
                      counted: list[Mark], year_scope: bool) -> None:
    """The live average (what closing would store), the minimum of marks and the closing warnings,
    with the pure rules only (period_average_proposal computes the same from its own query)."""
    if scale == "descriptive":
        return  # the preparatory grade: descriptive evaluation, no marks and no minimum
    if row.marks:
        if scale == "calificative":
            row.candidates = rules.primary_period_candidates([m.calificativ for m in row.marks if m.calificativ])
        elif scale == "marks":
            values = [m.value for m in row.marks if m.value is not None]
            thesis = row.thesis.value if row.thesis is not None and ruleset.has_thesis else None
            row.live = rules.period_average(values, thesis, ruleset=ruleset) if values else None
    if scale == "marks" and counted:
        values = [m.value for m in counted if m.value is not None]
        current = rules.annual_average_from_marks(values) if year_scope and values else row.live
        # 001 Art. 118(6), decisions.md A12: one more mark for a student at risk of corigență.
        row.at_risk = current is not None and current < 5
    row.minimum = rules.minimum_marks(entry.weekly_hours, ruleset=ruleset, module_hours=entry.module_hours,
                                      at_risk=row.at_risk)
    proposal_minimum = rules.min_marks(entry.weekly_hours, module_hours=entry.module_hours)
    if row.marks and len(row.marks) < proposal_minimum:
        row.close_warnings.append(
            f"Are {len(row.marks)} {'notă' if len(row.marks) == 1 else 'note'}, sub minimul de {proposal_minimum}; "
            "încheierea mediei cere un motiv."
        )
    if row.marks and has_thesis and row.thesis is None:
        row.close_warnings.append("Disciplina are teză în această perioadă, dar elevul nu are notă la teză; "
                                  "încheierea fără teză cere un motiv.")


def _row_payload(entry: CurriculumEntry, period: LearningPeriod, enrolment_id: int, message: str) -> Any:
    """JSON for fetch: the student's row rendered again, to replace the old one in place."""
    grid = load_grid(entry, period, enrolment_id=enrolment_id)
    html = render_template("teacher/_row.html", grid=grid, row=grid.rows[0]) if grid.rows else ""
    return jsonify(ok=True, message=message, html=html, enrolment_id=enrolment_id)


def _json_error(error: CatalogError) -> Any:
    return jsonify(code=error.code, message=error.message_ro), error.http_status


def _grid_url(entry: CurriculumEntry, period: LearningPeriod | None = None) -> str:
    return url_for("teacher.grid", curriculum_entry_id=entry.id, perioada=period.id if period else None)


# --- input parsing ---------------------------------------------------------------------------
def _parse_result(raw: Any, scale: str) -> dict[str, Any]:
    """The typed mark as record_mark's `value` or `calificativ`; out-of-range numbers (0, 11) go
    to the operation, which refuses them with its own message."""
    text = str(raw if raw is not None else "").strip()
    if scale == "descriptive":
        raise InvariantViolation("descriptive_scale", "Clasa pregătitoare are evaluare descriptivă, fără note.",
                                 "The preparatory grade gets no marks.")
    if scale == "calificative":
        if not text:
            raise InvariantViolation("calificativ_missing", "Scrieți calificativul: FB, B, S sau I.", "Missing.")
        try:
            return {"calificativ": rules.as_calificativ(text)}
        except (TypeError, ValueError):
            raise InvariantViolation("calificativ_unknown", f"„{text}” nu este un calificativ: se dau FB, B, S sau I.",
                                     "Unknown calificativ.") from None
    if not text:
        raise InvariantViolation("mark_missing", "Scrieți nota: un număr întreg de la 1 la 10.", "Missing mark.")
    if not _WHOLE_MARK.fullmatch(text):
        raise InvariantViolation("mark_invalid", f"„{text}” nu este o notă: se dau note întregi de la 1 la 10.",
                                 "Not a whole mark.")
    return {"value": int(text)}


def _late_prefix(lesson_on: date) -> str:
    """The batch's audit reason starts with "introducere ulterioară" when the lesson date is more
    than a day ago (schema/rules/late_entry.py; the rows themselves are flagged by the operation)."""
    return f"{LATE_ENTRY_REASON}: " if is_late_entry(lesson_on, access.today()) else ""


def _parse_day(raw: Any, default: date | None = None) -> date:
    text = str(raw or "").strip()
    if not text and default is not None:
        return default
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvariantViolation("date_invalid", "Data nu este validă.", "Invalid date.") from None


def _payload() -> dict[str, Any]:
    """The request's fields, from a JSON body (fetch) or a form."""
    if request.is_json:
        body = request.get_json(silent=True)
        return body if isinstance(body, dict) else {}
    return request.form.to_dict()


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _class_enrolment(entry: CurriculumEntry, enrolment_id: int | None) -> Enrolment:
    """An active enrolment of the entry's class (404 for anyone else's student)."""
    enrolment = db.session.scalar(
        sa.select(Enrolment).where(
            Enrolment.id == (enrolment_id or 0), Enrolment.class_id == entry.class_id, Enrolment.status == "active"
        )
    )
    if enrolment is None:
        raise _missing()
    return enrolment


def _entry_mark(entry: CurriculumEntry, mark_id: int) -> Mark:
    mark = db.session.scalar(sa.select(Mark).where(Mark.id == mark_id, Mark.curriculum_entry_id == entry.id))
    if mark is None:
        raise _missing()
    return mark


def _entry_absence(entry: CurriculumEntry, absence_id: int) -> Absence:
    absence = db.session.scalar(
        sa.select(Absence).where(Absence.id == absence_id, Absence.curriculum_entry_id == entry.id)
    )
    if absence is None:
        raise _missing()
    return absence


def _shown(result: dict[str, Any]) -> str:
    return str(result.get("value") if result.get("value") is not None else result.get("calificativ"))


# --- pages -----------------------------------------------------------------------------------
@bp.get("/")
@auth_required()
def index() -> Any:
    """The teacher's assignments (own and delegated) in the current school year, as cards."""
    _require_grid_user()
    year = _current_year(current_user.school_id)
    cards: list[dict[str, Any]] = []
    if year is not None:
        entry_ids = teachable_entry_ids(current_user)
        own = set(db.session.scalars(
            sa.select(TeachingAssignment.curriculum_entry_id).where(TeachingAssignment.teacher_id == current_user.id)
        ))
        entries = db.session.scalars(
            sa.select(CurriculumEntry)
            .join(SchoolClass, SchoolClass.id == CurriculumEntry.class_id)
            .options(contains_eager(CurriculumEntry.school_class), joinedload(CurriculumEntry.subject))
            .where(CurriculumEntry.id.in_(entry_ids), SchoolClass.year_id == year.id,
                   CurriculumEntry.school_id == current_user.school_id)
            .order_by(SchoolClass.name, CurriculumEntry.id)
        ).all() if entry_ids else []
        counts = dict(db.session.execute(
            sa.select(Enrolment.class_id, sa.func.count(Enrolment.id))
            .where(Enrolment.class_id.in_({e.class_id for e in entries}), Enrolment.status == "active")
            .group_by(Enrolment.class_id)
        ).all()) if entries else {}
        cards = [
            {"entry": entry, "students": counts.get(entry.class_id, 0), "delegated": entry.id not in own}
            for entry in sorted(entries, key=lambda e: (e.school_class.name, e.subject.name))
        ]
    return render_template("teacher/index.html", title="Catalogul meu", year=year, cards=cards)


@bp.get("/<int:curriculum_entry_id>")
@auth_required()
def grid(curriculum_entry_id: int) -> Any:
    """The grid of one subject of a class in one learning period."""
    entry = _entry(curriculum_entry_id)
    period = _pick_period(entry, request.args.get("perioada", type=int))
    data = load_grid(entry, period)
    # The entry date: today, or the nearest day of the period shown when today lies outside it.
    given_on = min(max(access.today(), period.starts_on), period.ends_on)
    return render_template("teacher/grid.html", title=f"{entry.subject.name}, {entry.school_class.name}",
                           grid=data, given_on=given_on, lesson_hours=LESSON_HOURS)


@bp.post("/<int:curriculum_entry_id>/note")
@auth_required()
def record(curriculum_entry_id: int) -> Any:
    """Record marks: one cell as JSON (keyboard entry), or every filled cell of the grid form
    (without JavaScript) in one transaction, all or nothing."""
    entry = _entry(curriculum_entry_id)
    scale = entry.school_class.grade_level.evaluation_scale
    data = _payload()
    shown_period = _pick_period(entry, _int(data.get("period_id")))
    if request.is_json:
        try:
            enrolment = _class_enrolment(entry, _int(data.get("enrolment_id")))
            kind = "thesis" if data.get("kind") == "thesis" else "regular"
            given_on = _parse_day(data.get("given_on"), access.today())
            result = _parse_result(data.get("value"), scale)
            mark = record_mark(current_user, enrolment, entry, given_on=given_on, kind=kind,
                               instrument="written" if kind == "thesis" else "oral",
                               remote_addr=request.remote_addr, **result)
        except CatalogError as error:
            return _json_error(error)
        what = "Teza" if kind == "thesis" else ("Calificativul" if scale == "calificative" else "Nota")
        message = f"{what} {mark.display} din {given_on:%d.%m.%Y} a fost trecut{'ă' if what != 'Calificativul' else ''}" \
                  f" pentru {enrolment.student.full_name}."
        if mark.entered_late:
            message += f" Înregistrare marcată „{LATE_ENTRY_REASON}”."
        if mark.period_id != shown_period.id:
            message += f" Data este în {mark.period.name}."
        return _row_payload(entry, shown_period, enrolment.id, message)

    enrolments = db.session.scalars(
        sa.select(Enrolment).options(joinedload(Enrolment.student))
        .where(Enrolment.class_id == entry.class_id, Enrolment.status == "active")
    ).all()
    wanted = [
        (enrolment, kind, request.form.get(f"{prefix}-{enrolment.id}", "").strip())
        for enrolment in enrolments
        for prefix, kind in (("mark", "regular"), ("thesis", "thesis"))
    ]
    wanted = [item for item in wanted if item[2]]
    if not wanted:
        flash("Nu ați scris nicio notă.", "warning")
        return redirect(_grid_url(entry, shown_period))
    student = None
    try:
        given_on = _parse_day(request.form.get("given_on"), access.today())
        with batch(current_user, _late_prefix(given_on) + f"Note la {entry.subject.name}, {entry.school_class.name}"):
            for enrolment, kind, raw in wanted:
                student = enrolment.student.full_name
                record_mark(current_user, enrolment, entry, given_on=given_on, kind=kind,
                            instrument="written" if kind == "thesis" else "oral",
                            remote_addr=request.remote_addr, **_parse_result(raw, scale))
    except CatalogError as error:
        prefix = f"{student}: " if student else ""
        flash(f"{prefix}{error.message_ro} Nicio notă nu a fost salvată.", "error")
    else:
        flash(f"Au fost trecute {len(wanted)} {'notă' if len(wanted) == 1 else 'note'}"
              f"{' (' + LATE_ENTRY_REASON + ')' if is_late_entry(given_on, access.today()) else ''}.", "success")
    return redirect(_grid_url(entry, shown_period))


@bp.route("/<int:curriculum_entry_id>/nota/<int:mark_id>", methods=["GET", "POST"])
@auth_required()
def mark(curriculum_entry_id: int, mark_id: int) -> Any:
    """Change or delete a mark, with the reason (the dialog posts JSON; the page is the fallback)."""
    entry = _entry(curriculum_entry_id)
    mark = _entry_mark(entry, mark_id)
    scale = entry.school_class.grade_level.evaluation_scale
    period = _pick_period(entry, mark.period_id)
    if request.method == "GET":
        return render_template("teacher/mark.html", title="Modificarea notei", entry=entry, mark=mark, period=period,
                               form={})
    data = _payload()
    enrolment_id = mark.enrolment_id
    name = mark.enrolment.student.full_name
    action = data.get("action", "change")
    try:
        if action == "delete":
            delete_mark(current_user, mark, reason=str(data.get("reason") or ""), remote_addr=request.remote_addr)
            message = f"Nota a fost ștearsă pentru {name}."
        else:
            result = _parse_result(data.get("value"), scale)
            change_mark(current_user, mark, reason=str(data.get("reason") or ""), remote_addr=request.remote_addr,
                        **result)
            message = f"Nota a fost modificată în {_shown(result)} pentru {name}."
    except CatalogError as error:
        db.session.rollback()
        if request.is_json:
            return _json_error(error)
        mark = _entry_mark(entry, mark_id)
        return render_template("teacher/mark.html", title="Modificarea notei", entry=entry, mark=mark, period=period,
                               form=data, error=error.message_ro), error.http_status
    if request.is_json:
        return _row_payload(entry, period, enrolment_id, message)
    flash(message, "success")
    return redirect(_grid_url(entry, period))


@bp.route("/<int:curriculum_entry_id>/absenta/<int:absence_id>", methods=["GET", "POST"])
@auth_required()
def absence(curriculum_entry_id: int, absence_id: int) -> Any:
    """Delete an absence recorded by mistake, with the reason."""
    entry = _entry(curriculum_entry_id)
    absence = _entry_absence(entry, absence_id)
    period = _pick_period(entry, absence.period_id)
    if request.method == "GET":
        return render_template("teacher/absence.html", title="Ștergerea absenței", entry=entry, absence=absence,
                               period=period, form={})
    data = _payload()
    enrolment_id = absence.enrolment_id
    name = absence.enrolment.student.full_name
    try:
        delete_absence(current_user, absence, reason=str(data.get("reason") or ""), remote_addr=request.remote_addr)
    except CatalogError as error:
        db.session.rollback()
        if request.is_json:
            return _json_error(error)
        absence = _entry_absence(entry, absence_id)
        return render_template("teacher/absence.html", title="Ștergerea absenței", entry=entry, absence=absence,
                               period=period, form=data, error=error.message_ro), error.http_status
    message = f"Absența a fost ștearsă pentru {name}."
    if request.is_json:
        return _row_payload(entry, period, enrolment_id, message)
    flash(message, "success")
    return redirect(_grid_url(entry, period))


@bp.route("/<int:curriculum_entry_id>/absente", methods=["GET", "POST"])
@auth_required()
def absences(curriculum_entry_id: int) -> Any:
    """Absences per lesson: the date and hour, then the absent students, all in one transaction."""
    entry = _entry(curriculum_entry_id)
    enrolments = db.session.scalars(
        sa.select(Enrolment).join(Student, Student.id == Enrolment.student_id)
        .options(contains_eager(Enrolment.student))
        .where(Enrolment.class_id == entry.class_id, Enrolment.status == "active")
        .order_by(Student.last_name, Student.first_name, Student.id)
    ).all()
    form: dict[str, Any] = {"occurred_on": access.today().isoformat(), "lesson_hour": "1", "absent": set()}
    if request.method == "POST":
        form = {"occurred_on": request.form.get("occurred_on", ""), "lesson_hour": request.form.get("lesson_hour", ""),
                "absent": set(request.form.getlist("absent"))}
        by_id = {str(e.id): e for e in enrolments}
        if any(key not in by_id for key in form["absent"]):
            raise _missing()
        chosen = [e for e in enrolments if str(e.id) in form["absent"]]
        student = None
        try:
            occurred_on = _parse_day(form["occurred_on"])
            lesson_hour = _int(form["lesson_hour"])
            if lesson_hour is None or lesson_hour not in LESSON_HOURS:
                raise InvariantViolation("lesson_hour_range", "Alegeți ora de curs (0–14).", "Pick the lesson hour.")
            if not chosen:
                raise InvariantViolation("nobody_absent", "Bifați cel puțin un elev absent.", "Tick a student.")
            with batch(current_user, _late_prefix(occurred_on) + f"Absențe la {entry.subject.name}, "
                                     f"{entry.school_class.name}, {occurred_on:%d.%m.%Y} ora {lesson_hour}"):
                for enrolment in chosen:
                    student = enrolment.student.full_name
                    record_absence(current_user, enrolment, entry, occurred_on=occurred_on, lesson_hour=lesson_hour,
                                   remote_addr=request.remote_addr)
        except CatalogError as error:
            prefix = f"{student}: " if student and len(chosen) > 1 else ""
            return render_template("teacher/absences.html", title="Absențe pe oră", entry=entry,
                                   enrolments=enrolments, form=form, lesson_hours=LESSON_HOURS,
                                   error=f"{prefix}{error.message_ro} Nicio absență nu a fost salvată."), \
                error.http_status
        flash(f"Au fost trecute {len(chosen)} {'absență' if len(chosen) == 1 else 'absențe'} "
              f"pe {occurred_on:%d.%m.%Y}, ora {lesson_hour}"
              f"{' (' + LATE_ENTRY_REASON + ')' if is_late_entry(occurred_on, access.today()) else ''}.", "success")
        period = next((p for p in entry.school_class.year.periods if p.contains(occurred_on)), None)
        return redirect(_grid_url(entry, period))
    return render_template("teacher/absences.html", title="Absențe pe oră", entry=entry, enrolments=enrolments,
                           form=form, lesson_hours=LESSON_HOURS)


@bp.route("/<int:curriculum_entry_id>/inchide/<int:enrolment_id>", methods=["GET", "POST"])
@auth_required()
def close_one(curriculum_entry_id: int, enrolment_id: int) -> Any:
    """"Închide media" for one student: the proposal and its warnings, then the closing."""
    entry = _entry(curriculum_entry_id)
    enrolment = _class_enrolment(entry, enrolment_id)
    period = _pick_period(entry, request.args.get("perioada", type=int))
    if has_annual_average_only(entry, _ruleset_of_class(entry.school_class)):
        return redirect(url_for("teacher.close_annual_one", curriculum_entry_id=entry.id, enrolment_id=enrolment.id,
                                perioada=period.id), 303)
    data = load_grid(entry, period, enrolment_id=enrolment.id)
    row = data.rows[0]
    form = request.form.to_dict() if request.method == "POST" else {}
    error = None
    if request.method == "POST":
        try:
            close_period_average(current_user, enrolment, entry, period,
                                 calificativ=form.get("calificativ") or None,
                                 reason=form.get("reason") or None, remote_addr=request.remote_addr)
        except CatalogError as caught:
            db.session.rollback()
            error = caught
        else:
            flash(f"Media lui {row.name} la {entry.subject.name} pe {period.name} a fost încheiată.", "success")
            return redirect(_grid_url(entry, period))
    proposal = None
    proposal_error = None
    if row.closed is None:
        try:
            proposal = period_average_proposal(enrolment, entry, period)
        except CatalogError as caught:
            proposal_error = caught.message_ro
    page = render_template("teacher/close_one.html", title="Închide media", grid=data, row=row, proposal=proposal,
                           proposal_error=proposal_error, form=form, error=error.message_ro if error else None)
    return (page, error.http_status) if error else page


@bp.route("/<int:curriculum_entry_id>/inchide-toate", methods=["GET", "POST"])
@auth_required()
def close_all(curriculum_entry_id: int) -> Any:
    """Close the averages of the whole class: every proposal and warning on one page, then the
    confirmed ones are closed in one transaction (all or nothing)."""
    entry = _entry(curriculum_entry_id)
    period = _pick_period(entry, request.args.get("perioada", type=int))
    if has_annual_average_only(entry, _ruleset_of_class(entry.school_class)):
        return redirect(url_for("teacher.close_annual_all", curriculum_entry_id=entry.id, perioada=period.id), 303)
    data = load_grid(entry, period)
    if request.method == "GET":
        form: dict[str, Any] = {f"close-{row.enrolment.id}": "on" for row in data.rows if row.closable}
        return render_template("teacher/close_all.html", title="Închide mediile clasei", grid=data, form=form)
    form = request.form.to_dict()
    chosen = [row for row in data.rows if row.closable and form.get(f"close-{row.enrolment.id}")]
    student = None
    try:
        if not chosen:
            raise InvariantViolation("nothing_chosen", "Bifați cel puțin un elev.", "Nothing chosen.")
        with batch(current_user, f"Încheierea mediilor la {entry.subject.name}, {entry.school_class.name}, "
                                 f"{period.name}"):
            for row in chosen:
                student = row.name
                close_period_average(current_user, row.enrolment, entry, period,
                                     calificativ=form.get(f"calificativ-{row.enrolment.id}") or None,
                                     reason=form.get(f"reason-{row.enrolment.id}") or None,
                                     remote_addr=request.remote_addr)
    except CatalogError as error:
        prefix = f"{student}: " if student else ""
        data = load_grid(entry, period)
        return render_template("teacher/close_all.html", title="Închide mediile clasei", grid=data, form=form,
                               error=f"{prefix}{error.message_ro} Nicio medie nu a fost încheiată."), error.http_status
    flash(f"Au fost încheiate {len(chosen)} {'medie' if len(chosen) == 1 else 'medii'} la {entry.subject.name} "
          f"pe {period.name}.", "success")
    return redirect(_grid_url(entry, period))



# --- the annual average under a rule-set without period averages (rofuip2022, rofuip2024) ----------
def _annual_grid(entry: CurriculumEntry, enrolment_id: int | None = None) -> Grid:
    """The grid in annual mode (404 for a subject that closes period or module averages)."""
    period = _pick_period(entry, request.args.get("perioada", type=int))
    data = load_grid(entry, period, enrolment_id=enrolment_id)
    if not data.annual_mode:
        raise _missing()
    return data


def _annual_not_yet(data: Grid) -> InvariantViolation:
    last = data.last_period
    return InvariantViolation(
        "annual_not_yet",
        f"Media anuală se încheie la sfârșitul anului, după ce începe ultima perioadă ({last.name}, "
        f"de la {last.starts_on:%d.%m.%Y}); până atunci notele se pot trece și modifica.",
        "The annual average is closed from the year's last learning period on.",
    )


@bp.route("/<int:curriculum_entry_id>/inchide-anuala/<int:enrolment_id>", methods=["GET", "POST"])
@auth_required()
def close_annual_one(curriculum_entry_id: int, enrolment_id: int) -> Any:
    """"Închide media anuală" for one student: the year's marks, the computed average and the
    minimum-marks warning, then close_annual_average (ROFUIP 2022 Art. 109(1))."""
    entry = _entry(curriculum_entry_id)
    enrolment = _class_enrolment(entry, enrolment_id)
    data = _annual_grid(entry, enrolment.id)
    row = data.rows[0]
    form = request.form.to_dict() if request.method == "POST" else {}
    error = None
    if request.method == "POST":
        try:
            if not data.annual_closing_open:
                raise _annual_not_yet(data)
            if not row.annual_closable and row.annual_closed is None:
                raise InvariantViolation("no_marks", "Elevul nu are note în acest an: media anuală nu se poate încheia.",
                                         "No marks this year.")
            close_annual_average(current_user, enrolment, entry, calificativ=form.get("calificativ") or None,
                                 remote_addr=request.remote_addr)
        except CatalogError as caught:
            db.session.rollback()
            error = caught
            data = _annual_grid(entry, enrolment.id)
            row = data.rows[0]
        else:
            flash(f"Media anuală a lui {row.name} la {entry.subject.name} a fost încheiată.", "success")
            return redirect(_grid_url(entry, data.period))
    note = None if data.annual_closing_open else _annual_not_yet(data).message_ro
    page = render_template("teacher/close_annual_one.html", title="Închide media anuală", grid=data, row=row,
                           form=form, note=note, error=error.message_ro if error else None)
    return (page, error.http_status) if error else page


@bp.route("/<int:curriculum_entry_id>/inchide-anuale", methods=["GET", "POST"])
@auth_required()
def close_annual_all(curriculum_entry_id: int) -> Any:
    """Close the annual averages of the whole class: every proposal and warning on one page, then
    the ticked ones are closed in one transaction (all or nothing)."""
    entry = _entry(curriculum_entry_id)
    data = _annual_grid(entry)
    note = None if data.annual_closing_open else _annual_not_yet(data).message_ro
    if request.method == "GET":
        form: dict[str, Any] = {f"close-{row.enrolment.id}": "on" for row in data.rows if row.annual_closable}
        return render_template("teacher/close_annual_all.html", title="Închide mediile anuale ale clasei", grid=data,
                               form=form, note=note)
    form = request.form.to_dict()
    chosen = [row for row in data.rows if row.annual_closable and form.get(f"close-{row.enrolment.id}")]
    student = None
    try:
        if not data.annual_closing_open:
            raise _annual_not_yet(data)
        if not chosen:
            raise InvariantViolation("nothing_chosen", "Bifați cel puțin un elev.", "Nothing chosen.")
        with batch(current_user, f"Încheierea mediilor anuale la {entry.subject.name}, {entry.school_class.name}"):
            for row in chosen:
                student = row.name
                close_annual_average(current_user, row.enrolment, entry,
                                     calificativ=form.get(f"calificativ-{row.enrolment.id}") or None,
                                     remote_addr=request.remote_addr)
    except CatalogError as error:
        db.session.rollback()
        prefix = f"{student}: " if student else ""
        data = _annual_grid(entry)
        return render_template("teacher/close_annual_all.html", title="Închide mediile anuale ale clasei", grid=data,
                               form=form, note=note,
                               error=f"{prefix}{error.message_ro} Nicio medie nu a fost încheiată."), error.http_status
    flash(f"Au fost încheiate {len(chosen)} {'medie anuală' if len(chosen) == 1 else 'medii anuale'} la "
          f"{entry.subject.name}.", "success")
    return redirect(_grid_url(entry, data.period))
