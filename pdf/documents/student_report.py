"""Situația școlară: one student's school situation for one period, or for the whole year, printed
for the parents (rules.md §6.6 "report for parents", the electronic equivalent of the student's
booklet; decisions.md "Documents").

It holds the school's header, the student and class, then per subject the marks with their dates
("Nota/data", in blue), the teză and the closed averages (in red), the absences (unexcused,
excused, late "î") and any exemption; then the behaviour mark and, for the year, the status and the
general average. Nothing of any other student is read: every catalog query filters on this
student's enrolments.

`student_report_context(student_id, period_id=None, year_id=None)` reads it in a fixed number of
queries (9, whatever the number of subjects or marks) and returns plain values; a period of
another school or of a year the student was not enrolled in is NotFound. `school_header` is the
letterhead the other documents of this package share.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from pdf.documents import CALIFICATIV_LABELS, YEAR_STATUS_LABELS, result_text
from pdf.render import render_pdf
from schema.errors import NotFound
from schema.rules import get_ruleset
from schema.models import (
    Absence,
    AnnualAverage,
    BehaviourMark,
    CurriculumEntry,
    Enrolment,
    Exemption,
    GradeLevel,
    LearningPeriod,
    Mark,
    PeriodAverage,
    School,
    SchoolClass,
    SchoolYear,
    Student,
    Subject,
    User,
    YearResult,
    db,
)

TEMPLATE = "student_report.html"
MARK_KIND_LABELS = {"regular": "", "thesis": "teză", "exam": "examen", "contestation": "după contestație"}
EXEMPTION_LABELS = {"pe_medical": "scutit medical", "religion_opt_out": "nu urmează religia"}
YEAR_STATUS_TITLES = {"promovat": "Promovat", "corigent": "Corigent", "repetent": "Repetent", "amanat": "Situație amânată"}


def _missing() -> NotFound:
    return NotFound("not_found", "Documentul cerut nu există.", "No such document.")


def school_header(school_id: int) -> dict[str, Any]:
    """The school's letterhead (one query)."""
    school = db.session.get(School, school_id)
    if school is None:
        raise _missing()
    return {
        "name": school.name,
        "county": school.county,
        "locality": school.locality,
        "address": school.address or "",
        "phone": school.phone or "",
        "email": school.email or "",
        "siiir_code": school.siiir_code,
    }


def today() -> date:
    """The issue date printed on the document (one place, so tests can freeze it)."""
    return date.today()


def _absence_counts(states: list[str]) -> dict[str, int]:
    return {
        "total": len(states),
        "unexcused": states.count("unexcused"),
        "excused": states.count("excused"),
        "late": states.count("late"),
    }


def _general_average_text(value: Decimal | None) -> str:
    return result_text(Decimal(value).quantize(Decimal("0.01")), None) if value is not None else ""


def student_report_context(student_id: int, period_id: int | None = None, year_id: int | None = None) -> dict[str, Any]:
    """The report's plain values: a period's situation, or the year's (`period_id` None) for
    `year_id` or, without it, the student's latest school year."""
    student = db.session.get(Student, student_id)
    if student is None:
        raise _missing()
    header = school_header(student.school_id)
    enrolments = db.session.execute(
        sa.select(Enrolment.id, Enrolment.status, SchoolYear.id, SchoolYear.name, SchoolYear.ruleset,
                  SchoolClass.id, SchoolClass.name, User.last_name, User.first_name, GradeLevel.evaluation_scale,
                  SchoolYear.starts_on, GradeLevel.ruleset)
        .join(SchoolYear, SchoolYear.id == Enrolment.year_id)
        .join(SchoolClass, SchoolClass.id == Enrolment.class_id)
        .join(GradeLevel, GradeLevel.id == SchoolClass.grade_level_id)
        .outerjoin(User, User.id == SchoolClass.class_master_id)
        .where(Enrolment.student_id == student.id, Enrolment.school_id == student.school_id)
        .order_by(SchoolYear.starts_on, Enrolment.starts_on, Enrolment.id)
    ).all()
    if not enrolments:
        raise _missing()

    period: LearningPeriod | None = None
    if period_id is not None:
        period = db.session.get(LearningPeriod, period_id)
        if period is None or period.school_id != student.school_id:
            raise _missing()
        year_id = period.year_id
    if year_id is None:
        year_id = max(enrolments, key=lambda row: row[10])[2]
    rows = [row for row in enrolments if row[2] == year_id]
    if not rows:
        raise _missing()
    enrolment_ids = [row[0] for row in rows]
    current = next((row for row in reversed(rows) if row[1] == "active"), rows[-1])
    class_ids = {row[5] for row in rows}
    year_name = current[3]

    periods = db.session.execute(
        sa.select(LearningPeriod.id, LearningPeriod.name, LearningPeriod.starts_on, LearningPeriod.ends_on)
        .where(LearningPeriod.year_id == year_id).order_by(LearningPeriod.ordinal)
    ).all()
    shown_periods = [p for p in periods if period is None or p[0] == period.id]
    entries = db.session.execute(
        sa.select(CurriculumEntry.id, CurriculumEntry.class_id, Subject.id, Subject.name)
        .join(Subject, Subject.id == CurriculumEntry.subject_id)
        .where(CurriculumEntry.class_id.in_(class_ids))
    ).all()
    mark_filter = [Mark.enrolment_id.in_(enrolment_ids)]
    absence_filter = [Absence.enrolment_id.in_(enrolment_ids)]
    if period is not None:
        mark_filter.append(Mark.period_id == period.id)
        absence_filter.append(Absence.period_id == period.id)
    marks = db.session.execute(
        sa.select(Mark.curriculum_entry_id, Mark.period_id, Mark.value, Mark.calificativ, Mark.given_on, Mark.kind,
                  Mark.is_fraud)
        .where(*mark_filter).order_by(Mark.given_on, Mark.id)
    ).all()
    absences = db.session.execute(
        sa.select(Absence.curriculum_entry_id, Absence.state).where(*absence_filter)
    ).all()
    number = sa.Numeric(4, 2)
    results = db.session.execute(sa.union_all(
        sa.select(sa.literal_column("'period'").label("kind"), PeriodAverage.curriculum_entry_id.label("entry_id"),
                  PeriodAverage.period_id.label("period_id"), sa.cast(PeriodAverage.value, number).label("value"),
                  PeriodAverage.calificativ.label("calificativ"))
        .where(PeriodAverage.enrolment_id.in_(enrolment_ids), PeriodAverage.state == "closed"),
        sa.select(sa.literal_column("'annual'"), AnnualAverage.curriculum_entry_id, sa.cast(sa.null(), sa.Integer),
                  sa.cast(AnnualAverage.value, number), AnnualAverage.calificativ)
        .where(AnnualAverage.enrolment_id.in_(enrolment_ids), AnnualAverage.state == "closed"),
        sa.select(sa.literal_column("'behaviour'"), sa.cast(sa.null(), sa.Integer), BehaviourMark.period_id,
                  sa.cast(BehaviourMark.value, number), BehaviourMark.calificativ)
        .where(BehaviourMark.enrolment_id.in_(enrolment_ids)),
    )).all()
    exemptions = db.session.execute(
        sa.select(Exemption.curriculum_entry_id, Exemption.period_id, Exemption.kind)
        .where(Exemption.enrolment_id.in_(enrolment_ids))
    ).all()
    year_result = None
    if period is None:
        year_result = db.session.execute(
            sa.select(YearResult.status, YearResult.general_average, YearResult.behaviour_average,
                      YearResult.behaviour_calificativ, YearResult.details)
            .where(YearResult.enrolment_id.in_(enrolment_ids), YearResult.state == "closed")
            .order_by(YearResult.id.desc()).limit(1)
        ).first()

    # One row per subject (a transfer mid-year shows the marks of both classes on one row).
    subject_of_entry = {entry_id: (subject_id, name) for entry_id, _class_id, subject_id, name in entries}
    period_index = {p[0]: index for index, p in enumerate(shown_periods)}
    subjects: dict[int, dict[str, Any]] = {}

    def subject_for(entry_id: int) -> dict[str, Any]:
        subject_id, name = subject_of_entry[entry_id]
        if subject_id not in subjects:
            subjects[subject_id] = {
                "name": name, "marks": [], "theses": [], "period_averages": ["" for _ in shown_periods],
                "annual_average": "", "exemption": "", "states": [],
            }
        return subjects[subject_id]

    for entry_id, class_id, _subject_id, _name in entries:
        if class_id == current[5]:
            subject_for(entry_id)
    for entry_id, period_of_mark, value, calificativ, given_on, kind, is_fraud in marks:
        row = subject_for(entry_id)
        mark = {"display": str(value) if value is not None else str(calificativ), "given_on": given_on,
                "kind": MARK_KIND_LABELS.get(kind, kind), "is_fraud": bool(is_fraud)}
        (row["theses"] if kind == "thesis" else row["marks"]).append(mark)
    behaviour = {p[0]: "" for p in shown_periods}
    for kind, entry_id, period_of_result, value, calificativ in results:
        whole = None if value is None else (Decimal(value).quantize(Decimal("0.01")) if kind == "annual" else int(value))
        text = result_text(whole, calificativ)
        if kind == "period" and period_of_result in period_index:
            subject_for(entry_id)["period_averages"][period_index[period_of_result]] = text
        elif kind == "annual" and period is None:
            subject_for(entry_id)["annual_average"] = text
        elif kind == "behaviour" and period_of_result in behaviour:
            behaviour[period_of_result] = text
    for entry_id, period_of_exemption, kind in exemptions:
        if period_of_exemption is None or period_of_exemption in period_index:
            subject_for(entry_id)["exemption"] = EXEMPTION_LABELS.get(kind, kind)
    for entry_id, state in absences:
        subject_for(entry_id)["states"].append(state)

    subject_rows = []
    all_states: list[str] = []
    for row in sorted(subjects.values(), key=lambda item: item["name"]):
        states = row.pop("states")
        all_states += states
        row["absences"] = _absence_counts(states)
        subject_rows.append(row)

    failing = [row["name"] for row in subject_rows
               if any(_is_failing(text) for text in row["period_averages"]) and period is not None]
    status = None
    if year_result is not None:
        details = year_result[4] or {}
        status = {
            "status": year_result[0],
            "label": YEAR_STATUS_TITLES.get(year_result[0], year_result[0]),
            "general_average": _general_average_text(year_result[1]),
            "behaviour_average": _general_average_text(year_result[2]) or
            CALIFICATIV_LABELS.get(year_result[3] or "", year_result[3] or ""),
            "failed_subjects": [str(name) for name in details.get("failed_subjects") or []],
            "deferred_subjects": [str(name) for name in details.get("deferred_subjects") or []],
        }
    has_period_average = get_ruleset(current[11] or current[4]).has_period_average
    class_master = f"{current[7]} {current[8]}" if current[7] else ""
    period_name = period.name if period is not None else "Anul școlar"
    return {
        "title": f"Situația școlară — {student.full_name}",
        "school": header,
        "student": {"full_name": student.full_name, "birth_date": student.birth_date},
        "class_name": current[6],
        "class_master": class_master,
        "year_name": year_name,
        "is_annual": period is None,
        "period_name": period_name,
        "periods": [{"name": p[1], "starts_on": p[2], "ends_on": p[3]} for p in shown_periods],
        "uses_calificative": current[9] == "calificative",
        "subjects": subject_rows,
        "absences": _absence_counts(all_states),
        "behaviour": [{"period": p[1], "value": behaviour[p[0]]} for p in shown_periods],
        "failing_subjects": failing,
        "open_subjects": [row["name"] for row in subject_rows
                          if period is not None and has_period_average and not row["exemption"]
                          and not all(row["period_averages"])],
        "status": status,
        "status_labels": dict(YEAR_STATUS_LABELS),
        "issued_on": today(),
        "footer": f"{header['name']} — situația școlară, {student.full_name}, {period_name} {year_name}",
    }


def _is_failing(text: str) -> bool:
    if not text:
        return False
    if text in CALIFICATIV_LABELS:
        return text == "I"
    return Decimal(text.replace(",", ".")) < 5


def render_student_report(student_id: int, period_id: int | None = None, year_id: int | None = None) -> bytes:
    """The PDF of `student_report_context`."""
    return render_pdf(TEMPLATE, student_report_context(student_id, period_id, year_id))
