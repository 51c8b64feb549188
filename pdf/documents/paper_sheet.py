"""Fișa zilnică pentru situații de urgență: the blank daily sheet a teacher fills in on paper when
the catalog is unavailable (rules.md §7.8 R-EMG-03..05, 004 pt.86-88; decisions.md "Emergency /
paper mode" A35).

One page per school day for one subject of one class (a curriculum entry): the school, class,
subject, teacher(s), the date and lesson-hour fields, a line for the lesson topic, the students
enrolled in the class that day (numbered, in the catalog's order) with empty columns for the
absence, the mark and the teză / observații, and the teacher's signature line. After the outage the
teacher enters the sheet's data with the real lesson date ("introducere ulterioară",
schema/rules/late_entry.py).

A range prints one page per school day: Monday to Friday inside one of the year's learning
periods (holidays between periods are left out). A single chosen date is printed whatever the day.

`paper_sheet_context(curriculum_entry_id, starts_on, ends_on)` costs 6 queries whatever the range.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa

from pdf.documents import student_order_key
from pdf.documents.attendance_register import WEEKDAYS_RO
from pdf.documents.student_report import school_header, today
from pdf.render import render_pdf
from schema.errors import InvariantViolation, NotFound
from schema.models import (
    CurriculumEntry,
    Enrolment,
    LearningPeriod,
    SchoolClass,
    SchoolYear,
    Student,
    Subject,
    TeachingAssignment,
    User,
    db,
)

TEMPLATE = "paper_sheet.html"
#: Longest span printed at once: a month (an outage longer than that is not a paper-sheet case).
MAX_DAYS = 31
#: Empty rows under the students, for a student the sheet does not list (a late enrolment).
BLANK_ROWS = 2


def _missing() -> NotFound:
    return NotFound("not_found", "Documentul cerut nu există.", "No such document.")


def school_days(starts_on: date, ends_on: date, periods: list[tuple[date, date]]) -> list[date]:
    """The days printed: `starts_on` alone when the range is one day, otherwise Monday to Friday
    inside one of the learning periods."""
    if starts_on == ends_on:
        return [starts_on]
    days = []
    day = starts_on
    while day <= ends_on:
        if day.weekday() < 5 and any(first <= day <= last for first, last in periods):
            days.append(day)
        day += timedelta(days=1)
    return days


def paper_sheet_context(curriculum_entry_id: int, starts_on: date, ends_on: date) -> dict[str, Any]:
    """The sheets' plain values for one curriculum entry from `starts_on` to `ends_on` (inclusive)."""
    if ends_on < starts_on:
        raise InvariantViolation(
            "dates_reversed",
            "Data de sfârșit este înaintea datei de început.",
            "The end date is before the start date.",
        )
    if (ends_on - starts_on).days + 1 > MAX_DAYS:
        raise InvariantViolation(
            "range_too_long", f"Fișele se tipăresc pentru cel mult {MAX_DAYS} de zile.", f"At most {MAX_DAYS} days."
        )
    row = db.session.execute(
        sa.select(
            CurriculumEntry.id,
            CurriculumEntry.school_id,
            SchoolClass.id,
            SchoolClass.name,
            SchoolYear.id,
            SchoolYear.name,
            Subject.name,
        )
        .join(SchoolClass, SchoolClass.id == CurriculumEntry.class_id)
        .join(SchoolYear, SchoolYear.id == SchoolClass.year_id)
        .join(Subject, Subject.id == CurriculumEntry.subject_id)
        .where(CurriculumEntry.id == curriculum_entry_id)
    ).first()
    if row is None:
        raise _missing()
    entry_id, school_id, class_id, class_name, year_id, year_name, subject_name = row
    header = school_header(school_id)
    teachers = db.session.execute(
        sa.select(User.last_name, User.first_name)
        .join(TeachingAssignment, TeachingAssignment.teacher_id == User.id)
        .where(TeachingAssignment.curriculum_entry_id == entry_id)
        .order_by(User.last_name, User.first_name)
    ).all()
    periods = db.session.execute(
        sa.select(LearningPeriod.starts_on, LearningPeriod.ends_on).where(LearningPeriod.year_id == year_id)
    ).all()
    days = school_days(starts_on, ends_on, [(first, last) for first, last in periods])
    if not days:
        raise InvariantViolation(
            "no_school_days",
            f"Între {starts_on:%d.%m.%Y} și {ends_on:%d.%m.%Y} nu este nicio zi de școală (luni–vineri, "
            "în perioadele anului școlar).",
            "No school day in the range.",
        )
    enrolments = db.session.execute(
        sa.select(
            Enrolment.starts_on,
            Enrolment.ends_on,
            Student.id,
            Student.last_name,
            Student.first_name,
            Student.father_initial,
        )
        .join(Student, Student.id == Enrolment.student_id)
        .where(
            Enrolment.class_id == class_id,
            Enrolment.starts_on <= days[-1],
            sa.or_(Enrolment.ends_on.is_(None), Enrolment.ends_on >= days[0]),
        )
    ).all()
    enrolments = sorted(enrolments, key=lambda item: student_order_key(item[3], item[4], item[2]))

    pages = []
    for day in days:
        names = [
            f"{last}{' ' + initial if initial else ''} {first}"
            for first_day, last_day, _student_id, last, first, initial in enrolments
            if first_day <= day and (last_day is None or last_day >= day)
        ]
        pages.append(
            {
                "date": day,
                "weekday": WEEKDAYS_RO[day.weekday()],
                "students": [{"number": number, "name": name} for number, name in enumerate(names, start=1)],
            }
        )
    span = f"{starts_on:%d.%m.%Y}" if starts_on == ends_on else f"{starts_on:%d.%m.%Y} – {ends_on:%d.%m.%Y}"
    return {
        "title": f"Fișă zilnică — {subject_name}, clasa {class_name}",
        "school": header,
        "class_name": class_name,
        "year_name": year_name,
        "subject": subject_name,
        "teachers": ", ".join(f"{last} {first}" for last, first in teachers),
        "pages": pages,
        "blank_rows": BLANK_ROWS,
        "issued_on": today(),
        "footer": f"{header['name']} — fișă zilnică pentru situații de urgență, {subject_name}, clasa {class_name}, "
        f"{span}",
    }


def render_paper_sheet(curriculum_entry_id: int, starts_on: date, ends_on: date) -> bytes:
    """The PDF of `paper_sheet_context`."""
    return render_pdf(TEMPLATE, paper_sheet_context(curriculum_entry_id, starts_on, ends_on))
