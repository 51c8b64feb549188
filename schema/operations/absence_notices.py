"""Proposing and sending the written notice to parents about unexcused absences (rules.md §4.6
R-NOT-01; decisions.md "Absences"; the model and its levels are described in
schema/absence_notices.py).

- `proposed_notices(actor, school_class, period)`: the students of the class whose unexcused
  absences in the period reached a threshold multiple (10, 20, 30... with the default setting)
  for which no notice was sent yet. Three queries whatever the class size.
- `send_absence_notice(actor, enrolment, period, ...)`: the class master (only) records the notice,
  queues an ``absence_notice`` notification to the family's accounts and, when the family has an
  account, sends the in-app message; all in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from schema.absence_notices import AbsenceNotice
from schema.errors import InvariantViolation, NotFound
from schema.models import Absence, Enrolment, LearningPeriod, School, SchoolClass, Student, User, db
from schema.operations.base import batch
from schema.operations.messages import THREAD_PATH, send_message
from schema.operations.notifications import family_accounts, notify
from security.access import require_class_master

NOTICE_REASON = "Înștiințare scrisă a părinților: absențe nemotivate"


@dataclass(frozen=True)
class NoticeProposal:
    """A notice the class master should send: the student reached `level` × `threshold`."""

    enrolment_id: int
    student_id: int
    student_name: str
    unexcused: int
    threshold: int
    level: int

    @property
    def reached(self) -> int:
        return self.level * self.threshold


def notice_level(unexcused: int, threshold: int) -> int:
    """The threshold multiple reached: 0 below the threshold, 1 from 1×, 2 from 2×... (rules.md
    R-NOT-01: the number is the school's; decisions.md "Absences")."""
    if threshold < 1:
        raise ValueError("the threshold is at least 1")
    return unexcused // threshold


def school_threshold(school_id: int) -> int:
    """The school's `absence_notice_threshold` setting (default 10)."""
    threshold = db.session.scalar(sa.select(School.absence_notice_threshold).where(School.id == school_id))
    if threshold is None:
        raise NotFound("not_found", "Școala nu există.", "No such school.")
    return threshold


def _require_period_of(school_class: SchoolClass, period: LearningPeriod) -> None:
    if period.year_id != school_class.year_id or period.school_id != school_class.school_id:
        raise NotFound("not_found", "Perioada nu aparține anului școlar al clasei.", "Period of another year.")


def _unexcused_counts(enrolment_ids: list[int], period: LearningPeriod) -> dict[int, int]:
    if not enrolment_ids:
        return {}
    return dict(
        db.session.execute(
            sa.select(Absence.enrolment_id, sa.func.count(Absence.id))
            .where(
                Absence.enrolment_id.in_(enrolment_ids), Absence.period_id == period.id, Absence.state == "unexcused"
            )
            .group_by(Absence.enrolment_id)
        ).all()
    )


def proposed_notices(actor: User, school_class: SchoolClass, period: LearningPeriod) -> list[NoticeProposal]:
    """Students of the class (active enrolments, catalog order) at a threshold multiple in `period`
    with no notice sent for that multiple."""
    require_class_master(actor, school_class)
    _require_period_of(school_class, period)
    threshold = school_threshold(school_class.school_id)
    students = db.session.execute(
        sa.select(Enrolment.id, Student.id, Student.last_name, Student.first_name, Student.father_initial)
        .join(Student, Student.id == Enrolment.student_id)
        .where(Enrolment.class_id == school_class.id, Enrolment.status == "active")
        .order_by(Student.last_name, Student.first_name, Student.id)
    ).all()
    counts = _unexcused_counts([row[0] for row in students], period)
    reached = {enrolment_id for enrolment_id, count in counts.items() if notice_level(count, threshold) >= 1}
    sent = (
        set(
            db.session.execute(
                sa.select(AbsenceNotice.enrolment_id, AbsenceNotice.level).where(
                    AbsenceNotice.enrolment_id.in_(reached), AbsenceNotice.period_id == period.id
                )
            ).all()
        )
        if reached
        else set()
    )
    proposals = []
    for enrolment_id, student_id, last_name, first_name, initial in students:
        count = counts.get(enrolment_id, 0)
        level = notice_level(count, threshold)
        if level >= 1 and (enrolment_id, level) not in sent:
            name = f"{last_name}{' ' + initial if initial else ''} {first_name}"
            proposals.append(NoticeProposal(enrolment_id, student_id, name, count, threshold, level))
    return proposals


def sent_notices(school_class: SchoolClass) -> list[AbsenceNotice]:
    """The notices sent for the students of the class, newest first (one query)."""
    return list(
        db.session.scalars(
            sa.select(AbsenceNotice)
            .join(Enrolment, Enrolment.id == AbsenceNotice.enrolment_id)
            .where(Enrolment.class_id == school_class.id)
            .options(
                sa.orm.selectinload(AbsenceNotice.enrolment).selectinload(Enrolment.student),
                sa.orm.selectinload(AbsenceNotice.period),
                sa.orm.selectinload(AbsenceNotice.sent_by),
            )
            .order_by(AbsenceNotice.sent_at.desc(), AbsenceNotice.id.desc())
        )
    )


def _message_text(
    student: Student, school_class: SchoolClass, period: LearningPeriod, unexcused: int, threshold: int
) -> tuple[str, str]:
    subject = f"Înștiințare: absențe nemotivate — {student.full_name}"
    body = (
        f"Stimate părinte / tutore legal,\n\n"
        f"Vă aducem la cunoștință că elevul/eleva {student.full_name}, din clasa {school_class.name}, a acumulat în "
        f"{period.name} ({period.starts_on:%d.%m.%Y} – {period.ends_on:%d.%m.%Y}) un număr de {unexcused} absențe "
        f"nemotivate. Pragul de la care școala înștiințează în scris părinții este de {threshold} absențe nemotivate "
        f"într-o perioadă.\n\n"
        f"Documentele pentru motivarea absențelor se prezintă dirigintelui în cel mult 7 zile de la revenirea "
        f"elevului la școală. Înștiințarea scrisă (scrisoarea) vă este înmânată sau trimisă prin poștă. "
        f"Vă rugăm să luați legătura cu dirigintele clasei."
    )
    return subject, body


def send_absence_notice(
    actor: User,
    enrolment: Enrolment,
    period: LearningPeriod,
    *,
    notes: str | None = None,
    with_message: bool = True,
    remote_addr: str | None = None,
    token_id: int | None = None,
) -> AbsenceNotice:
    """The class master records the written notice for the student's current threshold multiple in
    `period`, queues an ``absence_notice`` notification to the family and, with `with_message` and
    when the family has an account, sends the in-app message too (one transaction, all or nothing).

    Refused below the threshold and when this multiple was already notified in the period."""
    school_class = enrolment.school_class
    require_class_master(actor, school_class)
    _require_period_of(school_class, period)
    threshold = school_threshold(enrolment.school_id)
    unexcused = _unexcused_counts([enrolment.id], period).get(enrolment.id, 0)
    level = notice_level(unexcused, threshold)
    student = enrolment.student
    if level < 1:
        raise InvariantViolation(
            "below_notice_threshold",
            f"{student.full_name} are {unexcused} absențe nemotivate în {period.name}; înștiințarea se trimite de "
            f"la {threshold} absențe nemotivate.",
            "Below the parent notification threshold.",
        )
    already = db.session.scalar(
        sa.select(AbsenceNotice.id).where(
            AbsenceNotice.enrolment_id == enrolment.id,
            AbsenceNotice.period_id == period.id,
            AbsenceNotice.level == level,
        )
    )
    if already is not None:
        raise InvariantViolation(
            "notice_already_sent",
            f"Părinții elevului {student.full_name} au fost deja înștiințați pentru {level * threshold} absențe "
            f"nemotivate în {period.name}.",
            "This threshold multiple was already notified in the period.",
        )
    recipients = family_accounts(student)
    subject, body = _message_text(student, school_class, period, unexcused, threshold)
    notes = (notes or "").strip()[:2000] or None
    with batch(actor, NOTICE_REASON):
        thread = None
        if with_message and recipients:
            thread = send_message(
                actor,
                recipients,
                subject=subject,
                body=body,
                about_student=student,
                remote_addr=remote_addr,
                token_id=token_id,
            )
        notice = AbsenceNotice(
            school_id=enrolment.school_id,
            enrolment_id=enrolment.id,
            period_id=period.id,
            unexcused=unexcused,
            threshold=threshold,
            level=level,
            sent_by_id=actor.id,
            channel="letter_and_message" if thread is not None else "letter",
            notes=notes,
            message_thread_id=thread.id if thread is not None else None,
        )
        db.session.add(notice)
        notify(
            recipients,
            kind="absence_notice",
            subject=subject,
            body=body,
            link=THREAD_PATH.format(thread_id=thread.id) if thread is not None else None,
        )
    return notice
