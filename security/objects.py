"""`access_*` helpers: each returns the object the current user may open, or raises NotFound.
The answer is the same for "missing" and "not yours" (house-style.md; zulip access_stream_common),
so a page never tells a parent that another child exists. Pages never look a model up by a raw id
any other way."""

from __future__ import annotations

import sqlalchemy as sa

from schema.errors import NotFound
from schema.models import (
    CurriculumEntry,
    Guardian,
    Message,
    MessageRecipient,
    MessageThread,
    SchoolClass,
    Student,
    StudentGuardian,
    TeachingAssignment,
    ThreadParticipant,
    User,
    db,
)
from security import access, policy


def _missing() -> NotFound:
    return NotFound("not_found", "Pagina cerută nu există.", "No such record.")


def family_students(user: User) -> list[Student]:
    """The students whose catalog this user reads: a parent's children, or the student's self."""
    roles = access.role_names(user)
    students: list[Student] = []
    if policy.has_permission(roles, policy.READ_OWN_CHILDREN):
        students += db.session.scalars(
            sa.select(Student)
            .join(StudentGuardian, StudentGuardian.student_id == Student.id)
            .join(Guardian, Guardian.id == StudentGuardian.guardian_id)
            .where(Guardian.user_id == user.id, Student.school_id == user.school_id)
            .order_by(Student.last_name, Student.first_name, Student.id)
        ).all()
    if policy.has_permission(roles, policy.READ_SELF):
        students += db.session.scalars(
            sa.select(Student).where(Student.user_id == user.id, Student.school_id == user.school_id)
        ).all()
    unique: dict[int, Student] = {}
    for student in students:
        unique.setdefault(student.id, student)
    return list(unique.values())


def access_family_student(user: User, student_id: int) -> Student:
    """A student the parent (or the student) may read; anyone else's child is missing."""
    for student in family_students(user):
        if student.id == student_id:
            return student
    raise _missing()


def teachable_entry_ids(user: User) -> set[int]:
    """Curriculum entries the teacher writes today: own assignments and approved delegations."""
    own = set(db.session.scalars(sa.select(TeachingAssignment.curriculum_entry_id).where(TeachingAssignment.teacher_id == user.id)))
    delegated = access.delegated_entry_ids(user, access.today())
    return own | delegated


def access_teachable_entry(user: User, curriculum_entry_id: int) -> CurriculumEntry:
    """A subject of a class this teacher teaches (or holds a delegation for), in their school."""
    if policy.ADMINISTRATOR in access.role_names(user) or not policy.has_permission(access.role_names(user), policy.WRITE_MARKS):
        raise _missing()
    entry = db.session.get(CurriculumEntry, curriculum_entry_id)
    if entry is None or entry.school_id != user.school_id or entry.id not in teachable_entry_ids(user):
        raise _missing()
    return entry


def access_master_class(user: User, class_id: int) -> SchoolClass:
    """A class whose diriginte is this user."""
    school_class = db.session.get(SchoolClass, class_id)
    if (
        school_class is None
        or school_class.school_id != user.school_id
        or school_class.class_master_id != user.id
        or not policy.has_permission(access.role_names(user), policy.CLASS_MASTER_DUTIES)
    ):
        raise _missing()
    return school_class


def access_school_class(user: User, class_id: int) -> SchoolClass:
    """Any class of the user's school (for roles that read the whole catalog or its aggregates)."""
    school_class = db.session.get(SchoolClass, class_id)
    if school_class is None or school_class.school_id != user.school_id:
        raise _missing()
    return school_class


def access_thread(user: User, thread_id: int) -> MessageThread:
    """A message thread `user` takes part in. Nobody else opens it, whatever their role: the
    director and auditors inspect messages through the version history, not the messages page."""
    thread = db.session.scalar(
        sa.select(MessageThread)
        .join(ThreadParticipant, ThreadParticipant.thread_id == MessageThread.id)
        .where(MessageThread.id == thread_id, MessageThread.school_id == user.school_id,
               ThreadParticipant.user_id == user.id)
    )
    if thread is None:
        raise _missing()
    return thread


def access_message_attachment(user: User, thread_id: int, message_id: int) -> Message:
    """A message with a file, of a thread `user` takes part in, that `user` wrote or received."""
    thread = access_thread(user, thread_id)
    message = db.session.scalar(
        sa.select(Message).where(
            Message.id == message_id, Message.thread_id == thread.id, Message.attachment_id.is_not(None),
            sa.or_(Message.author_id == user.id,
                   Message.id.in_(sa.select(MessageRecipient.message_id).where(MessageRecipient.recipient_id == user.id))),
        )
    )
    if message is None:
        raise _missing()
    return message
