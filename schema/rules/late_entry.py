"""Late entry ("introducere ulterioară") after an outage (rules.md §7.8 R-EMG-05..08;
decisions.md "Emergency / paper mode" A35).

After an outage the teacher enters the paper sheets' data with the real lesson date; an entry made
more than one day after the lesson date is marked "introducere ulterioară" (decisions.md: "entries
made more than a day after the lesson date carry the reason"). An entry on the lesson day or on the
next day is an ordinary one (lessons end in the afternoon; the next morning is still on time).
"""

from __future__ import annotations

from datetime import date

#: The audit reason (and the label shown on the grid and in the report) of a late entry.
LATE_ENTRY_REASON = "introducere ulterioară"
#: Days after the lesson date that still count as on time (decisions.md A35: "more than a day").
DAYS_ON_TIME = 1


def is_late_entry(lesson_on: date, entered_on: date) -> bool:
    """True when the entry is made more than one day after the lesson date (decisions.md A35)."""
    return (entered_on - lesson_on).days > DAYS_ON_TIME


def days_late(lesson_on: date, entered_on: date) -> int:
    """Whole days between the lesson and its entry (0 for an entry on the lesson day)."""
    return max(0, (entered_on - lesson_on).days)
