"""Outgoing e-mail: SMTP in production (`CATALOG_SMTP_*`), a folder and the terminal in the demo.

With CATALOG_MAIL_OUTBOX set (`make run` sets it to instance/outbox), nothing is sent: every
message is written there as an .eml file and printed to the terminal, so a new user can finish
an e-mail-code login without a mail server. That is delivery, not logging: the `catalog.auth`
log never receives a message body.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from pathlib import Path
from typing import Any

from flask import Flask
from flask_mail import Message, email_dispatched

from security import auth


def _slug(text: str) -> str:
    """ASCII file-name part: "Codul de autentificare — Catalog școlar" → "codul-de-autentificare-catalog-scolar"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:40] or "mesaj"


def outbox_path(app: Flask) -> Path | None:
    """The demo outbox folder, or None when mail goes out through SMTP."""
    folder = app.config.get("CATALOG_MAIL_OUTBOX")
    return Path(folder).resolve() if folder else None


def write_to_outbox(folder: Path, message: Message) -> Path:
    """Write one message as an .eml file named after its time and subject."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = auth.now().strftime("%Y%m%d-%H%M%S-%f")
    path = folder / f"{stamp}-{_slug(message.subject or '')}.eml"
    path.write_bytes(message.as_bytes())
    return path


def print_to_terminal(message: Message, path: Path) -> None:
    """Show the message to whoever runs `make run`."""
    lines = [
        "", "=" * 72,
        f"E-mail (demo, nu a fost trimis): {path}",
        f"Către: {', '.join(message.recipients)}",
        f"Subiect: {message.subject}",
        "-" * 72,
        (message.body or "").strip(),
        "=" * 72, "",
    ]
    print("\n".join(lines), file=sys.stdout, flush=True)


def _deliver_to_outbox(app: Flask, message: Message, **_kwargs: Any) -> None:
    folder = outbox_path(app)
    if folder is None:
        return
    print_to_terminal(message, write_to_outbox(folder, message))


def init_mail(app: Flask) -> None:
    """Connect the outbox (once per process; it acts only for apps with CATALOG_MAIL_OUTBOX)."""
    email_dispatched.connect(_deliver_to_outbox)
    folder = outbox_path(app)
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
