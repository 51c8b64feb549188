"""Remarks (observații) in the student's file (rules.md R-COM-03..06; 004 pt.43-46; decisions.md
"Notes, remarks, messages").

A teacher who teaches the class (assignment or approved delegation) or is its diriginte records a
remark: positive, negative or information, dated, optionally about one subject. The family sees it
with the teacher's name and the date they first read it. The author "deletes" it by hiding it with
a reason; the row and its versions stay. Sanctions are not remarks (rules.md §5).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import sqlalchemy as sa

from schema.communication import REMARK_KIND_LABELS, REMARK_KINDS, Remark
from schema.db import utc_now
from schema.errors import InvariantViolation, PermissionDenied
from schema.models import CurriculumEntry, Enrolment, SchoolClass, TeachingAssignment, User, db
from schema.operations.base import audited, require_reason
from schema.operations.notifications import family_accounts, notify
from security import access, policy

#: Longest remark text accepted.
MAX_REMARK_LENGTH = 4000


def remark_class_ids(user: User) -> set[int]:
    """Classes in which `user` may write remarks: the classes they teach (own assignments or a
    director-approved delegation covering today) and the class they lead as diriginte.

    Administrators, parents, students and other staff write none.
    """
    roles = access.role_names(user)
    if policy.ADMINISTRATOR in roles or not policy.has_permission(roles, policy.WRITE_MARKS):
        return set()
    entry_ids = set(
        db.session.scalars(
            sa.select(TeachingAssignment.curriculum_entry_id).where(TeachingAssignment.teacher_id == user.id)
        )
    ) | access.delegated_entry_ids(user, access.today())
    class_ids = set(db.session.scalars(sa.select(CurriculumEntry.class_id).where(CurriculumEntry.id.in_(entry_ids))))
    if policy.has_permission(roles, policy.CLASS_MASTER_DUTIES):
        class_ids |= set(db.session.scalars(sa.select(SchoolClass.id).where(SchoolClass.class_master_id == user.id)))
    return class_ids


def require_can_write_remark(user: User, school_class: SchoolClass) -> None:
    """Only a teacher of the class or its diriginte writes a remark about its students."""
    if user.school_id != school_class.school_id or school_class.id not in remark_class_ids(user):
        raise PermissionDenied(
            "not_your_class",
            f"Doar profesorii clasei {school_class.name} și dirigintele ei pot scrie observații despre elevii ei.",
            "Only the class's teachers and its class master write remarks about its students.",
        )


def record_remark(
    actor: User,
    enrolment: Enrolment,
    *,
    kind: str,
    remarked_on: date,
    text: str,
    curriculum_entry: CurriculumEntry | None = None,
    remote_addr: str | None = None,
    token_id: int | None = None,
) -> Remark:
    """Write a remark in the student's file and queue a notification to the family (R-COM-04)."""
    school_class = enrolment.school_class
    require_can_write_remark(actor, school_class)
    if enrolment.status != "active":
        raise InvariantViolation(
            "enrolment_not_active", "Elevul nu mai este înscris în această clasă.", "The student left this class."
        )
    if kind not in REMARK_KINDS:
        raise InvariantViolation("remark_kind_unknown", "Alegeți tipul observației.", "Unknown remark kind.")
    if remarked_on > access.today():
        raise InvariantViolation(
            "remark_in_future", "Data observației nu poate fi în viitor.", "A remark cannot be dated in the future."
        )
    text = (text or "").strip()
    if not text:
        raise InvariantViolation(
            "remark_text_required", "Textul observației este obligatoriu.", "The text is required."
        )
    if len(text) > MAX_REMARK_LENGTH:
        raise InvariantViolation(
            "remark_too_long",
            f"Textul observației are cel mult {MAX_REMARK_LENGTH} de caractere.",
            f"At most {MAX_REMARK_LENGTH} characters.",
        )
    if curriculum_entry is not None and curriculum_entry.class_id != school_class.id:
        raise InvariantViolation(
            "subject_not_of_class",
            "Disciplina aleasă nu se studiază în această clasă.",
            "Subject not taught in this class.",
        )
    student = enrolment.student
    with audited(actor, f"Observație {REMARK_KIND_LABELS[kind]}", remote_addr, token_id):
        remark = Remark(
            school_id=enrolment.school_id,
            enrolment_id=enrolment.id,
            class_id=school_class.id,
            curriculum_entry_id=curriculum_entry.id if curriculum_entry is not None else None,
            author_id=actor.id,
            kind=kind,
            remarked_on=remarked_on,
            text=text,
        )
        db.session.add(remark)
        subject = f", la {curriculum_entry.subject.name}" if curriculum_entry is not None else ""
        notify(
            family_accounts(student),
            kind="remark",
            subject=f"Observație {REMARK_KIND_LABELS[kind]} pentru {student.full_name}",
            body=f"{actor.full_name} a scris o observație {REMARK_KIND_LABELS[kind]}{subject} "
            f"în data de {remarked_on:%d.%m.%Y}:\n{text}",
            link=f"/situatie/elev/{student.id}#observatii",
        )
    return remark


def mark_remarks_read(reader: User, remarks: Iterable[Remark], *, remote_addr: str | None = None) -> int:
    """Record the first reading by a parent or the student (once; later readings change nothing).

    Returns how many remarks were read for the first time. Staff readings are not recorded.
    """
    roles = access.role_names(reader)
    if not (policy.has_permission(roles, policy.READ_OWN_CHILDREN) or policy.has_permission(roles, policy.READ_SELF)):
        return 0
    unread = [remark for remark in remarks if remark.read_at is None and not remark.is_hidden]
    if not unread:
        return 0
    with audited(reader, "Citirea observațiilor de către familie", remote_addr):
        now = utc_now()
        for remark in unread:
            remark.read_at = now
            remark.read_by_id = reader.id
    return len(unread)


def hide_remark(actor: User, remark: Remark, *, reason: str | None, remote_addr: str | None = None) -> Remark:
    """The author "deletes" a remark: it leaves the student's file, the row and its history stay
    (R-COM-06 with decisions.md: nothing is hard-deleted)."""
    if remark.author_id != actor.id:
        raise PermissionDenied(
            "not_your_remark", "Doar autorul observației o poate șterge.", "Only the author may delete a remark."
        )
    if remark.is_hidden:
        raise InvariantViolation("remark_already_hidden", "Observația este deja ștearsă.", "Already deleted.")
    reason = require_reason(reason)
    with audited(actor, reason, remote_addr):
        remark.is_hidden = True
        remark.hidden_reason = reason
        remark.hidden_at = utc_now()
    return remark
