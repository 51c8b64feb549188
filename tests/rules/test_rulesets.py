"""Rule-sets (decisions.md "Rule-sets"): the parameters are data, and each rule-set gives its own numbers."""

import dataclasses
from decimal import Decimal

import pytest

from schema.rules import (
    DEFAULT_RULESET,
    RULESETS,
    RuleSet,
    annual_average_from_marks,
    annual_behaviour_average,
    behaviour_proposal,
    behaviour_reduction,
    general_average,
    get_ruleset,
    min_marks_per_year,
    minimum_marks,
    notice_of_expulsion_due,
    parent_hours_excusable,
    parent_hours_left,
    parent_subject_hours_excusable,
    parent_subject_hours_limit,
    period_average,
    round_half_up_2,
    written_reprimands,
)

D = Decimal


def test_registry_holds_the_three_rule_sets_with_versions() -> None:
    assert set(RULESETS) == {"rofuip2016", "rofuip2022", "rofuip2024"}
    assert DEFAULT_RULESET == "rofuip2016"
    for name, ruleset in RULESETS.items():
        assert ruleset.name == name
        assert ruleset.version
    assert RULESETS["rofuip2024"].provisional
    assert not RULESETS["rofuip2016"].provisional and not RULESETS["rofuip2022"].provisional


def test_rule_sets_are_immutable() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        RULESETS["rofuip2016"].has_thesis = False  # type: ignore[misc]
    with pytest.raises(TypeError):
        RULESETS["rofuip2099"] = RULESETS["rofuip2016"]  # type: ignore[index]


def test_a_custom_rule_set_object_is_used_as_data() -> None:
    # A rule-set is read through its fields only: a copy with another threshold changes the result.
    stricter = dataclasses.replace(get_ruleset("rofuip2016"), name="test", unexcused_per_behaviour_point=5)
    assert isinstance(stricter, RuleSet)
    assert behaviour_reduction(10, {}, {}, ruleset=stricter) == 2
    assert behaviour_reduction(10, {}, {}, ruleset="rofuip2016") == 1


@pytest.mark.parametrize(
    ("marks", "expected"),
    [
        pytest.param([10, 10, 9, 10, 9, 10], 10, id="ministry example 58/6 = 9.66 -> 10"),
        pytest.param([8, 8, 8, 9], 8, id="33/4 = 8.25 -> 8"),
        pytest.param([4, 5], 5, id="9/2 = 4.50 -> 5"),
        pytest.param([7, 7, 8, 8], 8, id="7.50 -> 8"),
    ],
)
def test_rofuip2022_annual_average_from_all_marks(marks: list[int], expected: int) -> None:
    assert annual_average_from_marks(marks) == expected


def test_rofuip2022_module_average_without_thesis() -> None:
    assert period_average([6, 7, 7], ruleset="rofuip2022") == 7


def test_round_half_up_2_ministry_example() -> None:
    assert round_half_up_2(D("9.458")) == D("9.46")
    assert round_half_up_2(D("9.455")) == D("9.46")
    assert round_half_up_2(D("9.454")) == D("9.45")


def test_general_average_rounding_differs_between_rule_sets() -> None:
    # Seven 9s, four 10s and behaviour 10: 113/12 = 9.41666...
    subjects = [9] * 7 + [10] * 4
    assert general_average(subjects, 10, "rofuip2016") == D("9.41")
    assert general_average(subjects, 10, "rofuip2022") == D("9.42")
    assert general_average(subjects, 10, "rofuip2024") == D("9.42")


def test_general_average_accepts_a_mapping_of_subjects() -> None:
    assert general_average({"Română": D("8.00"), "Matematică": D("7.50")}, 10) == D("8.50")


@pytest.mark.parametrize(
    ("weekly_hours", "at_risk", "expected"),
    [
        pytest.param(1, False, 4, id="1 h -> 4"),
        pytest.param(3, False, 6, id="3 h -> 6 (ministry example)"),
        pytest.param(3, True, 7, id="3 h at risk -> 7"),
    ],
)
def test_rofuip2022_minimum_marks_per_year(weekly_hours: int, at_risk: bool, expected: int) -> None:
    assert min_marks_per_year(weekly_hours, at_risk=at_risk) == expected
    assert minimum_marks(weekly_hours, ruleset="rofuip2022", at_risk=at_risk) == expected


def test_minimum_marks_for_a_module_is_the_same_in_every_rule_set() -> None:
    assert min_marks_per_year(None, module_hours=100) == 4
    assert minimum_marks(None, ruleset="rofuip2016", module_hours=100, at_risk=True) == 5


@pytest.mark.parametrize(
    ("ruleset", "total", "by_subject", "hours", "expected"),
    [
        pytest.param("rofuip2022", 39, {}, {}, 1, id="2022: 39 per year -> 1"),
        pytest.param("rofuip2022", 40, {}, {}, 2, id="2022: 40 per year -> 2"),
        pytest.param("rofuip2022", 4, {"Fizică": 4}, {"Fizică": 36}, 1, id="2022: 10% of a subject -> 1"),
        pytest.param("rofuip2024", 4, {"Fizică": 4}, {"Fizică": 36}, 0, id="2024: 11% is below 20%"),
        pytest.param("rofuip2024", 8, {"Fizică": 8}, {"Fizică": 36}, 1, id="2024: 22% -> 1"),
        pytest.param(
            "rofuip2016",
            12,
            {"Fizică": 4, "Chimie": 4, "Desen": 4},
            {"Fizică": 36, "Chimie": 36, "Desen": 18},
            3,
            id="2016: three subjects over 10% beat floor(12/10)",
        ),
    ],
)
def test_behaviour_reduction_by_rule_set(
    ruleset: str, total: int, by_subject: dict[str, int], hours: dict[str, int], expected: int
) -> None:
    assert behaviour_reduction(total, by_subject, hours, ruleset=ruleset) == expected


def test_behaviour_proposal_never_goes_below_one() -> None:
    assert behaviour_proposal(150, {}, {}) == 1
    assert behaviour_proposal(90, {}, {}) == 1
    assert behaviour_proposal(80, {}, {}) == 2


def test_written_reprimands_one_per_ten() -> None:
    assert [written_reprimands(n) for n in (0, 9, 10, 19, 20, 35)] == [0, 0, 1, 1, 2, 3]


def test_rofuip2024_annual_behaviour_is_the_module_mean_minus_the_reduction() -> None:
    module_marks = [10, 10, 9, 10, 9]  # mean 9.60
    assert annual_behaviour_average(module_marks, "rofuip2024") == D("9.60")
    assert annual_behaviour_average(module_marks, "rofuip2024", reduction=1) == D("8.60")
    assert annual_behaviour_average([2, 1, 1], "rofuip2024", reduction=5) == D("1.00")


def test_rofuip2024_annual_behaviour_rounds_half_up() -> None:
    # 29/3 = 9.666... : half-up 9.67 under rofuip2024, truncated 9.66 under rofuip2016.
    assert annual_behaviour_average([10, 10, 9], "rofuip2024") == D("9.67")
    assert annual_behaviour_average([10, 10, 9], "rofuip2016") == D("9.66")


def test_rofuip2022_parent_requests_40_hours_per_year() -> None:
    assert parent_hours_left(30, ruleset="rofuip2022") == 10
    assert parent_hours_excusable(15, 30, ruleset="rofuip2022") == 10
    assert parent_hours_left(45, ruleset="rofuip2022") == 0


def test_rofuip2022_parent_requests_20_percent_per_subject() -> None:
    assert parent_subject_hours_limit(36) == 7  # 1 h/week x 36 weeks (satumarenews example)
    assert parent_subject_hours_excusable(5, 4, 36) == 3
    assert parent_subject_hours_excusable(5, 9, 36) == 0
    assert parent_subject_hours_limit(36, ruleset="rofuip2016") is None
    assert parent_subject_hours_excusable(5, 40, 36, ruleset="rofuip2016") == 5


def test_rofuip2024_notice_of_expulsion_only_for_post_secondary() -> None:
    args = (25, {}, {})
    assert notice_of_expulsion_due(*args, compulsory=False, ruleset="rofuip2016")
    assert not notice_of_expulsion_due(*args, compulsory=False, ruleset="rofuip2024")
    assert notice_of_expulsion_due(*args, compulsory=False, post_secondary=True, ruleset="rofuip2024")


def test_notice_of_expulsion_at_15_percent_of_one_subject() -> None:
    assert notice_of_expulsion_due(6, {"Chimie": 6}, {"Chimie": 36}, compulsory=False)  # 16.7%
    assert not notice_of_expulsion_due(5, {"Chimie": 5}, {"Chimie": 36}, compulsory=False)  # 13.9%
