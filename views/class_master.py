"""The class master's desk (diriginte): the class overview, excusing absences (with the director's
prior approval where the law asks for it), behaviour marks and closing the class situation.

Each page: `auth_required` → capability predicate → `access_master_class` → read (a fixed number
of queries, whatever the class size) or operation → template.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_security import auth_required, current_user
from sqlalchemy.orm import selectinload

from schema import rules
from schema.catalog import MOTIVATIONS_NEEDING_APPROVAL
from schema.errors import NotFound, CatalogError, InvariantViolation
from schema.models import (
    Absence,
    AnnualAverage,
    BehaviourMark,
    CurriculumEntry,
    Enrolment,
    Exemption,
    LearningPeriod,
    Mark,
    Motivation,
    MotivationRequest,
    PeriodAverage,
    SchoolClass,
    Student,
    Subject,
    YearResult,
    db,
)
from schema.operations.absences import MOTIVATION_KIND_LABELS, excuse_absences, parent_request_hours
from schema.operations.closing import (
    behaviour_hours,
    behaviour_proposal_from_counts,
    behaviour_span,
    class_closing_gaps,
    close_class_year,
    set_behaviour_mark,
)
from schema.operations.motivation_requests import request_motivation_approval
from security import access, capabilities
from security.objects import access_master_class

bp = Blueprint("class_master", __name__, url_prefix="/diriginte", template_folder="templates")

REQUEST_STATE_LABELS = {"pending": "în așteptare", "approved": "aprobată", "refused": "respinsă"}
YEAR_STATUS_LABELS = {"promovat": "promovat", "corigent": "corigent", "repetent": "repetent", "amanat": "amânat"}


def _require_desk() -> None:
    if not capabilities.can_use_class_master_desk(current_user):
        abort(403)


def _ruleset(school_class: SchoolClass) -> rules.RuleSet:
    return rules.get_ruleset(school_class.grade_level.ruleset or school_class.year.ruleset)


def _current_period(periods: list[LearningPeriod], today: date) -> LearningPeriod:
    """The period containing today, else the last one already begun, else the first."""
    if not periods:
        raise NotFound("no_periods", "Anul școlar al clasei nu are încă perioade de învățare.", "The year has no periods.")
    for period in periods:
        if period.contains(today):
            return period
    begun = [p for p in periods if p.starts_on <= today]
    return begun[-1] if begun else periods[0]


def _selected_period(school_class: SchoolClass, *, allow_year: bool = False) -> LearningPeriod | None:
    """The period of the `perioada` tab (a period id, or "anual" for the year), or the current one."""
    periods = list(school_class.year.periods)
    wanted = request.args.get("perioada", "")
    if allow_year and wanted == "anual":
        return None
    for period in periods:
        if str(period.id) == wanted:
            return period
    return _current_period(periods, access.today())


def _class_enrolments(school_class: SchoolClass) -> list[Enrolment]:
    """Active enrolments with their students, in catalog order (one query)."""
    return db.session.scalars(
        sa.select(Enrolment)
        .join(Student, Student.id == Enrolment.student_id)
        .where(Enrolment.class_id == school_class.id, Enrolment.status == "active")
        .options(sa.orm.contains_eager(Enrolment.student))
        .order_by(Student.last_name, Student.first_name, Student.id)
    ).all()


def _class_entries(school_class: SchoolClass) -> list[CurriculumEntry]:
    return db.session.scalars(
        sa.select(CurriculumEntry)
        .join(Subject, Subject.id == CurriculumEntry.subject_id)
        .where(CurriculumEntry.class_id == school_class.id)
        .options(sa.orm.contains_eager(CurriculumEntry.subject))
        .order_by(Subject.name)
    ).all()


def _enrolment_of(school_class: SchoolClass, enrolment_id: int | None) -> Enrolment:
    """A student of this class (by enrolment id from a form); anyone else's is missing."""
    enrolment = db.session.get(Enrolment, enrolment_id or 0)
    if enrolment is None or enrolment.class_id != school_class.id or enrolment.school_id != school_class.school_id:
        abort(404)
    return enrolment


def _parse_date(name: str, label: str) -> date:
    try:
        return date.fromisoformat(request.form.get(name, ""))
    except ValueError:
        raise InvariantViolation("date_invalid", f"{label}: data nu este validă.", "Invalid date.") from None


# --- index -------------------------------------------------------------------------------------


@bp.get("/")
@auth_required()
def index() -> Any:
    _require_desk()
    classes = db.session.scalars(
        sa.select(SchoolClass)
        .where(SchoolClass.class_master_id == current_user.id, SchoolClass.school_id == current_user.school_id)
        .options(selectinload(SchoolClass.year))
        .order_by(SchoolClass.year_id.desc(), SchoolClass.name)
    ).all()
    return render_template("class_master/index.html", classes=classes)


# --- class overview ----------------------------------------------------------------------------


@dataclass
class Cell:
    """One student's result at one subject: closed, live (computed from the marks) or exempt."""

    text: str = "—"
    closed: bool = False
    exempt: bool = False
    failing: bool = False


@dataclass
class OverviewRow:
    enrolment: Enrolment
    cells: list[Cell] = field(default_factory=list)
    excused: int = 0
    unexcused: int = 0
    behaviour: str = "—"
    behaviour_is_proposal: bool = False
    year_status: str | None = None
    general_average: Decimal | None = None


def _result_text(value: Any, calificativ: str | None) -> str:
    if value is None:
        return calificativ or "—"
    return str(value).replace(".", ",")


def _failing(value: Any, calificativ: str | None) -> bool:
    return (value is not None and Decimal(value) < 5) or calificativ == "I"


def class_overview(school_class: SchoolClass, period: LearningPeriod | None) -> dict[str, Any]:
    """Students × subjects for one period (or the year, period None), in a fixed number of queries.

    Closed averages are shown as stored; open ones are computed from the loaded marks with the
    pure rules (live, marked as provisional). Absences are counted in the same span.
    """
    ruleset = _ruleset(school_class)
    scale = school_class.grade_level.evaluation_scale
    periods = list(school_class.year.periods)
    enrolments = _class_enrolments(school_class)
    entries = _class_entries(school_class)
    span_period_ids = [period.id] if period is not None else [p.id for p in periods]

    marks: dict[tuple[int, int], list[Any]] = defaultdict(list)
    for enrolment_id, entry_id, value, calificativ, kind, period_id in db.session.execute(
        sa.select(Mark.enrolment_id, Mark.curriculum_entry_id, Mark.value, Mark.calificativ, Mark.kind, Mark.period_id)
        .where(Mark.class_id == school_class.id, Mark.period_id.in_(span_period_ids))
    ):
        marks[(enrolment_id, entry_id)].append((value, calificativ, kind, period_id))
    period_averages = {
        (a.enrolment_id, a.curriculum_entry_id, a.period_id): a
        for a in db.session.scalars(
            sa.select(PeriodAverage).where(
                PeriodAverage.class_id == school_class.id, PeriodAverage.period_id.in_(span_period_ids)
            )
        )
    }
    annual = {}
    year_results = {}
    if period is None:
        annual = {
            (a.enrolment_id, a.curriculum_entry_id): a
            for a in db.session.scalars(sa.select(AnnualAverage).where(AnnualAverage.class_id == school_class.id))
        }
        year_results = {
            r.enrolment_id: r
            for r in db.session.scalars(
                sa.select(YearResult).where(YearResult.enrolment_id.in_([e.id for e in enrolments]))
            )
        }
    exemptions = set(
        db.session.execute(
            sa.select(Exemption.enrolment_id, Exemption.curriculum_entry_id, Exemption.period_id).where(
                Exemption.class_id == school_class.id
            )
        ).all()
    )
    # One query for the whole year: the displayed counts use the span, the behaviour proposal
    # its own span (the period, or the year under rofuip2022/2024).
    behaviour_period_ids = (
        {p.id for p in behaviour_span(ruleset, period, periods)} if period is not None else set()
    )
    absence_counts: dict[tuple[int, int, str], int] = defaultdict(int)
    behaviour_unexcused: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for enrolment_id, entry_id, state, period_id, count in db.session.execute(
        sa.select(Absence.enrolment_id, Absence.curriculum_entry_id, Absence.state, Absence.period_id,
                  sa.func.count(Absence.id))
        .where(Absence.class_id == school_class.id, Absence.period_id.in_([p.id for p in periods]))
        .group_by(Absence.enrolment_id, Absence.curriculum_entry_id, Absence.state, Absence.period_id)
    ):
        if period_id in span_period_ids:
            absence_counts[(enrolment_id, entry_id, state)] += count
        if state == "unexcused" and period_id in behaviour_period_ids:
            behaviour_unexcused[enrolment_id][entry_id] += count
    behaviour = {
        (b.enrolment_id, b.period_id): b
        for b in db.session.scalars(
            sa.select(BehaviourMark).where(
                BehaviourMark.enrolment_id.in_([e.id for e in enrolments]), BehaviourMark.period_id.in_(span_period_ids)
            )
        )
    }

    def exempt(enrolment_id: int, entry_id: int, period_id: int | None) -> bool:
        return (enrolment_id, entry_id, None) in exemptions or (
            period_id is not None and (enrolment_id, entry_id, period_id) in exemptions
        )

    def live_period(enrolment: Enrolment, entry: CurriculumEntry, period_id: int) -> Cell:
        items = [m for m in marks.get((enrolment.id, entry.id), []) if m[3] == period_id]
        regular = [m for m in items if m[2] == "regular"]
        if not regular:
            return Cell()
        if scale == "calificative":
            candidates = rules.primary_period_candidates([m[1] for m in regular if m[1]])
            return Cell(text="/".join(candidates), failing=candidates[0] == "I")
        values = [m[0] for m in regular if m[0] is not None]
        if not values:
            return Cell()
        if ruleset.has_period_average:
            thesis = next((m[0] for m in items if m[2] == "thesis"), None)
            value = rules.period_average(values, thesis if ruleset.has_thesis else None, ruleset=ruleset)
        else:
            value = rules.annual_average_from_marks(values)
        return Cell(text=str(value), failing=value < 5)

    hours = behaviour_hours(ruleset, entries, behaviour_span(ruleset, period, periods)) if period is not None else {}
    rows: list[OverviewRow] = []
    for enrolment in enrolments:
        row = OverviewRow(enrolment=enrolment)
        for entry in entries:
            if period is not None:
                closed = period_averages.get((enrolment.id, entry.id, period.id))
                if exempt(enrolment.id, entry.id, period.id):
                    cell = Cell(text="scutit", exempt=True)
                elif closed is not None and closed.state == "closed":
                    cell = Cell(text=_result_text(closed.value, closed.calificativ), closed=True,
                                failing=_failing(closed.value, closed.calificativ))
                else:
                    cell = live_period(enrolment, entry, period.id)
            else:
                closed = annual.get((enrolment.id, entry.id))
                if exempt(enrolment.id, entry.id, None):
                    cell = Cell(text="scutit", exempt=True)
                elif closed is not None and closed.state == "closed":
                    cell = Cell(text=_result_text(closed.value, closed.calificativ), closed=True,
                                failing=_failing(closed.value, closed.calificativ))
                elif ruleset.has_period_average and scale != "calificative":
                    values = [
                        a.value for p in periods
                        if (a := period_averages.get((enrolment.id, entry.id, p.id))) is not None and a.value is not None
                    ]
                    if len(values) == len(periods):
                        value = rules.annual_average(values, ruleset=ruleset)
                        cell = Cell(text=_result_text(value, None), failing=value < 5)
                    else:
                        cell = Cell()
                elif scale != "calificative":
                    values = [m[0] for m in marks.get((enrolment.id, entry.id), []) if m[2] == "regular" and m[0]]
                    cell = Cell()
                    if values:
                        value = rules.annual_average_from_marks(values)
                        cell = Cell(text=str(value), failing=value < 5)
                else:
                    cell = Cell()
            row.cells.append(cell)
            row.excused += absence_counts.get((enrolment.id, entry.id, "excused"), 0)
            row.unexcused += absence_counts.get((enrolment.id, entry.id, "unexcused"), 0)
        if period is not None:
            mark = behaviour.get((enrolment.id, period.id))
            if mark is not None:
                row.behaviour = _result_text(mark.value, mark.calificativ)
            elif scale != "calificative":
                proposal = behaviour_proposal_from_counts(behaviour_unexcused[enrolment.id], hours, ruleset)
                row.behaviour = str(proposal["proposal"])
                row.behaviour_is_proposal = True
        else:
            result = year_results.get(enrolment.id)
            if result is not None:
                row.year_status = YEAR_STATUS_LABELS.get(result.status, result.status)
                row.general_average = result.general_average
        rows.append(row)
    return {"entries": entries, "rows": rows, "periods": periods, "period": period, "ruleset": ruleset}


@bp.get("/clasa/<int:class_id>")
@auth_required()
def overview(class_id: int) -> Any:
    _require_desk()
    school_class = access_master_class(current_user, class_id)
    period = _selected_period(school_class, allow_year=True)
    return render_template("class_master/overview.html", school_class=school_class,
                           **class_overview(school_class, period))


# --- excusing absences -------------------------------------------------------------------------


def _motivations_context(school_class: SchoolClass, form: dict[str, str]) -> dict[str, Any]:
    enrolments = _class_enrolments(school_class)
    enrolment_ids = [e.id for e in enrolments]
    chosen = next((e for e in enrolments if str(e.id) == (form.get("enrolment_id") or request.args.get("elev"))), None)
    parent_hours = None
    if chosen is not None:
        day = access.today()
        periods = list(school_class.year.periods)
        parent_hours = parent_request_hours(chosen, _current_period(periods, day))
    requests = db.session.scalars(
        sa.select(MotivationRequest)
        .where(MotivationRequest.enrolment_id.in_(enrolment_ids))
        .options(selectinload(MotivationRequest.decided_by))
        .order_by(MotivationRequest.id.desc())
    ).all()
    motivations = db.session.scalars(
        sa.select(Motivation).where(Motivation.enrolment_id.in_(enrolment_ids)).order_by(Motivation.id.desc()).limit(50)
    ).all()
    unexcused = dict(
        db.session.execute(
            sa.select(Absence.enrolment_id, sa.func.count(Absence.id))
            .where(Absence.class_id == school_class.id, Absence.state == "unexcused")
            .group_by(Absence.enrolment_id)
        ).all()
    )
    names = {e.id: e.student.full_name for e in enrolments}
    return {
        "school_class": school_class,
        "enrolments": enrolments,
        "names": names,
        "unexcused": unexcused,
        "chosen": chosen,
        "parent_hours": parent_hours,
        "requests": requests,
        "usable_requests": [
            r for r in requests if r.state == "approved" and r.motivation_id is None and not r.filed_by_family
        ],
        # Online requests of the families, approved by the director: accepted or rejected below.
        "family_requests": [r for r in requests if r.filed_by_family and r.family_state == "approved"],
        "motivations": motivations,
        "form": form,
        "kinds": MOTIVATION_KIND_LABELS,
        "approval_kinds": MOTIVATIONS_NEEDING_APPROVAL,
        "request_states": REQUEST_STATE_LABELS,
        "today": access.today(),
    }


@bp.get("/clasa/<int:class_id>/motivari")
@auth_required()
def motivations(class_id: int) -> Any:
    _require_desk()
    school_class = access_master_class(current_user, class_id)
    return render_template("class_master/motivations.html", **_motivations_context(school_class, {}))


@bp.post("/clasa/<int:class_id>/motivari")
@auth_required()
def excuse(class_id: int) -> Any:
    _require_desk()
    school_class = access_master_class(current_user, class_id)
    form = request.form.to_dict()
    enrolment = _enrolment_of(school_class, request.form.get("enrolment_id", type=int))
    try:
        kind = form.get("kind", "")
        approval = None
        if kind in MOTIVATIONS_NEEDING_APPROVAL:
            approval = db.session.get(MotivationRequest, request.form.get("approval_id", type=int) or 0)
            if approval is not None and approval.enrolment_id != enrolment.id:
                approval = None  # another student's approval is not offered, nor accepted
        motivation = excuse_absences(
            current_user, enrolment, kind=kind,
            document_number=form.get("document_number", "").strip(),
            document_date=_parse_date("document_date", "Data documentului"),
            covers_from=_parse_date("covers_from", "De la"), covers_to=_parse_date("covers_to", "Până la"),
            returned_on=_parse_date("returned_on", "Data revenirii"),
            presented_on=_parse_date("presented_on", "Data prezentării"),
            approval=approval, remote_addr=request.remote_addr,
        )
    except CatalogError as error:
        db.session.rollback()
        flash(error.message_ro, "error")
        context = _motivations_context(school_class, form)
        return render_template("class_master/motivations.html", **context), error.http_status
    flash(f"Au fost motivate {motivation.hours} absențe ale elevului {enrolment.student.full_name}.", "success")
    return redirect(url_for("class_master.motivations", class_id=class_id, elev=enrolment.id))


@bp.post("/clasa/<int:class_id>/cereri")
@auth_required()
def ask_approval(class_id: int) -> Any:
    _require_desk()
    school_class = access_master_class(current_user, class_id)
    form = request.form.to_dict()
    enrolment = _enrolment_of(school_class, request.form.get("enrolment_id", type=int))
    try:
        hours = request.form.get("hours", type=int)
        if hours is None:
            raise InvariantViolation("hours_positive", "Numărul de ore trebuie să fie cel puțin 1.", "Hours missing.")
        request_motivation_approval(
            current_user, enrolment, kind=form.get("request_kind", ""),
            covers_from=_parse_date("request_from", "De la"), covers_to=_parse_date("request_to", "Până la"),
            hours=hours, document_number=form.get("request_number", ""),
            document_date=_parse_date("request_date", "Data cererii"), remote_addr=request.remote_addr,
        )
    except CatalogError as error:
        db.session.rollback()
        flash(error.message_ro, "error")
        context = _motivations_context(school_class, form)
        return render_template("class_master/motivations.html", **context), error.http_status
    flash("Cererea a fost trimisă directorului spre aprobare.", "success")
    return redirect(url_for("class_master.motivations", class_id=class_id, elev=enrolment.id))


# --- behaviour ---------------------------------------------------------------------------------


@bp.get("/clasa/<int:class_id>/purtare")
@auth_required()
def behaviour(class_id: int) -> Any:
    _require_desk()
    school_class = access_master_class(current_user, class_id)
    return _render_behaviour(school_class, _selected_period(school_class), {}, None)


def _render_behaviour(school_class: SchoolClass, period: LearningPeriod, form: dict, error_for: int | None,
                      status: int = 200) -> Any:
    enrolments = _class_enrolments(school_class)
    entries = _class_entries(school_class)
    ruleset = _ruleset(school_class)
    marks = {
        b.enrolment_id: b
        for b in db.session.scalars(
            sa.select(BehaviourMark).where(
                BehaviourMark.enrolment_id.in_([e.id for e in enrolments]), BehaviourMark.period_id == period.id
            )
        )
    }
    # The period, or the whole year under rofuip2022/2024 (as schema.operations.closing.behaviour_proposal_for).
    span = behaviour_span(ruleset, period, list(school_class.year.periods))
    unexcused: dict[int, dict[int, int]] = defaultdict(dict)
    for enrolment_id, entry_id, count in db.session.execute(
        sa.select(Absence.enrolment_id, Absence.curriculum_entry_id, sa.func.count(Absence.id))
        .where(Absence.class_id == school_class.id, Absence.period_id.in_([p.id for p in span]),
               Absence.state == "unexcused")
        .group_by(Absence.enrolment_id, Absence.curriculum_entry_id)
    ):
        unexcused[enrolment_id][entry_id] = count
    hours = behaviour_hours(ruleset, entries, span)
    rows = []
    for enrolment in enrolments:
        proposal = behaviour_proposal_from_counts(unexcused.get(enrolment.id, {}), hours, ruleset)
        rows.append({
            "enrolment": enrolment,
            "unexcused": proposal["unexcused"],
            "proposal": proposal["proposal"],
            "reprimands": proposal["written_reprimands"],
            "mark": marks.get(enrolment.id),
        })
    return render_template(
        "class_master/behaviour.html", school_class=school_class, period=period, periods=list(school_class.year.periods),
        rows=rows, primary=school_class.grade_level.evaluation_scale == "calificative", form=form, error_for=error_for,
        span_name=period.name if ruleset.behaviour_reduction_scope == "period" else f"anul școlar {school_class.year.name}",
    ), status


@bp.post("/clasa/<int:class_id>/purtare")
@auth_required()
def set_behaviour(class_id: int) -> Any:
    _require_desk()
    school_class = access_master_class(current_user, class_id)
    enrolment = _enrolment_of(school_class, request.form.get("enrolment_id", type=int))
    periods = {p.id: p for p in school_class.year.periods}
    period = periods.get(request.form.get("period_id", type=int) or 0)
    if period is None:
        abort(404)
    form = request.form.to_dict()
    try:
        value = calificativ = None
        if school_class.grade_level.evaluation_scale == "calificative":
            calificativ = form.get("calificativ") or None
            if calificativ is None:
                raise InvariantViolation("calificativ_missing", "Alegeți calificativul la purtare.", "Choose one.")
        else:
            raw = (form.get("value") or "").strip()
            if raw:  # empty: the operation takes the proposal
                if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= 10:
                    raise InvariantViolation("value_out_of_range", "Nota la purtare este un număr întreg de la 1 la 10.",
                                             "Behaviour mark 1-10.")
                value = int(raw)
        set_behaviour_mark(current_user, enrolment, period, value=value, calificativ=calificativ,
                           reason=(form.get("reason") or "").strip() or None, remote_addr=request.remote_addr)
    except CatalogError as error:
        db.session.rollback()
        flash(f"{enrolment.student.full_name}: {error.message_ro}", "error")
        return _render_behaviour(school_class, period, form, enrolment.id, error.http_status)
    flash(f"Nota la purtare a elevului {enrolment.student.full_name} a fost trecută.", "success")
    return redirect(url_for("class_master.behaviour", class_id=class_id, perioada=period.id))


# --- closing the class situation ---------------------------------------------------------------


@bp.get("/clasa/<int:class_id>/incheiere")
@auth_required()
def closing(class_id: int) -> Any:
    _require_desk()
    school_class = access_master_class(current_user, class_id)
    periods = list(school_class.year.periods)
    by_period = [(period, class_closing_gaps(school_class, period)) for period in periods]
    year_gaps = class_closing_gaps(school_class)
    deferral = [gap for gap in year_gaps if "poate fi declarat amânat" in gap]
    blocking = [gap for gap in year_gaps if gap not in deferral]
    closed_count = db.session.scalar(
        sa.select(sa.func.count(YearResult.id))
        .join(Enrolment, Enrolment.id == YearResult.enrolment_id)
        .where(Enrolment.class_id == school_class.id)
    )
    return render_template("class_master/closing.html", school_class=school_class, by_period=by_period,
                           blocking=blocking, deferral=deferral, closed_count=closed_count)


@bp.post("/clasa/<int:class_id>/incheiere")
@auth_required()
def close_year(class_id: int) -> Any:
    _require_desk()
    school_class = access_master_class(current_user, class_id)
    try:
        results = close_class_year(current_user, school_class, remote_addr=request.remote_addr)
    except CatalogError as error:
        db.session.rollback()
        flash(error.message_ro, "error")
    else:
        flash(f"Situația școlară a clasei {school_class.name} a fost încheiată pentru {len(results)} elevi.", "success")
    return redirect(url_for("class_master.closing", class_id=class_id))
