"""Rules beyond the worked examples: qualifiers, status conventions, prizes ties, exams, absences, staff."""

import datetime
from decimal import Decimal

import pytest

from schema.rules import (
    AMANAT,
    CORIGENT,
    PROMOVAT,
    REPETENT,
    MediationRequired,
    add_working_days,
    as_grade,
    contestation_outcome,
    exam_average,
    examiner_final_mark,
    motivation_in_time,
    needs_council_validation,
    primary_annual_candidates,
    primary_period_candidates,
    prizes,
    round_in_favour,
    trunc2,
    year_status,
)

D = Decimal


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        pytest.param(["FB", "B", "FB", "S", "FB", "B"], ["FB", "B"], id="clear frequencies"),
        pytest.param(["S", "B", "B"], ["B", "S"], id="most frequent first"),
        pytest.param(["FB", "FB", "B", "B", "S", "S"], ["FB", "B"], id="three-way tie: higher first"),
        pytest.param(["S", "S", "I", "I", "B"], ["S", "I"], id="tie below a rarer higher one"),
        pytest.param(["B", "B"], ["B"], id="a single distinct qualifier"),
        pytest.param(["Foarte bine", "bine", "Suficient", "foarte bine"], ["FB", "B"], id="full names"),
    ],
)
def test_primary_period_candidates(given: list[str], expected: list[str]) -> None:
    assert primary_period_candidates(given) == expected


def test_primary_annual_candidates_are_the_semester_qualifiers() -> None:
    assert primary_annual_candidates("B", "FB") == ["FB", "B"]
    assert primary_annual_candidates("S", "S") == ["S"]


@pytest.mark.parametrize(
    ("results", "behaviour", "status"),
    [
        pytest.param({"Română": "FB", "Matematică": "S"}, "B", PROMOVAT, id="calificative promovat"),
        pytest.param({"Română": "I", "Matematică": "S"}, "B", CORIGENT, id="one Insuficient"),
        pytest.param({"Română": "I", "Matematică": "I", "Muzică": "I"}, "FB", REPETENT, id="three Insuficient"),
        pytest.param({"Română": "FB"}, "Insuficient", REPETENT, id="behaviour Insuficient"),
        pytest.param({"Română": D("5.00"), "Matematică": 5}, D("6.00"), PROMOVAT, id="exactly 5.00 and 6.00 pass"),
        pytest.param({"Română": D("4.99")}, 10, CORIGENT, id="4.99 fails"),
        pytest.param({"Română": 8}, D("5.99"), REPETENT, id="behaviour 5.99 fails"),
        pytest.param({"Română": 4, "Fizică": None}, 9, AMANAT, id="failed and deferred -> amânat"),
        pytest.param(
            {"Română": 4, "Chimie": 4, "Biologie": 3, "Fizică": None},
            9,
            REPETENT,
            id="three failed and deferred -> repetent",
        ),
        pytest.param({"Română": 8, "Fizică": None}, 5, REPETENT, id="behaviour failed and deferred -> repetent"),
    ],
)
def test_year_status_conventions(results: dict[str, object], behaviour: object, status: str) -> None:
    assert year_status(results, behaviour, grade=4).status == status  # type: ignore[arg-type]


def test_repetent_for_both_reasons_gives_both() -> None:
    result = year_status({"Română": 4, "Chimie": 4, "Biologie": 3}, D("5.50"), grade=9)
    assert result.status == REPETENT
    assert result.reason == "more than two failed subjects; behaviour below 6.00"


def test_amanat_lists_deferred_and_failed_subjects() -> None:
    result = year_status({"Română": 4, "Fizică": None, "Chimie": 8}, 9, grade=9)
    assert result.deferred_subjects == ["Fizică"]
    assert result.failed_subjects == ["Română"]


@pytest.mark.parametrize("grade", [0, "P", 1, "I"])
def test_preparatory_and_grade_one_get_a_remedial_programme(grade: int | str) -> None:
    result = year_status({"Română": "I", "Matematică": "I", "Muzică": "I"}, "I", grade=grade)
    assert result.status == PROMOVAT
    assert result.remedial_programme
    assert result.failed_subjects == ["Română", "Matematică", "Muzică"]


def test_grade_two_is_held_back() -> None:
    result = year_status({"Română": "I", "Matematică": "I", "Muzică": "I"}, "FB", grade="II")
    assert result.status == REPETENT
    assert not result.remedial_programme


@pytest.mark.parametrize(
    ("grade", "number"), [("P", 0), ("p", 0), ("pregătitoare", 0), ("I", 1), ("IX", 9), ("XII", 12), (0, 0), (12, 12)]
)
def test_grade_conventions(grade: int | str, number: int) -> None:
    assert as_grade(grade) == number


@pytest.mark.parametrize(
    ("mark", "strict", "expected"),
    [
        (D("6.99"), False, True),
        (7, False, False),
        (D("7.50"), True, True),
        (8, True, False),
        ("B", False, False),
        ("S", False, True),
        ("Insuficient", False, True),
    ],
)
def test_council_validation_thresholds(mark: int | Decimal | str, strict: bool, expected: bool) -> None:
    assert needs_council_validation(mark, strict_profile=strict) is expected


def test_examiner_final_mark_with_three_probes_and_half_up() -> None:
    assert examiner_final_mark([D("6.50"), 7, 7]) == 7  # 20.5/3 = 6.83
    assert examiner_final_mark([D("4.00"), 5]) == 5  # exactly 4.50 goes up


def test_mediation_required_is_a_value_error_and_one_point_is_allowed() -> None:
    assert issubclass(MediationRequired, ValueError)
    assert exam_average(7, 6) == D("6.50")
    assert exam_average(10, 10) == D("10.00")
    with pytest.raises(MediationRequired, match="president must mediate"):
        exam_average(10, 8)


@pytest.mark.parametrize(
    ("initial", "r1", "r2", "expected"),
    [
        pytest.param(5, 7, 7, (True, D("7.00")), id="up by 2"),
        pytest.param(8, 7, 6, (True, D("6.50")), id="down by 1.50"),
        pytest.param(8, 7, 7, (True, D("7.00")), id="down by exactly 1"),
        # decisions.md A25: the re-evaluation mark is trunc2(mean) = 5.50, so 0.50 from 5 -> rejected.
        pytest.param(5, 5, 6, (False, D(5)), id="decisions A25: 5.50 is not rounded"),
        pytest.param(D("4.50"), D("5.50"), D("5.50"), (True, D("5.50")), id="fractional written-probe mark"),
    ],
)
def test_contestation_outcome(
    initial: int | Decimal, r1: int | Decimal, r2: int | Decimal, expected: tuple[bool, Decimal]
) -> None:
    assert contestation_outcome(initial, r1, r2) == expected


def test_motivation_presented_before_return_is_in_time() -> None:
    assert motivation_in_time(datetime.date(2025, 11, 3), datetime.date(2025, 10, 30))
    assert motivation_in_time(datetime.datetime(2025, 11, 3, 8, 0), datetime.datetime(2025, 11, 10, 18, 0))


@pytest.mark.parametrize(
    ("averages", "expected"),
    [
        pytest.param(
            {"a": D("9.80"), "b": D("9.40"), "c": D("9.10"), "d": D("9.10"), "e": D("8.60")},
            (["a", "b", "c", "d"], ["e"]),
            id="tie at the third prize",
        ),
        pytest.param(
            {
                "a": D("9.80"),
                "b": D("9.40"),
                "c": D("9.10"),
                "d": D("8.60"),
                "e": D("8.40"),
                "f": D("8.10"),
                "g": D("8.10"),
                "h": D("8.05"),
            },
            (["a", "b", "c"], ["d", "e", "f", "g"]),
            id="tie at the last mention",
        ),
        pytest.param(
            {"a": D("9.00"), "b": D("9.00"), "c": D("9.00"), "d": D("9.00")},
            (["a", "b", "c", "d"], []),
            id="everybody tied",
        ),
        pytest.param(
            {"a": D("9.00"), "b": D("8.90"), "c": D("8.50"), "d": D("8.00"), "e": D("7.99")},
            (["a", "b", "c"], ["d"]),
            id="exactly 8.50 and 8.00 qualify",
        ),
        pytest.param({"a": D("8.20"), "b": None, "c": D("7.90")}, ([], ["a"]), id="no general average"),
        pytest.param({}, ([], []), id="empty class"),
    ],
)
def test_prizes_ties_share(averages: dict[str, Decimal | None], expected: tuple[list[str], list[str]]) -> None:
    assert prizes(averages) == expected


def test_add_working_days_skips_weekends_and_holidays() -> None:
    friday = datetime.date(2025, 11, 28)
    assert add_working_days(friday, 1) == datetime.date(2025, 12, 1)
    # 1 December (Romania's national day) as a holiday moves the deadline to Tuesday.
    assert add_working_days(friday, 1, holidays={datetime.date(2025, 12, 1)}) == datetime.date(2025, 12, 2)
    assert add_working_days(friday, 0) == friday


def test_results_are_independent_of_the_callers_decimal_context() -> None:
    import decimal

    with decimal.localcontext() as context:
        context.prec = 3
        assert trunc2(D("7.3333")) == D("7.33")
        assert round_in_favour(D("123456.5")) == 123457
