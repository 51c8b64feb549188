"""What every page of the portal shares: the layout's menu, the static files, date filters, and
the Romanian error pages. The menu asks the same predicates as the pages (security/capabilities)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, Flask, current_app, render_template, request, url_for
from flask_security import current_user
from flask_wtf.csrf import CSRFError

from schema.errors import CatalogError, NotFound, PermissionDenied
from security import capabilities

bp = Blueprint("pages", __name__, static_folder="static", static_url_path="/static/portal", template_folder="templates")

MONTHS_RO = ["ian.", "feb.", "mar.", "apr.", "mai", "iun.", "iul.", "aug.", "sept.", "oct.", "nov.", "dec."]


def ro_date(value: date | None) -> str:
    """dd.mm.yyyy, as in the paper catalog."""
    return value.strftime("%d.%m.%Y") if value else "—"


def short_date(value: date | None) -> str:
    """"12 nov." for a mark's date in the grid."""
    return f"{value.day} {MONTHS_RO[value.month - 1]}" if value else ""


@bp.app_template_filter("ro_date")
def _ro_date(value: date | None) -> str:
    return ro_date(value)


@bp.app_template_filter("short_date")
def _short_date(value: date | None) -> str:
    return short_date(value)


@bp.app_template_filter("decimal_ro")
def _decimal_ro(value: Any) -> str:
    """9.50 → "9,50" (Romanian decimal comma)."""
    return "—" if value is None else str(value).replace(".", ",")


def menu_for(user: Any) -> list[tuple[str, str]]:
    """(label, url) of each page this user may open, in the order of the menu."""
    if not user.is_authenticated:
        return []
    items: list[tuple[str, str]] = []
    checks = [
        (capabilities.can_use_grade_grid, "Catalogul meu", "teacher.index"),
        (capabilities.can_use_class_master_desk, "Diriginție", "class_master.index"),
        (capabilities.can_use_director_desk, "Direcțiune", "director.index"),
        (capabilities.can_read_family_pages, "Situația școlară", "family.index"),
        (capabilities.can_use_tests_calendar, "Terminar", "tests_calendar.index"),
        (capabilities.can_use_remarks_page, "Observații", "remarks.index"),
        (capabilities.can_read_announcements, "Anunțuri", "announcements.index"),
        (capabilities.can_browse_history, "Istoric", "history.index"),
        (capabilities.can_view_late_entries, "Introduceri ulterioare", "late_entries.index"),
        (capabilities.can_view_statistics, "Statistici", "statistics.index"),
        (capabilities.can_download_documents, "Documente", "documents.index"),
        (capabilities.can_use_evaluation, "Evaluare anuală", "evaluation.index"),
        (capabilities.can_open_admin, "Administrare", "admin.index"),
    ]
    for allowed, label, endpoint in checks:
        if allowed(user):
            try:
                items.append((label, url_for(endpoint)))
            except Exception:  # noqa: BLE001 - a page whose blueprint is not registered yet
                continue
    if capabilities.can_use_messages(user) and "messages" in current_app.blueprints:
        from views.messages import menu_label

        items.append((menu_label(user), url_for("messages.inbox")))
    items.append(("Contul meu", url_for("account.welcome")))
    return items


@bp.app_context_processor
def _layout_context() -> dict[str, Any]:
    return {"menu_items": lambda: menu_for(current_user)}


def start_page_for(user: Any) -> str:
    """Where "/" leads after login: the first page of the user's menu."""
    menu = menu_for(user)
    return menu[0][1] if menu else url_for("account.welcome")


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def register_error_pages(app: Flask) -> None:
    """Romanian 403/404 pages; CatalogError raised by an access helper shows its own message."""

    @app.errorhandler(NotFound)
    def _not_found(error: NotFound) -> Any:
        if _wants_json():
            return error.as_json(), 404
        return render_template("pages/error.html", title="Pagina nu există", message=error.message_ro), 404

    @app.errorhandler(PermissionDenied)
    def _denied(error: PermissionDenied) -> Any:
        if _wants_json():
            return error.as_json(), 403
        return render_template("pages/error.html", title="Acces interzis", message=error.message_ro), 403

    @app.errorhandler(CSRFError)
    def _csrf_refused(error: CSRFError) -> Any:
        message = "Sesiunea formularului a expirat. Reîncărcați pagina și încercați din nou."
        if _wants_json() or request.is_json:
            return {"code": "csrf_invalid", "message": message}, 400
        return render_template("pages/error.html", title="Cerere respinsă", message=message), 400

    @app.errorhandler(OverflowError)
    def _number_too_large(error: OverflowError) -> Any:
        """A number beyond what the database holds (an id or a date typed by hand) names nothing."""
        message = "Valoarea cerută este în afara intervalului permis."
        if _wants_json() or request.is_json:
            return {"code": "out_of_range", "message": message}, 404
        return render_template("pages/error.html", title="Pagina nu există", message=message), 404

    @app.errorhandler(404)
    def _http_not_found(error: Any) -> Any:
        if _wants_json():
            return {"code": "not_found", "message": "Not found."}, 404
        return render_template("pages/error.html", title="Pagina nu există",
                               message="Pagina cerută nu există sau nu aveți acces la ea."), 404

    @app.errorhandler(403)
    def _http_forbidden(error: Any) -> Any:
        if _wants_json():
            return {"code": "forbidden", "message": "Forbidden."}, 403
        return render_template("pages/error.html", title="Acces interzis",
                               message="Contul dumneavoastră nu are dreptul să deschidă această pagină."), 403


def spreadsheet_safe(value: Any) -> Any:
    """A CSV cell that a spreadsheet will not run as a formula: text starting with = + - @ or a
    tab/CR gets a leading apostrophe (OWASP "CSV injection"). Numbers pass unchanged."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def flash_catalog_error(error: CatalogError) -> None:
    from flask import flash

    flash(error.message_ro, "error")
