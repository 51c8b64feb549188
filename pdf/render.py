"""Rendering official documents to PDF with xhtml2pdf, sandboxed (house-style.md; stack.md §4.22).

`render_pdf(template_name, context) -> bytes`:
- the context holds plain values only (str, int, Decimal, date, bool, None, lists/tuples/dicts of
  those); an ORM object or anything else is refused before rendering;
- templates (pdf/templates/) are autoescaped, so a hostile value renders as text;
- the resource policy reads only pdf/static/ (fonts), with no remote and no file:// access
  outside it; the DejaVu Sans family is embedded so ă â î ș ț survive.
"""

from __future__ import annotations

import io
import logging
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from xhtml2pdf import pisa
from xhtml2pdf.config.resources import ResourceAccessPolicy

PDF_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = PDF_DIR / "templates"
STATIC_DIR = PDF_DIR / "static"
FONTS_DIR = STATIC_DIR / "fonts"

PLAIN_SCALARS = (str, int, float, Decimal, date, datetime, bool, type(None))

log = logging.getLogger("catalog.pdf")


class PdfRenderError(RuntimeError):
    """xhtml2pdf reported errors; the message lists them."""


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=True, default=True),
        undefined=StrictUndefined,
    )
    env.globals["fonts_dir"] = FONTS_DIR.as_posix()
    env.filters["ro_date"] = lambda value: value.strftime("%d.%m.%Y") if value else ""
    env.filters["decimal_ro"] = lambda value: "" if value is None else str(value).replace(".", ",")
    return env


ENVIRONMENT = _environment()


def require_plain(value: Any, path: str = "context") -> None:
    """Refuse anything that is not a plain value (an ORM object could lazy-load in a template)."""
    if isinstance(value, PLAIN_SCALARS):
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{path}: keys must be strings, not {type(key).__name__}")
            require_plain(item, f"{path}.{key}")
        return
    if isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            require_plain(item, f"{path}[{index}]")
        return
    raise TypeError(f"{path}: a PDF context holds plain values only, not {type(value).__name__}")


def resource_policy() -> ResourceAccessPolicy:
    return ResourceAccessPolicy.server(base_dir=STATIC_DIR, allow_remote=False)


def render_html(template_name: str, context: dict[str, Any]) -> str:
    require_plain(context)
    return ENVIRONMENT.get_template(template_name).render(**context)


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    """The PDF bytes of a template in pdf/templates/ rendered with a plain-value context."""
    html = render_html(template_name, context)
    buffer = io.BytesIO()
    status = pisa.CreatePDF(html, dest=buffer, encoding="utf-8", resource_policy=resource_policy())
    if status.err:
        raise PdfRenderError(f"{template_name}: xhtml2pdf reported {status.err} error(s)")
    return buffer.getvalue()
