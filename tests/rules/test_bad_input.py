"""Bad input gets a clear error: ValueError for out-of-range values, TypeError for floats and non-numbers."""

import datetime
from collections.abc import Callable
from decimal import Decimal

import pytest

from schema.rules import (
    annual_average,
    annual_behaviour_average,
    as_mark,
    behaviour_reduction,
    contestation_outcome,
    deferral_flag,
    exam_average,
    examiner_final_mark,
    general_average,
    get_ruleset,
    min_marks,
    motivation_in_time,
    needs_council_validation,
    non_teaching_rating,
    period_average,
    primary_period_candidates,
    prizes,
    teaching_staff_rating,
    trunc2,
    year_status,
)

D = Decimal


@pytest.mark.parametrize(
    ("call", "message"),
    [
        pytest.param(lambda: period_average([7, 11]), "from 1 to 10, got 11", id="mark 11"),
        pytest.param(lambda: period_average([0, 7]), "from 1 to 10, got 0", id="mark 0"),
        pytest.param(lambda: period_average([D("7.5")]), "whole number", id="mark 7.5"),
        pytest.param(lambda: period_average([7, 8], thesis=11), "thesis must be from 1 to 10", id="thesis 11"),
        pytest.param(lambda: period_average([]), "at least one mark", id="no marks"),
        pytest.param(
            lambda: period_average([7, 8], thesis=8, ruleset="rofuip2022"), "no thesis", id="thesis under rofuip2022"
        ),
        pytest.param(lambda: period_average([7], ruleset="rofuip2099"), "unknown rule-set", id="unknown rule-set"),
        pytest.param(
            lambda: annual_average([7, 8], ruleset="rofuip2022"),
            "annual_average_from_marks",
            id="annual under rofuip2022",
        ),
        pytest.param(lambda: annual_average([]), "at least one period", id="no periods"),
        pytest.param(lambda: annual_average([7, 11]), "between 1 and 10", id="period average 11"),
        pytest.param(lambda: general_average([], 10), "at least one subject", id="no subjects"),
        pytest.param(lambda: general_average([8], D("10.50")), "between 1 and 10", id="behaviour 10.50"),
        pytest.param(
            lambda: annual_behaviour_average([9, 10], reduction=1), "reduction=0", id="reduction under rofuip2016"
        ),
        pytest.param(lambda: as_mark(D("NaN")), "finite", id="NaN"),
        pytest.param(lambda: exam_average(11, 10), "from 1 to 10", id="exam final mark 11"),
        pytest.param(lambda: examiner_final_mark([7]), "2 or 3 probes", id="one probe"),
        pytest.param(lambda: contestation_outcome(0, 5, 5), "between 1 and 10", id="contested mark 0"),
        pytest.param(lambda: min_marks(0), "at least 1", id="0 weekly hours"),
        pytest.param(lambda: min_marks(None), "weekly_hours", id="no hours"),
        pytest.param(lambda: deferral_flag(5, 0), "at least 1", id="subject without hours"),
        pytest.param(lambda: deferral_flag(-1, 36), "at least 0", id="negative absences"),
        pytest.param(
            lambda: behaviour_reduction(3, {"Fizică": 4}, {"Fizică": 36}),
            "smaller than the sum",
            id="total below subjects",
        ),
        pytest.param(
            lambda: behaviour_reduction(4, {"Fizică": 4}, {}), "no scheduled hours", id="subject without hours"
        ),
        pytest.param(
            lambda: year_status({"Română": 8}, 9, grade=13), r"from 0 \(preparatory\) to 12, got 13", id="grade 13"
        ),
        pytest.param(lambda: year_status({"Română": 8}, 9, grade="XIII"), "grade must be", id="grade XIII"),
        pytest.param(lambda: year_status({"Română": "A"}, 9, grade=3), "FB, B, S, I", id="unknown calificativ"),
        pytest.param(lambda: year_status({}, 9, grade=9), "at least one subject", id="no subjects in status"),
        pytest.param(
            lambda: year_status({"Română": 8}, None, grade=9),  # type: ignore[arg-type]
            "behaviour is required",
            id="no behaviour",
        ),
        pytest.param(lambda: primary_period_candidates([]), "at least one", id="no calificative"),
        pytest.param(lambda: teaching_staff_rating(101), "between 0 and 100", id="score 101"),
        pytest.param(lambda: non_teaching_rating(D("5.01")), "between 1 and 5", id="non-teaching 5.01"),
        pytest.param(lambda: prizes({"Ana": 11}), "between 1 and 10", id="general average 11"),
    ],
)
def test_out_of_range_values_raise_value_error(call: Callable[[], object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda: period_average([7.0, 8]), id="float mark"),
        pytest.param(lambda: period_average([7, 8], thesis=8.0), id="float thesis"),
        pytest.param(lambda: trunc2(7.333), id="float trunc2"),
        pytest.param(lambda: annual_average([7.5, 8]), id="float period average"),
        pytest.param(lambda: general_average([D("8.00")], 9.5), id="float behaviour"),
        pytest.param(lambda: examiner_final_mark([4.5, 5]), id="float probe"),
        pytest.param(lambda: contestation_outcome(5, 6.0, 6), id="float re-evaluation"),
        pytest.param(lambda: year_status({"Română": 4.99}, 9, grade=9), id="float annual average"),
        pytest.param(lambda: needs_council_validation(6.5), id="float behaviour mark"),
        pytest.param(lambda: teaching_staff_rating(84.99), id="float score"),
        pytest.param(lambda: prizes({"Ana": 9.8}), id="float general average"),
        pytest.param(lambda: period_average(["7", "8"]), id="string marks"),  # type: ignore[list-item]
        pytest.param(lambda: period_average(7), id="a single mark, not a list"),  # type: ignore[arg-type]
        pytest.param(lambda: as_mark(True), id="bool mark"),
        pytest.param(lambda: get_ruleset(2016), id="rule-set as a number"),  # type: ignore[arg-type]
        pytest.param(
            lambda: motivation_in_time("2025-11-03", datetime.date(2025, 11, 10)),  # type: ignore[arg-type]
            id="date as string",
        ),
        pytest.param(lambda: year_status({"Română": 8}, 9, grade=True), id="grade as bool"),
    ],
)
def test_floats_and_non_numbers_raise_type_error(call: Callable[[], object]) -> None:
    with pytest.raises(TypeError):
        call()


def test_float_error_tells_how_to_fix_it() -> None:
    with pytest.raises(TypeError, match=r"not float .*Decimal\('7.5'\)"):
        period_average([7.5])


def test_integral_decimal_marks_are_accepted() -> None:
    assert period_average([D("7"), D("8.00")], thesis=D("10")) == period_average([7, 8], thesis=10)
