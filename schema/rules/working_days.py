"""Working days and Romanian public holidays, for the "zile lucrătoare" deadlines of the staff
evaluation (002 "Înregistrarea și rezolvarea contestațiilor"; rules.md R-EVS-10, R-EVS-12).

A working day is Monday to Friday and not a legal public holiday. The legal holidays are those of
Legea nr. 53/2003 (Codul muncii), art. 139(1): 1 and 2 January, 6 and 7 January (Boboteaza and
Sfântul Ioan), 24 January (Ziua Unirii), Orthodox Good Friday, Easter Sunday and Monday, 1 May,
1 June, Rusalii (Pentecost) Sunday and Monday, 15 August, 30 November, 1 December, 25 and 26
December. The school keeps its own list (`PublicHoliday`), seeded from `romanian_public_holidays`.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta

from schema.rules.validation import as_count


def _as_date(value: object, what: str) -> date:
    if not isinstance(value, date):
        raise TypeError(f"{what} must be a datetime.date, got {type(value).__name__}")
    return value


def is_working_day(day: date, holidays: Collection[date]) -> bool:
    """Monday to Friday and not one of `holidays` (Codul muncii art. 139)."""
    _as_date(day, "day")
    return day.weekday() < 5 and day not in holidays


def add_working_days(start: date, n: int, holidays: Collection[date]) -> date:
    """The `n`-th working day after `start` (`start` itself does not count; n = 0 gives `start`).

    A deadline "within n working days from day X" ends on this day: 002 R-EVS-10 (2 working days
    from the communication deadline) and R-EVS-12 (3 working days from the filing deadline).
    """
    day = _as_date(start, "start")
    remaining = as_count(n, "n")
    while remaining:
        day += timedelta(days=1)
        if is_working_day(day, holidays):
            remaining -= 1
    return day


def orthodox_easter(year: int) -> date:
    """Orthodox Easter Sunday of `year`, as a Gregorian date (Meeus' Julian algorithm + 13 days,
    valid 1900-2099). 2026 -> 12 April, 2027 -> 2 May."""
    if not 1900 <= year <= 2099:
        raise ValueError(f"year must be between 1900 and 2099, got {year}")
    a, b, c = year % 4, year % 7, year % 19
    d = (19 * c + 15) % 30
    e = (2 * a + 4 * b - d + 34) % 7
    month, day = divmod(d + e + 114, 31)
    julian = date(year, month, day + 1)
    return julian + timedelta(days=13)


def romanian_public_holidays(year: int) -> list[tuple[date, str]]:
    """The legal public holidays of `year`, by date (Codul muncii art. 139(1))."""
    easter = orthodox_easter(year)
    pentecost = easter + timedelta(days=49)
    days = [
        (date(year, 1, 1), "Anul Nou"),
        (date(year, 1, 2), "A doua zi de Anul Nou"),
        (date(year, 1, 6), "Boboteaza"),
        (date(year, 1, 7), "Sfântul Ioan Botezătorul"),
        (date(year, 1, 24), "Ziua Unirii Principatelor Române"),
        (easter - timedelta(days=2), "Vinerea Mare"),
        (easter, "Paștele"),
        (easter + timedelta(days=1), "A doua zi de Paște"),
        (date(year, 5, 1), "Ziua Muncii"),
        (date(year, 6, 1), "Ziua Copilului"),
        (pentecost, "Rusaliile"),
        (pentecost + timedelta(days=1), "A doua zi de Rusalii"),
        (date(year, 8, 15), "Adormirea Maicii Domnului"),
        (date(year, 11, 30), "Sfântul Andrei"),
        (date(year, 12, 1), "Ziua Națională a României"),
        (date(year, 12, 25), "Crăciunul"),
        (date(year, 12, 26), "A doua zi de Crăciun"),
    ]
    # Two names may fall on one day (1 June on Rusalii Monday, 1 May on Good Friday): one row per day.
    by_day: dict[date, str] = {}
    for day, name in days:
        by_day[day] = f"{by_day[day]}; {name}" if day in by_day else name
    return sorted(by_day.items())
