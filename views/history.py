"""The auditor's history browser ("Istoric"): who changed what, when, from what, from where and why.

Read-only: every page here only reads the Continuum versions through schema/history.py, for the
rows of the user's school. Open to auditors, the director and the deputy director
(capabilities.can_browse_history).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, abort, current_app, render_template, request, stream_with_context
from flask_security import auth_required, current_user

from schema import history
from security import capabilities
from views.pages import spreadsheet_safe

bp = Blueprint("history", __name__, url_prefix="/istoric", template_folder="templates")

PER_PAGE = 50
#: Deep pages cost more (each table's branch reads offset + 50 rows); the CSV export has no limit.
MAX_PAGE = 2000

CSV_HEADER = ["Data și ora", "Utilizator", "IP", "Motivul", "Tabel", "ID rând", "Rând", "Operația", "Câmp",
              "Valoare veche", "Valoare nouă"]


def _require_access() -> None:
    if not capabilities.can_browse_history(current_user):
        abort(403)


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config.get("CATALOG_SCHOOL_TIMEZONE", "Europe/Bucharest"))


def _parse_date(name: str, label: str, problems: list[str]) -> date | None:
    text = request.args.get(name, "").strip()
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        day = None
    if day is None or not 1900 <= day.year <= 2200:
        problems.append(f"Data „{label}” nu este validă; filtrul a fost ignorat.")
        return None
    return day


def _filters(tables: dict[str, str], problems: list[str]) -> tuple[history.HistoryFilter, dict[str, str]]:
    """The filters of the query string, and the same values for refilling the form and links."""
    table = request.args.get("tabel", "").strip()
    if table and table not in tables:
        problems.append("Tabelul ales nu există; se arată toate tabelele.")
        table = ""
    user_id = request.args.get("utilizator", type=int)
    operation_slug = request.args.get("operatie", "").strip()
    if operation_slug and operation_slug not in history.OPERATION_SLUGS:
        operation_slug = ""
    date_from = _parse_date("de_la", "de la", problems)
    date_to = _parse_date("pana_la", "până la", problems)
    if date_from and date_to and date_from > date_to:
        problems.append("Data de început este după data de sfârșit; nu se găsește nimic în acest interval.")
    student = request.args.get("elev", "").strip()[:100]
    filters = history.HistoryFilter(
        tables=(table,) if table else None,
        user_id=user_id,
        date_from=date_from,
        date_to=date_to,
        student=student or None,
        operation=history.OPERATION_SLUGS.get(operation_slug),
    )
    form = {
        "tabel": table,
        "utilizator": str(user_id) if user_id else "",
        "de_la": date_from.isoformat() if date_from else "",
        "pana_la": date_to.isoformat() if date_to else "",
        "elev": student,
        "operatie": operation_slug,
    }
    return filters, form


def _query(form: dict[str, str], **extra: Any) -> str:
    values = {key: value for key, value in (form | extra).items() if value not in ("", None)}
    return urlencode(values)


@bp.get("/")
@auth_required()
def index() -> Any:
    """The school's history, filtered, newest first, 50 versions per page."""
    _require_access()
    school_id = current_user.school_id
    tables = history.browsable_tables()
    problems: list[str] = []
    filters, form = _filters(tables, problems)
    page = min(max(request.args.get("pagina", 1, type=int) or 1, 1), MAX_PAGE)
    entries, has_next = history.history_page(school_id, filters, page=page, per_page=PER_PAGE, zone=_zone())
    return render_template(
        "history/index.html",
        entries=entries,
        tables=tables,
        log_tables=history.LOG_TABLES,
        users=history.history_users(school_id),
        operations=[(slug, history.OPERATION_LABELS[code]) for slug, code in history.OPERATION_SLUGS.items()],
        form=form,
        problems=problems,
        page=page,
        previous_url=f"?{_query(form, pagina=page - 1)}" if page > 1 else None,
        next_url=f"?{_query(form, pagina=page + 1)}" if has_next and page < MAX_PAGE else None,
        export_query=_query(form),
    )


@bp.get("/<table>/<key>")
@auth_required()
def row(table: str, key: str) -> Any:
    """Every version of one row, oldest first; another school's row is missing (404)."""
    _require_access()
    if table not in history.browsable_tables():
        abort(404)
    parsed = history.decode_key(table, key)
    if parsed is None:
        abort(404)
    entries = history.row_history(current_user.school_id, table, parsed, zone=_zone())
    if not entries:
        abort(404)
    return render_template("history/row.html", entries=entries, description=entries[-1].description,
                           table=table, table_label=history.table_label(table))


def csv_lines(entries: Iterator[history.HistoryEntry], zone: ZoneInfo) -> Iterator[str]:
    """The CSV text, a line at a time: one line per changed field (one per version without fields)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    yield "\ufeff"
    writer.writerow(CSV_HEADER)
    yield flush()
    for entry in entries:
        moment = entry.issued_at.astimezone(zone).strftime("%d.%m.%Y %H:%M:%S") if entry.issued_at else ""
        common = [moment, entry.user_name or "", entry.remote_addr or "", entry.reason or "",
                  history.table_label(entry.table), entry.key, entry.description, entry.operation_label]
        for change in entry.changes or [None]:
            cells = common + ([change.label, change.old, change.new] if change else ["", "", ""])
            writer.writerow([spreadsheet_safe(cell) for cell in cells])
        yield flush()


@bp.get("/export.csv")
@auth_required()
def export() -> Any:
    """The filtered history as CSV (UTF-8 with BOM, ";" as Excel expects in Romanian), streamed."""
    _require_access()
    school_id = current_user.school_id
    filters, _form = _filters(history.browsable_tables(), [])
    zone = _zone()
    entries = history.iter_history(school_id, filters, zone=zone)
    response = Response(stream_with_context(csv_lines(entries, zone)), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = 'attachment; filename="istoric.csv"'
    return response
