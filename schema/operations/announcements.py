"""Announcements (anunțuri) to all students, all parents, all staff, or one class's families,
shown between two dates (rules.md R-COM-08/09/10; 004 pt.48-50).

Authors are school staff: the director, deputy, secretary and teachers (a teacher writes to a
class's families only for classes they teach or lead). Administrators may post technical notices
(maintenance, outages) to school-wide audiences, never to one class's families: they have no
business with a class. Parents, students, auditors and statistics viewers never post.

An announcement about collecting money or an event open to outsiders (`requires_approval`)
stays unpublished until the director or deputy approves it, once; a refusal carries a note. When
an announcement becomes published its audience is notified.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from schema.communication import ANNOUNCEMENT_AUDIENCES, Announcement
from schema.db import utc_now
from schema.errors import InvariantViolation, PermissionDenied
from schema.models import Enrolment, Role, SchoolClass, User, db
from schema.operations.base import audited, require_reason
from schema.operations.notifications import family_accounts, notify
from schema.operations.remarks import remark_class_ids
from security import access, policy
from security.objects import family_students

#: Roles that may write announcements (see the module docstring for administrators).
AUTHOR_ROLES = frozenset(
    {policy.DIRECTOR, policy.DEPUTY_DIRECTOR, policy.SECRETARY, policy.TEACHER, policy.ADMINISTRATOR}
)
#: Roles that may write to any class's families (teachers only to their own classes).
WHOLE_SCHOOL_AUTHOR_ROLES = frozenset({policy.DIRECTOR, policy.DEPUTY_DIRECTOR, policy.SECRETARY})
#: Roles that read staff announcements.
STAFF_READER_ROLES = policy.STAFF_ROLES
MAX_TITLE_LENGTH = 200
MAX_BODY_LENGTH = 8000


def can_write_announcements(user: User) -> bool:
    return bool(access.role_names(user) & AUTHOR_ROLES)


def decides_announcements(user: User) -> bool:
    """The director and deputy approve announcements that need approval (004 pt.50)."""
    return policy.has_permission(access.role_names(user), policy.APPROVE)


def announcement_class_ids(user: User) -> set[int] | None:
    """Classes whose families `user` may address; None means every class of the school."""
    roles = access.role_names(user)
    if roles & WHOLE_SCHOOL_AUTHOR_ROLES:
        return None
    return remark_class_ids(user)


def _require_author(actor: User, audience: str, school_class: SchoolClass | None) -> None:
    roles = access.role_names(actor)
    if not roles & AUTHOR_ROLES:
        raise PermissionDenied(
            "not_an_author", "Doar personalul școlii poate publica anunțuri.", "Only school staff post announcements."
        )
    if audience != "class":
        return
    if school_class is None or school_class.school_id != actor.school_id:
        raise InvariantViolation("class_required", "Alegeți clasa căreia îi este adresat anunțul.", "Choose the class.")
    allowed = announcement_class_ids(actor)
    if allowed is not None and school_class.id not in allowed:
        raise PermissionDenied(
            "not_your_class",
            f"Puteți scrie familiilor clasei {school_class.name} doar dacă predați la ea sau sunteți dirigintele ei.",
            "You may address only the families of classes you teach or lead.",
        )


def audience_accounts(announcement: Announcement) -> list[User]:
    """The active accounts an announcement reaches (for its notification)."""
    school_id = announcement.school_id
    if announcement.audience == "class":
        students = db.session.scalars(
            sa.select(Enrolment).where(Enrolment.class_id == announcement.class_id, Enrolment.status == "active")
        ).all()
        users: list[User] = []
        for enrolment in students:
            users += family_accounts(enrolment.student)
        return users
    role_names = {
        "students": {policy.STUDENT},
        "parents": {policy.PARENT},
        "families": {policy.STUDENT, policy.PARENT},
        "staff": set(STAFF_READER_ROLES),
        "all": {policy.STUDENT, policy.PARENT, *STAFF_READER_ROLES},
    }[announcement.audience]
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.school_id == school_id, User.active.is_(True), User.roles.any(Role.name.in_(role_names)))
            .order_by(User.id)
        )
    )


def _notify_published(announcement: Announcement) -> None:
    notify(
        audience_accounts(announcement),
        kind="announcement",
        subject=f"Anunț: {announcement.title}",
        body=f"{announcement.body}\n\nValabil {announcement.valid_from:%d.%m.%Y}–{announcement.valid_to:%d.%m.%Y}.",
        link="/anunturi/",
    )


def post_announcement(
    actor: User,
    *,
    audience: str,
    title: str,
    body: str,
    valid_from: date,
    valid_to: date,
    requires_approval: bool = False,
    school_class: SchoolClass | None = None,
    remote_addr: str | None = None,
    token_id: int | None = None,
) -> Announcement:
    """Post an announcement; one that needs approval waits for the director (the director's own is
    approved by posting it). A published one notifies its audience."""
    if audience not in ANNOUNCEMENT_AUDIENCES:
        raise InvariantViolation("audience_unknown", "Alegeți cui îi este adresat anunțul.", "Unknown audience.")
    _require_author(actor, audience, school_class)
    title = (title or "").strip()
    body = (body or "").strip()
    if not title or not body:
        raise InvariantViolation(
            "announcement_text_required", "Titlul și textul anunțului sunt obligatorii.", "Title and text are required."
        )
    if len(title) > MAX_TITLE_LENGTH or len(body) > MAX_BODY_LENGTH:
        raise InvariantViolation(
            "announcement_too_long",
            f"Titlul are cel mult {MAX_TITLE_LENGTH} de caractere, textul cel mult {MAX_BODY_LENGTH}.",
            "Title or text too long.",
        )
    if valid_from > valid_to:
        raise InvariantViolation(
            "dates_ordered",
            "Data de sfârșit a valabilității este înaintea celei de început.",
            "The validity ends before it begins.",
        )
    if valid_to < access.today():
        raise InvariantViolation(
            "announcement_expired",
            "Perioada de valabilitate s-a încheiat deja.",
            "The validity period is already over.",
        )
    self_approved = requires_approval and decides_announcements(actor)
    with audited(actor, "Anunț nou", remote_addr, token_id):
        announcement = Announcement(
            school_id=actor.school_id,
            author_id=actor.id,
            audience=audience,
            class_id=school_class.id if audience == "class" and school_class is not None else None,
            title=title,
            body=body,
            valid_from=valid_from,
            valid_to=valid_to,
            requires_approval=requires_approval,
            state="pending" if requires_approval and not self_approved else "published",
        )
        if self_approved:
            announcement.decided_by_id = actor.id
            announcement.decided_at = utc_now()
        db.session.add(announcement)
        db.session.flush()
        if announcement.state == "published":
            _notify_published(announcement)
    return announcement


def decide_announcement(
    actor: User, announcement: Announcement, *, approve: bool, note: str | None = None, remote_addr: str | None = None
) -> Announcement:
    """The director or deputy approves or refuses a pending announcement, once (004 pt.50)."""
    if not decides_announcements(actor) or actor.school_id != announcement.school_id:
        raise PermissionDenied(
            "not_director",
            "Doar directorul sau directorul adjunct aprobă anunțurile.",
            "Only the director or deputy decides.",
        )
    if announcement.state != "pending":
        raise InvariantViolation("already_decided", "Anunțul a fost deja aprobat sau respins.", "Already decided.")
    note = (note or "").strip() or None
    if not approve and note is None:
        raise InvariantViolation("refusal_note_required", "Scrieți motivul respingerii.", "A refusal needs a note.")
    with audited(actor, "Aprobarea anunțului" if approve else f"Respingerea anunțului: {note}", remote_addr):
        announcement.state = "published" if approve else "refused"
        announcement.decided_by_id = actor.id
        announcement.decided_at = utc_now()
        announcement.decision_note = note
        if approve:
            _notify_published(announcement)
    return announcement


def withdraw_announcement(
    actor: User, announcement: Announcement, *, reason: str | None, remote_addr: str | None = None
) -> Announcement:
    """The author withdraws an announcement: no longer shown; the row and its history stay."""
    if announcement.author_id != actor.id:
        raise PermissionDenied(
            "not_your_announcement", "Doar autorul poate retrage anunțul.", "Only the author withdraws it."
        )
    if announcement.is_withdrawn:
        raise InvariantViolation("already_withdrawn", "Anunțul este deja retras.", "Already withdrawn.")
    reason = require_reason(reason)
    with audited(actor, reason, remote_addr):
        announcement.is_withdrawn = True
        announcement.withdrawn_reason = reason
    return announcement


def visible_announcements_query(user: User, *, on_day: date) -> sa.Select:
    """Published, not withdrawn announcements in their validity window that reach `user`."""
    roles = access.role_names(user)
    audiences: set[str] = set()
    class_ids: set[int] = set()
    if roles & STAFF_READER_ROLES:
        audiences |= {"staff", "all"}
    children: list = []
    if policy.has_permission(roles, policy.READ_OWN_CHILDREN):
        audiences |= {"parents", "families", "all"}
    if policy.has_permission(roles, policy.READ_SELF):
        audiences |= {"students", "families", "all"}
    if audiences & {"parents", "students"}:
        children = family_students(user)
    if children:
        class_ids = set(
            db.session.scalars(
                sa.select(Enrolment.class_id).where(
                    Enrolment.student_id.in_([student.id for student in children]), Enrolment.status == "active"
                )
            )
        )
    reaches = Announcement.audience.in_(sorted(audiences))
    if class_ids:
        reaches = sa.or_(
            reaches, sa.and_(Announcement.audience == "class", Announcement.class_id.in_(sorted(class_ids)))
        )
    return sa.select(Announcement).where(
        Announcement.school_id == user.school_id,
        Announcement.state == "published",
        Announcement.is_withdrawn.is_(False),
        Announcement.valid_from <= on_day,
        Announcement.valid_to >= on_day,
        reaches,
    )
