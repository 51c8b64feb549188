"""Enrolling students in classes and transferring them (001 Art. 97, 148-160)."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from schema.errors import InvariantViolation
from schema.models import Enrolment, SchoolClass, Student, User, db
from schema.operations.base import audited, require_reason
from security import policy
from security.access import require_permission, require_same_school


def _active_enrolment(student: Student, year_id: int) -> Enrolment | None:
    return db.session.scalar(
        sa.select(Enrolment).where(
            Enrolment.student_id == student.id, Enrolment.year_id == year_id, Enrolment.status == "active"
        )
    )


def enrol_student(actor: User, student: Student, school_class: SchoolClass, *, starts_on: date,
                  remote_addr: str | None = None) -> Enrolment:
    """Enrol a student in a class for the class's school year: one active enrolment per year."""
    require_permission(actor, policy.MANAGE_STUDENTS, "Doar secretariatul sau administratorul înscrie elevi.")
    require_same_school(actor, student.school_id)
    require_same_school(actor, school_class.school_id)
    if _active_enrolment(student, school_class.year_id) is not None:
        raise InvariantViolation(
            "already_enrolled",
            f"{student.full_name} este deja înscris(ă) într-o clasă în anul școlar {school_class.year.name}; "
            "folosiți transferul pentru a schimba clasa.",
            "The student already has an active enrolment this school year.",
        )
    year = school_class.year
    if not year.starts_on <= starts_on <= year.ends_on:
        raise InvariantViolation(
            "date_outside_year", f"Data înscrierii nu se află în anul școlar {year.name}.", "Date outside the year."
        )
    with audited(actor, None, remote_addr):
        enrolment = Enrolment(
            school_id=student.school_id,
            student_id=student.id,
            year_id=school_class.year_id,
            class_id=school_class.id,
            starts_on=starts_on,
            status="active",
        )
        db.session.add(enrolment)
    return enrolment


def transfer_student(actor: User, enrolment: Enrolment, new_class: SchoolClass, *, on: date, reason: str,
                     remote_addr: str | None = None) -> Enrolment:
    """Move a student to another class of the same year; the old enrolment is kept as history."""
    reason = require_reason(reason)
    require_permission(actor, policy.MANAGE_STUDENTS, "Doar secretariatul sau administratorul transferă elevi.")
    require_same_school(actor, enrolment.school_id)
    require_same_school(actor, new_class.school_id)
    if new_class.year_id != enrolment.year_id or new_class.id == enrolment.class_id:
        raise InvariantViolation(
            "transfer_target", "Transferul se face într-o altă clasă din același an școlar.", "Invalid target class."
        )
    if on <= enrolment.starts_on:
        raise InvariantViolation("transfer_date", "Data transferului trebuie să fie după data înscrierii.", "Bad date.")
    with audited(actor, reason, remote_addr):
        enrolment.status = "transferred"
        enrolment.ends_on = on - timedelta(days=1)
        enrolment.end_reason = reason
        db.session.flush()
        new_enrolment = Enrolment(
            school_id=enrolment.school_id,
            student_id=enrolment.student_id,
            year_id=enrolment.year_id,
            class_id=new_class.id,
            starts_on=on,
            status="active",
        )
        db.session.add(new_enrolment)
    return new_enrolment
