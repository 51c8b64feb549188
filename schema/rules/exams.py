"""Exams organised by the school and contestations (rules.md §3.13-§3.14, decisions.md A24-A25).

The examiner and average formulas of 001 Art. 143(3)-(4) apply to corigență exams,
exams closing a deferred (amânat) situation and difference exams (decisions.md A24).
"""

from collections.abc import Iterable
from decimal import Decimal

from schema.rules.rounding import mean, round_in_favour, trunc2
from schema.rules.validation import as_average, as_count, as_list, as_mark

MAX_EXAMINER_DIFFERENCE = 1
CONTESTATION_ACCEPTED_FROM = 1
EXAM_PASS_AVERAGE = Decimal("5.00")


class MediationRequired(ValueError):
    """The two examiners' final marks differ by more than 1 point: the commission president mediates.

    Rule: 001 Art. 143(4) (R-EX-06); decisions.md A24: the exam cannot be finalised until
    the president records mediated marks. ``mark_1``, ``mark_2`` and ``difference`` say why.
    """

    def __init__(self, mark_1: int, mark_2: int) -> None:
        self.mark_1 = mark_1
        self.mark_2 = mark_2
        self.difference = abs(mark_1 - mark_2)
        super().__init__(
            f"the examiners' final marks {mark_1} and {mark_2} differ by {self.difference} points "
            f"(more than {MAX_EXAMINER_DIFFERENCE}); the commission president must mediate"
        )


def examiner_final_mark(probe_marks: Iterable[int | Decimal]) -> int:
    """One examiner's final mark: the mean of the 2 or 3 probe marks, rounded in the student's favour.

    Rule: 001 Art. 143(3) (R-EX-05). Written-probe marks may have decimals, so probe marks
    are ints or Decimals from 1 to 10. W-14: written 4.50, oral 5 -> 4.75 -> 5.
    """
    probes = as_list(probe_marks, "probe_marks")
    if not 2 <= len(probes) <= 3:
        raise ValueError(f"an examiner marks 2 or 3 probes (001 Art. 142(1), 143(3)), got {len(probes)}")
    marks = [as_average(probe, f"probe_marks[{index}]") for index, probe in enumerate(probes)]
    return round_in_favour(mean(marks))


def exam_average(final_mark_1: int | Decimal, final_mark_2: int | Decimal) -> Decimal:
    """Exam average: ``trunc2`` of the mean of the two examiners' final marks.

    Rule: 001 Art. 143(4) (R-EX-06): "cu două zecimale, fără rotunjire"; the two final marks
    may differ by at most 1 point, otherwise ``MediationRequired`` is raised. 5 and 6 ->
    5.50 (W-14); 5 and 7 -> MediationRequired (W-16). Final marks are whole numbers 1-10.
    """
    mark_1 = as_mark(final_mark_1, "final_mark_1")
    mark_2 = as_mark(final_mark_2, "final_mark_2")
    if abs(mark_1 - mark_2) > MAX_EXAMINER_DIFFERENCE:
        raise MediationRequired(mark_1, mark_2)
    return trunc2(mean([mark_1, mark_2]))


def exam_passed(average: int | Decimal) -> bool:
    """An exam is passed with an average of at least 5.00 (001 Art. 144(1), R-EX-08)."""
    return as_average(average, "exam average") >= EXAM_PASS_AVERAGE


def reexamination_allowed(failed_after_session: int, *, reexamined_this_year: bool = False) -> bool:
    """Whether a student may ask for re-examination after the corigență session.

    Rule: 001 Art. 133(1) (R-EX-17): only a student who failed at a single subject/module,
    once per school year (the director still approves it). W-17: one failed -> True;
    two failed -> False.
    """
    failed = as_count(failed_after_session, "failed_after_session")
    return failed == 1 and not reexamined_this_year


def contestation_outcome(
    initial_mark: int | Decimal,
    re_mark_1: int | Decimal,
    re_mark_2: int | Decimal,
) -> tuple[bool, Decimal]:
    """Outcome of a contested written mark: ``(accepted, mark)``.

    Rules: 001 Art. 212(22)(c)-(f) (R-CON-03, R-CON-04) and decisions.md A25: the
    re-evaluation mark is ``trunc2(mean(re_mark_1, re_mark_2))``; the contestation is
    accepted when it differs from the initial mark by at least 1 point. The returned mark
    is the re-evaluation mark when accepted, otherwise the initial mark (as a Decimal).
    Only the director enters the new mark (decisions.md A25). W-26: 5 with 6, 6 -> (True, 6.00);
    7 with 6, 7 -> (False, 7).
    """
    initial = as_average(initial_mark, "initial_mark")
    re_evaluation = trunc2(mean([as_average(re_mark_1, "re_mark_1"), as_average(re_mark_2, "re_mark_2")]))
    accepted = abs(re_evaluation - initial) >= CONTESTATION_ACCEPTED_FROM
    return accepted, (re_evaluation if accepted else initial)
