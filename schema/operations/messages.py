"""Messages between staff and families (schema/messages.py), with the recipient rules of the
Librus procedures (004 pt.33-47; rules.md §8):

- parents and students write only to staff: the teachers and the class master of their
  children's (their own) classes this year, the director, the deputy director and the
  secretariat. So a student never writes to a student, and a parent never to a parent;
- staff who work with families (director, deputy, secretary, teachers, administrator, auditor)
  may write to anyone of their school; a statistics account only to staff;
- a whole class's parents: a teacher only for a class they teach or lead (diriginte), the
  director, the deputy director and the secretariat for any class; "all staff": any staff;
- nobody ever reaches another school's account.

In a reply, a family member answers the staff of the thread only, never the other families a
class-wide message went to. Every message queues a notification (kind "message") for each of
its recipients. Reading records the read receipt once (004 pt.42); "Șterge" hides the thread
from the one who deletes it, nothing more (004 pt.45, 47). Messages do not replace the paper
applications the law requires (004 pt.40, R-COM-14).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from schema.db import utc_now
from schema.errors import InvariantViolation, NotFound, PermissionDenied
from schema.messages import (
    MAX_BODY_LENGTH,
    MAX_SUBJECT_LENGTH,
    Message,
    MessageRecipient,
    MessageThread,
    ThreadParticipant,
)
from schema.models import (
    CurriculumEntry,
    Enrolment,
    Guardian,
    Role,
    SchoolClass,
    SchoolYear,
    Student,
    StudentGuardian,
    TeachingAssignment,
    User,
    db,
)
from schema.operations.attachments import store_attachment
from schema.operations.base import audited
from schema.operations.notifications import notify
from security import access, policy

#: Staff roles that may write to anyone of their school.
OPEN_WRITER_ROLES = frozenset(
    {policy.DIRECTOR, policy.DEPUTY_DIRECTOR, policy.SECRETARY, policy.TEACHER, policy.ADMINISTRATOR, policy.AUDITOR}
)
#: Roles every family may write to, whatever the class (the school's office).
OFFICE_ROLES = frozenset({policy.DIRECTOR, policy.DEPUTY_DIRECTOR, policy.SECRETARY})
#: Roles that may write to the parents of any class (a teacher: only of the classes they teach or lead).
ANY_CLASS_ROLES = OFFICE_ROLES
#: Path of a thread's page (the notification links to it; kept here so cron needs no request).
THREAD_PATH = "/mesaje/{thread_id}"

#: (filename, bytes) of an uploaded file.
Upload = tuple[str, bytes]


def _refused(message_ro: str, message_en: str) -> PermissionDenied:
    return PermissionDenied("recipient_not_allowed", message_ro, message_en)


# --- who may write to whom -------------------------------------------------------------------
def is_open_writer(user: User) -> bool:
    """Staff who may write to anyone of their school."""
    return bool(access.role_names(user) & OPEN_WRITER_ROLES)


def may_use_messages(user: User) -> bool:
    """Every account with a role in the catalog reads and writes messages."""
    return bool(access.role_names(user))


def _family_student_ids(user: User) -> set[int]:
    from security.objects import family_students

    return {student.id for student in family_students(user)}


def _current_family_class_ids(user: User) -> set[int]:
    """Classes of the user's children (or of the student) in a school year not yet closed."""
    student_ids = _family_student_ids(user)
    if not student_ids:
        return set()
    return set(
        db.session.scalars(
            sa.select(Enrolment.class_id)
            .join(SchoolYear, SchoolYear.id == Enrolment.year_id)
            .where(
                Enrolment.student_id.in_(student_ids),
                Enrolment.status == "active",
                Enrolment.school_id == user.school_id,
                SchoolYear.is_closed.is_(False),
            )
        )
    )


def _users_with_roles(school_id: int, roles: Iterable[str]) -> sa.Select:
    """Ids of the school's active accounts holding one of `roles`."""
    return (
        sa.select(User.id)
        .join(User.roles)
        .where(User.school_id == school_id, User.active.is_(True), Role.name.in_(list(roles)))
    )


def family_contact_ids(user: User) -> set[int]:
    """The staff a parent or student may write to: teachers and class masters of the family's
    classes this year, the director, the deputy director and the secretariat."""
    class_ids = _current_family_class_ids(user)
    ids = set(db.session.scalars(_users_with_roles(user.school_id, OFFICE_ROLES)))
    if class_ids:
        ids |= set(
            db.session.scalars(
                sa.select(TeachingAssignment.teacher_id)
                .join(CurriculumEntry, CurriculumEntry.id == TeachingAssignment.curriculum_entry_id)
                .where(CurriculumEntry.class_id.in_(class_ids), TeachingAssignment.school_id == user.school_id)
            )
        )
        ids |= {
            master_id
            for master_id in db.session.scalars(
                sa.select(SchoolClass.class_master_id).where(SchoolClass.id.in_(class_ids))
            )
            if master_id is not None
        }
    ids.discard(user.id)
    return ids


def _writable_ids(actor: User, candidates: Sequence[User]) -> set[int]:
    """The ids among `candidates` that `actor` may write to (see the module's rules)."""
    eligible = [
        user
        for user in candidates
        if user is not None and user.school_id == actor.school_id and user.active and user.id != actor.id
    ]
    roles = access.role_names(actor)
    if roles & OPEN_WRITER_ROLES:
        return {user.id for user in eligible}
    allowed: set[int] = set()
    if roles & policy.STAFF_ROLES:  # statistics accounts: other staff only
        allowed |= {user.id for user in eligible if user.is_staff}
    if roles & {policy.PARENT, policy.STUDENT}:
        contacts = family_contact_ids(actor)
        allowed |= {user.id for user in eligible if user.id in contacts}
    return allowed


def refusal_for(actor: User, target: User) -> PermissionDenied:
    """The Romanian reason `actor` may not write to `target`."""
    if target is None or target.school_id != actor.school_id or not target.active:
        return _refused("Destinatarul ales nu există sau nu poate primi mesaje.", "No such recipient.")
    if target.id == actor.id:
        return _refused("Nu vă puteți trimite un mesaj dumneavoastră înșivă.", "You cannot write to yourself.")
    mine, theirs = access.role_names(actor), access.role_names(target)
    if policy.STUDENT in mine and policy.STUDENT in theirs:
        return _refused("Elevii nu pot trimite mesaje altor elevi.", "Students do not message other students.")
    if policy.PARENT in mine and policy.PARENT in theirs:
        return _refused("Părinții nu pot trimite mesaje altor părinți.", "Parents do not message other parents.")
    if mine & {policy.PARENT, policy.STUDENT}:
        return _refused(
            "Părinții și elevii pot scrie doar profesorilor și dirigintelui clasei, direcțiunii și secretariatului.",
            "Parents and students write to their class's teachers, the class master, the director and the office.",
        )
    return _refused("Nu puteți trimite mesaje acestui destinatar.", "You may not write to this person.")


def check_recipients(actor: User, recipients: Sequence[User]) -> list[User]:
    """The distinct recipients, each one allowed, or PermissionDenied naming the first refused."""
    unique: dict[int, User] = {}
    for user in recipients:
        if user is None:
            raise refusal_for(actor, user)
        unique.setdefault(user.id, user)
    if not unique:
        raise InvariantViolation("recipients_required", "Alegeți cel puțin un destinatar.", "Choose a recipient.")
    allowed = _writable_ids(actor, list(unique.values()))
    for user in unique.values():
        if user.id not in allowed:
            raise refusal_for(actor, user)
    return list(unique.values())


def allowed_recipients(actor: User) -> list[User]:
    """Everyone `actor` may write to, by name (for a family: a handful; for staff: the school)."""
    roles = access.role_names(actor)
    query = sa.select(User).where(User.school_id == actor.school_id, User.active.is_(True), User.id != actor.id)
    if not roles & OPEN_WRITER_ROLES:
        ids: set[int] = set()
        if roles & policy.STAFF_ROLES:
            ids |= set(db.session.scalars(_users_with_roles(actor.school_id, policy.STAFF_ROLES)))
        if roles & {policy.PARENT, policy.STUDENT}:
            ids |= family_contact_ids(actor)
        query = query.where(User.id.in_(ids))
    return list(db.session.scalars(query.order_by(User.last_name, User.first_name, User.id)))


def all_staff(actor: User) -> list[User]:
    """Every active staff account of the school but the actor's ("tot personalul"); staff only."""
    if not access.role_names(actor) & policy.STAFF_ROLES:
        raise _refused("Doar personalul școlii poate scrie întregului personal.", "Only staff write to all staff.")
    ids = _users_with_roles(actor.school_id, policy.STAFF_ROLES)
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.id.in_(ids), User.id != actor.id)
            .order_by(User.last_name, User.first_name, User.id)
        )
    )


def addressable_class_ids(actor: User) -> set[int] | None:
    """Classes whose families `actor` may address as a group: None means every class of the school
    (director, deputy, secretary); a teacher gets the classes they teach or lead; others none."""
    roles = access.role_names(actor)
    if roles & ANY_CLASS_ROLES:
        return None
    if policy.TEACHER not in roles or policy.ADMINISTRATOR in roles:
        return set()
    from security.objects import teachable_entry_ids

    entry_ids = teachable_entry_ids(actor)
    taught = (
        set(db.session.scalars(sa.select(CurriculumEntry.class_id).where(CurriculumEntry.id.in_(entry_ids))))
        if entry_ids
        else set()
    )
    led = set(db.session.scalars(sa.select(SchoolClass.id).where(SchoolClass.class_master_id == actor.id)))
    return taught | led


def require_class_addressable(actor: User, school_class: SchoolClass) -> None:
    """Refuse a class-wide message to a class the actor neither teaches nor leads (or another school's)."""
    if school_class.school_id != actor.school_id:
        raise NotFound("not_found", "Clasa nu există.", "No such class.")
    allowed = addressable_class_ids(actor)
    if allowed is not None and school_class.id not in allowed:
        raise _refused(
            f"Nu puteți scrie părinților clasei {school_class.name}: un profesor scrie doar claselor la care "
            "predă sau al căror diriginte este.",
            "A teacher writes only to the parents of classes they teach or lead.",
        )


def _class_students(school_class: SchoolClass) -> sa.Select:
    return sa.select(Enrolment.student_id).where(Enrolment.class_id == school_class.id, Enrolment.status == "active")


def class_parents(actor: User, school_class: SchoolClass) -> list[User]:
    """The active accounts of the guardians of the class's students ("părinții clasei X")."""
    require_class_addressable(actor, school_class)
    return list(
        db.session.scalars(
            sa.select(User)
            .join(Guardian, Guardian.user_id == User.id)
            .join(StudentGuardian, StudentGuardian.guardian_id == Guardian.id)
            .where(
                StudentGuardian.student_id.in_(_class_students(school_class)),
                User.active.is_(True),
                User.school_id == actor.school_id,
            )
            .distinct()
            .order_by(User.last_name, User.first_name, User.id)
        )
    )


def class_families(actor: User, school_class: SchoolClass) -> list[tuple[Student, list[User]]]:
    """Each student of the class with the accounts one may write to about them: the student's own
    account and the guardians' (for choosing individual recipients)."""
    require_class_addressable(actor, school_class)
    students = list(
        db.session.scalars(
            sa.select(Student)
            .where(Student.id.in_(_class_students(school_class)))
            .order_by(Student.last_name, Student.first_name, Student.id)
        )
    )
    guardian_rows = db.session.execute(
        sa.select(StudentGuardian.student_id, User)
        .join(Guardian, Guardian.id == StudentGuardian.guardian_id)
        .join(User, User.id == Guardian.user_id)
        .where(StudentGuardian.student_id.in_([s.id for s in students]), User.active.is_(True))
        .order_by(User.last_name, User.first_name)
    ).all()
    own_accounts = {
        user.id: user
        for user in db.session.scalars(
            sa.select(User).where(User.id.in_([s.user_id for s in students if s.user_id]), User.active.is_(True))
        )
    }
    by_student: dict[int, list[User]] = {}
    for student_id, user in guardian_rows:
        by_student.setdefault(student_id, []).append(user)
    result = []
    for student in students:
        accounts = ([own_accounts[student.user_id]] if student.user_id in own_accounts else []) + by_student.get(
            student.id, []
        )
        result.append((student, [user for user in accounts if user.id != actor.id]))
    return result


# --- writing ---------------------------------------------------------------------------------
def _clean_text(subject: str | None, body: str | None) -> tuple[str, str]:
    subject = (subject or "").strip()
    body = (body or "").strip()
    if not subject:
        raise InvariantViolation("subject_required", "Subiectul mesajului este obligatoriu.", "A subject is required.")
    if len(subject) > MAX_SUBJECT_LENGTH:
        raise InvariantViolation(
            "subject_too_long", f"Subiectul are cel mult {MAX_SUBJECT_LENGTH} de caractere.", "The subject is too long."
        )
    if not body:
        raise InvariantViolation("body_required", "Textul mesajului este obligatoriu.", "The message is empty.")
    if len(body) > MAX_BODY_LENGTH:
        raise InvariantViolation(
            "body_too_long", f"Mesajul are cel mult {MAX_BODY_LENGTH} de caractere.", "The message is too long."
        )
    if "\x00" in subject or "\x00" in body:
        raise InvariantViolation(
            "text_invalid", "Textul conține caractere nepermise.", "The text holds NUL characters."
        )
    return subject, body


def _one_upload(attachments: Sequence[Upload]) -> Upload | None:
    uploads = [upload for upload in attachments if upload is not None]
    if len(uploads) > 1:
        raise InvariantViolation(
            "one_attachment", "Se poate atașa un singur fișier la un mesaj.", "One attached file per message."
        )
    return uploads[0] if uploads else None


def _add_message(
    actor: User, thread: MessageThread, body: str, recipients: Sequence[User], upload: Upload | None
) -> Message:
    """The message, its recipient rows and its notifications (inside the caller's audited block)."""
    attachment = store_attachment(actor, upload[0], upload[1]) if upload else None
    if attachment is not None:
        db.session.flush()
    message = Message(
        school_id=actor.school_id,
        thread=thread,
        author_id=actor.id,
        body=body,
        attachment_id=attachment.id if attachment else None,
    )
    db.session.add(message)
    db.session.flush()
    for user in recipients:
        db.session.add(
            MessageRecipient(school_id=actor.school_id, message_id=message.id, author_id=actor.id, recipient_id=user.id)
        )
    notify(
        recipients,
        kind="message",
        subject=f"Mesaj nou de la {actor.full_name}: {thread.subject}",
        body=f"{actor.full_name} v-a trimis un mesaj cu subiectul „{thread.subject}”. Îl puteți citi în catalog.",
        link=THREAD_PATH.format(thread_id=thread.id),
    )
    return message


def send_message(
    actor: User,
    recipients: list[User],
    *,
    subject: str,
    body: str,
    attachments: Sequence[Upload] = (),
    about_student: Student | None = None,
    remote_addr: str | None = None,
    token_id: int | None = None,
) -> MessageThread:
    """Start a thread from `actor` to `recipients` (the recipient rules apply to each one)."""
    if not may_use_messages(actor):
        raise PermissionDenied(
            "messages_not_allowed", "Contul nu are niciun rol în catalog.", "The account has no role."
        )
    subject, body = _clean_text(subject, body)
    recipients = check_recipients(actor, recipients)
    upload = _one_upload(attachments)
    if about_student is not None:
        readable = about_student.school_id == actor.school_id and (
            actor.is_staff or about_student.id in _family_student_ids(actor)
        )
        if not readable:
            raise NotFound("not_found", "Elevul nu există.", "No such student.")
    with audited(actor, "Mesaj trimis", remote_addr, token_id):
        thread = MessageThread(
            school_id=actor.school_id,
            subject=subject,
            started_by_id=actor.id,
            about_student_id=about_student.id if about_student else None,
        )
        db.session.add(thread)
        db.session.flush()
        for user in [actor, *recipients]:
            db.session.add(ThreadParticipant(school_id=actor.school_id, thread_id=thread.id, user_id=user.id))
        _add_message(actor, thread, body, recipients, upload)
    return thread


def _participants(thread: MessageThread) -> list[ThreadParticipant]:
    return list(
        db.session.scalars(
            sa.select(ThreadParticipant)
            .where(ThreadParticipant.thread_id == thread.id)
            .options(selectinload(ThreadParticipant.user).selectinload(User.roles))
            .order_by(ThreadParticipant.id)
        )
    )


def reply_recipients(actor: User, thread: MessageThread) -> list[User]:
    """Whom a reply of `actor` reaches: every other participant for staff who may write to anyone;
    only the thread's staff for a family member (never the other families)."""
    others = [p.user for p in _participants(thread) if p.user_id != actor.id]
    eligible = [user for user in others if user.active and user.school_id == actor.school_id]
    if is_open_writer(actor):
        return eligible
    return [user for user in eligible if user.is_staff]


def reply(
    actor: User,
    thread: MessageThread,
    body: str,
    attachment: Upload | None = None,
    *,
    remote_addr: str | None = None,
    token_id: int | None = None,
) -> Message:
    """Answer a thread the actor takes part in (see `reply_recipients`)."""
    participants = _participants(thread)
    mine = next((p for p in participants if p.user_id == actor.id), None)
    if mine is None or thread.school_id != actor.school_id:
        raise NotFound("not_found", "Conversația nu există.", "No such thread.")
    _, body = _clean_text(thread.subject, body)
    recipients = reply_recipients(actor, thread)
    if not recipients:
        raise InvariantViolation(
            "no_one_to_answer",
            "Nu mai există niciun destinatar căruia să-i răspundeți în această " "conversație.",
            "Nobody left to answer in this thread.",
        )
    recipient_ids = {user.id for user in recipients}
    with audited(actor, "Răspuns la mesaj", remote_addr, token_id):
        message = _add_message(actor, thread, body, recipients, attachment)
        for participant in participants:
            # A new message brings a "deleted" thread back into its recipients' inbox.
            if participant.user_id in recipient_ids and participant.hidden_at is not None:
                participant.hidden_at = None
    return message


def mark_read(actor: User, thread: MessageThread, *, remote_addr: str | None = None) -> int:
    """Record the read receipt of every message of the thread sent to `actor` and not yet read.

    A receipt is set once: a message already read keeps its first reading time (004 pt.42).
    Returns how many messages were newly read.
    """
    unread = list(
        db.session.scalars(
            sa.select(MessageRecipient)
            .join(Message, Message.id == MessageRecipient.message_id)
            .where(
                Message.thread_id == thread.id,
                MessageRecipient.recipient_id == actor.id,
                MessageRecipient.read_at.is_(None),
            )
        )
    )
    if not unread:
        return 0
    with audited(actor, "Mesaj citit", remote_addr):
        moment = utc_now()
        for receipt in unread:
            if receipt.read_at is None:
                receipt.read_at = moment
    return len(unread)


def hide_thread(actor: User, thread: MessageThread, *, remote_addr: str | None = None) -> ThreadParticipant:
    """ "Șterge": the thread leaves the actor's own lists; the messages, the other participants'
    copies and the read receipts stay, and so does the version history (004 pt.45, 47)."""
    participant = db.session.scalar(
        sa.select(ThreadParticipant).where(
            ThreadParticipant.thread_id == thread.id, ThreadParticipant.user_id == actor.id
        )
    )
    if participant is None:
        raise NotFound("not_found", "Conversația nu există.", "No such thread.")
    if participant.hidden_at is None:
        with audited(actor, "Conversație ștearsă din lista proprie", remote_addr):
            participant.hidden_at = utc_now()
    return participant
