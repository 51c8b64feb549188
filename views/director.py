"""The director's desk (direcțiune): the approvals inbox (delegations, motivations that need prior
approval, reopening closed results), closing progress per class and teacher, login statistics and
per-class statistics. Decisions go through the operations; reads use a fixed number of queries."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_security import auth_required, current_user
from sqlalchemy.orm import selectinload

from schema import rules
from schema.errors import CatalogError
from schema.models import (
    Absence,
    AnnualAverage,
    AuthEvent,
    BehaviourMark,
    CurriculumEntry,
    Delegation,
    DelegationDecision,
    Enrolment,
    Exemption,
    LearningPeriod,
    MotivationRequest,
    PeriodAverage,
    ReopenRequest,
    SchoolClass,
    SchoolYear,
    Subject,
    TeachingAssignment,
    User,
    YearResult,
    db,
)
from schema.operations.absences import MOTIVATION_KIND_LABELS, parent_request_hours
from schema.operations.delegations import decide_delegation
from schema.operations.motivation_requests import decide_motivation_request
from schema.operations.reopening import decide_reopen, target_of
from security import access, capabilities, policy
from security.auth import LOGIN_FAILED, LOGIN_SUCCEEDED
from views.announcements import pending_announcements

bp = Blueprint("director", __name__, url_prefix="/directiune", template_folder="templates")

LOGIN_WINDOW_DAYS = 14


def _require_desk() -> None:
    if not capabilities.can_use_director_desk(current_user):
        abort(403)


def _current_year() -> SchoolYear | None:
    """The school year containing today, else the latest one begun, else the first one."""
    years = db.session.scalars(
        sa.select(SchoolYear).where(SchoolYear.school_id == current_user.school_id).order_by(SchoolYear.starts_on)
    ).all()
    today = access.today()
    for year in years:
        if year.starts_on <= today <= year.ends_on:
            return year
    begun = [y for y in years if y.starts_on <= today]
    return begun[-1] if begun else (years[0] if years else None)


def _current_period(periods: list[LearningPeriod]) -> LearningPeriod | None:
    today = access.today()
    for period in periods:
        if period.contains(today):
            return period
    begun = [p for p in periods if p.starts_on <= today]
    return begun[-1] if begun else (periods[0] if periods else None)


def _ruleset(school_class: SchoolClass) -> rules.RuleSet:
    return rules.get_ruleset(school_class.grade_level.ruleset or school_class.year.ruleset)


# --- approvals inbox ---------------------------------------------------------------------------


def _describe_reopen(reopen: ReopenRequest) -> str:
    """What the request would reopen, in words ("Ionescu Ana, a V-a A: media la Matematică, Semestrul I")."""
    try:
        row = target_of(reopen)
    except CatalogError:
        return "rezultatul nu mai există"
    student = f"{row.enrolment.student.full_name}, {row.enrolment.school_class.name}"
    if isinstance(row, PeriodAverage):
        return f"{student}: media la {row.curriculum_entry.subject.name}, {row.period.name}"
    if isinstance(row, AnnualAverage):
        return f"{student}: media anuală la {row.curriculum_entry.subject.name}"
    if isinstance(row, BehaviourMark):
        return f"{student}: nota la purtare, {row.period.name}"
    if isinstance(row, YearResult):
        return f"{student}: situația școlară anuală"
    return student


@bp.get("/")
@auth_required()
def index() -> Any:
    _require_desk()
    school_id = current_user.school_id
    delegations = db.session.scalars(
        sa.select(Delegation)
        .outerjoin(DelegationDecision, DelegationDecision.delegation_id == Delegation.id)
        .where(Delegation.school_id == school_id, DelegationDecision.id.is_(None))
        .options(selectinload(Delegation.from_teacher), selectinload(Delegation.to_teacher))
        .order_by(Delegation.requested_at)
    ).all()
    motivation_requests = db.session.scalars(
        sa.select(MotivationRequest)
        .where(MotivationRequest.school_id == school_id, MotivationRequest.state == "pending")
        .options(selectinload(MotivationRequest.requested_by))
        .order_by(MotivationRequest.requested_at)
    ).all()
    parent_hours = {
        r.id: parent_request_hours(r.enrolment, _period_of(r.enrolment, r.covers_from))
        for r in motivation_requests if r.kind == "parent_request"
    }
    reopen_requests = db.session.scalars(
        sa.select(ReopenRequest)
        .where(ReopenRequest.school_id == school_id, ReopenRequest.approved.is_(None))
        .options(selectinload(ReopenRequest.requested_by))
        .order_by(ReopenRequest.requested_at)
    ).all()
    return render_template(
        "director/inbox.html", active="index", delegations=delegations, motivation_requests=motivation_requests,
        parent_hours=parent_hours, reopen_requests=[(r, _describe_reopen(r)) for r in reopen_requests],
        kinds=MOTIVATION_KIND_LABELS, pending_announcements=pending_announcements(school_id),
    )


def _period_of(enrolment: Enrolment, day: date) -> LearningPeriod | None:
    periods = list(enrolment.year.periods)
    return next((p for p in periods if p.contains(day)), None) or _current_period(periods)


def _decision() -> tuple[bool, str | None]:
    decision = request.form.get("decision")
    if decision not in ("approve", "refuse"):
        abort(400)
    return decision == "approve", (request.form.get("note") or "").strip() or None


def _decided(kind: str, approve: bool) -> None:
    flash(f"{kind} a fost {'aprobată' if approve else 'respinsă'}.", "success")


@bp.post("/delegari/<int:delegation_id>")
@auth_required()
def decide_delegation_request(delegation_id: int) -> Any:
    _require_desk()
    delegation = db.session.get(Delegation, delegation_id)
    if delegation is None or delegation.school_id != current_user.school_id:
        abort(404)
    approve, note = _decision()
    try:
        decide_delegation(current_user, delegation, approve=approve, note=note, remote_addr=request.remote_addr)
    except CatalogError as error:
        db.session.rollback()
        flash(error.message_ro, "error")
    else:
        _decided("Delegarea", approve)
    return redirect(url_for("director.index"))


@bp.post("/motivari/<int:request_id>")
@auth_required()
def decide_motivation(request_id: int) -> Any:
    _require_desk()
    motivation_request = db.session.get(MotivationRequest, request_id)
    if motivation_request is None or motivation_request.school_id != current_user.school_id:
        abort(404)
    approve, note = _decision()
    try:
        decide_motivation_request(current_user, motivation_request, approve=approve, note=note,
                                  remote_addr=request.remote_addr)
    except CatalogError as error:
        db.session.rollback()
        flash(error.message_ro, "error")
    else:
        _decided("Cererea de motivare", approve)
    return redirect(url_for("director.index"))


@bp.post("/redeschideri/<int:request_id>")
@auth_required()
def decide_reopening(request_id: int) -> Any:
    _require_desk()
    reopen = db.session.get(ReopenRequest, request_id)
    if reopen is None or reopen.school_id != current_user.school_id:
        abort(404)
    approve, note = _decision()
    try:
        decide_reopen(current_user, reopen, approve=approve, note=note, remote_addr=request.remote_addr)
    except CatalogError as error:
        db.session.rollback()
        flash(error.message_ro, "error")
    else:
        _decided("Cererea de redeschidere", approve)
    return redirect(url_for("director.index"))


# --- closing progress --------------------------------------------------------------------------


@dataclass
class Progress:
    label: str
    closed: int = 0
    expected: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.closed / self.expected) if self.expected else 100


def closing_progress(year: SchoolYear, period: LearningPeriod) -> tuple[list[Progress], list[Progress]]:
    """Closed averages out of expected (active students × subjects, minus exemptions), per class and
    per teacher: period averages of `period`, or annual averages where the rule-set has no period
    average. A fixed number of queries."""
    classes = db.session.scalars(
        sa.select(SchoolClass).where(SchoolClass.year_id == year.id)
        .options(selectinload(SchoolClass.grade_level)).order_by(SchoolClass.name)
    ).all()
    class_ids = [c.id for c in classes]
    enrolled = dict(db.session.execute(
        sa.select(Enrolment.class_id, sa.func.count(Enrolment.id))
        .where(Enrolment.class_id.in_(class_ids), Enrolment.status == "active").group_by(Enrolment.class_id)
    ).all())
    entries = db.session.scalars(sa.select(CurriculumEntry).where(CurriculumEntry.class_id.in_(class_ids))).all()
    entry_ids = [e.id for e in entries]
    exempt = dict(db.session.execute(
        sa.select(Exemption.curriculum_entry_id, sa.func.count(sa.distinct(Exemption.enrolment_id)))
        .join(Enrolment, Enrolment.id == Exemption.enrolment_id)
        .where(Exemption.curriculum_entry_id.in_(entry_ids), Enrolment.status == "active",
               sa.or_(Exemption.period_id.is_(None), Exemption.period_id == period.id))
        .group_by(Exemption.curriculum_entry_id)
    ).all())
    closed_period = dict(db.session.execute(
        sa.select(PeriodAverage.curriculum_entry_id, sa.func.count(PeriodAverage.id))
        .join(Enrolment, Enrolment.id == PeriodAverage.enrolment_id)
        .where(PeriodAverage.curriculum_entry_id.in_(entry_ids), PeriodAverage.period_id == period.id,
               PeriodAverage.state == "closed", Enrolment.status == "active")
        .group_by(PeriodAverage.curriculum_entry_id)
    ).all())
    closed_annual = dict(db.session.execute(
        sa.select(AnnualAverage.curriculum_entry_id, sa.func.count(AnnualAverage.id))
        .join(Enrolment, Enrolment.id == AnnualAverage.enrolment_id)
        .where(AnnualAverage.curriculum_entry_id.in_(entry_ids), AnnualAverage.state == "closed",
               Enrolment.status == "active")
        .group_by(AnnualAverage.curriculum_entry_id)
    ).all())
    teachers_of: dict[int, list[User]] = defaultdict(list)
    for assignment in db.session.scalars(
        sa.select(TeachingAssignment).where(TeachingAssignment.curriculum_entry_id.in_(entry_ids))
        .options(selectinload(TeachingAssignment.teacher))
    ):
        teachers_of[assignment.curriculum_entry_id].append(assignment.teacher)
    by_class = {c.id: Progress(c.name) for c in classes}
    class_by_id = {c.id: c for c in classes}
    by_teacher: dict[int, Progress] = {}
    for entry in entries:
        school_class = class_by_id[entry.class_id]
        counts = closed_period if _ruleset(school_class).has_period_average else closed_annual
        expected = max(0, enrolled.get(entry.class_id, 0) - exempt.get(entry.id, 0))
        closed = min(expected, counts.get(entry.id, 0))
        by_class[entry.class_id].expected += expected
        by_class[entry.class_id].closed += closed
        for teacher in teachers_of.get(entry.id, []):
            progress = by_teacher.setdefault(teacher.id, Progress(teacher.full_name))
            progress.expected += expected
            progress.closed += closed
    return list(by_class.values()), sorted(by_teacher.values(), key=lambda p: (p.percent, p.label))


@bp.get("/incheiere")
@auth_required()
def closing() -> Any:
    _require_desk()
    year = _current_year()
    period = _current_period(list(year.periods)) if year is not None else None
    classes, teachers = closing_progress(year, period) if year is not None and period is not None else ([], [])
    return render_template("director/closing.html", active="closing", year=year, period=period, classes=classes,
                           teachers=teachers)


# --- login statistics --------------------------------------------------------------------------


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config.get("CATALOG_SCHOOL_TIMEZONE", "Europe/Bucharest"))


def _local_day(moment: datetime, zone: ZoneInfo) -> date:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo("UTC"))  # SQLite returns naive UTC
    return moment.astimezone(zone).date()


@bp.get("/autentificari")
@auth_required()
def logins() -> Any:
    _require_desk()
    zone = _zone()
    last_day = access.today()
    days = [last_day - timedelta(days=offset) for offset in range(LOGIN_WINDOW_DAYS)]
    # Local midnight in UTC: SQLite stores and binds the UTC wall-clock time without its tzinfo.
    start = datetime.combine(days[-1], datetime.min.time(), tzinfo=zone).astimezone(UTC)
    events = db.session.execute(
        sa.select(AuthEvent.occurred_at, AuthEvent.kind, AuthEvent.user_id).where(
            AuthEvent.school_id == current_user.school_id, AuthEvent.occurred_at >= start,
            AuthEvent.kind.in_((LOGIN_SUCCEEDED, LOGIN_FAILED)),
        )
    ).all()
    users = db.session.scalars(
        sa.select(User).where(User.school_id == current_user.school_id).options(selectinload(User.roles))
    ).all()
    ever_logged_in = set(db.session.scalars(
        sa.select(AuthEvent.user_id).distinct().where(
            AuthEvent.school_id == current_user.school_id, AuthEvent.kind == LOGIN_SUCCEEDED
        )
    ))
    roles_of = {u.id: sorted(u.role_names) or ["fără rol"] for u in users}
    per_day: dict[date, Counter] = {day: Counter() for day in days}
    per_role: dict[str, Counter] = defaultdict(Counter)
    for occurred_at, kind, user_id in events:
        day = _local_day(occurred_at, zone)
        if day in per_day:
            per_day[day][kind] += 1
            for role in roles_of.get(user_id, ["cont necunoscut"]):
                per_role[role][kind] += 1
    distinct_users: dict[str, set[int]] = defaultdict(set)
    for occurred_at, kind, user_id in events:
        if kind == LOGIN_SUCCEEDED and user_id is not None and _local_day(occurred_at, zone) in per_day:
            for role in roles_of.get(user_id, []):
                distinct_users[role].add(user_id)
    never = [u for u in users if u.active and u.id not in ever_logged_in]
    never_by_role: Counter = Counter(role for u in never for role in roles_of[u.id])
    role_labels = dict(policy.ROLE_DESCRIPTIONS) | {"fără rol": "Fără rol", "cont necunoscut": "Adresă necunoscută"}
    return render_template(
        "director/logins.html", active="logins", days=days, per_day=per_day, per_role=per_role,
        distinct_users=distinct_users, never=sorted(never, key=lambda u: (u.last_name, u.first_name)),
        never_by_role=never_by_role, role_labels=role_labels, roles_of=roles_of, succeeded=LOGIN_SUCCEEDED,
        failed=LOGIN_FAILED, window=LOGIN_WINDOW_DAYS, staff_roles=policy.STAFF_ROLES,
    )


# --- per-class statistics ----------------------------------------------------------------------


@dataclass
class ClassStatistics:
    school_class: SchoolClass
    average: Decimal | None = None
    averages_counted: int = 0
    under_five: dict[str, int] | None = None
    excused: int = 0
    unexcused: int = 0
    no_period_average: bool = False


def class_statistics(year: SchoolYear, period: LearningPeriod | None) -> list[ClassStatistics]:
    """Per class: the mean of the closed averages (the period's, or the annual ones for period None),
    how many averages under 5 per subject, and the excused / unexcused absences. Fixed queries."""
    classes = db.session.scalars(
        sa.select(SchoolClass).where(SchoolClass.year_id == year.id)
        .options(selectinload(SchoolClass.grade_level)).order_by(SchoolClass.name)
    ).all()
    class_ids = [c.id for c in classes]
    if period is not None:
        rows = db.session.execute(
            sa.select(PeriodAverage.class_id, Subject.name, PeriodAverage.value)
            .join(CurriculumEntry, CurriculumEntry.id == PeriodAverage.curriculum_entry_id)
            .join(Subject, Subject.id == CurriculumEntry.subject_id)
            .where(PeriodAverage.class_id.in_(class_ids), PeriodAverage.period_id == period.id,
                   PeriodAverage.state == "closed", PeriodAverage.value.is_not(None))
        ).all()
        span = [period.id]
    else:
        rows = db.session.execute(
            sa.select(AnnualAverage.class_id, Subject.name, AnnualAverage.value)
            .join(CurriculumEntry, CurriculumEntry.id == AnnualAverage.curriculum_entry_id)
            .join(Subject, Subject.id == CurriculumEntry.subject_id)
            .where(AnnualAverage.class_id.in_(class_ids), AnnualAverage.state == "closed",
                   AnnualAverage.value.is_not(None))
        ).all()
        span = [p.id for p in year.periods]
    values: dict[int, list[Decimal]] = defaultdict(list)
    under: dict[int, Counter] = defaultdict(Counter)
    for class_id, subject, value in rows:
        values[class_id].append(Decimal(value))
        if Decimal(value) < 5:
            under[class_id][subject] += 1
    absences: dict[tuple[int, str], int] = {
        (class_id, state): count
        for class_id, state, count in db.session.execute(
            sa.select(Absence.class_id, Absence.state, sa.func.count(Absence.id))
            .where(Absence.class_id.in_(class_ids), Absence.period_id.in_(span))
            .group_by(Absence.class_id, Absence.state)
        )
    }
    result = []
    for school_class in classes:
        stats = ClassStatistics(school_class, under_five=dict(sorted(under[school_class.id].items())))
        if values[school_class.id]:
            stats.average = rules.trunc2(rules.mean(values[school_class.id]))
            stats.averages_counted = len(values[school_class.id])
        stats.excused = absences.get((school_class.id, "excused"), 0)
        stats.unexcused = absences.get((school_class.id, "unexcused"), 0)
        stats.no_period_average = period is not None and not _ruleset(school_class).has_period_average
        result.append(stats)
    return result


@bp.get("/statistici")
@auth_required()
def statistics() -> Any:
    _require_desk()
    year = _current_year()
    periods = list(year.periods) if year else []
    wanted = request.args.get("perioada", "")
    period: LearningPeriod | None
    if wanted == "anual":
        period = None
    else:
        period = next((p for p in periods if str(p.id) == wanted), None) or _current_period(periods)
    stats = class_statistics(year, period) if year else []
    return render_template("director/statistics.html", active="statistics", year=year, periods=periods,
                           period=period, stats=stats)
