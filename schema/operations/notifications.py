"""Queueing notifications (schema/notifications.py). Delivery is the `flask notifications send`
command's job; nothing here talks to a mail server."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from schema.models import Guardian, Student, StudentGuardian, User, db
from schema.notifications import Notification


def family_accounts(student: Student) -> list[User]:
    """The active portal accounts told about a student: each guardian's account and the student's own.

    Only accounts of the student's school, each once, guardians first (ordered by id).
    """
    guardian_user_ids = (
        sa.select(Guardian.user_id)
        .join(StudentGuardian, StudentGuardian.guardian_id == Guardian.id)
        .where(StudentGuardian.student_id == student.id, Guardian.user_id.is_not(None))
    )
    users = db.session.scalars(
        sa.select(User)
        .where(
            User.school_id == student.school_id,
            User.active.is_(True),
            sa.or_(User.id.in_(guardian_user_ids), User.id == student.user_id),
        )
        .order_by(User.id)
    ).all()
    return sorted(users, key=lambda user: (user.id == student.user_id, user.id))


def notify(recipients: Iterable[User], *, kind: str, subject: str, body: str, link: str | None = None) -> list[Notification]:
    """Queue one notification per recipient (each user once), inside the caller's `audited` block.

    The rows are committed with the change they announce, or rolled back with it.
    """
    queued: list[Notification] = []
    seen: set[int] = set()
    for user in recipients:
        if user is None or user.id in seen:
            continue
        seen.add(user.id)
        notification = Notification(
            school_id=user.school_id,
            recipient_id=user.id,
            kind=kind,
            subject=subject[:200],
            body=body,
            link=link,
        )
        db.session.add(notification)
        queued.append(notification)
    return queued


def set_notification_preference(actor: User, preference: str, *, remote_addr: str | None = None) -> User:
    """The user chooses how notifications reach them (schema.users.NOTIFICATION_PREFERENCES);
    "sms" only where an SMS provider is configured (CATALOG_SMS_SENDER, security/twofactor.py)."""
    from schema.errors import InvariantViolation
    from schema.operations.base import audited
    from schema.users import NOTIFICATION_PREFERENCES
    from schema.operations.notification_delivery import configured_sms_sender

    if preference not in NOTIFICATION_PREFERENCES or (preference == "sms" and configured_sms_sender() is None):
        raise InvariantViolation(
            "notification_preference_unknown", "Alegeți una dintre variantele propuse.", "Unknown preference."
        )
    with audited(actor, "Preferința pentru notificări"):
        actor.notification_preference = preference
    return actor
