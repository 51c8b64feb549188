"""Reads the operations share."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from schema.errors import InvariantViolation
from schema.models import LearningPeriod, db


def period_on(year_id: int, day: date) -> LearningPeriod:
    """The learning period of a school year that contains `day`; holidays have none."""
    period = db.session.scalar(
        sa.select(LearningPeriod).where(
            LearningPeriod.year_id == year_id,
            LearningPeriod.starts_on <= day,
            LearningPeriod.ends_on >= day,
        )
    )
    if period is None:
        raise InvariantViolation(
            "date_outside_period",
            f"Data {day:%d.%m.%Y} nu se află în nicio perioadă de învățare a anului școlar (vacanță sau alt an).",
            "The date lies in no learning period of the school year.",
        )
    return period


def require_period_open(enrolment_id: int, curriculum_entry_id: int, period_id: int) -> None:
    """Marks and absences of a closed average are locked (rules.md §3.16): refuse while the
    period average or the annual average of that subject is closed."""
    from schema.models import AnnualAverage, PeriodAverage

    closed_period = db.session.scalar(
        sa.select(PeriodAverage.id).where(
            PeriodAverage.enrolment_id == enrolment_id,
            PeriodAverage.curriculum_entry_id == curriculum_entry_id,
            PeriodAverage.period_id == period_id,
            PeriodAverage.state == "closed",
        )
    )
    closed_year = db.session.scalar(
        sa.select(AnnualAverage.id).where(
            AnnualAverage.enrolment_id == enrolment_id,
            AnnualAverage.curriculum_entry_id == curriculum_entry_id,
            AnnualAverage.state == "closed",
        )
    )
    if closed_period is not None or closed_year is not None:
        raise InvariantViolation(
            "average_closed",
            "Media la această disciplină este încheiată: notele și absențele nu se mai pot modifica. "
            "Cereți directorului redeschiderea, cu motiv.",
            "The average is closed; marks and absences are locked until the director approves a reopening.",
        )


def require_same_class(enrolment: object, entry: object) -> None:
    """The subject (curriculum entry) belongs to the student's class."""
    if enrolment.class_id != entry.class_id:
        raise InvariantViolation(
            "subject_not_in_class",
            "Clasa elevului nu studiază această disciplină (nu există în planul de învățământ al clasei).",
            "The student's class does not study this subject.",
        )
