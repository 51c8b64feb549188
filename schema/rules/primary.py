"""Grades I-IV: candidates for the period and annual qualifier (rules.md §3.6, decisions.md A18).

The teacher chooses the qualifier; the application only proposes the candidates.
"""

from collections import Counter
from collections.abc import Iterable

from schema.rules.calificative import as_calificativ, calificativ_rank
from schema.rules.validation import as_list

CANDIDATES = 2


def primary_period_candidates(calificative: Iterable[str]) -> list[str]:
    """The two most frequent qualifiers of the period; the teacher chooses one of them.

    Rule: 001 Art. 121(2) (R-PRI-02). Ties (A18, our choice): candidates are ordered by
    frequency, highest first, and among equal frequencies by the higher qualifier first
    (FB > B > S > I); the first two are returned. So FB, FB, B, B, S, S -> ["FB", "B"]
    and S, B, B -> ["B", "S"]. With a single distinct qualifier the list has one item.
    Input accepts short codes or full names; the result uses the short codes.
    """
    codes = [
        as_calificativ(value, f"calificative[{index}]")
        for index, value in enumerate(as_list(calificative, "calificative"))
    ]
    if not codes:
        raise ValueError("calificative must contain at least one qualifier")
    counts = Counter(codes)
    ordered = sorted(counts, key=lambda code: (-counts[code], -calificativ_rank(code)))
    return ordered[:CANDIDATES]


def primary_annual_candidates(first_period: str, second_period: str) -> list[str]:
    """The annual qualifier is one of the two semester qualifiers, chosen by the teacher.

    Rule: 001 Art. 121(3) (R-PRI-03): progress, effort, motivation and remedial tasks decide.
    Returns the distinct semester qualifiers, higher first.
    """
    codes = {as_calificativ(first_period, "first_period"), as_calificativ(second_period, "second_period")}
    return sorted(codes, key=calificativ_rank, reverse=True)
