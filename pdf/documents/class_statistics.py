"""Class statistics (rules.md §6.8; decisions.md "Documents"): aggregates of one class for one
period or for the whole year, never a name (R-ACC-08).

- the distribution of the closed averages per subject (bands under 5 … 9–10, or FB/B/S/I);
- how many averages are under 5 per subject, and how many students have at least one;
- absences: unexcused, excused, late arrivals, and per student;
- closing progress (closed averages against the expected ones);
- for the whole year: the results (promovat / corigent / repetent / amânat) and the mean of the
  general averages.

The first three reuse the GROUP BY queries of views/statistics.py (read-only). One A4 portrait page
for a class of up to 20 subjects.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa

from pdf.documents import YEAR_STATUS_LABELS, result_text
from pdf.documents.class_catalog import DocumentNotFound, load_class_header
from pdf.render import render_pdf
from schema import rules
from schema.models import AnnualAverage, Enrolment, LearningPeriod, PeriodAverage, SchoolYear, YearResult, db
from views.statistics import BANDS, CALIFICATIVE, ClassInfo, _absences, _closing, _distribution

TEMPLATE = "class_statistics.html"


def class_statistics_context(class_id: int, period_id: int | None) -> dict[str, Any]:
    """The aggregates of one class for a period (or the year, period_id None), as plain values."""
    header = load_class_header(class_id)
    year = db.session.get(SchoolYear, header["year"]["id"])
    period = None
    if period_id is not None:
        period = db.session.get(LearningPeriod, period_id)
        if period is None or period.year_id != year.id:
            raise DocumentNotFound(f"Perioada {period_id} nu aparține anului clasei.")
    info = {class_id: ClassInfo(class_id, header["school_class"]["name"], header["ruleset"]["has_period_average"])}
    students = db.session.scalar(
        sa.select(sa.func.count()).where(Enrolment.class_id == class_id, Enrolment.status == "active"))
    marks, calificative = _distribution([class_id], period, info)
    absence = _absences([class_id], period, info, {class_id: students})[0]
    closing = _closing(year, period, info)[0]

    model = PeriodAverage if period is not None else AnnualAverage
    failing = sa.select(model.enrolment_id).where(
        model.class_id == class_id, model.state == "closed",
        sa.or_(model.value < 5, model.calificativ == "I"))
    if period is not None:
        failing = failing.where(PeriodAverage.period_id == period.id)
    students_under_five = db.session.scalar(sa.select(sa.func.count(sa.distinct(failing.subquery().c.enrolment_id))))

    results: dict[str, int] = {}
    general_mean = ""
    if period is None:
        counted: Counter = Counter()
        generals = []
        for status, general in db.session.execute(
            sa.select(YearResult.status, YearResult.general_average)
            .join(Enrolment, Enrolment.id == YearResult.enrolment_id)
            .where(Enrolment.class_id == class_id, YearResult.state == "closed")
        ):
            counted[status] += 1
            if general is not None:
                generals.append(general)
        results = {YEAR_STATUS_LABELS[key]: counted.get(key, 0) for key in YEAR_STATUS_LABELS}
        if generals:
            general_mean = result_text(rules.trunc2(rules.mean(generals)), None)

    def rows(items: list, keys: tuple) -> list[dict[str, Any]]:
        return [{"subject": row.subject, "counts": [row.counts.get(key, 0) for key, _label in keys],
                 "total": row.total} for row in items]

    scope = period.name if period is not None else "anul școlar (medii anuale)"
    return {
        **header,
        "title": f"Statistici — clasa {header['school_class']['name']}, {header['year']['name']}",
        "scope": scope,
        "students": students,
        "bands": [label for _key, label in BANDS],
        "marks": rows(marks, BANDS),
        "calificative_labels": [label for _key, label in CALIFICATIVE],
        "calificative": rows(calificative, CALIFICATIVE),
        "under_five": [{"subject": row.subject, "count": row.counts.get("lt5", 0)}
                       for row in marks if row.counts.get("lt5", 0)],
        "students_under_five": students_under_five,
        "absences": {"unexcused": absence.unexcused, "excused": absence.excused, "late": absence.late,
                     "total": absence.total,
                     "unexcused_per_student": result_text(absence.per_student(absence.unexcused), None),
                     "total_per_student": result_text(absence.per_student(absence.total), None)},
        "closing": {"applies": closing.applies, "closed": closing.closed, "expected": closing.expected,
                    "percent": closing.percent},
        "results": results,
        "general_mean": general_mean,
        "generated_at": datetime.now(timezone.utc).astimezone().strftime("%d.%m.%Y %H:%M"),
        "footer": f"Statistici, clasa {header['school_class']['name']}, {header['year']['name']}, {scope}",
    }


def render_class_statistics(class_id: int, period_id: int | None) -> bytes:
    """The class statistics as PDF bytes."""
    return render_pdf(TEMPLATE, class_statistics_context(class_id, period_id))
