"""Storing an uploaded file (schema/attachments.py). Callers store it inside their own audited
transaction, so a refused message or request leaves no orphan file behind."""

from __future__ import annotations

import hashlib

from schema.attachments import ATTACHMENT_TYPES, MAX_ATTACHMENT_BYTES, Attachment
from schema.errors import InvariantViolation
from schema.models import User, db


def _extension(filename: str) -> str:
    return filename.rsplit(".", 1)[-1].lower() if "." in filename else ""


def check_attachment(filename: str, data: bytes) -> str:
    """The file's cleaned name, or a Romanian refusal (empty, too large, unknown type)."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()[:200]
    if not name or not data:
        raise InvariantViolation("attachment_empty", "Fișierul atașat este gol.", "The attached file is empty.")
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise InvariantViolation(
            "attachment_too_large",
            f"Fișierul „{name}” are {len(data) / 1024 / 1024:.1f} MB; se acceptă cel mult "
            f"{MAX_ATTACHMENT_BYTES // 1024 // 1024} MB.",
            "The attached file is too large.",
        )
    if _extension(name) not in ATTACHMENT_TYPES:
        accepted = ", ".join(sorted({ext.upper() for ext in ATTACHMENT_TYPES}))
        raise InvariantViolation(
            "attachment_type",
            f"Fișierul „{name}” nu are un tip acceptat. Se acceptă: {accepted}.",
            "The attached file's type is not accepted.",
        )
    return name


def store_attachment(actor: User, filename: str, data: bytes) -> Attachment:
    """Add the file to the session (call inside the caller's `audited` block) and return it.

    The content type comes from the extension, never from the browser.
    """
    name = check_attachment(filename, data)
    attachment = Attachment(
        school_id=actor.school_id,
        filename=name,
        content_type=ATTACHMENT_TYPES[_extension(name)],
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
        uploaded_by_id=actor.id,
    )
    db.session.add(attachment)
    return attachment
