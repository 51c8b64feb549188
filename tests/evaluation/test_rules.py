"""Pure rules of the staff evaluation: rating grids, non-teaching mean, working days, public
holidays, deadlines and eligibility (002; rules.md §9; decisions.md A37). No database."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from schema.rules.evaluation import (
    NON_TEACHING_RATINGS,
    TEACHING_RATINGS,
    EmploymentFacts,
    absent_communication_deadline,
    add_months,
    eligibility_exception,
    non_teaching_contestation_deadlines,
    non_teaching_final_mark,
    non_teaching_rating,
    parse_score,
    sheet_total,
    teaching_contestation_deadlines,
    teaching_rating,
)
from schema.rules.working_days import add_working_days, is_working_day, orthodox_easter, romanian_public_holidays


@pytest.mark.parametrize(
    ("score", "rating"),
    [
        ("100", "Foarte bine"),
        ("85.00", "Foarte bine"),
        ("84.99", "Bine"),
        ("71.00", "Bine"),
        ("70.99", "Satisfăcător"),
        ("61.00", "Satisfăcător"),
        ("60.99", "Nesatisfăcător"),
        ("60.50", "Nesatisfăcător"),
        ("0", "Nesatisfăcător"),
    ],
)
def test_teaching_grid_at_every_boundary(score: str, rating: str) -> None:
    assert teaching_rating(Decimal(score)) == rating


@pytest.mark.parametrize(
    ("mark", "rating"),
    [
        ("1.00", "nesatisfăcător"),
        ("2.00", "nesatisfăcător"),
        ("2.01", "satisfăcător"),
        ("3.50", "satisfăcător"),
        ("3.51", "bine"),
        ("4.50", "bine"),
        ("4.51", "foarte bine"),
        ("5.00", "foarte bine"),
    ],
)
def test_non_teaching_grid_at_every_boundary(mark: str, rating: str) -> None:
    assert non_teaching_rating(Decimal(mark)) == rating


def test_non_teaching_mean_is_cut_to_two_decimals_before_the_bands() -> None:
    # (4.52 + 4.50 + 4.50) / 3 = 4.50666...: cut to 4.50 -> "bine" (rounding would give 4.51 -> foarte bine).
    mark = non_teaching_final_mark([Decimal("4.52"), Decimal("4.50"), Decimal("4.50")])
    assert mark == Decimal("4.50")
    assert non_teaching_rating(mark) == "bine"
    # A raw mean with more decimals rates like its 2-decimal cut.
    assert non_teaching_rating(Decimal("2.00999")) == "nesatisfăcător"
    assert non_teaching_rating(Decimal("3.5099")) == "satisfăcător"
    # 15 / 7 = 2.142857... -> 2.14
    assert non_teaching_final_mark([2, 2, 2, 2, 2, 2, 3]) == Decimal("2.14")


def test_non_teaching_marks_outside_one_to_five_are_refused() -> None:
    with pytest.raises(ValueError):
        non_teaching_final_mark([0, 5])
    with pytest.raises(ValueError):
        non_teaching_final_mark([])


@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=0, max_value=10_000))
def test_teaching_grid_is_monotone_and_total(a: int, b: int) -> None:
    low, high = sorted((Decimal(a) / 100, Decimal(b) / 100))
    rating_low, rating_high = teaching_rating(low), teaching_rating(high)
    assert rating_low in TEACHING_RATINGS and rating_high in TEACHING_RATINGS
    # Best first: a higher score never gets a worse rating.
    assert TEACHING_RATINGS.index(rating_high) <= TEACHING_RATINGS.index(rating_low)


@given(st.integers(min_value=100, max_value=500), st.integers(min_value=100, max_value=500))
def test_non_teaching_grid_is_monotone_and_total(a: int, b: int) -> None:
    low, high = sorted((Decimal(a) / 100, Decimal(b) / 100))
    rating_low, rating_high = non_teaching_rating(low), non_teaching_rating(high)
    assert rating_low in NON_TEACHING_RATINGS and rating_high in NON_TEACHING_RATINGS
    assert NON_TEACHING_RATINGS.index(rating_high) <= NON_TEACHING_RATINGS.index(rating_low)


@given(st.lists(st.integers(min_value=1, max_value=5), min_size=1, max_size=20))
def test_non_teaching_final_mark_never_exceeds_the_mean(marks: list[int]) -> None:
    mark = non_teaching_final_mark(marks)
    exact = Decimal(sum(marks)) / len(marks)
    assert mark <= exact < mark + Decimal("0.01")
    assert 1 <= mark <= 5


def test_parse_score_accepts_comma_and_refuses_more_than_two_decimals() -> None:
    assert parse_score("12,5", maximum=Decimal(20)) == Decimal("12.50")
    assert parse_score(Decimal("3"), maximum=Decimal(3)) == Decimal("3.00")
    with pytest.raises(ValueError):
        parse_score("3.001", maximum=Decimal(5))
    with pytest.raises(ValueError):
        parse_score("3.01", maximum=Decimal(3))
    with pytest.raises(ValueError):
        parse_score("abc", maximum=Decimal(3))
    with pytest.raises(TypeError):
        parse_score(2.5, maximum=Decimal(3))
    assert sheet_total([Decimal("3.50"), 4, Decimal("0.25")]) == Decimal("7.75")


# --- working days and holidays --------------------------------------------------------------------
def test_orthodox_easter_dates() -> None:
    assert orthodox_easter(2024) == date(2024, 5, 5)
    assert orthodox_easter(2025) == date(2025, 4, 20)
    assert orthodox_easter(2026) == date(2026, 4, 12)
    assert orthodox_easter(2027) == date(2027, 5, 2)


def test_public_holidays_2026_and_2027() -> None:
    days_2026 = dict(romanian_public_holidays(2026))
    assert date(2026, 4, 10) in days_2026  # Vinerea Mare
    assert date(2026, 4, 13) in days_2026  # a doua zi de Paște
    assert date(2026, 5, 31) in days_2026 and date(2026, 6, 1) in days_2026  # Rusalii; 1 June = Rusalii Monday
    assert "Ziua Copilului" in days_2026[date(2026, 6, 1)] and "Rusalii" in days_2026[date(2026, 6, 1)]
    assert len(days_2026) == 16  # 17 holidays, two on 1 June
    days_2027 = dict(romanian_public_holidays(2027))
    assert date(2027, 4, 30) in days_2027  # Good Friday
    assert "Ziua Muncii" in days_2027[date(2027, 5, 1)]
    assert date(2027, 6, 20) in days_2027 and date(2027, 6, 21) in days_2027  # Rusalii
    assert {date(2027, 1, 24), date(2027, 8, 15), date(2027, 11, 30), date(2027, 12, 1), date(2027, 12, 26)} <= set(
        days_2027
    )


def test_working_days_skip_weekends_and_holidays() -> None:
    holidays = {date(2026, 11, 30), date(2026, 12, 1)}
    assert is_working_day(date(2026, 11, 27), holidays)  # Friday
    assert not is_working_day(date(2026, 11, 28), holidays)  # Saturday
    assert not is_working_day(date(2026, 11, 30), holidays)  # Sf. Andrei (Monday)
    assert add_working_days(date(2026, 11, 27), 0, holidays) == date(2026, 11, 27)
    assert add_working_days(date(2026, 11, 27), 1, holidays) == date(2026, 12, 2)
    assert add_working_days(date(2026, 11, 27), 2, holidays) == date(2026, 12, 3)
    assert add_working_days(date(2026, 11, 27), 2, set()) == date(2026, 12, 1)


def test_teaching_contestation_deadlines_on_a_synthetic_calendar() -> None:
    # Communication deadline Thursday 2 July 2026; Friday 3 July is a (synthetic) holiday.
    holidays = {date(2026, 7, 3)}
    filing, solving = teaching_contestation_deadlines(date(2026, 7, 2), holidays)
    assert filing == date(2026, 7, 7)  # Mon 6 (1), Tue 7 (2)
    assert solving == date(2026, 7, 10)  # Wed 8, Thu 9, Fri 10


def test_non_teaching_deadlines_are_calendar_days() -> None:
    filing, solving = non_teaching_contestation_deadlines(date(2027, 1, 29))
    assert filing == date(2027, 2, 3)
    assert solving == date(2027, 2, 18)
    assert absent_communication_deadline(date(2026, 11, 18)) == date(2026, 11, 21)
    # Weekend (28-29 Nov) and holidays (30 Nov, 1 Dec) inside the window still count: calendar days.
    assert non_teaching_contestation_deadlines(date(2026, 11, 27))[0] == date(2026, 12, 2)


# --- eligibility (R-EVN-03) -----------------------------------------------------------------------
PERIOD = (date(2026, 1, 1), date(2026, 12, 31))
EVALUATION_DAY = date(2027, 1, 15)


def _exception(**facts: object) -> str | None:
    values = {"employment_started_on": date(2015, 9, 1)} | facts
    return eligibility_exception(EmploymentFacts(**values), *PERIOD, EVALUATION_DAY)  # type: ignore[arg-type]


def test_a_regular_employee_is_eligible() -> None:
    assert _exception() is None


def test_debutant_in_probation_is_excepted_until_it_ends() -> None:
    message = _exception(employment_started_on=date(2026, 3, 1), is_debutant=True, probation_ends_on=date(2027, 3, 1))
    assert message is not None and "debutant" in message and "01.03.2027" in message
    assert (
        _exception(employment_started_on=date(2026, 3, 1), is_debutant=True, probation_ends_on=date(2027, 1, 10))
        is None
    )


def test_suspended_contract_is_excepted() -> None:
    assert "suspendat" in _exception(contract_suspended=True)
    message = _exception(suspension_resumed_on=date(2026, 9, 1))
    assert message is not None and "01.03.2027" in message
    assert _exception(suspension_resumed_on=date(2026, 7, 15)) is None  # 6 months on 15.01.2027


def test_long_absence_is_excepted_until_six_months_after_resuming() -> None:
    message = _exception(long_absence_resumed_on=date(2026, 10, 1))
    assert message is not None and "12 luni" in message and "01.04.2027" in message
    assert _exception(long_absence_resumed_on=date(2026, 6, 1)) is None


def test_fewer_than_six_months_of_activity() -> None:
    message = _exception(employment_started_on=date(2026, 7, 2))
    assert message is not None and "mai puțin de 6 luni" in message
    assert _exception(employment_started_on=date(2026, 7, 1)) is None  # 1 Jul - 31 Dec: exactly 6 months
    assert "mai puțin de 6 luni" in _exception(employment_ended_on=date(2026, 6, 29))


def test_add_months_clamps_to_the_month_end() -> None:
    assert add_months(date(2025, 8, 31), 6) == date(2026, 2, 28)
    assert add_months(date(2026, 12, 15), 1) == date(2027, 1, 15)
