"""Staff annual evaluation: rating grids and contestation deadlines (rules.md §9, decisions.md A37)."""

import datetime
from collections.abc import Collection
from decimal import Decimal

from schema.rules.validation import as_count, as_decimal

FOARTE_BINE = "Foarte bine"
BINE = "Bine"
SATISFACATOR = "Satisfăcător"
NESATISFACATOR = "Nesatisfăcător"

# Teaching staff: (lowest score of the band, rating), highest band first.
TEACHING_BANDS: tuple[tuple[Decimal, str], ...] = (
    (Decimal(85), FOARTE_BINE),
    (Decimal(71), BINE),
    (Decimal(61), SATISFACATOR),
)
# Non-teaching staff: (highest mark of the band, rating), lowest band first.
NON_TEACHING_BANDS: tuple[tuple[Decimal, str], ...] = (
    (Decimal("2.00"), "nesatisfăcător"),
    (Decimal("3.50"), "satisfăcător"),
    (Decimal("4.50"), "bine"),
)
NON_TEACHING_TOP = "foarte bine"

TEACHING_FILING_WORKING_DAYS = 2
TEACHING_SOLVING_WORKING_DAYS = 3
NON_TEACHING_FILING_DAYS = 5
NON_TEACHING_SOLVING_DAYS = 15
NON_TEACHING_COMMUNICATION_DAYS = 5


def teaching_staff_rating(score: int | Decimal) -> str:
    """Annual rating of teaching and auxiliary teaching staff from the final score (0-100).

    Rule: 002 "Grila de punctaj" (R-EVS-08) with the half-open bands of decisions.md A37:
    >= 85 Foarte bine; >= 71 Bine; >= 61 Satisfăcător; < 61 Nesatisfăcător. W-29: 85.00 ->
    Foarte bine, 84.99 -> Bine, 70.99 -> Satisfăcător, 60.99 -> Nesatisfăcător (decisions.md).
    """
    value = as_decimal(score, "score")
    if not 0 <= value <= 100:
        raise ValueError(f"score must be between 0 and 100, got {score}")
    for lowest, rating in TEACHING_BANDS:
        if value >= lowest:
            return rating
    return NESATISFACATOR


def non_teaching_rating(mark: int | Decimal) -> str:
    """Annual rating of non-teaching staff from the evaluator's final mark (1-5).

    Rule: 002 "Evaluarea personalului nedidactic" (R-EVN-06) with decisions.md A37:
    <= 2.00 nesatisfăcător; <= 3.50 satisfăcător; <= 4.50 bine; above that foarte bine.
    W-30: 2.00 -> nesatisfăcător, 2.01 -> satisfăcător, 4.51 -> foarte bine.
    """
    value = as_decimal(mark, "mark")
    if not 1 <= value <= 5:
        raise ValueError(f"mark must be between 1 and 5, got {mark}")
    for highest, rating in NON_TEACHING_BANDS:
        if value <= highest:
            return rating
    return NON_TEACHING_TOP


def add_working_days(
    start: datetime.date,
    working_days: int,
    *,
    holidays: Collection[datetime.date] = frozenset(),
) -> datetime.date:
    """The date ``working_days`` working days after ``start`` (Monday-Friday, minus ``holidays``).

    Used for the "zile lucrătoare" deadlines of 002 (R-EVS-10, R-EVS-12). Public holidays
    are the caller's to pass.
    """
    if not isinstance(start, datetime.date):
        raise TypeError(f"start must be a datetime.date, got {type(start).__name__}")
    remaining = as_count(working_days, "working_days")
    day = start
    while remaining:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5 and day not in holidays:
            remaining -= 1
    return day


def teaching_contestation_deadlines(
    ratings_deadline: datetime.date,
    *,
    holidays: Collection[datetime.date] = frozenset(),
) -> tuple[datetime.date, datetime.date]:
    """``(filing deadline, solving deadline)`` of a teaching-staff rating contestation.

    Rule: 002 "Înregistrarea și rezolvarea contestațiilor" (R-EVS-10, R-EVS-12): filed at the
    secretariat within 2 working days after the deadline for granting and communicating the
    ratings; solved within 3 working days after the filing deadline (W-31).
    """
    filing = add_working_days(ratings_deadline, TEACHING_FILING_WORKING_DAYS, holidays=holidays)
    solving = add_working_days(filing, TEACHING_SOLVING_WORKING_DAYS, holidays=holidays)
    return filing, solving


def non_teaching_contestation_deadlines(learned_on: datetime.date) -> tuple[datetime.date, datetime.date]:
    """``(filing deadline, solving deadline)`` of a non-teaching rating contestation, in calendar days.

    Rule: 002 "Evaluarea personalului nedidactic" (R-EVN-09): filed within 5 calendar days
    of learning the rating; solved within 15 calendar days after the filing deadline (W-31).
    The result is then communicated within 5 days: ``non_teaching_result_deadline``.
    """
    if not isinstance(learned_on, datetime.date):
        raise TypeError(f"learned_on must be a datetime.date, got {type(learned_on).__name__}")
    filing = learned_on + datetime.timedelta(days=NON_TEACHING_FILING_DAYS)
    solving = filing + datetime.timedelta(days=NON_TEACHING_SOLVING_DAYS)
    return filing, solving


def non_teaching_result_deadline(solved_on: datetime.date) -> datetime.date:
    """Last day to communicate a non-teaching contestation's result: 5 calendar days after it is solved (R-EVN-09)."""
    if not isinstance(solved_on, datetime.date):
        raise TypeError(f"solved_on must be a datetime.date, got {type(solved_on).__name__}")
    return solved_on + datetime.timedelta(days=NON_TEACHING_COMMUNICATION_DAYS)
