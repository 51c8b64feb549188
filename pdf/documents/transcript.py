"""Foaia matricolă: a student's transcript over all their school years (rules.md §6.3;
decisions.md "Documents": per year the class, the subjects with their annual averages, behaviour,
the general average and the status, with the student's identity data).

Layout (A4 portrait): the student's identity, then one table with a row per subject (every
subject the student studied in any year, Romanian alphabetical order) and a column per school
year; the last rows give behaviour, the general average and the year's result. A year whose
situation is not closed shows its class and "în curs". Up to six school years fit on one page.
When a student changed class during a year (transfer), the year's column names every class and
takes each subject's closed average from the latest enrolment that has one.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa

from pdf.documents import YEAR_STATUS_LABELS, result_text, romanian_key
from pdf.documents.class_catalog import DocumentNotFound
from pdf.render import render_pdf
from schema.models import (
    AnnualAverage,
    CurriculumEntry,
    Enrolment,
    GradeLevel,
    Guardian,
    School,
    SchoolClass,
    SchoolYear,
    Student,
    StudentGuardian,
    Subject,
    YearResult,
    db,
)

TEMPLATE = "transcript.html"
SEX_LABELS = {"M": "masculin", "F": "feminin"}


def transcript_context(student_id: int) -> dict[str, Any]:
    """Everything the foaia matricolă shows, as plain values (5 queries)."""
    row = db.session.execute(
        sa.select(Student, School).join(School, School.id == Student.school_id).where(Student.id == student_id)
    ).one_or_none()
    if row is None:
        raise DocumentNotFound(f"Elevul {student_id} nu există.")
    student, school = row
    guardians = [
        f"{kind}: {last} {first}"
        for kind, last, first in db.session.execute(
            sa.select(StudentGuardian.kind, Guardian.last_name, Guardian.first_name)
            .join(Guardian, Guardian.id == StudentGuardian.guardian_id)
            .where(StudentGuardian.student_id == student_id).order_by(StudentGuardian.id)
        )
    ]
    enrolments = db.session.execute(
        sa.select(Enrolment.id, Enrolment.status, Enrolment.starts_on, Enrolment.ends_on, SchoolYear.id.label("year_id"),
                  SchoolYear.name.label("year_name"), SchoolYear.starts_on.label("year_starts_on"),
                  SchoolClass.name.label("class_name"), GradeLevel.name.label("grade"))
        .join(SchoolYear, SchoolYear.id == Enrolment.year_id)
        .join(SchoolClass, SchoolClass.id == Enrolment.class_id)
        .join(GradeLevel, GradeLevel.id == SchoolClass.grade_level_id)
        .where(Enrolment.student_id == student_id)
        .order_by(SchoolYear.starts_on, Enrolment.starts_on, Enrolment.id)
    ).all()
    enrolment_ids = [e.id for e in enrolments]
    averages: dict[int, dict[str, str]] = defaultdict(dict)  # enrolment -> subject -> text
    for enrolment_id, subject, value, calificativ in db.session.execute(
        sa.select(AnnualAverage.enrolment_id, Subject.name, AnnualAverage.value, AnnualAverage.calificativ)
        .join(CurriculumEntry, CurriculumEntry.id == AnnualAverage.curriculum_entry_id)
        .join(Subject, Subject.id == CurriculumEntry.subject_id)
        .where(AnnualAverage.enrolment_id.in_(enrolment_ids), AnnualAverage.state == "closed")
    ):
        averages[enrolment_id][subject] = result_text(value, calificativ)
    results = {
        r.enrolment_id: r
        for r in db.session.execute(
            sa.select(YearResult.enrolment_id, YearResult.status, YearResult.general_average,
                      YearResult.behaviour_average, YearResult.behaviour_calificativ, YearResult.details)
            .where(YearResult.enrolment_id.in_(enrolment_ids), YearResult.state == "closed")
        )
    }

    years: list[dict[str, Any]] = []
    by_year: dict[int, dict[str, Any]] = {}
    subjects: set[str] = set()
    for enrolment in enrolments:
        year = by_year.get(enrolment.year_id)
        if year is None:
            year = {"name": enrolment.year_name, "classes": [], "grade": enrolment.grade, "averages": {},
                    "behaviour": "", "general_average": "", "status": "în curs", "failed_subjects": ""}
            by_year[enrolment.year_id] = year
            years.append(year)
        label = enrolment.class_name
        if enrolment.status == "transferred":
            label += f" (până la {enrolment.ends_on:%d.%m.%Y})"
        year["classes"].append(label)
        year["grade"] = enrolment.grade
        for subject, text in averages.get(enrolment.id, {}).items():
            year["averages"][subject] = text
            subjects.add(subject)
        result = results.get(enrolment.id)
        if result is not None:
            year["behaviour"] = result_text(result.behaviour_average, result.behaviour_calificativ)
            year["general_average"] = result_text(result.general_average, None)
            year["status"] = YEAR_STATUS_LABELS.get(result.status, result.status)
            year["failed_subjects"] = ", ".join((result.details or {}).get("failed_subjects") or [])
    for year in years:
        year["class_label"] = "; ".join(year.pop("classes"))
    ordered_subjects = sorted(subjects, key=romanian_key)
    initial = f" {student.father_initial}" if student.father_initial else ""
    return {
        "title": f"Foaia matricolă — {student.last_name}{initial} {student.first_name}",
        "school": {"name": school.name, "siiir_code": school.siiir_code, "county": school.county,
                   "locality": school.locality, "address": school.address or ""},
        "student": {
            "last_name": student.last_name, "first_name": student.first_name,
            "father_initial": student.father_initial or "", "cnp": student.cnp,
            "sex": SEX_LABELS.get(student.sex, student.sex), "birth_date": student.birth_date,
            "birth_place": student.birth_place or "", "citizenship": student.citizenship or "",
            "address": student.address or "", "guardians": "; ".join(guardians),
        },
        "years": years,
        "subjects": [{"name": name, "averages": [year["averages"].get(name, "") for year in years]}
                     for name in ordered_subjects],
        "generated_at": datetime.now(timezone.utc).astimezone().strftime("%d.%m.%Y %H:%M"),
        "footer": f"Foaia matricolă, {school.name}",
    }


def render_transcript(student_id: int) -> bytes:
    """The foaia matricolă of one student as PDF bytes."""
    return render_pdf(TEMPLATE, transcript_context(student_id))
