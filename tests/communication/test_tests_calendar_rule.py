"""The pure counting rule of the test calendar (schema/rules/tests_calendar.py): given / when / then."""

from __future__ import annotations

from datetime import date

import pytest

from schema.rules.tests_calendar import calendar_limit_check, iso_week


def test_an_empty_calendar_exceeds_nothing():
    check = calendar_limit_check([], date(2025, 11, 20), max_per_day=1, max_per_week=3)
    assert not check.exceeds
    assert check.conflicts == ()


def test_the_day_limit_is_reached_by_a_test_on_the_same_day_only():
    existing = [("math", date(2025, 11, 20)), ("bio", date(2025, 11, 19))]
    check = calendar_limit_check(existing, date(2025, 11, 20), max_per_day=1, max_per_week=3)
    assert check.exceeds_day and not check.exceeds_week
    assert check.day_conflicts == ("math",)
    assert check.conflicts == ("math",)


def test_a_higher_day_limit_allows_a_second_test():
    existing = [("math", date(2025, 11, 20))]
    assert not calendar_limit_check(existing, date(2025, 11, 20), max_per_day=2, max_per_week=3).exceeds


def test_the_week_limit_counts_monday_to_sunday_of_the_iso_week():
    # Mon 17, Wed 19 and Sun 23 November 2025 are one ISO week; Sun 16 and Mon 24 are not.
    existing = [
        ("a", date(2025, 11, 17)),
        ("b", date(2025, 11, 19)),
        ("c", date(2025, 11, 23)),
        ("before", date(2025, 11, 16)),
        ("after", date(2025, 11, 24)),
    ]
    check = calendar_limit_check(existing, date(2025, 11, 21), max_per_day=1, max_per_week=3)
    assert check.exceeds_week and not check.exceeds_day
    assert check.week_conflicts == ("a", "b", "c")


def test_one_below_the_week_limit_is_allowed():
    existing = [("a", date(2025, 11, 17)), ("b", date(2025, 11, 19)), ("next week", date(2025, 11, 24))]
    assert not calendar_limit_check(existing, date(2025, 11, 21), max_per_day=1, max_per_week=3).exceeds


def test_the_iso_week_crosses_the_new_year():
    # Monday 29 December 2025 to Sunday 4 January 2026 is ISO week 1 of 2026.
    assert iso_week(date(2025, 12, 31)) == iso_week(date(2026, 1, 2)) == (2026, 1)
    existing = [("dec", date(2025, 12, 29)), ("jan", date(2026, 1, 2))]
    check = calendar_limit_check(existing, date(2025, 12, 31), max_per_day=1, max_per_week=2)
    assert check.week_conflicts == ("dec", "jan")
    # The Sunday before belongs to the previous week.
    assert not calendar_limit_check(existing, date(2025, 12, 28), max_per_day=1, max_per_week=2).exceeds


def test_both_limits_list_each_conflict_once():
    existing = [("a", date(2025, 11, 20)), ("b", date(2025, 11, 18))]
    check = calendar_limit_check(existing, date(2025, 11, 20), max_per_day=1, max_per_week=2)
    assert check.exceeds_day and check.exceeds_week
    assert check.conflicts == ("a", "b")


@pytest.mark.parametrize(("per_day", "per_week"), [(0, 3), (1, 0)])
def test_limits_below_one_are_refused(per_day, per_week):
    with pytest.raises(ValueError):
        calendar_limit_check([], date(2025, 11, 20), max_per_day=per_day, max_per_week=per_week)
