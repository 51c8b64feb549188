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
