"""The family's notifications of a new mark or absence (issue 8 part 6), queued by record_mark and
record_absence inside their own transaction (schema/operations/notifications.py: notify)."""

from __future__ import annotations

from schema.models import Absence, CurriculumEntry, Enrolment, Mark, Student, Subject, db
from schema.operations.notifications import family_accounts, notify

_MARK_KIND_WORDS = {"thesis": "teză", "exam": "examen", "contestation": "după contestație"}


def _student_and_subject(enrolment: Enrolment, entry: CurriculumEntry) -> tuple[Student, str]:
    student = db.session.get(Student, enrolment.student_id)
    subject = db.session.get(Subject, entry.subject_id)
    return student, subject.name


def _family_link(student: Student) -> str:
    return f"/situatie/elev/{student.id}"


def notify_new_mark(enrolment: Enrolment, entry: CurriculumEntry, mark: Mark) -> None:
    student, subject = _student_and_subject(enrolment, entry)
    shown = str(mark.value) if mark.value is not None else (mark.calificativ or "")
    kind = _MARK_KIND_WORDS.get(mark.kind)
    what = f"{shown} ({kind})" if kind else shown
    notify(
        family_accounts(student),
        kind="mark",
        subject=f"Notă nouă la {subject}: {what}",
        body=f"{student.full_name} a primit {what} la {subject}, pe {mark.given_on:%d.%m.%Y}.",
        link=_family_link(student),
    )


def notify_new_absence(enrolment: Enrolment, entry: CurriculumEntry, absence: Absence) -> None:
    student, subject = _student_and_subject(enrolment, entry)
    notify(
        family_accounts(student),
        kind="absence",
        subject=f"Absență la {subject}, {absence.occurred_on:%d.%m.%Y}",
        body=f"{student.full_name} a absentat la {subject} pe {absence.occurred_on:%d.%m.%Y}, ora {absence.lesson_hour}. "
        "Absențele se motivează în cel mult 7 zile de la revenirea la școală.",
        link=_family_link(student),
    )
