"""The worked examples of rules.md §10 (W-01 ... W-31) against the public interface of schema.rules.

Each case is named after its W-number. Not here: W-21 (late arrival: who may write "î"
is access control), W-26(c) and W-26(d) (not acceptance tests / no arithmetic), and
W-32 ... W-34 (security and workflow, tested with the operations). Where decisions.md
changes an answer of rules.md, the comment says so.
"""

import datetime
from collections.abc import Callable
from decimal import Decimal

import pytest

from schema.rules import (
    AMANAT,
    CORIGENT,
    PROMOVAT,
    REPETENT,
    MediationRequired,
    annual_average,
    annual_behaviour_average,
    behaviour_proposal,
    behaviour_reduction,
    contestation_outcome,
    deferral_flag,
    exam_average,
    exam_passed,
    examiner_final_mark,
    general_average,
    min_marks,
    module_average,
    motivation_in_time,
    needs_council_validation,
    non_teaching_contestation_deadlines,
    non_teaching_rating,
    non_teaching_result_deadline,
    notice_of_expulsion_due,
    parent_hours_excusable,
    parent_hours_left,
    period_average,
    periodic_evaluation_average,
    prizes,
    reexamination_allowed,
    subject_failed,
    teaching_contestation_deadlines,
    teaching_staff_rating,
    written_reprimands,
    year_status,
)

D = Decimal

# W-10: 23 unexcused absences spread so that no subject reaches 10 % of its hours.
W10_UNEXCUSED = {"Română": 5, "Matematică": 5, "Fizică": 4, "Chimie": 4, "Biologie": 5}
W10_HOURS = {"Română": 72, "Matematică": 72, "Fizică": 54, "Chimie": 54, "Biologie": 54}

# W-13: the other subjects of a grade X student, all passed.
PASSED_SUBJECTS = {"Română": D("8.00"), "Engleză": D("9.50"), "Istorie": D("7.00")}

WORKED_EXAMPLES: list[object] = [
    # Averages (rules.md §3.5)
    pytest.param(lambda: period_average([7, 8, 10]), 8, id="W-01"),
    pytest.param(lambda: period_average([6, 7]), 7, id="W-02(a)"),
    pytest.param(lambda: period_average([4, 5]), 5, id="W-02(b)"),
    pytest.param(lambda: period_average([5, 4, 4]), 4, id="W-02(c)"),
    pytest.param(lambda: periodic_evaluation_average([7, 8, 9]), D("8.00"), id="W-03(M)"),
    pytest.param(lambda: period_average([7, 8, 9], thesis=10), 9, id="W-03"),
    pytest.param(lambda: periodic_evaluation_average([7, 7, 8]), D("7.33"), id="W-04(M)"),
    # The letter of Art. 120(3)-(4): M is truncated first, so 7, not the 8 of the exact mean.
    pytest.param(lambda: period_average([7, 7, 8], thesis=8), 7, id="W-04"),
    pytest.param(lambda: periodic_evaluation_average([9, 9, 8]), D("8.66"), id="W-05(M)"),
    pytest.param(lambda: period_average([9, 9, 8], thesis=7), 8, id="W-05"),
    pytest.param(lambda: annual_average([7, 8]), D("7.50"), id="W-06(a)"),
    pytest.param(lambda: annual_average([4, 5]), D("4.50"), id="W-06(b)"),
    pytest.param(lambda: subject_failed(annual_average([4, 5])), True, id="W-06(b) not passed"),
    pytest.param(lambda: annual_average([None, 9]), D("9.00"), id="W-07"),
    pytest.param(lambda: general_average([D("7.50"), D("8.00")], D("9.00")), D("8.16"), id="W-08(a)"),
    pytest.param(lambda: general_average([D("7.50"), D("8.00"), D("9.50")], D("10.00")), D("8.75"), id="W-08(b)"),
    # Behaviour (rules.md §3.11)
    pytest.param(lambda: behaviour_reduction(23, W10_UNEXCUSED, W10_HOURS), 2, id="W-10 reduction"),
    pytest.param(lambda: behaviour_proposal(23, W10_UNEXCUSED, W10_HOURS), 8, id="W-10 proposal"),
    # decisions.md Behaviour: a written reprimand at every 10 unexcused absences -> 2 for 23.
    pytest.param(lambda: written_reprimands(23), 2, id="W-10 reprimand"),
    pytest.param(lambda: needs_council_validation(8), False, id="W-10 no validation"),
    pytest.param(lambda: behaviour_reduction(4, {"Geografie": 4}, {"Geografie": 36}), 1, id="W-11 4 of 36"),
    pytest.param(lambda: behaviour_proposal(4, {"Geografie": 4}, {"Geografie": 36}), 9, id="W-11 proposal"),
    pytest.param(lambda: written_reprimands(4), 0, id="W-11 no reprimand"),
    pytest.param(lambda: behaviour_reduction(3, {"Geografie": 3}, {"Geografie": 36}), 0, id="W-11 3 of 36"),
    pytest.param(lambda: needs_council_validation(6), True, id="W-12 validation"),
    pytest.param(lambda: annual_behaviour_average([6, 5]), D("5.50"), id="W-12 annual behaviour"),
    # Exams (rules.md §3.13)
    pytest.param(lambda: examiner_final_mark([D("4.50"), 5]), 5, id="W-14 examiner 1"),
    pytest.param(lambda: examiner_final_mark([D("5.50"), 6]), 6, id="W-14 examiner 2"),
    pytest.param(lambda: exam_average(5, 6), D("5.50"), id="W-14 exam average"),
    pytest.param(lambda: exam_passed(exam_average(5, 6)), True, id="W-14 passed"),
    pytest.param(lambda: general_average([D("5.50"), D("8.00"), D("7.00")], D("9.00")), D("7.37"), id="W-15"),
    pytest.param(lambda: reexamination_allowed(1), True, id="W-17 one failed"),
    pytest.param(lambda: reexamination_allowed(1, reexamined_this_year=True), False, id="W-17 once a year"),
    pytest.param(lambda: reexamination_allowed(2), False, id="W-17 two failed"),
    # Absences (rules.md §4)
    pytest.param(lambda: deferral_flag(18, 36), True, id="W-18 50%"),
    pytest.param(lambda: deferral_flag(17, 36), False, id="W-18 47.2%"),
    pytest.param(lambda: parent_hours_excusable(12, 0), 12, id="W-19 request 1"),
    pytest.param(lambda: parent_hours_excusable(10, 12), 8, id="W-19 request 2"),
    pytest.param(lambda: parent_hours_left(12), 8, id="W-19 left"),
    pytest.param(lambda: parent_hours_left(0), 20, id="W-19 semester II"),
    pytest.param(
        lambda: motivation_in_time(datetime.date(2025, 11, 3), datetime.date(2025, 11, 10)), True, id="W-20 7 days"
    ),
    pytest.param(
        lambda: motivation_in_time(datetime.date(2025, 11, 3), datetime.date(2025, 11, 11)), False, id="W-20 8 days"
    ),
    # Fraud, modules, Religion, transfer
    pytest.param(lambda: period_average([1, 8, 9]), 6, id="W-22"),
    pytest.param(lambda: subject_failed("Insuficient"), True, id="W-22 primary"),
    pytest.param(lambda: module_average([6, 7, 7]), 7, id="W-23"),
    pytest.param(lambda: period_average([6, 7, 7]), 7, id="W-23 as period average"),
    pytest.param(lambda: min_marks(None, module_hours=75), 3, id="W-23 minimum"),
    pytest.param(lambda: general_average([D("8.00"), D("7.50")], 10), D("8.50"), id="W-24"),
    pytest.param(lambda: annual_average([8, 7]), D("7.50"), id="W-25"),
    # Contestation (rules.md §3.14); W-26(c) is not an acceptance test.
    pytest.param(lambda: contestation_outcome(5, 6, 6), (True, D("6.00")), id="W-26(a)"),
    pytest.param(lambda: contestation_outcome(7, 6, 7), (False, D(7)), id="W-26(b)"),
    # Notice of expulsion (rules.md §4.5)
    pytest.param(
        lambda: notice_of_expulsion_due(
            20, {"Chimie": 7, "Fizică": 6, "Română": 7}, {"Chimie": 72, "Fizică": 72, "Română": 144}, compulsory=False
        ),
        True,
        id="W-28 non-compulsory",
    ),
    pytest.param(
        lambda: notice_of_expulsion_due(
            20, {"Chimie": 7, "Fizică": 6, "Română": 7}, {"Chimie": 72, "Fizică": 72, "Română": 144}, compulsory=True
        ),
        False,
        id="W-28 compulsory",
    ),
    # Staff ratings (rules.md §9)
    pytest.param(lambda: teaching_staff_rating(D("85.00")), "Foarte bine", id="W-29 85.00"),
    pytest.param(lambda: teaching_staff_rating(D("84.99")), "Bine", id="W-29 84.99"),
    pytest.param(lambda: teaching_staff_rating(D("71.00")), "Bine", id="W-29 71.00"),
    pytest.param(lambda: teaching_staff_rating(D("70.99")), "Satisfăcător", id="W-29 70.99"),
    pytest.param(lambda: teaching_staff_rating(D("61.00")), "Satisfăcător", id="W-29 61.00"),
    pytest.param(lambda: teaching_staff_rating(D("60.50")), "Nesatisfăcător", id="W-29 60.50"),
    # rules.md leaves 60.99 in a gap of the grid; decisions.md A37 (half-open bands, < 61) decides it.
    pytest.param(lambda: teaching_staff_rating(D("60.99")), "Nesatisfăcător", id="W-29 60.99 (decisions.md)"),
    pytest.param(lambda: non_teaching_rating(D("2.00")), "nesatisfăcător", id="W-30 2.00"),
    pytest.param(lambda: non_teaching_rating(D("2.01")), "satisfăcător", id="W-30 2.01"),
    pytest.param(lambda: non_teaching_rating(D("3.50")), "satisfăcător", id="W-30 3.50"),
    pytest.param(lambda: non_teaching_rating(D("3.51")), "bine", id="W-30 3.51"),
    pytest.param(lambda: non_teaching_rating(D("4.50")), "bine", id="W-30 4.50"),
    pytest.param(lambda: non_teaching_rating(D("4.51")), "foarte bine", id="W-30 4.51"),
    # Staff contestation deadlines. D = Thursday 2025-10-02: +2 working days = Monday 6,
    # then +3 working days = Thursday 9.
    pytest.param(
        lambda: teaching_contestation_deadlines(datetime.date(2025, 10, 2)),
        (datetime.date(2025, 10, 6), datetime.date(2025, 10, 9)),
        id="W-31 teaching",
    ),
    pytest.param(
        lambda: non_teaching_contestation_deadlines(datetime.date(2026, 1, 20)),
        (datetime.date(2026, 1, 25), datetime.date(2026, 2, 9)),
        id="W-31 non-teaching",
    ),
    pytest.param(
        lambda: non_teaching_result_deadline(datetime.date(2026, 2, 9)), datetime.date(2026, 2, 14), id="W-31 result"
    ),
]


@pytest.mark.parametrize(("compute", "expected"), WORKED_EXAMPLES)
def test_worked_example(compute: Callable[[], object], expected: object) -> None:
    assert compute() == expected


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        pytest.param({"weekly_hours": 1}, 2, id="W-09 1 h"),
        pytest.param({"weekly_hours": 2}, 2, id="W-09 2 h"),
        pytest.param({"weekly_hours": 4}, 4, id="W-09 4 h (thesis not counted)"),
        pytest.param({"weekly_hours": 4, "at_risk": True}, 5, id="W-09 4 h at risk of corigenta"),
        pytest.param({"weekly_hours": None, "module_hours": 30}, 2, id="W-09 module 30 h"),
        pytest.param({"weekly_hours": None, "module_hours": 50}, 2, id="W-09 module 50 h"),
        pytest.param({"weekly_hours": None, "module_hours": 100}, 4, id="W-09 module 100 h"),
        pytest.param({"weekly_hours": None, "module_hours": 75}, 3, id="W-09 module 75 h"),
        # rules.md: 80 h is ambiguous (3 or 4); decisions.md A12 chooses ceil(H/25) -> 4.
        pytest.param({"weekly_hours": None, "module_hours": 80}, 4, id="W-09 module 80 h (decisions.md)"),
    ],
)
def test_minimum_number_of_marks(kwargs: dict[str, object], expected: int) -> None:
    weekly_hours = kwargs.pop("weekly_hours")
    assert min_marks(weekly_hours, **kwargs) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("subjects", "behaviour", "status", "failed", "reason"),
    [
        pytest.param(
            {**PASSED_SUBJECTS, "Matematică": D("5.00"), "Fizică": D("6.50")},
            D("9.50"),
            PROMOVAT,
            [],
            None,
            id="W-13 A",
        ),
        pytest.param(
            {**PASSED_SUBJECTS, "Matematică": D("4.50"), "Fizică": D("4.00")},
            D("9.00"),
            CORIGENT,
            ["Matematică", "Fizică"],
            "failed subjects: Matematică, Fizică",
            id="W-13 B",
        ),
        pytest.param(
            {**PASSED_SUBJECTS, "Matematică": D("4.50"), "Fizică": D("4.00"), "Chimie": D("3.50")},
            D("9.00"),
            REPETENT,
            ["Matematică", "Fizică", "Chimie"],
            "more than two failed subjects",
            id="W-13 C",
        ),
        pytest.param(PASSED_SUBJECTS, D("5.50"), REPETENT, [], "behaviour below 6.00", id="W-13 D"),
        pytest.param(
            PASSED_SUBJECTS, annual_behaviour_average([6, 5]), REPETENT, [], "behaviour below 6.00", id="W-12"
        ),
    ],
)
def test_year_status_worked_examples(
    subjects: dict[str, Decimal], behaviour: Decimal, status: str, failed: list[str], reason: str | None
) -> None:
    result = year_status(subjects, behaviour, grade=10)
    assert result.status == status
    assert result.failed_subjects == failed
    assert result.reason == reason


W14_BEFORE = {**PASSED_SUBJECTS, "Matematică": D("4.50"), "Fizică": D("4.00")}


@pytest.mark.parametrize(
    ("subjects", "after_session", "status", "failed"),
    [
        # Mathematics passed at 5.50, which becomes the annual average; Physics still pending.
        pytest.param(
            {**W14_BEFORE, "Matematică": exam_average(5, 6)}, False, CORIGENT, ["Fizică"], id="W-14 Mathematics passed"
        ),
        pytest.param(
            {**W14_BEFORE, "Matematică": exam_average(5, 6), "Fizică": exam_average(6, 6)},
            True,
            PROMOVAT,
            [],
            id="W-14 both passed",
        ),
        pytest.param(
            {**W14_BEFORE, "Matematică": exam_average(5, 6), "Fizică": exam_average(4, 4)},
            True,
            REPETENT,
            ["Fizică"],
            id="W-14 Physics failed",
        ),
        pytest.param(
            {**W14_BEFORE, "Matematică": exam_average(4, 4), "Fizică": exam_average(4, 3)},
            True,
            REPETENT,
            ["Matematică", "Fizică"],
            id="W-17 two failed",
        ),
    ],
)
def test_corigenta_session_changes_status(
    subjects: dict[str, Decimal], after_session: bool, status: str, failed: list[str]
) -> None:
    result = year_status(subjects, D("9.00"), grade=10, after_corigenta=after_session)
    assert result.status == status
    assert result.failed_subjects == failed


@pytest.mark.parametrize(
    ("final_mark_1", "final_mark_2"), [pytest.param(5, 7, id="W-16"), pytest.param(7, 5, id="W-16 reversed")]
)
def test_examiners_too_far_apart_need_mediation(final_mark_1: int, final_mark_2: int) -> None:
    with pytest.raises(MediationRequired) as raised:
        exam_average(final_mark_1, final_mark_2)
    assert raised.value.difference == 2


@pytest.mark.parametrize(
    ("modules_ending_during_year", "status"),
    [
        # A module that ends during the year gives corigent however many such modules fail.
        pytest.param({"Modul 1", "Modul 2", "Modul 3"}, CORIGENT, id="W-23 modules during the year"),
        pytest.param(set(), REPETENT, id="W-23 modules at year end"),
    ],
)
def test_w23_failed_modules(modules_ending_during_year: set[str], status: str) -> None:
    results = {"Modul 1": 4, "Modul 2": 4, "Modul 3": 3, "Română": 8}
    result = year_status(results, 10, grade=11, modules_ending_during_year=modules_ending_during_year)
    assert result.status == status
    assert result.failed_subjects == ["Modul 1", "Modul 2", "Modul 3"]


@pytest.mark.parametrize("grade", [pytest.param(10, id="W-18 amanat")])
def test_deferred_subject_gives_amanat(grade: int) -> None:
    result = year_status({**PASSED_SUBJECTS, "Matematică": None}, D("9.00"), grade=grade)
    assert result.status == AMANAT
    assert result.deferred_subjects == ["Matematică"]


W27_AVERAGES = {
    "Ana": D("9.80"),
    "Bogdan": D("9.40"),
    "Cristina": D("9.10"),
    "Dan": D("8.60"),
    "Elena": D("8.40"),
    "Florin": D("8.10"),
    "George": D("7.90"),
}


@pytest.mark.parametrize(
    ("averages", "expected_prizes", "expected_mentions"),
    [
        pytest.param(W27_AVERAGES, ["Ana", "Bogdan", "Cristina"], ["Dan", "Elena", "Florin"], id="W-27"),
        pytest.param(
            {"Ana": D("9.80"), "Bogdan": D("9.40"), "Cristina": D("8.45"), "Elena": D("8.40"), "George": D("7.90")},
            ["Ana", "Bogdan"],
            # No prize for a third-best 8.45. Our reading (rewards.py): a top-three student
            # below 8.50 but at least 8.00 gets a mention instead.
            ["Cristina", "Elena"],
            id="W-27 third below 8.50",
        ),
    ],
)
def test_prizes_worked_example(
    averages: dict[str, Decimal], expected_prizes: list[str], expected_mentions: list[str]
) -> None:
    assert prizes(averages) == (expected_prizes, expected_mentions)
