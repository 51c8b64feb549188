"""Delivering the notification queue (schema/notifications.py): `flask notifications send [--digest]`.

Each user chose (User.notification_preference, "Contul meu"):

* "imediat" (immediate): every run (cron, every 5 minutes) sends them one e-mail with all their
  queued notifications;
* "rezumat zilnic" (digest, the default): one e-mail with everything queued, only on the run with
  `--digest` (cron, daily at 17:00); plain runs leave their rows queued;
* "fără e-mail" (none): nothing is sent; the rows are marked delivered with `delivered_via =
  "in_app"` (the portal pages show the things themselves), so the queue does not grow forever.
  Accounts without an e-mail address are treated the same way;
* "sms": only where an SMS provider is configured (CATALOG_SMS_SENDER, the same `SmsSender` as the
  two-factor codes, security/twofactor.py), one short text per run to the guardian's phone; without
  a provider or a phone, the user gets the immediate e-mail instead. No provider is wired by default.

Delivery is at least once: each recipient's rows are marked sent in their own transaction after the
e-mail went out. When sending fails (e.g. the SMTP server refuses the connection) the rows stay
queued, with `attempts` + 1 and `last_error`, and the next run tries again; nothing is lost.
"""

from __future__ import annotations

import smtplib
from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import current_app
from flask_mail import Message

from schema.db import utc_now
from schema.models import Guardian, User, db
from schema.notifications import Notification
from schema.operations.base import batch
from security.twofactor import NoSmsProvider, SmsSender

#: Romanian names of the preferences, as "Contul meu" shows them.
PREFERENCE_LABELS = {
    "immediate": "imediat",
    "digest": "rezumat zilnic",
    "none": "fără e-mail",
    "sms": "SMS",
}

#: Errors that mean "the message did not go out; try again later".
SEND_ERRORS = (OSError, smtplib.SMTPException)


@dataclass
class DeliveryReport:
    """What one run did, for the command's summary."""

    emails_sent: int = 0
    sms_sent: int = 0
    notifications_sent: int = 0
    in_app_only: int = 0
    waiting_for_digest: int = 0
    failed_recipients: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return bool(self.failed_recipients)

    def summary(self) -> str:
        text = (
            f"E-mailuri trimise: {self.emails_sent} ({self.notifications_sent} notificări); SMS: {self.sms_sent}; "
            f"doar în portal: {self.in_app_only}; așteaptă rezumatul zilnic: {self.waiting_for_digest}."
        )
        if self.failed_recipients:
            text += (
                f" EȘEC pentru {len(self.failed_recipients)} destinatari ({', '.join(self.failed_recipients[:10])}); "
                "notificările lor rămân în coadă."
            )
        return text


def configured_sms_sender() -> SmsSender | None:
    """The SMS provider of CATALOG_SMS_SENDER (security/twofactor.py: init_sms), or None (the default)."""
    sender = current_app.extensions.get("catalog_sms")
    return None if sender is None or isinstance(sender, NoSmsProvider) else sender


def base_url() -> str:
    """Where the portal is reached from outside: CATALOG_BASE_URL, else the SERVER_NAME with the
    preferred scheme, else http://localhost:5000 (the development server)."""
    config = current_app.config
    if config.get("CATALOG_BASE_URL"):
        return str(config["CATALOG_BASE_URL"]).rstrip("/")
    if config.get("SERVER_NAME"):
        return f"{config.get('PREFERRED_URL_SCHEME', 'https')}://{config['SERVER_NAME']}"
    return "http://localhost:5000"


def absolute_link(path: str | None) -> str | None:
    if not path:
        return None
    if path.startswith(("http://", "https://")):
        return path
    return base_url() + (path if path.startswith("/") else "/" + path)


def compose_email(user: User, items: list[Notification], *, digest: bool) -> Message:
    """One e-mail in Romanian with every queued item of the user, links as absolute URLs."""
    if digest:
        subject = f"Catalog școlar: rezumatul zilei ({len(items)} notificări)"
    elif len(items) == 1:
        subject = f"Catalog școlar: {items[0].subject}"
    else:
        subject = f"Catalog școlar: {len(items)} notificări noi"
    lines = [f"Bună ziua, {user.first_name} {user.last_name},", ""]
    lines.append(
        "Aveți următoarele noutăți în catalogul școlar:" if len(items) > 1 else "Aveți o noutate în catalogul școlar:"
    )
    lines.append("")
    for item in items:
        lines.append(f"• {item.subject}")
        lines.extend(f"  {line}" for line in item.body.splitlines() if line.strip())
        link = absolute_link(item.link)
        if link:
            lines.append(f"  Vedeți: {link}")
        lines.append("")
    lines += [
        "—",
        "Acest mesaj a fost trimis automat de Catalogul școlar; nu răspundeți la el.",
        f"Puteți alege cum primiți notificările (imediat, rezumat zilnic sau fără e-mail) în pagina "
        f"„Contul meu”: {absolute_link('/cont/')}",
    ]
    return Message(subject=subject[:200], recipients=[user.email], body="\n".join(lines))


def compose_sms(items: list[Notification]) -> str:
    first = items[0].subject
    more = f" (+{len(items) - 1})" if len(items) > 1 else ""
    return f"Catalog școlar: {first}{more}. Detalii: {base_url()}"[:300]


def _guardian_phone(user: User) -> str | None:
    return db.session.scalar(
        sa.select(Guardian.phone).where(Guardian.user_id == user.id, Guardian.phone.is_not(None)).limit(1)
    )


def _mark_delivered(items: list[Notification], channel: str) -> None:
    with batch(None, f"Notificări livrate ({channel})"):
        moment = utc_now()
        for item in items:
            item.sent_at = moment
            item.delivered_via = channel
            item.last_error = None


def _mark_failed(items: list[Notification], error: Exception) -> None:
    with batch(None, "Trimiterea notificărilor a eșuat"):
        for item in items:
            item.attempts = (item.attempts or 0) + 1
            item.last_error = f"{type(error).__name__}: {error}"[:2000]


def deliver_notifications(*, digest: bool, sms_sender: SmsSender | None = None) -> DeliveryReport:
    """Send the queued notifications (see module doc). Returns what was done; never raises for a
    failing mail server: those recipients are listed in the report and their rows stay queued."""
    from portal import mail

    sms_sender = sms_sender or configured_sms_sender()
    report = DeliveryReport()
    queued = db.session.scalars(
        sa.select(Notification)
        .where(Notification.sent_at.is_(None))
        .order_by(Notification.recipient_id, Notification.id)
    ).all()
    by_user: dict[int, list[Notification]] = defaultdict(list)
    for item in queued:
        by_user[item.recipient_id].append(item)
    users = {user.id: user for user in db.session.scalars(sa.select(User).where(User.id.in_(list(by_user))))}
    for user_id, items in by_user.items():
        user = users[user_id]
        preference = user.notification_preference or "digest"
        if preference == "none" or not user.email or not user.active:
            _mark_delivered(items, "in_app")
            report.in_app_only += len(items)
            continue
        if preference == "sms" and sms_sender is not None and (phone := _guardian_phone(user)):
            try:
                sms_sender.send_sms(phone, compose_sms(items))
            except Exception as error:  # any provider failure: keep the rows queued
                _mark_failed(items, error)
                report.failed_recipients.append(user.email)
                continue
            _mark_delivered(items, "sms")
            report.sms_sent += 1
            report.notifications_sent += len(items)
            continue
        if preference == "digest" and not digest:
            report.waiting_for_digest += len(items)
            continue
        message = compose_email(user, items, digest=preference == "digest")
        try:
            mail.send(message)
        except SEND_ERRORS as error:
            _mark_failed(items, error)
            report.failed_recipients.append(user.email)
            continue
        _mark_delivered(items, "email")
        report.emails_sent += 1
        report.notifications_sent += len(items)
    return report
