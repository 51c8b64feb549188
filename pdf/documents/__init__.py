"""The official documents (rules.md §6; decisions.md "Documents"): each module reads the catalog
into a context of plain values (`*_context`) and renders it with pdf.render (`render_*`).

Shared helpers: the Romanian alphabetical order of the catalog, labels, ASCII-safe file names.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from typing import Any

#: Romanian alphabet order: ă after a, â after ă, î after i, ș after s, ț after t.
_RO_ORDER = {"ă": "a~1", "â": "a~2", "î": "i~1", "ș": "s~1", "ş": "s~1", "ț": "t~1", "ţ": "t~1"}

YEAR_STATUS_LABELS = {"promovat": "promovat", "corigent": "corigent", "repetent": "repetent", "amanat": "amânat"}
ENROLMENT_STATUS_LABELS = {"active": "", "transferred": "transferat", "withdrawn": "retras", "graduated": "absolvent"}
CALIFICATIV_LABELS = {"FB": "Foarte bine", "B": "Bine", "S": "Suficient", "I": "Insuficient"}


def romanian_key(text: str) -> str:
    """A sort key that orders Romanian names as the alphabet does (Ș after S, Ț after T)."""
    return "".join(_RO_ORDER.get(char, char) for char in (text or "").lower())


def student_order_key(last_name: str, first_name: str, student_id: int) -> tuple[str, str, int]:
    """The catalog's order of students: last name, first name (Romanian alphabet), then id."""
    return romanian_key(last_name), romanian_key(first_name), student_id


def result_text(value: Any, calificativ: str | None) -> str:
    """A closed result as printed: "8,25", "9" or a calificativ; "" when there is none."""
    if value is None:
        return calificativ or ""
    if isinstance(value, Decimal):
        return f"{value:.2f}".replace(".", ",")
    return str(value)


def ascii_slug(text: str) -> str:
    """An ASCII-safe file-name part: "a V-a A" -> "a-V-a-A", "Științe" -> "Stiinte"."""
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = decomposed.encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-") or "document"
