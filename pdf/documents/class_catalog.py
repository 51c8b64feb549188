"""Catalogul clasei: the class register of one class and its school year, as the director prints,
signs and archives it at the end of the year (rules.md §6.1; decisions.md "Documents").

Layout (A4 landscape, DejaVu Sans Condensed): a cover page (school, year, class, class master,
the students' personal data, signatures), then exactly one page per student in the catalog's
order (Romanian alphabetical, students who left included with their status). A student page has
one row per subject: per period the marks with their dates in blue ("Nota/data", Art. 117(2)), the
teză and the period average in red (Art. 118(8), 120(6)), the absences with their dates ("m"
excused, "î" late arrival, Art. 102, 211(8)); then the annual average in red, the exemptions
("scutit medical", document number and date, Art. 123(2)); then behaviour per period and for the
year, absence totals and the year result (promovat / corigent / repetent / amânat).

Only closed (official) averages and results are printed; an open one is left blank.
The class's data is read in a fixed number of queries, whatever the class size.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timezone
from typing import Any

import sqlalchemy as sa

from pdf.documents import (
    ENROLMENT_STATUS_LABELS,
    YEAR_STATUS_LABELS,
    result_text,
    student_order_key,
)
from pdf.render import render_pdf
from schema.models import (
    Absence,
    AnnualAverage,
    BehaviourMark,
    CurriculumEntry,
    CurriculumThesis,
    Enrolment,
    Exemption,
    GradeLevel,
    Guardian,
    LearningPeriod,
    Mark,
    Motivation,
    PeriodAverage,
    School,
    SchoolClass,
    SchoolYear,
    Student,
    StudentGuardian,
    Subject,
    TeachingAssignment,
    User,
    YearResult,
    db,
)
from schema.rules import get_ruleset

TEMPLATE = "class_catalog.html"
EXAM_LABELS = {"exam": "ex.", "contestation": "contest."}
ABSENCE_SUFFIX = {"unexcused": "", "excused": " m", "late": " î"}
MOTIVATION_LABELS = {"medical": "medical", "parent_request": "cererea părintelui", "sports": "sport",
                     "olympiad": "olimpiadă", "representative": "reprezentare"}


class DocumentNotFound(LookupError):
    """The class (or student) does not exist."""


def _day(value: date) -> str:
    return value.strftime("%d.%m")


def _full_name(last: str, father_initial: str | None, first: str) -> str:
    return f"{last} {father_initial} {first}" if father_initial else f"{last} {first}"


def load_class_header(class_id: int) -> dict[str, Any]:
    """School, year, class, grade level and class master of a class, as plain values (one query)."""
    master = sa.orm.aliased(User)
    row = db.session.execute(
        sa.select(SchoolClass, SchoolYear, GradeLevel, School, master)
        .join(SchoolYear, SchoolYear.id == SchoolClass.year_id)
        .join(GradeLevel, GradeLevel.id == SchoolClass.grade_level_id)
        .join(School, School.id == SchoolClass.school_id)
        .outerjoin(master, master.id == SchoolClass.class_master_id)
        .where(SchoolClass.id == class_id)
    ).one_or_none()
    if row is None:
        raise DocumentNotFound(f"Clasa {class_id} nu există.")
    school_class, year, level, school, class_master = row
    ruleset = get_ruleset(level.ruleset or year.ruleset)
    return {
        "school": {"name": school.name, "siiir_code": school.siiir_code, "county": school.county,
                   "locality": school.locality, "address": school.address or ""},
        "year": {"id": year.id, "name": year.name, "is_closed": year.is_closed,
                 "starts_on": year.starts_on, "ends_on": year.ends_on},
        "school_class": {"id": school_class.id, "name": school_class.name, "grade": level.name,
                         "scale": level.evaluation_scale,
                         "profile": ", ".join(label for flag, label in (
                             (school_class.is_pedagogical, "pedagogic"), (school_class.is_theological, "teologic"),
                             (school_class.is_military, "militar"), (school_class.is_artistic, "artistic"),
                             (school_class.is_sports, "sportiv")) if flag)},
        "class_master": class_master.full_name if class_master is not None else "",
        "ruleset": {"name": ruleset.name, "has_period_average": ruleset.has_period_average},
    }


def class_catalog_context(class_id: int) -> dict[str, Any]:
    """Everything the printed catalog of one class shows, as plain values (a fixed 15 queries, whatever the class size)."""
    header = load_class_header(class_id)
    year_id = header["year"]["id"]
    periods = db.session.execute(
        sa.select(LearningPeriod.id, LearningPeriod.name, LearningPeriod.ordinal)
        .where(LearningPeriod.year_id == year_id).order_by(LearningPeriod.ordinal)
    ).all()

    enrolments = db.session.execute(
        sa.select(Enrolment.id, Enrolment.status, Enrolment.starts_on, Enrolment.ends_on, Enrolment.end_reason,
                  Student.id.label("student_id"), Student.last_name, Student.first_name, Student.father_initial,
                  Student.cnp, Student.sex, Student.birth_date, Student.birth_place, Student.citizenship,
                  Student.address, Student.commuter_arrival_time)
        .join(Student, Student.id == Enrolment.student_id)
        .where(Enrolment.class_id == class_id)
    ).all()
    enrolments = sorted(enrolments, key=lambda e: (*student_order_key(e.last_name, e.first_name, e.student_id), e.id))
    in_class = sa.select(Enrolment.id).where(Enrolment.class_id == class_id)
    students_in_class = sa.select(Enrolment.student_id).where(Enrolment.class_id == class_id)

    guardians: dict[int, list[str]] = defaultdict(list)
    for student_id, kind, last, first in db.session.execute(
        sa.select(StudentGuardian.student_id, StudentGuardian.kind, Guardian.last_name, Guardian.first_name)
        .join(Guardian, Guardian.id == StudentGuardian.guardian_id)
        .where(StudentGuardian.student_id.in_(students_in_class))
        .order_by(StudentGuardian.student_id, StudentGuardian.id)
    ):
        guardians[student_id].append(f"{kind}: {last} {first}")

    entries = db.session.execute(
        sa.select(CurriculumEntry.id, Subject.name, Subject.is_physical_education, Subject.is_religion)
        .join(Subject, Subject.id == CurriculumEntry.subject_id)
        .where(CurriculumEntry.class_id == class_id)
    ).all()
    entries = sorted(entries, key=lambda e: student_order_key(e.name, "", e.id))
    teachers: dict[int, list[str]] = defaultdict(list)
    for entry_id, last, first in db.session.execute(
        sa.select(TeachingAssignment.curriculum_entry_id, User.last_name, User.first_name)
        .join(User, User.id == TeachingAssignment.teacher_id)
        .join(CurriculumEntry, CurriculumEntry.id == TeachingAssignment.curriculum_entry_id)
        .where(CurriculumEntry.class_id == class_id)
        .order_by(TeachingAssignment.id)
    ):
        teachers[entry_id].append(f"{last} {first}")
    thesis_periods = set(db.session.execute(
        sa.select(CurriculumThesis.curriculum_entry_id, CurriculumThesis.period_id)
        .join(CurriculumEntry, CurriculumEntry.id == CurriculumThesis.curriculum_entry_id)
        .where(CurriculumEntry.class_id == class_id)
    ).all())

    marks: dict[tuple[int, int, int], list[tuple]] = defaultdict(list)
    for row in db.session.execute(
        sa.select(Mark.enrolment_id, Mark.curriculum_entry_id, Mark.period_id, Mark.value, Mark.calificativ,
                  Mark.given_on, Mark.kind, Mark.is_fraud, Mark.id)
        .where(Mark.class_id == class_id).order_by(Mark.given_on, Mark.id)
    ):
        marks[(row.enrolment_id, row.curriculum_entry_id, row.period_id)].append(row)

    absences: dict[tuple[int, int, int], list[tuple]] = defaultdict(list)
    absence_totals: dict[int, dict[str, int]] = defaultdict(lambda: {"unexcused": 0, "excused": 0, "late": 0})
    for row in db.session.execute(
        sa.select(Absence.enrolment_id, Absence.curriculum_entry_id, Absence.period_id, Absence.occurred_on,
                  Absence.lesson_hour, Absence.state)
        .where(Absence.class_id == class_id).order_by(Absence.occurred_on, Absence.lesson_hour)
    ):
        absences[(row.enrolment_id, row.curriculum_entry_id, row.period_id)].append(row)
        absence_totals[row.enrolment_id][row.state] += 1

    motivations: dict[int, list[str]] = defaultdict(list)
    for row in db.session.execute(
        sa.select(Motivation.enrolment_id, Motivation.kind, Motivation.document_number, Motivation.document_date,
                  Motivation.covers_from, Motivation.covers_to, Motivation.hours)
        .where(Motivation.enrolment_id.in_(in_class)).order_by(Motivation.covers_from, Motivation.id)
    ):
        span = _day(row.covers_from) if row.covers_from == row.covers_to else \
            f"{_day(row.covers_from)}–{_day(row.covers_to)}"
        motivations[row.enrolment_id].append(
            f"{span} ({MOTIVATION_LABELS.get(row.kind, row.kind)}, doc. nr. {row.document_number} din "
            f"{row.document_date:%d.%m.%Y}, {row.hours} ore)")

    period_averages = {
        (row.enrolment_id, row.curriculum_entry_id, row.period_id): result_text(row.value, row.calificativ)
        for row in db.session.execute(
            sa.select(PeriodAverage.enrolment_id, PeriodAverage.curriculum_entry_id, PeriodAverage.period_id,
                      PeriodAverage.value, PeriodAverage.calificativ)
            .where(PeriodAverage.class_id == class_id, PeriodAverage.state == "closed")
        )
    }
    annual_averages = {
        (row.enrolment_id, row.curriculum_entry_id): result_text(row.value, row.calificativ)
        for row in db.session.execute(
            sa.select(AnnualAverage.enrolment_id, AnnualAverage.curriculum_entry_id, AnnualAverage.value,
                      AnnualAverage.calificativ)
            .where(AnnualAverage.class_id == class_id, AnnualAverage.state == "closed")
        )
    }
    behaviour = {
        (row.enrolment_id, row.period_id): result_text(row.value, row.calificativ)
        for row in db.session.execute(
            sa.select(BehaviourMark.enrolment_id, BehaviourMark.period_id, BehaviourMark.value,
                      BehaviourMark.calificativ)
            .where(BehaviourMark.enrolment_id.in_(in_class))
        )
    }
    results = {
        row.enrolment_id: row
        for row in db.session.execute(
            sa.select(YearResult.enrolment_id, YearResult.status, YearResult.general_average,
                      YearResult.behaviour_average, YearResult.behaviour_calificativ, YearResult.details)
            .where(YearResult.enrolment_id.in_(in_class), YearResult.state == "closed")
        )
    }
    period_names = {p.id: p.name for p in periods}
    exemptions: dict[tuple[int, int], list[str]] = defaultdict(list)
    for row in db.session.execute(
        sa.select(Exemption.enrolment_id, Exemption.curriculum_entry_id, Exemption.kind, Exemption.period_id,
                  Exemption.document_number, Exemption.document_date, Exemption.effective_on)
        .where(Exemption.class_id == class_id).order_by(Exemption.id)
    ):
        scope = f"în {period_names.get(row.period_id, '')}" if row.period_id else "în anul școlar"
        if row.kind == "pe_medical":
            text = (f"scutit medical {scope} {header['year']['name']}, doc. nr. {row.document_number} "
                    f"din {row.document_date:%d.%m.%Y}")
        else:
            text = f"nu frecventează ora de religie (cerere din {row.effective_on:%d.%m.%Y})"
        exemptions[(row.enrolment_id, row.curriculum_entry_id)].append(text)

    has_average = header["ruleset"]["has_period_average"]
    columns = [
        {"id": p.id, "name": p.name,
         "thesis": any(period_id == p.id for _entry, period_id in thesis_periods)
         or any(m.kind == "thesis" for key, rows in marks.items() if key[2] == p.id for m in rows),
         "average": has_average}
        for p in periods
    ]

    # Column widths (percent of the page): subject 12, annual 4, notes; per period the marks get
    # three fifths of what the fixed columns leave and the absences two fifths.
    fixed = 12 + 4 + 10 + sum(4 * c["thesis"] + 3 * c["average"] for c in columns)
    per_period = (100 - fixed) / max(1, len(columns))
    widths = {"marks_width": int(per_period * 0.6), "absences_width": int(per_period * 0.4), "notes_width": 10}

    students = []
    for number, enrolment in enumerate(enrolments, start=1):
        subjects = []
        for entry in entries:
            cells = []
            for column in columns:
                rows = marks.get((enrolment.id, entry.id, column["id"]), [])
                cells.append({
                    "marks": [{"text": f"{result_text(m.value, m.calificativ)}/{_day(m.given_on)}",
                               "fraud": m.is_fraud, "label": EXAM_LABELS.get(m.kind, "")}
                              for m in rows if m.kind != "thesis"],
                    "thesis": " ".join(f"{result_text(m.value, m.calificativ)}/{_day(m.given_on)}"
                                       for m in rows if m.kind == "thesis"),
                    "average": period_averages.get((enrolment.id, entry.id, column["id"]), ""),
                    "absences": ", ".join(f"{_day(a.occurred_on)}{ABSENCE_SUFFIX[a.state]}"
                                          for a in absences.get((enrolment.id, entry.id, column["id"]), [])),
                })
            subjects.append({
                "name": entry.name,
                "teachers": ", ".join(teachers.get(entry.id, [])),
                "periods": cells,
                "annual": annual_averages.get((enrolment.id, entry.id), ""),
                "notes": "; ".join(exemptions.get((enrolment.id, entry.id), [])),
            })
        result = results.get(enrolment.id)
        totals = absence_totals[enrolment.id]
        details = (result.details or {}) if result is not None else {}
        students.append({
            "number": number,
            "name": _full_name(enrolment.last_name, enrolment.father_initial, enrolment.first_name),
            "cnp": enrolment.cnp,
            "sex": enrolment.sex,
            "birth_date": enrolment.birth_date,
            "birth_place": enrolment.birth_place or "",
            "citizenship": enrolment.citizenship or "",
            "address": enrolment.address or "",
            "guardians": "; ".join(guardians.get(enrolment.student_id, [])),
            "commuter_arrival": enrolment.commuter_arrival_time.strftime("%H:%M")
            if enrolment.commuter_arrival_time else "",
            "status": ENROLMENT_STATUS_LABELS.get(enrolment.status, enrolment.status),
            "starts_on": enrolment.starts_on,
            "ends_on": enrolment.ends_on,
            "end_reason": enrolment.end_reason or "",
            "subjects": subjects,
            "behaviour": [behaviour.get((enrolment.id, p.id), "") for p in periods],
            "behaviour_annual": result_text(result.behaviour_average, result.behaviour_calificativ) if result else "",
            "absences": {"total": totals["unexcused"] + totals["excused"], **totals},
            "motivations": motivations.get(enrolment.id, []),
            "result": {
                "status": YEAR_STATUS_LABELS.get(result.status, result.status),
                "general_average": result_text(result.general_average, None),
                "failed_subjects": ", ".join(details.get("failed_subjects") or []),
                "deferred_subjects": ", ".join(details.get("deferred_subjects") or []),
                "reason": details.get("reason") or "",
            } if result is not None else None,
        })

    return {
        **header,
        "title": f"Catalogul clasei {header['school_class']['name']}, anul școlar {header['year']['name']}",
        "periods": columns,
        **widths,
        "subject_count": len(entries),
        "students": students,
        "generated_at": datetime.now(timezone.utc).astimezone().strftime("%d.%m.%Y %H:%M"),
        "footer": f"Catalogul clasei {header['school_class']['name']}, {header['year']['name']}, "
                  f"{header['school']['name']}",
    }


def render_class_catalog(class_id: int) -> bytes:
    """The catalog of one class as PDF bytes."""
    return render_pdf(TEMPLATE, class_catalog_context(class_id))


__all__ = ["DocumentNotFound", "class_catalog_context", "load_class_header", "render_class_catalog"]
