"""Who may read and write staff evaluation sheets (issue 9 item 5; rules.md §9).

Reading (evaluations are personal data; every read is logged in `EvaluationView`):

- the employee reads their own sheets;
- the head of a department reads the sheets of that department (the department scores them);
- an active member of a campaign's contestation commission reads the *contested* sheets of that
  campaign, and only those (the commission resolves them, R-EVS-11, R-EVN-10);
- a non-teaching sheet's evaluator and countersigner read it (they fill it in);
- the director and deputy (the board), the secretary (the secretariat registers the sheets and
  contestations and communicates the decisions, R-EVS-04, R-EVS-09) and the auditor/inspector
  (reads everything, changes nothing) read every sheet of the school
  (policy.READ_ALL_EVALUATIONS);
- the statistics viewer reads counts per rating only (`rating_counts`), never a sheet.

Writing is checked by the `require_*` predicates below, which the operations call.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import has_request_context, request

from schema.db import audit_context, utc_now
from schema.errors import NotFound, PermissionDenied
from schema.evaluation import (
    EvaluationCampaign,
    EvaluationCommissionMember,
    EvaluationContestation,
    EvaluationSheet,
    EvaluationView,
)
from schema.models import Department, User, db
from schema.rules.evaluation import NON_TEACHING_RATINGS, TEACHING_RATINGS
from security import policy
from security.access import role_names


def _has(user: User, permission: str) -> bool:
    return policy.has_permission(role_names(user), permission)


def headed_department_ids(user: User) -> set[int]:
    """The departments (catedre/compartimente) this user heads."""
    return set(
        db.session.scalars(
            sa.select(Department.id).where(Department.school_id == user.school_id, Department.head_id == user.id)
        )
    )


def commission_campaign_ids(user: User) -> set[int]:
    """The campaigns whose contestation commission `user` is an active member of."""
    return set(
        db.session.scalars(
            sa.select(EvaluationCommissionMember.campaign_id).where(
                EvaluationCommissionMember.school_id == user.school_id,
                EvaluationCommissionMember.user_id == user.id,
                EvaluationCommissionMember.is_active.is_(True),
            )
        )
    )


def _contested_in(campaign_ids: set[int]) -> sa.ColumnElement[bool]:
    """SQL condition: the sheet belongs to one of `campaign_ids` and has a contestation."""
    contested = sa.select(EvaluationContestation.sheet_id).where(EvaluationContestation.sheet_id == EvaluationSheet.id)
    return sa.and_(EvaluationSheet.campaign_id.in_(campaign_ids), contested.exists())


def is_contested(sheet: EvaluationSheet) -> bool:
    return (
        db.session.scalar(
            sa.select(EvaluationContestation.id).where(EvaluationContestation.sheet_id == sheet.id).limit(1)
        )
        is not None
    )


def reads_all_sheets(user: User) -> bool:
    """Director, deputy, secretary and auditor read every sheet of their school."""
    return _has(user, policy.READ_ALL_EVALUATIONS)


def can_manage_evaluations(user: User) -> bool:
    """Campaigns, the board's decisions and the contestation commission: director and deputy."""
    return getattr(user, "is_authenticated", True) and _has(user, policy.MANAGE_EVALUATIONS)


def can_act_for_secretariat(user: User) -> bool:
    """Register a contestation for an employee, record that a decision was communicated."""
    return _has(user, policy.EVALUATION_SECRETARIAT)


def can_read_sheet(user: User, sheet: EvaluationSheet) -> bool:
    """The reading rule of the module docstring, for one sheet."""
    if not getattr(user, "is_authenticated", True) or user.school_id != sheet.school_id:
        return False
    if sheet.employee_id == user.id or user.id in (sheet.evaluator_id, sheet.countersigner_id):
        return True
    if sheet.department_id is not None and sheet.department_id in headed_department_ids(user):
        return True
    if reads_all_sheets(user):
        return True
    return sheet.campaign_id in commission_campaign_ids(user) and is_contested(sheet)


def require_can_read_sheet(user: User, sheet: EvaluationSheet) -> None:
    """NotFound (not "forbidden") when the user may not read the sheet: no leak of its existence."""
    if not can_read_sheet(user, sheet):
        raise NotFound("not_found", "Fișa de evaluare nu există.", "No such evaluation sheet.")


def access_sheet(user: User, sheet_id: int) -> EvaluationSheet:
    """The sheet, if it exists and `user` may read it; NotFound for missing and not readable alike."""
    sheet = db.session.get(EvaluationSheet, sheet_id)
    if sheet is None:
        raise NotFound("not_found", "Fișa de evaluare nu există.", "No such evaluation sheet.")
    require_can_read_sheet(user, sheet)
    return sheet


def access_campaign(user: User, campaign_id: int) -> EvaluationCampaign:
    """A campaign of the user's school (its sheets are still filtered by `readable_sheets`)."""
    campaign = db.session.get(EvaluationCampaign, campaign_id)
    if campaign is None or campaign.school_id != user.school_id or not can_see_evaluations(user):
        raise NotFound("not_found", "Campania de evaluare nu există.", "No such evaluation campaign.")
    return campaign


def readable_sheets_query(user: User, campaign: EvaluationCampaign | None = None) -> sa.Select:
    """SELECT of the sheets `user` may read (optionally of one campaign): the rule of
    `can_read_sheet`, in SQL."""
    query = sa.select(EvaluationSheet).where(EvaluationSheet.school_id == user.school_id)
    if campaign is not None:
        query = query.where(EvaluationSheet.campaign_id == campaign.id)
    if not reads_all_sheets(user):
        own = sa.or_(
            EvaluationSheet.employee_id == user.id,
            EvaluationSheet.evaluator_id == user.id,
            EvaluationSheet.countersigner_id == user.id,
        )
        departments = headed_department_ids(user)
        if departments:
            own = sa.or_(own, EvaluationSheet.department_id.in_(departments))
        commissions = commission_campaign_ids(user)
        if commissions:
            own = sa.or_(own, _contested_in(commissions))
        query = query.where(own)
    return query.order_by(EvaluationSheet.id)


def readable_sheets(user: User, campaign: EvaluationCampaign | None = None) -> list[EvaluationSheet]:
    """The sheets `user` may read (own, department, evaluated by them, contested before their
    commission, or all for the board)."""
    return list(db.session.scalars(readable_sheets_query(user, campaign)))


def can_see_evaluations(user: User) -> bool:
    """Menu and pages: the user has a sheet to read (own, evaluated, or contested before their
    commission), heads a department, or reads all."""
    if not getattr(user, "is_authenticated", True):
        return False
    if reads_all_sheets(user) or headed_department_ids(user) or commission_campaign_ids(user):
        return True
    return db.session.scalar(readable_sheets_query(user).with_only_columns(EvaluationSheet.id).limit(1)) is not None


def can_see_evaluation_statistics(user: User) -> bool:
    """Counts per rating: statistics viewers, and whoever reads every sheet."""
    return getattr(user, "is_authenticated", True) and (_has(user, policy.READ_STATISTICS) or reads_all_sheets(user))


def rating_counts(user: User, campaign: EvaluationCampaign) -> dict[str, int]:
    """How many sheets of the campaign got each rating (best first); no names, no scores."""
    if campaign.school_id != user.school_id or not can_see_evaluation_statistics(user):
        raise PermissionDenied(
            "evaluation_statistics_denied",
            "Nu aveți acces la statisticile evaluării personalului.",
            "You may not read the evaluation statistics.",
        )
    ratings = TEACHING_RATINGS if campaign.uses_points else NON_TEACHING_RATINGS
    counts = dict.fromkeys(ratings, 0)
    rows = db.session.execute(
        sa.select(EvaluationSheet.rating, sa.func.count())
        .where(EvaluationSheet.campaign_id == campaign.id, EvaluationSheet.rating.is_not(None))
        .group_by(EvaluationSheet.rating)
    )
    for rating, count in rows:
        counts[rating] = counts.get(rating, 0) + count
    return counts


def log_evaluation_view(user: User, sheet: EvaluationSheet, what: str, *, commit: bool = True) -> EvaluationView:
    """Record that `user` opened `what` of `sheet` (every page, PDF or export showing a sheet
    calls this). Commits by default, since the page itself only reads."""
    ip = request.remote_addr if has_request_context() else None
    entry = EvaluationView(
        school_id=sheet.school_id, user_id=user.id, sheet_id=sheet.id, what=what[:100], ip=ip, occurred_at=utc_now()
    )
    db.session.add(entry)
    if commit:
        with audit_context(reason="Acces la fișa de evaluare", user_id=user.id):
            db.session.commit()
    return entry
