"""Fișa de evaluare (issue 9 item 6; 002 annex 2; rules.md §9): one employee's filled evaluation
sheet with the score of every stage per criterion, the totals, the rating, the dates and the
signature lines.

- teaching and auxiliary staff: self-evaluation, department (catedră/compartiment) and board
  (consiliul de administrație) points per criterion, out of the criterion's maximum;
- non-teaching staff: the evaluator's and (if modified) the countersigner's marks 1–5, the mean,
  the interview, the employee's point of view, the countersigning;
- the contestation, when there is one, with its outcome.

The context holds plain values only (pdf/render.py). Who may download it is decided by the page
(views/evaluation.py: whoever may read the sheet).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from pdf.documents.student_report import school_header
from pdf.render import render_pdf
from schema.errors import NotFound
from schema.evaluation import (
    CATEGORY_LABELS,
    CONTESTATION_STATE_LABELS,
    SCORE_STAGE_LABELS,
    STAGE_LABELS,
    EvaluationContestation,
    EvaluationParticipant,
    EvaluationSheet,
)
from schema.models import User, db
from schema.operations.evaluation import sheet_scores

TEMPLATE = "evaluation_sheet.html"
POINTS_STAGES = ("self", "department", "board")
MARKS_STAGES = ("evaluator", "countersigner")


def today() -> date:
    """The issue date printed on the document (one place, so tests can freeze it)."""
    return date.today()


def number_text(value: Decimal | None) -> str:
    """"84,50"; "" when there is none."""
    return "" if value is None else f"{Decimal(value):.2f}".replace(".", ",")


def _name(user: User | None) -> str:
    return user.full_name if user is not None else ""


def _day(moment: datetime | date | None) -> date | None:
    if isinstance(moment, datetime):
        return moment.date()
    return moment


def evaluation_sheet_context(sheet_id: int) -> dict[str, Any]:
    """The sheet as plain values."""
    sheet = db.session.get(EvaluationSheet, sheet_id)
    if sheet is None:
        raise NotFound("not_found", "Documentul cerut nu există.", "No such document.")
    campaign = sheet.campaign
    points = campaign.uses_points
    stages = POINTS_STAGES if points else MARKS_STAGES
    scores = sheet_scores(sheet)
    criteria = [criterion for criterion in campaign.criteria if criterion.is_active]
    domains: list[dict[str, Any]] = []
    for criterion in criteria:
        if not domains or domains[-1]["code"] != criterion.domain_code:
            domains.append({"code": criterion.domain_code, "title": criterion.domain_title, "criteria": []})
        domains[-1]["criteria"].append({
            "code": criterion.code, "text": criterion.text, "max": number_text(criterion.max_score),
            "scores": [number_text(scores.get(stage, {}).get(criterion.id)) for stage in stages],
        })
    totals = []
    for stage in stages:
        given = scores.get(stage, {})
        if not given:
            totals.append("")
        elif points:
            totals.append(number_text(sum((given.get(c.id, Decimal(0)) for c in criteria), Decimal(0))))
        else:
            totals.append("")
    participants = db.session.execute(
        sa.select(EvaluationParticipant.role, User.last_name, User.first_name)
        .join(User, User.id == EvaluationParticipant.user_id)
        .where(EvaluationParticipant.sheet_id == sheet.id)
        .order_by(User.last_name, User.first_name)
    ).all()
    contestation = db.session.scalar(sa.select(EvaluationContestation).where(EvaluationContestation.sheet_id == sheet.id))
    contestation_context = None
    if contestation is not None:
        contestation_context = {
            "state": CONTESTATION_STATE_LABELS.get(contestation.state, contestation.state),
            "filed_on": contestation.filed_on, "filing_deadline": contestation.filing_deadline,
            "solving_deadline": contestation.solving_deadline, "grounds": contestation.grounds,
            "decided_on": contestation.decided_on, "decision_text": contestation.decision_text or "",
            "new_score": number_text(contestation.new_score), "new_rating": contestation.new_rating or "",
            "previous_score": number_text(contestation.previous_score),
            "previous_rating": contestation.previous_rating or "",
            "union_observer": contestation.union_observer_name or (
                "solicitat" if contestation.union_observer_requested else ""),
        }
    staff = sheet.staff_member
    return {
        "title": f"Fișa de evaluare — {sheet.employee.full_name}",
        "school": school_header(sheet.school_id),
        "campaign": {"name": campaign.name, "category": CATEGORY_LABELS.get(campaign.category, campaign.category),
                     "year": campaign.year.name, "evaluated_from": campaign.evaluated_from,
                     "evaluated_to": campaign.evaluated_to},
        "points": points,
        "employee": sheet.employee.full_name,
        "job_title": staff.job_title if staff is not None else "",
        "department": sheet.department.name if sheet.department is not None else "",
        "stage": STAGE_LABELS.get(sheet.stage, sheet.stage),
        "stage_labels": [SCORE_STAGE_LABELS[stage] for stage in stages],
        "domains": domains,
        "totals": totals,
        "self_total": number_text(sheet.self_total),
        "self_evaluated_on": _day(sheet.self_evaluated_at),
        "department_total": number_text(sheet.department_total),
        "department_meeting_on": sheet.department_meeting_on,
        "department_head": _name(sheet.department_scored_by),
        "department_members": [f"{last} {first}" for role, last, first in participants if role == "department_member"],
        "department_minutes": sheet.department_minutes or "",
        "final_score": number_text(sheet.final_score),
        "board_meeting_on": sheet.board_meeting_on,
        "board_members": [f"{last} {first}" for role, last, first in participants if role == "board_member"],
        "board_chair": _name(sheet.board_scored_by),
        "present_at_board": sheet.present_at_board,
        "employee_argument": sheet.employee_argument or "",
        "board_notes": sheet.board_notes or "",
        "communication_due_on": sheet.communication_due_on,
        "communicated_on": sheet.communicated_on,
        "communicated_in_person": sheet.communicated_in_person,
        "evaluator": _name(sheet.evaluator),
        "countersigner": _name(sheet.countersigner),
        "evaluator_mark": number_text(sheet.evaluator_mark),
        "final_mark": number_text(sheet.final_mark),
        "evaluator_notes": sheet.evaluator_notes or "",
        "interview_on": sheet.interview_on,
        "evaluator_signed_on": _day(sheet.evaluator_signed_at),
        "employee_signed_on": _day(sheet.employee_signed_at),
        "employee_point_of_view": sheet.employee_point_of_view or "",
        "countersigned_on": _day(sheet.countersigned_at),
        "countersigner_modified": bool(sheet.countersigner_modified),
        "countersigner_note": sheet.countersigner_note or "",
        "informed_on": sheet.informed_on,
        "rating": sheet.rating or "",
        "contestation": contestation_context,
        "issued_on": today(),
        "footer": f"Fișa de evaluare, {sheet.employee.full_name}, {campaign.name}",
    }


def render_evaluation_sheet(sheet_id: int) -> bytes:
    """The fișa de evaluare as PDF bytes."""
    return render_pdf(TEMPLATE, evaluation_sheet_context(sheet_id))
