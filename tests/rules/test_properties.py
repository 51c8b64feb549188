"""Property tests (hypothesis) of the rounding, averages and status rules."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from schema.rules import (
    AMANAT,
    PROMOVAT,
    REPETENT,
    annual_average,
    general_average,
    period_average,
    round_half_up_2,
    round_in_favour,
    trunc2,
    year_status,
)

marks = st.integers(min_value=1, max_value=10)
mark_lists = st.lists(marks, min_size=1, max_size=30)
any_decimal = st.decimals(min_value=-1000, max_value=1000, allow_nan=False, allow_infinity=False, places=6)
# Annual averages as stored: two decimals between 1.00 and 10.00.
averages = st.decimals(min_value=1, max_value=10, places=2)
calificative = st.sampled_from(["FB", "B", "S", "I"])
subject_results = st.one_of(averages, marks, calificative)
subject_names = st.text(alphabet="abcdefghij", min_size=1, max_size=6)


@given(mark_lists, st.one_of(st.none(), marks))
def test_period_average_lies_between_smallest_and_largest_mark(marks_: list[int], thesis: int | None) -> None:
    every_mark = marks_ + ([thesis] if thesis is not None else [])
    assert min(every_mark) <= period_average(marks_, thesis) <= max(every_mark)


@given(mark_lists, st.one_of(st.none(), marks), st.integers(min_value=0, max_value=9))
def test_adding_a_higher_mark_never_lowers_the_period_average(marks_: list[int], thesis: int | None, step: int) -> None:
    highest = max(marks_)
    new_mark = min(10, highest + 1 + step)
    if new_mark <= highest:  # every mark is already 10: nothing higher exists
        return
    assert period_average([*marks_, new_mark], thesis) >= period_average(marks_, thesis)


@given(any_decimal)
def test_trunc2_never_rounds_up(x: Decimal) -> None:
    cut = trunc2(x)
    assert cut <= x
    assert x - cut < Decimal("0.01")
    assert cut == cut.quantize(Decimal("0.01"))


@given(st.integers(min_value=-1000, max_value=1000))
def test_exactly_half_always_goes_up(n: int) -> None:
    assert round_in_favour(Decimal(n) + Decimal("0.50")) == n + 1


@given(marks)
def test_two_neighbouring_marks_average_up(low: int) -> None:
    if low == 10:
        return
    assert period_average([low, low + 1]) == low + 1


@given(any_decimal)
def test_round_in_favour_is_the_nearest_integer(x: Decimal) -> None:
    assert abs(x - round_in_favour(x)) <= Decimal("0.5")


@given(any_decimal)
def test_round_half_up_2_is_within_half_a_hundredth(x: Decimal) -> None:
    rounded = round_half_up_2(x)
    assert -Decimal("0.005") < x - rounded <= Decimal("0.005")


@given(st.lists(st.one_of(st.none(), marks), min_size=1, max_size=3))
def test_annual_average_lies_between_the_period_averages(periods: list[int | None]) -> None:
    result = annual_average(periods)
    closed = [p for p in periods if p is not None]
    if not closed:
        assert result is None
    else:
        assert result is not None
        assert min(closed) <= result <= max(closed)


@given(st.lists(averages, min_size=1, max_size=15), averages)
def test_general_average_rule_sets_differ_by_less_than_a_hundredth(subjects: list[Decimal], behaviour: Decimal) -> None:
    truncated = general_average(subjects, behaviour, "rofuip2016")
    rounded = general_average(subjects, behaviour, "rofuip2022")
    assert truncated <= rounded <= truncated + Decimal("0.01")


def _passes(result: Decimal | int | str, pass_mark: int) -> bool:
    if isinstance(result, str):
        return result != "I"
    return result >= pass_mark


@given(
    st.dictionaries(subject_names, subject_results, min_size=1, max_size=12),
    subject_results,
    st.integers(min_value=2, max_value=12),
)
def test_status_is_promovat_exactly_when_everything_passes(
    results: dict[str, Decimal | int | str], behaviour: Decimal | int | str, grade: int
) -> None:
    everything_passes = all(_passes(r, 5) for r in results.values()) and _passes(behaviour, 6)
    assert (year_status(results, behaviour, grade=grade).status == PROMOVAT) == everything_passes


@given(
    st.dictionaries(subject_names, st.one_of(st.none(), subject_results), min_size=1, max_size=12),
    subject_results,
    st.integers(min_value=2, max_value=12),
)
def test_status_with_deferred_subjects_is_never_promovat(
    results: dict[str, Decimal | int | str | None], behaviour: Decimal | int | str, grade: int
) -> None:
    status = year_status(results, behaviour, grade=grade).status
    if any(r is None for r in results.values()):
        assert status in (AMANAT, REPETENT)


@given(
    st.dictionaries(subject_names, st.one_of(st.none(), subject_results), min_size=1, max_size=12),
    subject_results,
    st.sampled_from([0, 1, "P", "I"]),
)
def test_preparatory_and_grade_one_are_never_repetent(
    results: dict[str, Decimal | int | str | None], behaviour: Decimal | int | str, grade: int | str
) -> None:
    assert year_status(results, behaviour, grade=grade).status != REPETENT
