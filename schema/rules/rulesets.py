"""Rule-sets: the regulation's arithmetic as data (decisions.md "Rule-sets").

A school year (and, where they differ, an education level) runs on one rule-set.
Every closed average stores the rule-set's ``name`` and ``version``. The functions of
the rules engine read the parameters below; they never test the rule-set's name.

* ``rofuip2016`` - the seed documents (ROFUIP 2016/2018, 001): semesters, theses. Default.
* ``rofuip2022`` - OME 4.183/2022 and OME 3.797/2023: five learning modules, no period
  average, no thesis, yearly limits (current-rules.md §1, §4.1).
* ``rofuip2024`` - OME 5.726/2024, **provisional** (press sources): rofuip2022 plus a
  behaviour mark per module and the 20 % per-subject absence criterion (current-rules.md §4.2).
"""

from dataclasses import dataclass, replace
from decimal import Decimal
from types import MappingProxyType
from typing import Literal

Scope = Literal["period", "year"]
"""Whether a limit or a count runs per learning period (semester) or per school year."""

TwoDecimalRounding = Literal["truncate", "half_up"]
"""How a two-decimal average is made: ``trunc2`` or ``round_half_up_2``."""


@dataclass(frozen=True)
class RuleSet:
    """The parameters of one regulation, as data (decisions.md Rule-sets); see the module docstring for the sources."""

    name: str
    version: str
    legal_basis: str
    provisional: bool
    period_kind: Literal["semester", "module"]
    # Averages
    has_period_average: bool  # False: one average per year from all marks (rofuip2022 Art. 109(1))
    has_thesis: bool
    general_average_rounding: TwoDecimalRounding
    annual_behaviour_rounding: TwoDecimalRounding
    behaviour_mark_per_module: bool  # rofuip2024: the class master gives a behaviour mark per module
    reduction_subtracted_from_annual_behaviour: bool  # rofuip2024: mean of module marks minus reduction
    # Minimum number of marks: max(2, weekly hours + extra), per period or per year
    min_marks_scope: Scope
    min_marks_added_to_weekly_hours: int
    # Behaviour reduction from unexcused absences: max(floor(U / every), D) per scope
    behaviour_reduction_scope: Scope
    unexcused_per_behaviour_point: int
    subject_share_per_behaviour_point: Decimal
    unexcused_per_written_reprimand: int
    # Absences excused on a parent's request
    parent_request_hours_limit: int
    parent_request_scope: Scope
    parent_request_subject_share: Decimal | None  # None: no per-subject limit
    # Sanctions
    expulsion_post_secondary_only: bool


ROFUIP2016 = RuleSet(
    name="rofuip2016",
    version="1.0",
    legal_basis="OMENCS 5.079/2016 as amended by OMEN 3.027/2018 (seed 001)",
    provisional=False,
    period_kind="semester",
    has_period_average=True,
    has_thesis=True,
    general_average_rounding="truncate",
    annual_behaviour_rounding="truncate",
    behaviour_mark_per_module=False,
    reduction_subtracted_from_annual_behaviour=False,
    min_marks_scope="period",
    min_marks_added_to_weekly_hours=0,
    behaviour_reduction_scope="period",
    unexcused_per_behaviour_point=10,
    subject_share_per_behaviour_point=Decimal("0.10"),
    unexcused_per_written_reprimand=10,
    parent_request_hours_limit=20,
    parent_request_scope="period",
    parent_request_subject_share=None,
    expulsion_post_secondary_only=False,
)

ROFUIP2022 = replace(
    ROFUIP2016,
    name="rofuip2022",
    version="1.0",
    legal_basis="OME 4.183/2022; Statutul elevului as amended by OME 3.797/2023",
    period_kind="module",
    has_period_average=False,
    has_thesis=False,
    general_average_rounding="half_up",
    annual_behaviour_rounding="half_up",
    min_marks_scope="year",
    min_marks_added_to_weekly_hours=3,
    behaviour_reduction_scope="year",
    unexcused_per_behaviour_point=20,
    parent_request_hours_limit=40,
    parent_request_scope="year",
    parent_request_subject_share=Decimal("0.20"),
)

ROFUIP2024 = replace(
    ROFUIP2022,
    name="rofuip2024",
    version="0.1-provisional",
    legal_basis="OME 5.726/2024 and OME 5.707/2024 (from press quotes; provisional)",
    provisional=True,
    behaviour_mark_per_module=True,
    reduction_subtracted_from_annual_behaviour=True,
    subject_share_per_behaviour_point=Decimal("0.20"),
    expulsion_post_secondary_only=True,
)

DEFAULT_RULESET = ROFUIP2016.name

RULESETS: MappingProxyType[str, RuleSet] = MappingProxyType(
    {ruleset.name: ruleset for ruleset in (ROFUIP2016, ROFUIP2022, ROFUIP2024)}
)
"""All known rule-sets by name (read-only)."""

RuleSetRef = str | RuleSet
"""A rule-set given by its name (``"rofuip2016"``) or as the RuleSet object itself."""


def get_ruleset(ruleset: RuleSetRef) -> RuleSet:
    """Return the RuleSet for a name or RuleSet; unknown names raise ValueError.

    Rule: decisions.md "Rule-sets" - the regulation's arithmetic lives in a named,
    versioned rule-set chosen per school year.
    """
    if isinstance(ruleset, RuleSet):
        return ruleset
    if not isinstance(ruleset, str):
        raise TypeError(f"ruleset must be a rule-set name or a RuleSet, got {type(ruleset).__name__}")
    try:
        return RULESETS[ruleset]
    except KeyError:
        known = ", ".join(sorted(RULESETS))
        raise ValueError(f"unknown rule-set {ruleset!r}; known rule-sets: {known}") from None
