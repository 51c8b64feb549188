"""Minimum number of marks (rules.md §3.3, decisions.md "Minimum number of marks").

The minimum is a warning when an average is closed, not a hard block; closing below
it needs a reason (decisions.md). The thesis never counts towards the minimum.
"""

from schema.rules.rulesets import RuleSetRef, get_ruleset
from schema.rules.validation import as_count

MARKS_AT_LEAST = 2
HOURS_PER_MODULE_MARK = 25


def _module_minimum(module_hours: int) -> int:
    """``max(2, ceil(H / 25))`` for a module of H hours (001 Art. 118(5); decisions.md A12: ceiling)."""
    hours = as_count(module_hours, "module_hours", minimum=1)
    per_25_hours = -(-hours // HOURS_PER_MODULE_MARK)  # ceiling division on integers
    return max(MARKS_AT_LEAST, per_25_hours)


def minimum_marks(
    weekly_hours: int | None,
    *,
    ruleset: RuleSetRef,
    module_hours: int | None = None,
    at_risk: bool = False,
) -> int:
    """Minimum number of marks under a rule-set, per period or per year (see ``RuleSet.min_marks_scope``).

    Rules:
    * weekly hours h: ``max(2, h + extra)`` with extra = 0 per semester under rofuip2016
      (001 Art. 118(4): 1 h -> 2, else h) and extra = 3 per year under rofuip2022
      (ROFUIP 2022 Art. 107(4): "cu cel puțin trei mai mare");
    * a module of H hours: ``max(2, ceil(H / 25))`` (001 Art. 118(5), ROFUIP 2022 Art. 107(5);
      decisions.md A12 chooses the ceiling); when ``module_hours`` is given the weekly
      hours are not used and may be None;
    * +1 when the student is at risk of corigență (current average below 5), for
      weekly-hour subjects and modules alike (001 Art. 118(6); decisions.md A12).
    """
    rules = get_ruleset(ruleset)
    if not isinstance(at_risk, bool):
        raise TypeError(f"at_risk must be True or False, got {at_risk!r}")
    if module_hours is not None:
        base = _module_minimum(module_hours)
    else:
        if weekly_hours is None:
            raise ValueError("give weekly_hours, or module_hours for a module of a modular curriculum")
        hours = as_count(weekly_hours, "weekly_hours", minimum=1)
        base = max(MARKS_AT_LEAST, hours + rules.min_marks_added_to_weekly_hours)
    return base + (1 if at_risk else 0)


def min_marks(weekly_hours: int | None, *, module_hours: int | None = None, at_risk: bool = False) -> int:
    """Minimum number of marks per semester (rofuip2016), thesis excluded.

    Rules: 001 Art. 118(4)-(6) and decisions.md "Minimum number of marks": 1 h/week -> 2,
    else the weekly hours; a module of H hours -> ``max(2, ceil(H/25))``; +1 at risk of
    corigență. Examples (W-09): 1 h -> 2, 4 h -> 4, 4 h at risk -> 5, 100 h module -> 4.
    """
    return minimum_marks(weekly_hours, ruleset="rofuip2016", module_hours=module_hours, at_risk=at_risk)


def min_marks_per_year(weekly_hours: int | None, *, module_hours: int | None = None, at_risk: bool = False) -> int:
    """Minimum number of marks per school year (rofuip2022, rofuip2024).

    Rules: ROFUIP 2022 Art. 107(4)-(6) and decisions.md Rule-sets (rofuip2022): weekly
    hours + 3, plus one more at risk of corigență; a module of H hours -> ``max(2, ceil(H/25))``.
    Example: 3 h/week -> 6 marks (current-rules.md §1.2, the ministry's example).
    """
    return minimum_marks(weekly_hours, ruleset="rofuip2022", module_hours=module_hours, at_risk=at_risk)
