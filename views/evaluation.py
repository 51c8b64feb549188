"""Staff annual evaluation pages (issue 9; rules.md §9; 002): "Evaluare anuală".

- every employee: "Fișele mele", the self-evaluation (teaching and auxiliary staff), a read-only
  view of every stage, the contestation form with its deadline;
- the department head (responsabil de catedră / șef de compartiment): the department's sheets and
  the department's score with the meeting's minutes;
- the director and deputy (the board): campaigns and their calendar, the criteria, every sheet
  with its stage, the board's score, the communication, the contestation commission and the
  resolution; the public holidays that the working-day deadlines skip;
- non-teaching staff: the evaluator's marks 1–5, the interview, the countersigning;
- the statistics viewer: counts per rating, never a name.

Each page: `auth_required` → capability predicate (security/capabilities.py) → `access_sheet` /
`_campaign` (NotFound for "missing" and "not yours" alike) → operation of
schema/operations/evaluation.py → template. Every page or file that shows a sheet is logged with
`log_evaluation_view`. Nothing here writes to the evaluation tables except through the operations.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_security import auth_required, current_user
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import MultiDict

from pdf.documents import romanian_key
from schema.attachments import Attachment
from schema.errors import CatalogError, InvariantViolation, NotFound, PermissionDenied
from schema.evaluation import (
    CATEGORY_LABELS,
    CONTESTATION_STATE_LABELS,
    NON_TEACHING_STAGES,
    SCORE_STAGE_LABELS,
    STAFF_CATEGORIES,
    STAGE_LABELS,
    TEACHING_STAGES,
    EvaluationCampaign,
    EvaluationCommissionMember,
    EvaluationContestation,
    EvaluationCriterion,
    EvaluationSheet,
    PublicHoliday,
    StaffMember,
)
from schema.models import SchoolYear, User, db
from schema.operations import evaluation as ops
from security import access, capabilities, policy
from security import evaluation_access as eval_access

bp = Blueprint("evaluation", __name__, url_prefix="/evaluare", template_folder="templates")

#: The score columns a sheet shows, by kind of campaign.
POINTS_SCORE_STAGES = ("self", "department", "board")
MARKS_SCORE_STAGES = ("evaluator", "countersigner")


# --- who may do what ----------------------------------------------------------------------------
def _user() -> User:
    user = current_user._get_current_object()
    if not capabilities.can_use_evaluation(user):
        abort(403)
    return user


def _missing() -> NotFound:
    return NotFound("not_found", "Pagina cerută nu există.", "No such record.")


def _manages(user: User) -> bool:
    """Director and deputy: the board (consiliul de administrație) and the campaigns."""
    return eval_access.can_manage_evaluations(user)


def _is_secretary(user: User) -> bool:
    """The secretariat registers contestations and communicates decisions."""
    return eval_access.can_act_for_secretariat(user)


def _campaign(user: User, campaign_id: int) -> EvaluationCampaign:
    """A campaign of the user's school; another school's (or none) is missing."""
    campaign = db.session.get(EvaluationCampaign, campaign_id)
    if campaign is None or campaign.school_id != user.school_id:
        raise _missing()
    return campaign


def _is_commission_member(user: User, campaign: EvaluationCampaign) -> bool:
    return db.session.scalar(
        sa.select(EvaluationCommissionMember.id).where(
            EvaluationCommissionMember.campaign_id == campaign.id, EvaluationCommissionMember.user_id == user.id,
            EvaluationCommissionMember.is_active.is_(True)).limit(1)
    ) is not None


def _contestation_of(sheet: EvaluationSheet) -> EvaluationContestation | None:
    return db.session.scalar(sa.select(EvaluationContestation).where(EvaluationContestation.sheet_id == sheet.id))


# --- form input -------------------------------------------------------------------------------
def _refuse(code: str, message_ro: str) -> InvariantViolation:
    return InvariantViolation(code, message_ro, message_ro)


def _date(name: str, label: str, *, required: bool = True) -> date | None:
    raw = (request.form.get(name) or "").strip()
    if not raw:
        if required:
            raise _refuse("date_missing", f"Completați data: {label}.")
        return None
    try:
        value = date.fromisoformat(raw)
    except ValueError:
        raise _refuse("date_invalid", f"Data nu este validă: {label} (zz.ll.aaaa).") from None
    if not 1900 <= value.year <= 2200:
        raise _refuse("date_invalid", f"Data nu este validă: {label}.")
    return value


def _text(name: str) -> str | None:
    return (request.form.get(name) or "").strip() or None


def _ids(name: str) -> list[int]:
    ids = []
    for raw in request.form.getlist(name):
        raw = raw.strip()
        if not (raw.isascii() and raw.isdigit()) or len(raw) > 18:
            abort(400)
        ids.append(int(raw))
    return ids


def _scores(criteria: list[EvaluationCriterion]) -> dict[int, str]:
    """criterion id -> the value typed (the operation parses "12,5" and checks the maximum)."""
    scores = {}
    for criterion in criteria:
        raw = (request.form.get(f"score-{criterion.id}") or "").strip()
        if raw:
            scores[criterion.id] = raw
    return scores


def _upload(name: str) -> tuple[str | None, bytes | None]:
    upload = request.files.get(name)
    if upload is None or not upload.filename:
        return None, None
    from schema.attachments import MAX_ATTACHMENT_BYTES

    return upload.filename, upload.stream.read(MAX_ATTACHMENT_BYTES + 1)


# --- reading a sheet -----------------------------------------------------------------------------
@dataclass
class Domain:
    code: str
    title: str
    criteria: list[EvaluationCriterion]


def active_criteria(campaign: EvaluationCampaign) -> list[EvaluationCriterion]:
    return [criterion for criterion in campaign.criteria if criterion.is_active]


def domains_of(criteria: list[EvaluationCriterion]) -> list[Domain]:
    """The criteria grouped by domain, in sheet order."""
    grouped: OrderedDict[tuple[str, str], list[EvaluationCriterion]] = OrderedDict()
    for criterion in criteria:
        grouped.setdefault((criterion.domain_code, criterion.domain_title), []).append(criterion)
    return [Domain(code, title, items) for (code, title), items in grouped.items()]


def _score_stages(campaign: EvaluationCampaign) -> tuple[str, ...]:
    return POINTS_SCORE_STAGES if campaign.uses_points else MARKS_SCORE_STAGES


def _stage_progress(sheet: EvaluationSheet) -> tuple[int, int]:
    """(stages done, stages in all) of the sheet's procedure."""
    stages = TEACHING_STAGES if sheet.campaign.uses_points else NON_TEACHING_STAGES
    return (stages.index(sheet.stage) if sheet.stage in stages else 0), len(stages) - 1


@dataclass
class SheetActions:
    """The forms the current user gets on a sheet's page (the operations check again)."""

    self_evaluate: bool = False
    department: bool = False
    board: bool = False
    communicate: bool = False
    evaluate: bool = False
    sign: bool = False
    countersign: bool = False
    inform: bool = False
    contest: bool = False
    contest_for_employee: bool = False
    resolve: bool = False
    result_communicated: bool = False


def sheet_actions(user: User, sheet: EvaluationSheet, contestation: EvaluationContestation | None,
                  deadlines: tuple[date, date] | None) -> SheetActions:
    campaign = sheet.campaign
    own = sheet.employee_id == user.id
    manages = _manages(user)
    actions = SheetActions()
    if campaign.uses_points:
        is_head = sheet.department is not None and sheet.department.head_id == user.id
        actions.self_evaluate = own and sheet.stage in ("opened", "self_evaluated")
        actions.department = not own and (is_head or manages) and sheet.stage == "self_evaluated"
        actions.board = not own and manages and sheet.stage == "department_scored"
        actions.communicate = (manages or _is_secretary(user)) and sheet.stage == "board_scored"
    else:
        evaluator = sheet.evaluator_id == user.id
        actions.evaluate = evaluator and sheet.stage in ("opened", "evaluated")
        unsigned = (evaluator and sheet.evaluator_signed_at is None) or (own and sheet.employee_signed_at is None)
        actions.sign = unsigned and sheet.stage == "evaluated"
        actions.countersign = sheet.countersigner_id == user.id and sheet.stage == "interviewed"
        ready = sheet.stage == "countersigned" or (sheet.stage == "interviewed" and sheet.countersigner_id is None)
        actions.inform = ready and (evaluator or sheet.countersigner_id == user.id or manages or _is_secretary(user))
    if contestation is None:
        # Shown even after the deadline: the operation then explains, in Romanian, why it refuses.
        actions.contest = own and deadlines is not None
        # The secretariat registers a contestation the employee filed on paper (with the day it
        # was registered); the operation refuses it, in Romanian, when that day is late.
        actions.contest_for_employee = not own and deadlines is not None and _is_secretary(user)
    else:
        decided = contestation.state != "filed"
        actions.resolve = not decided and (manages or _is_commission_member(user, campaign))
        actions.result_communicated = decided and contestation.result_communicated_on is None and (
            manages or _is_secretary(user))
    return actions


def _staff_choices(school_id: int, *, category: str | None = None, department_id: int | None = None) -> list[User]:
    """Active staff users of the school (for member pickers), by name."""
    query = (
        sa.select(User).join(StaffMember, StaffMember.user_id == User.id)
        .where(StaffMember.school_id == school_id, StaffMember.is_active.is_(True), User.active.is_(True))
        .order_by(User.last_name, User.first_name, User.id)
    )
    if category is not None:
        query = query.where(StaffMember.category == category)
    if department_id is not None:
        query = query.where(StaffMember.department_id == department_id)
    return list(db.session.scalars(query))


def _render_sheet(user: User, sheet: EvaluationSheet, *, form: MultiDict | None = None, failed: str | None = None,
                  status: int = 200) -> Any:
    campaign = sheet.campaign
    criteria = active_criteria(campaign)
    scores = ops.sheet_scores(sheet)
    stages = _score_stages(campaign)
    totals = {stage: sum((scores.get(stage, {}).get(c.id, Decimal(0)) for c in criteria), Decimal(0))
              if scores.get(stage) else None for stage in stages}
    contestation = _contestation_of(sheet)
    deadlines = ops.sheet_contestation_deadlines(sheet)
    actions = sheet_actions(user, sheet, contestation, deadlines)
    staff = _staff_choices(user.school_id) if (actions.board or actions.department) else []
    department_members = (
        _staff_choices(user.school_id, department_id=sheet.department_id)
        if actions.department and sheet.department_id else []
    )
    eval_access.log_evaluation_view(user, sheet, "fișa de evaluare")
    response = make_response(render_template(
        "evaluation/sheet.html", title=f"Fișa de evaluare — {sheet.employee.full_name}", sheet=sheet,
        campaign=campaign, domains=domains_of(criteria), criteria=criteria, scores=scores, stages=stages,
        stage_labels=SCORE_STAGE_LABELS, totals=totals, contestation=contestation, actions=actions,
        deadlines=deadlines, today=access.today(), form=form if form is not None else MultiDict(), failed=failed, staff=staff,
        department_members=department_members, sheet_stage_labels=STAGE_LABELS,
        contestation_labels=CONTESTATION_STATE_LABELS, category_labels=CATEGORY_LABELS,
        progress=_stage_progress(sheet),
    ), status)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _sheet_step(sheet_id: int, step: str, run: Any, done: str) -> Any:
    """Run one operation on a sheet from its page's form: success → back to the sheet with a
    message; a refusal → the sheet again with the Romanian reason and the user's input kept."""
    user = _user()
    sheet = eval_access.access_sheet(user, sheet_id)
    try:
        run(user, sheet)
    except CatalogError as error:
        db.session.rollback()
        flash(error.message_ro, "error")
        sheet = eval_access.access_sheet(user, sheet_id)
        return _render_sheet(user, sheet, form=request.form, failed=step,
                             status=error.http_status)
    flash(done, "success")
    return redirect(url_for("evaluation.sheet", sheet_id=sheet_id))


# --- index ----------------------------------------------------------------------------------------
@bp.get("/")
@auth_required()
def index() -> Any:
    """"Fișele mele" and the campaigns this user has a part in."""
    return _render_index(_user(), {}, 200)


def _render_index(user: User, form: dict[str, Any], status: int) -> Any:
    own = list(db.session.scalars(
        sa.select(EvaluationSheet).join(EvaluationCampaign, EvaluationCampaign.id == EvaluationSheet.campaign_id)
        .where(EvaluationSheet.employee_id == user.id, EvaluationSheet.school_id == user.school_id)
        .options(selectinload(EvaluationSheet.campaign))
        .order_by(EvaluationCampaign.starts_on.desc(), EvaluationCampaign.id.desc())
    ))
    campaigns = list(db.session.scalars(
        sa.select(EvaluationCampaign).where(EvaluationCampaign.school_id == user.school_id)
        .options(selectinload(EvaluationCampaign.year))
        .order_by(EvaluationCampaign.starts_on.desc(), EvaluationCampaign.id.desc())
    ))
    manages = _manages(user)
    # Campaigns in which the user reads sheets other than their own (head, evaluator, board...).
    reviewing = [c for c in campaigns
                 if manages or any(s.employee_id != user.id for s in eval_access.readable_sheets(user, c))]
    years = list(db.session.scalars(
        sa.select(SchoolYear).where(SchoolYear.school_id == user.school_id).order_by(SchoolYear.starts_on.desc())
    )) if manages else []
    return render_template(
        "evaluation/index.html", title="Evaluare anuală", own=own, campaigns=campaigns, reviewing=reviewing,
        manages=manages, statistics=eval_access.can_see_evaluation_statistics(user), years=years,
        categories=STAFF_CATEGORIES, category_labels=CATEGORY_LABELS, stage_labels=STAGE_LABELS, form=form,
        holidays=can_manage_holidays(user), may_print_decisions=may_print_decisions(user),
    ), status


def can_manage_holidays(user: User) -> bool:
    """The public-holiday calendar: the director, the deputy and the administrator."""
    return _manages(user) or policy.ADMINISTRATOR in access.role_names(user)


# --- campaigns (director / deputy) ---------------------------------------------------------------
@bp.post("/campanii")
@auth_required()
def create_campaign() -> Any:
    user = _user()
    if not _manages(user):
        abort(403)
    try:
        year_id = request.form.get("year_id", type=int)
        year = db.session.get(SchoolYear, year_id or 0)
        if year is None or year.school_id != user.school_id:
            raise _refuse("year_missing", "Alegeți anul școlar.")
        category = request.form.get("category")
        if category not in STAFF_CATEGORIES:
            raise _refuse("category_missing", "Alegeți categoria de personal.")
        teaching = category in ("didactic", "didactic_auxiliar")
        campaign = ops.create_campaign(
            user, year=year, category=category,
            evaluated_from=_date("evaluated_from", "perioada evaluată, de la"),
            evaluated_to=_date("evaluated_to", "perioada evaluată, până la"),
            starts_on=_date("starts_on", "începutul perioadei de (auto)evaluare"),
            ends_on=_date("ends_on", "sfârșitul perioadei de (auto)evaluare"),
            department_meeting_on=_date("department_meeting_on", "ședința catedrei", required=teaching),
            board_meeting_on=_date("board_meeting_on", "ședința consiliului de administrație", required=teaching),
            communication_deadline=_date("communication_deadline", "termenul de comunicare a calificativului"),
            name=_text("name"), remote_addr=request.remote_addr,
        )
    except CatalogError as error:
        db.session.rollback()
        flash(error.message_ro, "error")
        return _render_index(user, request.form.to_dict(), error.http_status)
    flash(f"Campania „{campaign.name}” a fost creată, cu criteriile implicite.", "success")
    return redirect(url_for("evaluation.campaign", campaign_id=campaign.id))


@bp.get("/campanie/<int:campaign_id>")
@auth_required()
def campaign(campaign_id: int) -> Any:
    """The campaign's calendar and the sheets the user reads, with their stage; for the board
    also opening the sheets, the commission and the documents."""
    user = _user()
    campaign = _campaign(user, campaign_id)
    manages = _manages(user)
    sheets = list(db.session.scalars(eval_access.readable_sheets_query(user, campaign).options(
        selectinload(EvaluationSheet.employee), selectinload(EvaluationSheet.staff_member),
        selectinload(EvaluationSheet.department))))
    if not sheets and not manages:
        raise _missing()
    sheets.sort(key=lambda s: (romanian_key(s.employee.last_name), romanian_key(s.employee.first_name), s.id))
    sheet_ids = [sheet.id for sheet in sheets]
    contestations = {
        row.sheet_id: row for row in db.session.scalars(
            sa.select(EvaluationContestation).where(EvaluationContestation.sheet_id.in_(sheet_ids)))
    } if sheet_ids else {}
    commission = list(db.session.scalars(
        sa.select(EvaluationCommissionMember).where(EvaluationCommissionMember.campaign_id == campaign.id,
                                                    EvaluationCommissionMember.is_active.is_(True))
        .options(selectinload(EvaluationCommissionMember.user))
    )) if manages else []
    problems = ops.commission_problems(campaign) if manages and commission else []
    staff = _staff_choices(user.school_id, category="didactic") if manages else []
    stages = TEACHING_STAGES if campaign.uses_points else NON_TEACHING_STAGES
    return render_template(
        "evaluation/campaign.html", title=campaign.name, campaign=campaign, sheets=sheets, manages=manages,
        contestations=contestations, commission=commission, problems=problems, staff=staff,
        stage_labels=STAGE_LABELS, stage_index={stage: index for index, stage in enumerate(stages)},
        last_stage=len(stages) - 1, contestation_labels=CONTESTATION_STATE_LABELS, category_labels=CATEGORY_LABELS,
        own_id=user.id, may_print_decisions=may_print_decisions(user),
    )


@bp.post("/campanie/<int:campaign_id>/calendar")
@auth_required()
def update_calendar(campaign_id: int) -> Any:
    user = _user()
    campaign = _campaign(user, campaign_id)
    if not _manages(user):
        abort(403)
    try:
        ops.update_campaign_calendar(
            user, campaign,
            starts_on=_date("starts_on", "începutul perioadei"), ends_on=_date("ends_on", "sfârșitul perioadei"),
            communication_deadline=_date("communication_deadline", "termenul de comunicare"),
            department_meeting_on=_date("department_meeting_on", "ședința catedrei", required=campaign.uses_points),
            board_meeting_on=_date("board_meeting_on", "ședința consiliului", required=campaign.uses_points),
            remote_addr=request.remote_addr,
        )
    except CatalogError as error:
        db.session.rollback()
        flash(error.message_ro, "error")
    else:
        flash("Calendarul campaniei a fost actualizat.", "success")
    return redirect(url_for("evaluation.campaign", campaign_id=campaign_id))


@bp.post("/campanie/<int:campaign_id>/fise")
@auth_required()
def open_sheets(campaign_id: int) -> Any:
    """Open a sheet for every eligible staff member of the campaign's category; the others are
    listed with the reason (R-EVN-03)."""
    user = _user()
    campaign = _campaign(user, campaign_id)
    if not _manages(user):
        abort(403)
    try:
        opened, refused = ops.open_sheets(user, campaign, remote_addr=request.remote_addr)
    except CatalogError as error:
        db.session.rollback()
        flash(error.message_ro, "error")
    else:
        flash(f"Fișe deschise: {len(opened)}.", "success")
        for _staff_member, reason in refused:
            flash(reason, "warning")  # the reason names the employee
    return redirect(url_for("evaluation.campaign", campaign_id=campaign_id))


@bp.post("/campanie/<int:campaign_id>/comisie")
@auth_required()
def appoint_commission(campaign_id: int) -> Any:
    """The contestation commission (3–5 members; none who contested or evaluated, R-EVS-11)."""
    user = _user()
    campaign = _campaign(user, campaign_id)
    if not _manages(user):
        abort(403)
    try:
        reference = _text("decision_reference")
        if reference is None:
            raise _refuse("decision_missing", "Completați numărul și data deciziei directorului.")
        ops.appoint_commission(user, campaign, _ids("member_ids"), decision_reference=reference,
                               remote_addr=request.remote_addr)
    except CatalogError as error:
        db.session.rollback()
        flash(error.message_ro, "error")
    else:
        flash("Comisia de soluționare a contestațiilor a fost numită.", "success")
    return redirect(url_for("evaluation.campaign", campaign_id=campaign_id) + "#comisie")


# --- criteria -----------------------------------------------------------------------------------
@bp.get("/campanie/<int:campaign_id>/criterii")
@auth_required()
def criteria(campaign_id: int) -> Any:
    user = _user()
    campaign = _campaign(user, campaign_id)
    if not (_manages(user) or eval_access.readable_sheets(user, campaign)):
        raise _missing()
    active = active_criteria(campaign)
    total = sum((c.max_score for c in active if c.max_score is not None), Decimal(0))
    return render_template(
        "evaluation/criteria.html", title=f"Criterii — {campaign.name}", campaign=campaign,
        domains=domains_of(active), retired=[c for c in campaign.criteria if not c.is_active], total=total,
        manages=_manages(user), category_labels=CATEGORY_LABELS,
    )


def _criterion(user: User, campaign: EvaluationCampaign, criterion_id: int) -> EvaluationCriterion:
    criterion = db.session.get(EvaluationCriterion, criterion_id)
    if criterion is None or criterion.campaign_id != campaign.id or criterion.school_id != user.school_id:
        raise _missing()
    return criterion


@bp.post("/campanie/<int:campaign_id>/criterii")
@auth_required()
def change_criteria(campaign_id: int) -> Any:
    """Add a criterion, change one (text, maximum) or retire one (before any score)."""
    user = _user()
    campaign = _campaign(user, campaign_id)
    if not _manages(user):
        abort(403)
    action = request.form.get("action")
    try:
        max_score = _text("max_score")
        max_value = Decimal(max_score.replace(",", ".")) if max_score else None
    except ArithmeticError:
        flash("Punctajul maxim nu este un număr.", "error")
        return redirect(url_for("evaluation.criteria", campaign_id=campaign_id))
    try:
        if action == "add":
            ops.add_criterion(user, campaign, domain_code=_text("domain_code") or "", domain_title=_text("domain_title") or "",
                              code=_text("code") or "", text=_text("text") or "", max_score=max_value,
                              remote_addr=request.remote_addr)
            done = "Criteriul a fost adăugat."
        elif action == "update":
            criterion = _criterion(user, campaign, request.form.get("criterion_id", type=int) or 0)
            ops.update_criterion(user, criterion, text=_text("text") or "", max_score=max_value,
                                 remote_addr=request.remote_addr)
            done = "Criteriul a fost modificat."
        elif action == "retire":
            criterion = _criterion(user, campaign, request.form.get("criterion_id", type=int) or 0)
            ops.retire_criterion(user, criterion, remote_addr=request.remote_addr)
            done = "Criteriul a fost scos din fișă."
        else:
            abort(400)
    except CatalogError as error:
        db.session.rollback()
        flash(error.message_ro, "error")
    else:
        flash(done, "success")
    return redirect(url_for("evaluation.criteria", campaign_id=campaign_id))


# --- one sheet ----------------------------------------------------------------------------------
@bp.get("/fisa/<int:sheet_id>")
@auth_required()
def sheet(sheet_id: int) -> Any:
    user = _user()
    return _render_sheet(user, eval_access.access_sheet(user, sheet_id))


@bp.post("/fisa/<int:sheet_id>/autoevaluare")
@auth_required()
def self_evaluation(sheet_id: int) -> Any:
    def run(user: User, sheet: EvaluationSheet) -> None:
        filename, data = _upload("report")
        ops.submit_self_evaluation(user, sheet, _scores(active_criteria(sheet.campaign)), report_filename=filename,
                                   report_data=data, remote_addr=request.remote_addr)

    return _sheet_step(sheet_id, "self", run, "Autoevaluarea a fost depusă.")


@bp.post("/fisa/<int:sheet_id>/catedra")
@auth_required()
def department_score(sheet_id: int) -> Any:
    def run(user: User, sheet: EvaluationSheet) -> None:
        filename, data = _upload("minutes_file")
        ops.record_department_score(
            user, sheet, _scores(active_criteria(sheet.campaign)),
            meeting_on=_date("meeting_on", "data ședinței"), member_ids=_ids("member_ids"), minutes=_text("minutes"),
            minutes_filename=filename, minutes_data=data, remote_addr=request.remote_addr,
        )

    return _sheet_step(sheet_id, "department", run, "Punctajul catedrei/compartimentului a fost trecut.")


@bp.post("/fisa/<int:sheet_id>/consiliu")
@auth_required()
def board_score(sheet_id: int) -> Any:
    def run(user: User, sheet: EvaluationSheet) -> None:
        present = request.form.get("present")
        if present not in ("da", "nu"):
            raise _refuse("presence_missing", "Alegeți dacă salariatul a fost prezent la ședință.")
        ops.record_board_score(
            user, sheet, _scores(active_criteria(sheet.campaign)),
            meeting_on=_date("meeting_on", "data ședinței consiliului"), board_member_ids=_ids("board_member_ids"),
            present=present == "da", employee_argument=_text("employee_argument"), notes=_text("notes"),
            remote_addr=request.remote_addr,
        )

    return _sheet_step(sheet_id, "board", run, "Punctajul final și calificativul au fost stabilite.")


@bp.post("/fisa/<int:sheet_id>/comunicare")
@auth_required()
def communication(sheet_id: int) -> Any:
    def run(user: User, sheet: EvaluationSheet) -> None:
        in_person = request.form.get("in_person")
        if in_person not in ("da", "nu"):
            raise _refuse("presence_missing", "Alegeți cum a fost comunicat calificativul.")
        ops.record_communication(user, sheet, communicated_on=_date("communicated_on", "data comunicării"),
                                 in_person=in_person == "da", remote_addr=request.remote_addr)

    return _sheet_step(sheet_id, "communicate", run, "Comunicarea calificativului a fost consemnată.")


@bp.post("/fisa/<int:sheet_id>/evaluator")
@auth_required()
def evaluator_marks(sheet_id: int) -> Any:
    def run(user: User, sheet: EvaluationSheet) -> None:
        ops.record_evaluator_marks(user, sheet, _scores(active_criteria(sheet.campaign)), notes=_text("notes"),
                                   remote_addr=request.remote_addr)

    return _sheet_step(sheet_id, "evaluate", run, "Notele evaluatorului au fost trecute.")


@bp.post("/fisa/<int:sheet_id>/interviu")
@auth_required()
def interview(sheet_id: int) -> Any:
    def run(user: User, sheet: EvaluationSheet) -> None:
        ops.sign_interview(user, sheet, interview_on=_date("interview_on", "data interviului", required=False),
                           point_of_view=_text("point_of_view"), remote_addr=request.remote_addr)

    return _sheet_step(sheet_id, "sign", run, "Fișa a fost semnată.")


@bp.post("/fisa/<int:sheet_id>/contrasemnare")
@auth_required()
def countersign(sheet_id: int) -> Any:
    def run(user: User, sheet: EvaluationSheet) -> None:
        marks = _scores(active_criteria(sheet.campaign)) if request.form.get("modify") == "da" else None
        ops.countersign_sheet(user, sheet, marks=marks, note=_text("note"), remote_addr=request.remote_addr)

    return _sheet_step(sheet_id, "countersign", run, "Fișa a fost contrasemnată.")


@bp.post("/fisa/<int:sheet_id>/informare")
@auth_required()
def informed(sheet_id: int) -> Any:
    def run(user: User, sheet: EvaluationSheet) -> None:
        ops.record_employee_informed(user, sheet, informed_on=_date("informed_on", "data informării"),
                                     remote_addr=request.remote_addr)

    return _sheet_step(sheet_id, "inform", run, "Aducerea la cunoștința salariatului a fost consemnată.")


@bp.post("/fisa/<int:sheet_id>/contestatie")
@auth_required()
def contest(sheet_id: int) -> Any:
    def run(user: User, sheet: EvaluationSheet) -> None:
        grounds = _text("grounds")
        if grounds is None:
            raise _refuse("grounds_missing", "Scrieți motivele contestației.")
        ops.file_contestation(user, sheet, grounds=grounds,
                              union_observer_requested=request.form.get("union_observer_requested") == "da",
                              union_observer_name=_text("union_observer_name"), remote_addr=request.remote_addr)

    return _sheet_step(sheet_id, "contest", run, "Contestația a fost înregistrată.")


@bp.post("/fisa/<int:sheet_id>/contestatie/secretariat")
@auth_required()
def contest_for_employee(sheet_id: int) -> Any:
    """The secretariat records a contestation the employee filed on paper, on the day the paper
    was registered (file_contestation checks that day against the filing deadline)."""

    def run(user: User, sheet: EvaluationSheet) -> None:
        if sheet.employee_id == user.id or not _is_secretary(user):
            raise PermissionDenied("not_secretariat", "Doar secretariatul înregistrează contestația unui salariat.",
                                   "Only the secretariat registers an employee's contestation.")
        filed_on = _date("filed_on", "data înregistrării contestației")
        grounds = _text("grounds")
        if grounds is None:
            raise _refuse("grounds_missing", "Scrieți motivele contestației.")
        ops.file_contestation(user, sheet, grounds=grounds, filed_on=filed_on,
                              union_observer_requested=request.form.get("union_observer_requested") == "da",
                              union_observer_name=_text("union_observer_name"), remote_addr=request.remote_addr)

    return _sheet_step(sheet_id, "contest_for_employee", run, "Contestația salariatului a fost înregistrată.")


@bp.post("/fisa/<int:sheet_id>/contestatie/solutionare")
@auth_required()
def resolve(sheet_id: int) -> Any:
    def run(user: User, sheet: EvaluationSheet) -> None:
        contestation = _contestation_of(sheet)
        if contestation is None:
            raise _missing()
        outcome = request.form.get("outcome")
        if outcome not in ("admisa", "respinsa"):
            raise _refuse("outcome_missing", "Alegeți dacă contestația se admite sau se respinge.")
        decision = _text("decision_text")
        if decision is None:
            raise _refuse("decision_missing", "Scrieți hotărârea comisiei.")
        ops.resolve_contestation(
            user, contestation, admitted=outcome == "admisa", decision_text=decision,
            new_score=_text("new_score") if outcome == "admisa" else None,
            decided_on=_date("decided_on", "data hotărârii", required=False),
            union_observer_remarks=_text("union_observer_remarks"), remote_addr=request.remote_addr,
        )

    return _sheet_step(sheet_id, "resolve", run, "Contestația a fost soluționată.")


@bp.post("/fisa/<int:sheet_id>/contestatie/comunicare")
@auth_required()
def contestation_communicated(sheet_id: int) -> Any:
    def run(user: User, sheet: EvaluationSheet) -> None:
        contestation = _contestation_of(sheet)
        if contestation is None:
            raise _missing()
        ops.record_contestation_result_communicated(
            user, contestation, communicated_on=_date("communicated_on", "data comunicării"),
            remote_addr=request.remote_addr)

    return _sheet_step(sheet_id, "result", run, "Comunicarea rezultatului contestației a fost consemnată.")


# --- files ---------------------------------------------------------------------------------------
def _file_response(attachment: Attachment) -> Any:
    response = make_response(attachment.data)
    response.headers["Content-Type"] = attachment.content_type
    from pdf.documents import ascii_slug

    stem, _dot, extension = attachment.filename.rpartition(".")
    safe = f"{ascii_slug(stem or extension)}.{ascii_slug(extension)}" if stem else ascii_slug(extension)
    response.headers["Content-Disposition"] = f'attachment; filename="{safe}"'
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/fisa/<int:sheet_id>/raport")
@auth_required()
def self_report(sheet_id: int) -> Any:
    """The raport de autoevaluare: whoever may read the sheet."""
    user = _user()
    sheet = eval_access.access_sheet(user, sheet_id)
    if sheet.self_report is None:
        raise _missing()
    eval_access.log_evaluation_view(user, sheet, "raportul de autoevaluare")
    return _file_response(sheet.self_report)


@bp.get("/fisa/<int:sheet_id>/proces-verbal")
@auth_required()
def minutes_file(sheet_id: int) -> Any:
    user = _user()
    sheet = eval_access.access_sheet(user, sheet_id)
    if sheet.department_minutes_file is None:
        raise _missing()
    eval_access.log_evaluation_view(user, sheet, "procesul-verbal al catedrei")
    return _file_response(sheet.department_minutes_file)


# --- documents -----------------------------------------------------------------------------------
def _document(content: bytes, filename: str, content_type: str) -> Any:
    response = make_response(content)
    response.headers["Content-Type"] = content_type
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/fisa/<int:sheet_id>/fisa.pdf")
@auth_required()
def sheet_pdf(sheet_id: int) -> Any:
    """The filled fișa de evaluare: whoever may read the sheet."""
    user = _user()
    sheet = eval_access.access_sheet(user, sheet_id)
    from pdf.documents import ascii_slug
    from pdf.documents.evaluation_sheet import render_evaluation_sheet

    content = render_evaluation_sheet(sheet.id)
    eval_access.log_evaluation_view(user, sheet, "fișa de evaluare (PDF)")
    return _document(content, f"fisa-evaluare-{ascii_slug(sheet.employee.full_name)}-{ascii_slug(sheet.campaign.year.name)}.pdf",
                     "application/pdf")


def may_print_decisions(user: User) -> bool:
    """The board's decision list names everyone's rating: the director, the deputy and the auditor."""
    return _manages(user) or policy.AUDITOR in access.role_names(user)


def _decisions_campaign(campaign_id: int) -> tuple[User, EvaluationCampaign]:
    user = _user()
    if not may_print_decisions(user):
        raise _missing()
    return user, _campaign(user, campaign_id)


def _log_decisions(user: User, campaign: EvaluationCampaign, what: str) -> None:
    """One read-log row per sheet named in the list, in one commit."""
    from schema.db import audit_context

    sheets = db.session.scalars(sa.select(EvaluationSheet).where(EvaluationSheet.campaign_id == campaign.id)).all()
    for sheet in sheets:
        eval_access.log_evaluation_view(user, sheet, what, commit=False)
    with audit_context(reason="Acces la date personale", user_id=user.id):
        db.session.commit()


@bp.get("/campanie/<int:campaign_id>/hotarare.pdf")
@auth_required()
def decisions_pdf(campaign_id: int) -> Any:
    user, campaign = _decisions_campaign(campaign_id)
    from pdf.documents import ascii_slug
    from pdf.documents.evaluation_decisions import render_evaluation_decisions

    content = render_evaluation_decisions(campaign.id)
    _log_decisions(user, campaign, "lista calificativelor (PDF)")
    return _document(content, f"calificative-{ascii_slug(campaign.name)}.pdf", "application/pdf")


@bp.get("/campanie/<int:campaign_id>/hotarare.xlsx")
@auth_required()
def decisions_xlsx(campaign_id: int) -> Any:
    user, campaign = _decisions_campaign(campaign_id)
    from pdf.documents import ascii_slug
    from pdf.documents.evaluation_decisions import evaluation_decisions_xlsx

    content = evaluation_decisions_xlsx(campaign.id)
    _log_decisions(user, campaign, "lista calificativelor (XLSX)")
    return _document(content, f"calificative-{ascii_slug(campaign.name)}.xlsx",
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


# --- the Documente page's section --------------------------------------------------------------
@dataclass
class CampaignDocuments:
    """The evaluation documents of one campaign that the Documente page offers a user."""

    campaign: EvaluationCampaign
    #: Sheets whose PDF is linked one by one (own, department, evaluated, contested before the
    #: user's commission); for whoever reads every sheet only their own (the rest are on the
    #: campaign's page, `all_sheets`).
    sheets: list[EvaluationSheet]
    all_sheets: bool
    decisions: bool


def evaluation_documents(user: User) -> list[CampaignDocuments]:
    """The evaluation documents `user` may download, by campaign (newest first): the sheets' PDFs
    they may read and, for the director, the deputy and the auditor, the board's decision list
    (PDF, XLSX). Three queries at most, whatever the number of sheets."""
    if not capabilities.can_use_evaluation(user):
        return []
    reads_all = eval_access.reads_all_sheets(user)
    decisions = may_print_decisions(user)
    query = eval_access.readable_sheets_query(user).options(selectinload(EvaluationSheet.employee))
    if reads_all:
        query = query.where(EvaluationSheet.employee_id == user.id)
    by_campaign: dict[int, list[EvaluationSheet]] = {}
    for sheet in db.session.scalars(query):
        by_campaign.setdefault(sheet.campaign_id, []).append(sheet)
    if not (by_campaign or reads_all or decisions):
        return []
    campaigns = db.session.scalars(
        sa.select(EvaluationCampaign).where(EvaluationCampaign.school_id == user.school_id)
        .order_by(EvaluationCampaign.starts_on.desc(), EvaluationCampaign.id.desc())
    )
    listed = []
    for campaign in campaigns:
        sheets = sorted(by_campaign.get(campaign.id, []), key=lambda s: (
            s.employee_id != user.id, romanian_key(s.employee.last_name), romanian_key(s.employee.first_name), s.id))
        if sheets or reads_all or decisions:
            listed.append(CampaignDocuments(campaign=campaign, sheets=sheets, all_sheets=reads_all, decisions=decisions))
    return listed


# --- statistics ---------------------------------------------------------------------------------
@bp.get("/campanie/<int:campaign_id>/statistici")
@auth_required()
def statistics(campaign_id: int) -> Any:
    """Counts per rating, never a name (the statistics viewer, the director, the auditor)."""
    user = _user()
    campaign = _campaign(user, campaign_id)
    if not eval_access.can_see_evaluation_statistics(user):
        raise _missing()
    counts = eval_access.rating_counts(user, campaign)
    return render_template("evaluation/statistics.html", title=f"Statistici — {campaign.name}", campaign=campaign,
                           counts=counts, total=sum(counts.values()), category_labels=CATEGORY_LABELS)


# --- public holidays ----------------------------------------------------------------------------
def _holiday_user() -> User:
    user = _user()
    if not can_manage_holidays(user):
        abort(403)
    return user


@bp.get("/sarbatori")
@auth_required()
def holidays() -> Any:
    """The school's public holidays: not working days for the contestation deadlines."""
    user = _holiday_user()
    rows = list(db.session.scalars(
        sa.select(PublicHoliday).where(PublicHoliday.school_id == user.school_id, PublicHoliday.is_active.is_(True))
        .order_by(PublicHoliday.day)
    ))
    return render_template("evaluation/holidays.html", title="Zile de sărbătoare legală", holidays=rows,
                           this_year=access.today().year)


@bp.post("/sarbatori")
@auth_required()
def change_holidays() -> Any:
    user = _holiday_user()
    action = request.form.get("action")
    try:
        if action == "add":
            name = _text("name")
            if name is None:
                raise _refuse("name_missing", "Scrieți denumirea sărbătorii.")
            ops.save_public_holiday(user, day=_date("day", "ziua"), name=name, remote_addr=request.remote_addr)
            done = "Ziua a fost adăugată."
        elif action == "remove":
            holiday = db.session.get(PublicHoliday, request.form.get("holiday_id", type=int) or 0)
            if holiday is None or holiday.school_id != user.school_id:
                raise _missing()
            ops.save_public_holiday(user, holiday=holiday, day=holiday.day, name=holiday.name, is_active=False,
                                    remote_addr=request.remote_addr)
            done = "Ziua a fost scoasă din calendar."
        elif action == "legal":
            year = request.form.get("calendar_year", type=int)
            if year is None or not 2000 <= year <= 2100:
                raise _refuse("year_invalid", "Anul calendaristic nu este valid.")
            added = ops.ensure_default_holidays(user, year, remote_addr=request.remote_addr)
            done = f"Sărbătorile legale din {year} au fost adăugate ({len(added)} zile noi)."
        else:
            abort(400)
    except CatalogError as error:
        db.session.rollback()
        flash(error.message_ro, "error")
    else:
        flash(done, "success")
    return redirect(url_for("evaluation.holidays"))
