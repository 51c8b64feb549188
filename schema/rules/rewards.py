"""End-of-year prizes and mentions in a class (rules.md §5.2 R-REW-03, decisions.md A40)."""

from collections.abc import Hashable, Mapping
from decimal import Decimal
from typing import TypeVar

from schema.rules.validation import as_average

PRIZE_PLACES = 3
MENTION_PLACES = 6  # places 4-6: "the next three averages"
PRIZE_AT_LEAST = Decimal("8.50")
MENTION_AT_LEAST = Decimal("8.00")

StudentKey = TypeVar("StudentKey", bound=Hashable)


def prizes(
    general_averages_by_student: Mapping[StudentKey, int | Decimal | None],
) -> tuple[list[StudentKey], list[StudentKey]]:
    """Students who get a prize and students who get a mention: ``(prizes, mentions)``.

    Rule: 001 Art. 215(j) (R-REW-03): prizes to the first three general averages of the
    class, not lower than 8.50; mentions to the next three, not lower than 8.00.
    decisions.md A40: every student tied at a cut-off shares the place.

    How it is computed (our reading):
    * a student's place is 1 + the number of students with a strictly higher average
      (so tied students share a place: 9.80, 9.40, 9.40, 9.40 are places 1, 2, 2, 2);
    * prize: place <= 3 and average >= 8.50;
    * mention: no prize, place <= 6 and average >= 8.00 (so a top-three student below
      8.50 but at least 8.00 still gets a mention).

    The argument maps any student key (id, name) to the general average; ``None`` (no
    general average, e.g. corigent or amânat) takes no place. Both returned lists hold the
    keys, best average first, ties in the input order. W-27: 9.80, 9.40, 9.10 get prizes;
    8.60, 8.40, 8.10 get mentions; 7.90 nothing.
    """
    if not isinstance(general_averages_by_student, Mapping):
        raise TypeError("general_averages_by_student must be a mapping of student -> general average")
    averages = {
        student: as_average(value, f"general average of {student!r}")
        for student, value in general_averages_by_student.items()
        if value is not None
    }
    ranked = sorted(averages, key=lambda student: -averages[student])  # stable: ties keep input order

    def place(student: StudentKey) -> int:
        return 1 + sum(1 for other in averages.values() if other > averages[student])

    prize_winners = [s for s in ranked if place(s) <= PRIZE_PLACES and averages[s] >= PRIZE_AT_LEAST]
    mentions = [
        s for s in ranked if s not in prize_winners and place(s) <= MENTION_PLACES and averages[s] >= MENTION_AT_LEAST
    ]
    return prize_winners, mentions
