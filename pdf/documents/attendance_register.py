"""Condica de prezență: the teacher's lesson book for a day or a week (rules.md §6.5;
decisions.md "Documents": per teacher and day, the lessons held, class, subject, topic and a
signature column).

The catalog has no timetable and no lesson log, so the lessons are *derived* from what the teacher
recorded in the catalog, and the document says so:
- a lesson hour is known where the teacher recorded an absence (date, hour, class, subject);
- a day on which the teacher gave marks in a class, but recorded no absence there, shows that
  class and subject with the hour left blank;
- the teacher's teaching assignments (încadrare, with weekly hours) head the document, so the
  missing lessons can be written in by hand on the blank rows each day carries.
The topic column stays empty for the teacher to fill in (001 Art. 66(g)), and a section is left for
the director's record of staff absences and lateness (001 Art. 21(4)(w)).

Only exam and contestation marks are left out (they are not lessons). Marks and absences count by
the teacher who recorded them, so a substitute under a delegation sees the lessons they held.

`attendance_register_context(teacher_id, starts_on, ends_on)` costs 4 queries whatever the range.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa

from pdf.documents.student_report import school_header, today
from pdf.render import render_pdf
from schema.errors import InvariantViolation, NotFound
from schema.models import (
    Absence,
    CurriculumEntry,
    Mark,
    SchoolClass,
    SchoolYear,
    Subject,
    TeachingAssignment,
    User,
    db,
)

TEMPLATE = "attendance_register.html"
#: Longest span one condica covers: a month (a day and a week are the usual ones).
MAX_DAYS = 31
#: Blank rows printed under each school day for lessons the catalog holds no trace of.
BLANK_ROWS_PER_DAY = 2
WEEKDAYS_RO = ("luni", "marți", "miercuri", "joi", "vineri", "sâmbătă", "duminică")
LESSON_MARK_KINDS = ("regular", "thesis")


def week_of(day: date) -> tuple[date, date]:
    """Monday to Sunday of the week containing `day`."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def attendance_register_context(teacher_id: int, starts_on: date, ends_on: date) -> dict[str, Any]:
    """The condica's plain values for `teacher_id` from `starts_on` to `ends_on` (inclusive)."""
    if ends_on < starts_on:
        raise InvariantViolation("dates_reversed", "Data de sfârșit este înaintea datei de început.",
                                 "The end date is before the start date.")
    if (ends_on - starts_on).days + 1 > MAX_DAYS:
        raise InvariantViolation("range_too_long", f"Condica se tipărește pentru cel mult {MAX_DAYS} de zile.",
                                 f"At most {MAX_DAYS} days.")
    teacher = db.session.get(User, teacher_id)
    if teacher is None:
        raise NotFound("not_found", "Documentul cerut nu există.", "No such teacher.")
    header = school_header(teacher.school_id)

    assignments = db.session.execute(
        sa.select(SchoolClass.name, Subject.name, CurriculumEntry.weekly_hours, CurriculumEntry.module_hours)
        .select_from(TeachingAssignment)
        .join(CurriculumEntry, CurriculumEntry.id == TeachingAssignment.curriculum_entry_id)
        .join(SchoolClass, SchoolClass.id == CurriculumEntry.class_id)
        .join(Subject, Subject.id == CurriculumEntry.subject_id)
        .where(TeachingAssignment.teacher_id == teacher.id, TeachingAssignment.school_id == teacher.school_id,
               # classes of the school years that overlap the range
               SchoolClass.year_id.in_(_years_overlapping(teacher.school_id, starts_on, ends_on)))
        .order_by(SchoolClass.name, Subject.name)
    ).all()
    absence_rows = db.session.execute(
        sa.select(Absence.occurred_on, Absence.lesson_hour, SchoolClass.name, Subject.name,
                  sa.func.count(Absence.id))
        .join(CurriculumEntry, CurriculumEntry.id == Absence.curriculum_entry_id)
        .join(SchoolClass, SchoolClass.id == Absence.class_id)
        .join(Subject, Subject.id == CurriculumEntry.subject_id)
        .where(Absence.teacher_id == teacher.id, Absence.school_id == teacher.school_id,
               Absence.occurred_on >= starts_on, Absence.occurred_on <= ends_on)
        .group_by(Absence.occurred_on, Absence.lesson_hour, SchoolClass.name, Subject.name)
    ).all()
    mark_rows = db.session.execute(
        sa.select(Mark.given_on, SchoolClass.name, Subject.name, sa.func.count(Mark.id))
        .join(CurriculumEntry, CurriculumEntry.id == Mark.curriculum_entry_id)
        .join(SchoolClass, SchoolClass.id == Mark.class_id)
        .join(Subject, Subject.id == CurriculumEntry.subject_id)
        .where(Mark.teacher_id == teacher.id, Mark.school_id == teacher.school_id, Mark.kind.in_(LESSON_MARK_KINDS),
               Mark.given_on >= starts_on, Mark.given_on <= ends_on)
        .group_by(Mark.given_on, SchoolClass.name, Subject.name)
    ).all()

    # (day, class, subject) -> {hour: absences}; marks attach to the first hour of that lesson.
    lessons: dict[tuple[date, str, str], dict[int, int]] = {}
    for day, hour, class_name, subject_name, count in absence_rows:
        lessons.setdefault((day, class_name, subject_name), {})[hour] = count
    marks_of = {(day, class_name, subject_name): count for day, class_name, subject_name, count in mark_rows}
    for key in marks_of:
        lessons.setdefault(key, {})

    days = []
    day = starts_on
    while day <= ends_on:
        rows = []
        for (lesson_day, class_name, subject_name), hours in lessons.items():
            if lesson_day != day:
                continue
            marks = marks_of.get((lesson_day, class_name, subject_name), 0)
            if not hours:
                rows.append({"hour": None, "class_name": class_name, "subject": subject_name, "absences": 0,
                             "marks": marks})
            for index, hour in enumerate(sorted(hours)):
                rows.append({"hour": hour, "class_name": class_name, "subject": subject_name,
                             "absences": hours[hour], "marks": marks if index == 0 else 0})
        rows.sort(key=lambda row: (row["hour"] is None, row["hour"] or 0, row["class_name"], row["subject"]))
        school_day = day.weekday() < 5
        if rows or school_day:
            days.append({"date": day, "weekday": WEEKDAYS_RO[day.weekday()], "lessons": rows,
                         "blank_rows": BLANK_ROWS_PER_DAY if school_day else 0})
        day += timedelta(days=1)

    span = f"{starts_on:%d.%m.%Y}" if starts_on == ends_on else f"{starts_on:%d.%m.%Y} – {ends_on:%d.%m.%Y}"
    return {
        "title": f"Condica de prezență — {teacher.full_name}",
        "school": header,
        "teacher": teacher.full_name,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "span": span,
        "assignments": [
            {"class_name": class_name, "subject": subject_name,
             "hours": f"{weekly} ore/săptămână" if weekly else (f"modul de {module} ore" if module else "")}
            for class_name, subject_name, weekly, module in assignments
        ],
        "days": days,
        "lesson_count": sum(len(d["lessons"]) for d in days),
        "issued_on": today(),
        "footer": f"{header['name']} — condica de prezență, {teacher.full_name}, {span}",
    }


def _years_overlapping(school_id: int, starts_on: date, ends_on: date) -> sa.Select:
    return sa.select(SchoolYear.id).where(
        SchoolYear.school_id == school_id, SchoolYear.starts_on <= ends_on, SchoolYear.ends_on >= starts_on
    )


def render_attendance_register(teacher_id: int, starts_on: date, ends_on: date) -> bytes:
    """The PDF of `attendance_register_context`."""
    return render_pdf(TEMPLATE, attendance_register_context(teacher_id, starts_on, ends_on))
