"""Period, annual and general averages (rules.md §3.5, decisions.md Rule-sets).

Inputs: ordinary marks and thesis marks are whole numbers 1-10. Period averages
passed to ``annual_average`` may have decimals, because an exam average (e.g. 5.50)
can become a semester average (001 Art. 144(4)).
"""

from collections.abc import Iterable, Mapping
from decimal import Decimal

from schema.rules.rounding import ARITHMETIC, mean, round_half_up_2, round_in_favour, trunc2
from schema.rules.rulesets import DEFAULT_RULESET, RuleSetRef, TwoDecimalRounding, get_ruleset
from schema.rules.validation import as_average, as_count, as_list, as_mark, as_marks


def periodic_evaluation_average(marks: Iterable[int | Decimal]) -> Decimal:
    """M = trunc2(mean of the marks, thesis excluded) - "media la evaluarea periodică".

    Rule: 001 Art. 120(3) (R-AVG-03). Marks 7, 7, 8 give 7.33 (not 7.34).
    """
    return trunc2(mean(as_marks(marks)))


def period_average(
    marks: Iterable[int | Decimal],
    thesis: int | Decimal | None = None,
    ruleset: RuleSetRef = DEFAULT_RULESET,
) -> int:
    """Semester/trimester average, or the average of a module of a modular curriculum.

    Rules:
    * without a thesis: ``round_in_favour(mean(marks))`` (001 Art. 120(2), R-AVG-02);
      the same formula closes a module of a modular curriculum (001 Art. 120(7), R-AVG-07;
      ROFUIP 2022 Art. 109(3));
    * with a thesis T: ``M = trunc2(mean(marks))`` first, then
      ``round_in_favour((3*M + T) / 4)`` (001 Art. 120(3)-(4), R-AVG-04; decisions.md
      Rule-sets: marks 7, 7, 8 and T = 8 give 7, not 8).

    Under a rule-set without theses (rofuip2022, rofuip2024) passing a thesis raises
    ValueError. Marks and the thesis must be whole numbers from 1 to 10.
    """
    rules = get_ruleset(ruleset)
    checked_marks = as_marks(marks)
    if thesis is None:
        return round_in_favour(mean(checked_marks))
    if not rules.has_thesis:
        raise ValueError(f"rule-set {rules.name} has no thesis (teză); pass thesis=None")
    thesis_mark = as_mark(thesis, "thesis")
    periodic = trunc2(mean(checked_marks))
    weighted = ARITHMETIC.divide(
        ARITHMETIC.add(ARITHMETIC.multiply(periodic, Decimal(3)), Decimal(thesis_mark)), Decimal(4)
    )
    return round_in_favour(weighted)


def module_average(marks: Iterable[int | Decimal]) -> int:
    """Average of a module of a modular curriculum: ``round_in_favour(mean(marks))``.

    Rule: 001 Art. 120(7) (R-AVG-07), ROFUIP 2022 Art. 109(3). A module that ends during
    the year is closed when it ends, and this average is also its annual average.
    """
    return round_in_favour(mean(as_marks(marks)))


def annual_average(
    period_averages: Iterable[int | Decimal | None],
    ruleset: RuleSetRef = DEFAULT_RULESET,
) -> Decimal | None:
    """Annual average of a subject: ``trunc2(mean(period averages))``.

    Rules: 001 Art. 120(5) (R-AVG-05): 7 and 8 give 7.50, never 8. ``None`` stands for an
    exempt period (PE "scutit medical în semestrul ..."); the remaining period's average
    becomes the annual one (R-AVG-06, decisions.md Exemptions). If every period is
    ``None`` the subject has no annual average and ``None`` is returned.

    Rule-sets without period averages (rofuip2022, rofuip2024) raise ValueError: use
    ``annual_average_from_marks`` with all the year's marks.
    """
    rules = get_ruleset(ruleset)
    if not rules.has_period_average:
        raise ValueError(
            f"rule-set {rules.name} has no period averages; use annual_average_from_marks(all marks of the year)"
        )
    items = as_list(period_averages, "period_averages")
    if not items:
        raise ValueError("period_averages must contain at least one period (None for an exempt period)")
    closed = [as_average(item, f"period_averages[{index}]") for index, item in enumerate(items) if item is not None]
    if not closed:
        return None
    return trunc2(mean(closed))


def annual_average_from_marks(marks: Iterable[int | Decimal]) -> int:
    """Annual average of a subject under rofuip2022/rofuip2024: round in favour of the mean of all the year's marks.

    Rule: ROFUIP 2022 Art. 109(1) "o singură medie, calculată prin rotunjirea mediei
    aritmetice a notelor la cel mai apropiat număr întreg ... în favoarea elevului"
    (decisions.md Rule-sets, rofuip2022). 58/6 = 9.66 gives 10.
    """
    return round_in_favour(mean(as_marks(marks)))


def _two_decimals(value: Decimal, rounding: TwoDecimalRounding) -> Decimal:
    """Apply the rule-set's two-decimal rule."""
    return trunc2(value) if rounding == "truncate" else round_half_up_2(value)


def annual_behaviour_average(
    period_marks: Iterable[int | Decimal],
    ruleset: RuleSetRef = DEFAULT_RULESET,
    *,
    reduction: int = 0,
) -> Decimal:
    """Annual behaviour average from the period (or module) behaviour marks.

    Rules:
    * rofuip2016: ``trunc2(mean(semester behaviour marks))`` (decisions.md Rule-sets;
      rules.md §3.5 [GAP] A16): 6 and 5 give 5.50 (W-12);
    * rofuip2022: one behaviour mark per year; the mean of a single mark is that mark;
    * rofuip2024 (provisional): ``round_half_up_2(mean(module marks)) - reduction``,
      where ``reduction`` is the year's ``behaviour_reduction`` (decisions.md Rule-sets,
      rofuip2024), never below 1.

    ``reduction`` must be 0 for rule-sets where the reduction is already in the period
    marks (rofuip2016, rofuip2022); otherwise ValueError.
    """
    rules = get_ruleset(ruleset)
    marks = as_marks(period_marks, "period_marks")
    reduction = as_count(reduction, "reduction")
    if reduction and not rules.reduction_subtracted_from_annual_behaviour:
        raise ValueError(
            f"rule-set {rules.name} applies the absence reduction to the behaviour mark itself; pass reduction=0"
        )
    average = _two_decimals(mean(marks), rules.annual_behaviour_rounding)
    return max(Decimal("1.00"), average - reduction)


def general_average(
    annual_averages: Iterable[int | Decimal] | Mapping[str, int | Decimal],
    behaviour: int | Decimal,
    ruleset: RuleSetRef = DEFAULT_RULESET,
) -> Decimal:
    """General annual average: the mean of the subjects' annual averages and behaviour.

    Rules:
    * rofuip2016: ``trunc2(mean(annual averages + behaviour))`` (001 Art. 120(8), R-AVG-08;
      decisions.md Rule-sets): 7.50, 8.00 and behaviour 9.00 give 8.16;
    * rofuip2022/rofuip2024: the same mean rounded half-up to 2 decimals
      (ROFUIP 2022 Art. 109(4)): 9.458 gives 9.46.

    ``annual_averages`` is a list of averages or a mapping subject -> average. Subjects
    left out of the year (Religion dropped, PE exempt all year) are simply not passed in
    (decisions.md Exemptions and options).
    """
    rules = get_ruleset(ruleset)
    values = annual_averages.values() if isinstance(annual_averages, Mapping) else annual_averages
    subjects = [
        as_average(value, f"annual_averages[{index}]") for index, value in enumerate(as_list(values, "annual_averages"))
    ]
    if not subjects:
        raise ValueError("annual_averages must contain at least one subject")
    behaviour_average = as_average(behaviour, "behaviour")
    return _two_decimals(mean([*subjects, behaviour_average]), rules.general_average_rounding)
