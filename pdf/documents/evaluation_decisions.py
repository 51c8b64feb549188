"""Lista calificativelor — Hotărârea consiliului de administrație (issue 9 item 6; R-EVS-07,
R-EVN-06): for one campaign, every evaluated employee with their function, department, final
score (or final mark), rating and the contestation's result; as PDF and as XLSX.

The final score after an admitted contestation is the commission's (the sheet carries it); the
contestation column says so. One query for the sheets with their people, one for the
contestations, whatever the size of the staff.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from pdf.documents import romanian_key
from pdf.documents.evaluation_sheet import number_text
from pdf.documents.student_report import school_header
from pdf.render import render_pdf
from schema.errors import NotFound
from schema.evaluation import CATEGORY_LABELS, EvaluationCampaign, EvaluationContestation, EvaluationSheet
from schema.models import db

TEMPLATE = "evaluation_decisions.html"
HEADERS = ("Nr.", "Numele și prenumele", "Funcția", "Catedra / compartimentul", "Punctaj final", "Calificativ",
           "Contestație")


def today() -> date:
    """The issue date printed on the document (one place, so tests can freeze it)."""
    return date.today()


def _contestation_result(contestation: EvaluationContestation | None) -> str:
    if contestation is None:
        return ""
    if contestation.state == "filed":
        return f"depusă {contestation.filed_on:%d.%m.%Y}, în curs de soluționare"
    if contestation.state == "admitted":
        return (f"admisă {contestation.decided_on:%d.%m.%Y}: {number_text(contestation.previous_score)} "
                f"({contestation.previous_rating}) → {number_text(contestation.new_score)} ({contestation.new_rating})")
    return f"respinsă {contestation.decided_on:%d.%m.%Y}"


def decision_rows(campaign: EvaluationCampaign) -> list[dict[str, Any]]:
    """One row per sheet of the campaign, in the Romanian alphabetical order of the names."""
    sheets = db.session.scalars(
        sa.select(EvaluationSheet).where(EvaluationSheet.campaign_id == campaign.id)
        .options(selectinload(EvaluationSheet.employee), selectinload(EvaluationSheet.staff_member),
                 selectinload(EvaluationSheet.department))
    ).all()
    contestations = {
        row.sheet_id: row for row in db.session.scalars(
            sa.select(EvaluationContestation).where(EvaluationContestation.sheet_id.in_([s.id for s in sheets])))
    } if sheets else {}
    ordered = sorted(sheets, key=lambda s: (romanian_key(s.employee.last_name), romanian_key(s.employee.first_name), s.id))
    rows = []
    for number, sheet in enumerate(ordered, start=1):
        final = sheet.final_score if campaign.uses_points else sheet.final_mark
        rows.append({
            "number": number,
            "name": sheet.employee.full_name,
            "job_title": sheet.staff_member.job_title if sheet.staff_member is not None else "",
            "department": sheet.department.name if sheet.department is not None else "",
            "final": number_text(final),
            "rating": sheet.rating or "",
            "contestation": _contestation_result(contestations.get(sheet.id)),
        })
    return rows


def _campaign(campaign_id: int) -> EvaluationCampaign:
    campaign = db.session.get(EvaluationCampaign, campaign_id)
    if campaign is None:
        raise NotFound("not_found", "Documentul cerut nu există.", "No such document.")
    return campaign


def evaluation_decisions_context(campaign_id: int) -> dict[str, Any]:
    campaign = _campaign(campaign_id)
    return {
        "title": f"Lista calificativelor — {campaign.name}",
        "school": school_header(campaign.school_id),
        "campaign": {"name": campaign.name, "year": campaign.year.name,
                     "category": CATEGORY_LABELS.get(campaign.category, campaign.category),
                     "board_meeting_on": campaign.board_meeting_on, "evaluated_from": campaign.evaluated_from,
                     "evaluated_to": campaign.evaluated_to},
        "points": campaign.uses_points,
        "headers": list(HEADERS[:4]) + ["Punctaj final" if campaign.uses_points else "Nota finală"] + list(HEADERS[5:]),
        "rows": decision_rows(campaign),
        "issued_on": today(),
        "footer": f"Lista calificativelor, {campaign.name}",
    }


def render_evaluation_decisions(campaign_id: int) -> bytes:
    """The board's decision list as PDF bytes."""
    return render_pdf(TEMPLATE, evaluation_decisions_context(campaign_id))


def _cell(value: Any) -> Any:
    """A cell a spreadsheet will not run as a formula (views/pages.py: spreadsheet_safe)."""
    from views.pages import spreadsheet_safe

    return spreadsheet_safe(value)


def evaluation_decisions_xlsx(campaign_id: int) -> bytes:
    """The board's decision list as an XLSX workbook (one sheet, a header row, one row per employee)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    context = evaluation_decisions_context(campaign_id)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Calificative"
    sheet.append([_cell(context["title"])])
    sheet.append([_cell(f"{context['school']['name']} — {context['campaign']['category']}, anul școlar "
                        f"{context['campaign']['year']}")])
    sheet.append([])
    sheet.append(context["headers"])
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    for row in context["rows"]:
        final = row["final"]
        sheet.append([row["number"], _cell(row["name"]), _cell(row["job_title"]), _cell(row["department"]),
                      float(final.replace(",", ".")) if final else None, _cell(row["rating"]),
                      _cell(row["contestation"])])
    for column, width in zip("ABCDEFG", (5, 32, 22, 26, 13, 16, 50), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
