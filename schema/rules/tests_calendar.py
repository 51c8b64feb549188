"""How many announced tests a class may have in one day and in one week (the test calendar,
terminar; rules.md R-COM-11/12, 004 pt.51 and 61; issue 8 item 4).

The school sets the limits (`School.max_tests_per_day`, `School.max_tests_per_week`). A new test
exceeds a limit when the class already has that many tests on the same day, or in the same ISO
week (Monday to Sunday). The rule only counts: the teacher is warned and may confirm anyway.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import date


def iso_week(day: date) -> tuple[int, int]:
    """(ISO year, ISO week number): 31 December may belong to week 1 of the next year."""
    iso = day.isocalendar()
    return iso.year, iso.week


@dataclass(frozen=True)
class CalendarLimitCheck:
    """Which limits a new test on `day` would exceed, and the tests it collides with."""

    day: date
    #: Existing tests on the same day, when the day limit is already reached (else empty).
    day_conflicts: tuple[Hashable, ...]
    #: Existing tests in the same ISO week, when the week limit is already reached (else empty).
    week_conflicts: tuple[Hashable, ...]

    @property
    def exceeds_day(self) -> bool:
        return bool(self.day_conflicts)

    @property
    def exceeds_week(self) -> bool:
        return bool(self.week_conflicts)

    @property
    def exceeds(self) -> bool:
        return self.exceeds_day or self.exceeds_week

    @property
    def conflicts(self) -> tuple[Hashable, ...]:
        """Every colliding test once (the week's list includes the day's)."""
        seen: dict[Hashable, None] = {}
        for key in (*self.day_conflicts, *self.week_conflicts):
            seen.setdefault(key, None)
        return tuple(seen)


def calendar_limit_check(
    existing: Iterable[tuple[Hashable, date]], day: date, *, max_per_day: int, max_per_week: int
) -> CalendarLimitCheck:
    """R-COM-12 (004 pt.61): given the class's existing (not cancelled) tests as (key, date) pairs, which limits a new
    test on `day` exceeds.

    The day limit is exceeded when the class already has `max_per_day` or more tests that day;
    the week limit when it already has `max_per_week` or more in the ISO week of `day`.
    """
    if max_per_day < 1 or max_per_week < 1:
        raise ValueError("limits must be at least 1")
    existing = list(existing)
    same_day = tuple(key for key, held_on in existing if held_on == day)
    same_week = tuple(key for key, held_on in existing if iso_week(held_on) == iso_week(day))
    return CalendarLimitCheck(
        day=day,
        day_conflicts=same_day if len(same_day) >= max_per_day else (),
        week_conflicts=same_week if len(same_week) >= max_per_week else (),
    )
