"""Înștiințare: the written notice to a student's parents (decisions.md "Absences": the PDF letter is
the "în scris" copy of the notification; rules.md §6.6).

Four kinds:
- ``absente``: unexcused absences in a period reached the notification threshold (the school's
  setting `School.absence_notice_threshold`, default 10 unexcused absences in a period, decisions.md
  "Absences"); the letter gives the count,
  the threshold and the absences per subject. Below the threshold no notice is issued (the letter
  would state something untrue).
- ``corigent``, ``amanat``, ``repetent``: the closed year result has that status; the letter names
  the subjects (from the year result's details) and, for corigență and amânat, the school's exam
  sessions of that kind in the year, when they are already set.

It is addressed to every guardian on record (name, kinship, address), carries the school's header,
a registration number field (printed when given, otherwise a blank to fill in) and the date, and
is signed by the class master and the director.

`parent_notice_context(...)` costs a fixed number of queries (at most 10).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from pdf.documents import result_text
from pdf.documents.student_report import school_header, today
from pdf.render import render_pdf
from schema.errors import InvariantViolation, NotFound
from schema.models import (
    Absence,
    CurriculumEntry,
    Enrolment,
    ExamSession,
    Guardian,
    LearningPeriod,
    Role,
    School,
    SchoolClass,
    SchoolYear,
    Student,
    StudentGuardian,
    Subject,
    User,
    YearResult,
    db,
)
from security import policy

TEMPLATE = "parent_notice.html"
NOTICE_KINDS = ("absente", "corigent", "amanat", "repetent")
NOTICE_TITLES = {
    "absente": "absențe nemotivate",
    "corigent": "corigență",
    "amanat": "situație școlară amânată",
    "repetent": "repetenție",
}
EXAM_KIND_OF_NOTICE = {"corigent": "corigenta", "amanat": "amanat"}
#: schema.rules.status reasons (English, "; "-joined) as the letter states them.
REPETENT_REASONS_RO = {
    "more than two failed subjects": "medii anuale sub 5,00 la mai mult de două discipline",
    "failed at the corigență session": "nepromovarea examenului de corigență",
    "behaviour below 6.00": "media anuală la purtare sub 6,00",
    "behaviour Insuficient": "calificativul anual Insuficient la purtare",
}


def notice_threshold(school_id: int) -> int:
    """The school's setting: unexcused absences in a period from which the parents are notified in
    writing (rules.md R-NOT-01; decisions.md "Absences", default 10)."""
    school = db.session.get(School, school_id)  # already in the session after school_header()
    if school is None:
        raise _missing()
    return school.absence_notice_threshold


def _reason_ro(reason: str) -> str:
    return "; ".join(REPETENT_REASONS_RO.get(part.strip(), part.strip()) for part in reason.split(";") if part.strip())


def _missing() -> NotFound:
    return NotFound("not_found", "Documentul cerut nu există.", "No such document.")


def _current_period(periods: list[tuple], on_day: date) -> tuple | None:
    """The period containing `on_day`, else the last one begun, else the first."""
    for period in periods:
        if period[2] <= on_day <= period[3]:
            return period
    begun = [period for period in periods if period[2] <= on_day]
    return begun[-1] if begun else (periods[0] if periods else None)


def parent_notice_context(
    student_id: int,
    kind: str,
    *,
    period_id: int | None = None,
    year_id: int | None = None,
    number: str = "",
    threshold: int | None = None,
) -> dict[str, Any]:
    """The notice's plain values. `period_id` chooses the period of an ``absente`` notice (default:
    the current one); `year_id` the year of a status notice (default: the student's latest);
    `threshold` defaults to the school's `absence_notice_threshold` setting."""
    if kind not in NOTICE_KINDS:
        raise _missing()
    student = db.session.get(Student, student_id)
    if student is None:
        raise _missing()
    header = school_header(student.school_id)
    if threshold is None:
        threshold = notice_threshold(student.school_id)
    enrolments = db.session.execute(
        sa.select(Enrolment.id, Enrolment.status, SchoolYear.id, SchoolYear.name, SchoolYear.starts_on,
                  SchoolClass.name, User.last_name, User.first_name)
        .join(SchoolYear, SchoolYear.id == Enrolment.year_id)
        .join(SchoolClass, SchoolClass.id == Enrolment.class_id)
        .outerjoin(User, User.id == SchoolClass.class_master_id)
        .where(Enrolment.student_id == student.id, Enrolment.school_id == student.school_id)
        .order_by(SchoolYear.starts_on, Enrolment.starts_on, Enrolment.id)
    ).all()
    if not enrolments:
        raise _missing()

    period = None
    if period_id is not None:
        chosen = db.session.get(LearningPeriod, period_id)
        if chosen is None or chosen.school_id != student.school_id:
            raise _missing()
        period = (chosen.id, chosen.name, chosen.starts_on, chosen.ends_on)
        year_id = chosen.year_id
    if year_id is None:
        year_id = max(enrolments, key=lambda row: row[4])[2]
    rows = [row for row in enrolments if row[2] == year_id]
    if not rows:
        raise _missing()
    enrolment_ids = [row[0] for row in rows]
    current = next((row for row in reversed(rows) if row[1] == "active"), rows[-1])
    class_master = f"{current[6]} {current[7]}" if current[6] else ""

    body: dict[str, Any] = {"unexcused": 0, "by_subject": [], "period_name": "", "subjects": [], "sessions": [],
                            "reason": "", "general_average": "", "period_starts_on": None, "period_ends_on": None}
    if kind == "absente":
        if period is None:
            periods = db.session.execute(
                sa.select(LearningPeriod.id, LearningPeriod.name, LearningPeriod.starts_on, LearningPeriod.ends_on)
                .where(LearningPeriod.year_id == year_id).order_by(LearningPeriod.ordinal)
            ).all()
            period = _current_period(list(periods), today())
            if period is None:
                raise _missing()
        by_subject = db.session.execute(
            sa.select(Subject.name, sa.func.count(Absence.id))
            .join(CurriculumEntry, CurriculumEntry.id == Absence.curriculum_entry_id)
            .join(Subject, Subject.id == CurriculumEntry.subject_id)
            .where(Absence.enrolment_id.in_(enrolment_ids), Absence.period_id == period[0],
                   Absence.state == "unexcused")
            .group_by(Subject.name).order_by(Subject.name)
        ).all()
        unexcused = sum(count for _name, count in by_subject)
        if unexcused < threshold:
            raise InvariantViolation(
                "below_notice_threshold",
                f"{student.full_name} are {unexcused} absențe nemotivate în {period[1]}; înștiințarea se "
                f"trimite de la {threshold} absențe nemotivate.",
                "Below the parent notification threshold.",
            )
        body.update(unexcused=unexcused, period_name=period[1], period_starts_on=period[2],
                    period_ends_on=period[3], by_subject=[{"subject": name, "count": count}
                                                          for name, count in by_subject])
    else:
        result = db.session.execute(
            sa.select(YearResult.status, YearResult.general_average, YearResult.details)
            .where(YearResult.enrolment_id.in_(enrolment_ids), YearResult.state == "closed")
            .order_by(YearResult.id.desc()).limit(1)
        ).first()
        if result is None or result[0] != kind:
            raise InvariantViolation(
                "notice_not_applicable",
                f"Situația anuală a elevului {student.full_name} în anul școlar {current[3]} nu este încheiată "
                f"ca {NOTICE_TITLES[kind]}; înștiințarea nu se poate emite.",
                "The closed year result does not have this status.",
            )
        details = result[2] or {}
        names = details.get("deferred_subjects") if kind == "amanat" else details.get("failed_subjects")
        body["subjects"] = [str(name) for name in names or []]
        body["reason"] = _reason_ro(str(details.get("reason") or "")) if kind == "repetent" else ""
        if result[1] is not None:
            body["general_average"] = result_text(Decimal(result[1]).quantize(Decimal("0.01")), None)
        if kind in EXAM_KIND_OF_NOTICE:
            sessions = db.session.execute(
                sa.select(ExamSession.name, ExamSession.starts_on, ExamSession.ends_on)
                .where(ExamSession.year_id == year_id, ExamSession.kind == EXAM_KIND_OF_NOTICE[kind])
                .order_by(ExamSession.starts_on)
            ).all()
            body["sessions"] = [{"name": name, "starts_on": start, "ends_on": end} for name, start, end in sessions]

    guardians = db.session.execute(
        sa.select(Guardian.last_name, Guardian.first_name, Guardian.address, StudentGuardian.kind)
        .join(StudentGuardian, StudentGuardian.guardian_id == Guardian.id)
        .where(StudentGuardian.student_id == student.id, StudentGuardian.school_id == student.school_id)
        .order_by(StudentGuardian.is_primary_contact.desc(), Guardian.last_name, Guardian.first_name)
    ).all()
    director = db.session.execute(
        sa.select(User.last_name, User.first_name)
        .where(User.school_id == student.school_id, User.active.is_(True),
               User.roles.any(Role.name == policy.DIRECTOR))
        .order_by(User.id).limit(1)
    ).first()
    return {
        "title": f"Înștiințare — {student.full_name}",
        "school": header,
        "kind": kind,
        "kind_title": NOTICE_TITLES[kind],
        "number": number.strip()[:40],
        "issued_on": today(),
        "student": {"full_name": student.full_name, "address": student.address or ""},
        "class_name": current[5],
        "year_name": current[3],
        "class_master": class_master,
        "director": f"{director[0]} {director[1]}" if director else "",
        "guardians": [{"full_name": f"{last} {first}", "address": address or "", "kind": guardian_kind}
                      for last, first, address, guardian_kind in guardians],
        "threshold": threshold,
        **body,
        "footer": f"{header['name']} — înștiințare ({NOTICE_TITLES[kind]}), {student.full_name}",
    }


def render_parent_notice(
    student_id: int,
    kind: str,
    *,
    period_id: int | None = None,
    year_id: int | None = None,
    number: str = "",
    threshold: int | None = None,
) -> bytes:
    """The PDF of `parent_notice_context`."""
    return render_pdf(TEMPLATE, parent_notice_context(student_id, kind, period_id=period_id, year_id=year_id,
                                                      number=number, threshold=threshold))
