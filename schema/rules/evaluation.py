"""Staff annual evaluation: sheet arithmetic, rating grids, eligibility and deadlines
(002 "Evaluarea personalului didactic/nedidactic", "Grila de punctaj", "Înregistrarea și
rezolvarea contestațiilor"; rules.md §9; decisions.md "Staff evaluation" A37).

Decisions (docs/decisions.md "Staff evaluation"):

- Every score is kept with at most 2 decimals; a value with more is refused, never rounded.
- Teaching staff: the sheet's total is the sum of the criterion points (each between 0 and the
  criterion's maximum; the criteria of a campaign total 100). Rating on the half-open bands
  >= 85 / >= 71 / >= 61 / below (decisions.md A37), so 60.99 is Nesatisfăcător.
- Non-teaching staff: the final mark is the arithmetic mean of the criterion marks (1-5) **cut to
  2 decimals without rounding** (`trunc2`), as every average of the catalog is ("două zecimale
  exacte, fără rotunjire", 001 Art. 120), then rated on the 2-decimal bands of R-EVN-06:
  1.00-2.00 nesatisfăcător, 2.01-3.50 satisfăcător, 3.51-4.50 bine, 4.51-5.00 foarte bine.
  So a mean of 4.5066... is 4.50, "bine": the employee gets the band their mark reaches
  in full, which closes the gaps of the source grid without moving its printed boundaries.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from schema.rules.rounding import mean, trunc2
from schema.rules.staff import (
    BINE,
    FOARTE_BINE,
    NESATISFACATOR,
    NON_TEACHING_TOP,
    SATISFACATOR,
    non_teaching_contestation_deadlines,
    non_teaching_rating as _non_teaching_band,
    non_teaching_result_deadline,
    teaching_staff_rating,
)
from schema.rules.validation import as_decimal
from schema.rules.working_days import add_working_days

#: Ratings, best first (statistics columns, PDF legends).
TEACHING_RATINGS = (FOARTE_BINE, BINE, SATISFACATOR, NESATISFACATOR)
NON_TEACHING_RATINGS = (NON_TEACHING_TOP, "bine", "satisfăcător", "nesatisfăcător")

#: The total of a teaching-staff sheet's maximum points (002 "Grila de punctaj": up to 100).
TEACHING_SHEET_TOTAL = Decimal(100)
MIN_NON_TEACHING_MARK = Decimal(1)
MAX_NON_TEACHING_MARK = Decimal(5)
#: Days within which the board's decision reaches an absent employee (R-EVS-09: "în termen de 3 zile").
ABSENT_COMMUNICATION_DAYS = 3
#: Months of activity / after resuming before an evaluation (R-EVN-03).
MINIMUM_ACTIVITY_MONTHS = 6

__all__ = [
    "ABSENT_COMMUNICATION_DAYS",
    "NON_TEACHING_RATINGS",
    "TEACHING_RATINGS",
    "TEACHING_SHEET_TOTAL",
    "EmploymentFacts",
    "absent_communication_deadline",
    "add_months",
    "eligibility_exception",
    "non_teaching_contestation_deadlines",
    "non_teaching_final_mark",
    "non_teaching_rating",
    "non_teaching_result_deadline",
    "parse_score",
    "sheet_total",
    "teaching_contestation_deadlines",
    "teaching_rating",
]

HUNDREDTH = Decimal("0.01")


def parse_score(
    value: object, *, minimum: Decimal = Decimal(0), maximum: Decimal | None, what: str = "score"
) -> Decimal:
    """A score typed by a person: int, Decimal or text with a comma or a dot ("12,5").

    Raises ValueError (with `what` in the message) when it is not a number, has more than 2
    decimals or lies outside [minimum, maximum]. Floats are refused (TypeError), as everywhere.
    """
    if isinstance(value, str):
        text = value.strip().replace(",", ".")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"{what}: {value!r} is not a number") from None
    else:
        number = as_decimal(value, what)
    if not number.is_finite():
        raise ValueError(f"{what}: {value!r} is not a number")
    if number != number.quantize(HUNDREDTH):
        raise ValueError(f"{what}: {value!r} has more than 2 decimals")
    if number < minimum or (maximum is not None and number > maximum):
        raise ValueError(f"{what}: {value!r} is outside {minimum}..{maximum}")
    return number.quantize(HUNDREDTH)


def sheet_total(scores: Iterable[int | Decimal]) -> Decimal:
    """A teaching-staff sheet's score: the sum of the criterion points (002 "fișa de evaluare")."""
    total = Decimal(0)
    for score in scores:
        total += as_decimal(score, "score")
    return total.quantize(HUNDREDTH)


def teaching_rating(score: int | Decimal) -> str:
    """The annual rating of teaching/auxiliary staff from the final score (0-100).

    002 "Grila de punctaj" (R-EVS-08) with the half-open bands of decisions.md A37:
    >= 85 Foarte bine; >= 71 Bine; >= 61 Satisfăcător; < 61 Nesatisfăcător.
    """
    return teaching_staff_rating(score)


def non_teaching_final_mark(marks: Iterable[int | Decimal]) -> Decimal:
    """The evaluator's final mark: the arithmetic mean of the criterion marks (R-EVN-05), cut to
    2 decimals without rounding (module docstring). Every mark must lie in 1..5."""
    values = [as_decimal(mark, "mark") for mark in marks]
    if not values:
        raise ValueError("a final mark needs at least one criterion mark")
    for value in values:
        if not MIN_NON_TEACHING_MARK <= value <= MAX_NON_TEACHING_MARK:
            raise ValueError(f"mark must be between 1 and 5, got {value}")
    return trunc2(mean(values))


def non_teaching_rating(mark: int | Decimal) -> str:
    """The non-teaching rating of a final mark (R-EVN-06, decisions.md A37): <= 2.00
    nesatisfăcător; <= 3.50 satisfăcător; <= 4.50 bine; above foarte bine. The mark is first cut
    to 2 decimals, so 4.5066 rates like 4.50 ("bine")."""
    return _non_teaching_band(trunc2(as_decimal(mark, "mark")))


def absent_communication_deadline(board_day: date) -> date:
    """The last day to communicate the board's decision to an employee absent from its meeting:
    3 (calendar) days after the meeting (002, after the grid; R-EVS-09)."""
    return board_day + timedelta(days=ABSENT_COMMUNICATION_DAYS)


def teaching_contestation_deadlines(communication_deadline: date, holidays: Collection[date]) -> tuple[date, date]:
    """(last day to file, last day to solve) of a teaching/auxiliary contestation.

    R-EVS-10: registered within 2 working days from the expiry of the deadline for granting and
    communicating the rating; R-EVS-12: solved within 3 working days from the expiry of the filing
    deadline. Weekends and `holidays` do not count.
    """
    filing = add_working_days(communication_deadline, 2, holidays)
    return filing, add_working_days(filing, 3, holidays)


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it is shorter: 31 Aug + 6 -> 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    next_month = date(year + month // 12, month % 12 + 1, 1)
    return date(year, month, min(day.day, (next_month - timedelta(days=1)).day))


@dataclass(frozen=True)
class EmploymentFacts:
    """What the eligibility rule needs to know about an employee (StaffMember's columns)."""

    employment_started_on: date
    employment_ended_on: date | None = None
    is_debutant: bool = False
    probation_ends_on: date | None = None
    contract_suspended: bool = False
    suspension_resumed_on: date | None = None
    long_absence_resumed_on: date | None = None


def _ro(day: date) -> str:
    return f"{day:%d.%m.%Y}"


def eligibility_exception(facts: EmploymentFacts, evaluated_from: date, evaluated_to: date, on_day: date) -> str | None:
    """Why this non-teaching employee may not be evaluated now (Romanian), or None (R-EVN-03).

    002 "Evaluarea personalului nedidactic": evaluated are employees with at least 6 months of
    activity in the evaluated period; excepted are (a) debutants, until their probation ends;
    (b) suspended contracts, until 6 months after resuming; (c) employees without activity in the
    last 12 months (sick, maternity, childcare, unpaid leave), until 6 months after resuming.
    """
    if facts.is_debutant and (facts.probation_ends_on is None or on_day < facts.probation_ends_on):
        end = f" (se încheie la {_ro(facts.probation_ends_on)})" if facts.probation_ends_on else ""
        return (
            "Salariatul este angajat ca debutant și este încă în perioada de stagiu"
            f"{end}: evaluarea se face după expirarea stagiului de debutant (procedura de evaluare, excepția a)."
        )
    if facts.contract_suspended:
        return (
            "Contractul individual de muncă al salariatului este suspendat: evaluarea se face după cel puțin "
            "6 luni de la reluarea activității (procedura de evaluare, excepția b)."
        )
    if facts.suspension_resumed_on is not None:
        allowed = add_months(facts.suspension_resumed_on, MINIMUM_ACTIVITY_MONTHS)
        if on_day < allowed:
            return (
                f"Salariatul și-a reluat activitatea la {_ro(facts.suspension_resumed_on)}, după suspendarea "
                f"contractului: poate fi evaluat după cel puțin 6 luni de la reluare, adică de la {_ro(allowed)} "
                "(procedura de evaluare, excepția b)."
            )
    if facts.long_absence_resumed_on is not None:
        allowed = add_months(facts.long_absence_resumed_on, MINIMUM_ACTIVITY_MONTHS)
        if on_day < allowed:
            return (
                f"Salariatul nu a prestat activitate 12 luni și și-a reluat-o la {_ro(facts.long_absence_resumed_on)}: "
                f"evaluarea se face după 6–12 luni de la reluare, adică de la {_ro(allowed)} "
                "(procedura de evaluare, excepția c)."
            )
    worked_from = max(facts.employment_started_on, evaluated_from)
    worked_to = min(facts.employment_ended_on or evaluated_to, evaluated_to)
    if worked_from > worked_to or add_months(worked_from, MINIMUM_ACTIVITY_MONTHS) > worked_to + timedelta(days=1):
        return (
            f"Salariatul a lucrat mai puțin de 6 luni în perioada evaluată ({_ro(evaluated_from)}–{_ro(evaluated_to)}): "
            "pot fi evaluați doar salariații cu cel puțin 6 luni de activitate în această perioadă."
        )
    return None
