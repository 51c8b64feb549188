"""Sanctions with a numeric trigger: the notice of expulsion (rules.md §4.5, §5.1)."""

from collections.abc import Mapping
from decimal import Decimal

from schema.rules.behaviour import subjects_over_share
from schema.rules.rulesets import DEFAULT_RULESET, RuleSetRef, get_ruleset
from schema.rules.validation import as_count

NOTICE_UNEXCUSED_PER_YEAR = 20
NOTICE_SUBJECT_SHARE = Decimal("0.15")


def notice_of_expulsion_due(
    unexcused_total: int,
    unexcused_by_subject: Mapping[str, int],
    yearly_hours_by_subject: Mapping[str, int],
    *,
    compulsory: bool,
    post_secondary: bool = False,
    ruleset: RuleSetRef = DEFAULT_RULESET,
) -> bool:
    """Whether the class master should draft a notice of expulsion (preaviz de exmatriculare).

    Rules: 001 Art. 217 pt.5(1) - 20 unexcused hours in the school year over different
    subjects, or 15 % of the year's hours at a single subject (R-SAN-11); never in
    compulsory education (001 Art. 216(7), R-SAN-06; decisions.md "Compulsory education":
    the grade's ``compulsory`` setting); under rofuip2024 only for post-secondary students
    (decisions.md Rule-sets). W-28: 20 hours in a non-compulsory grade XI -> True; the
    same in a compulsory grade -> False.
    """
    rules = get_ruleset(ruleset)
    if compulsory:
        return False
    if rules.expulsion_post_secondary_only and not post_secondary:
        return False
    total = as_count(unexcused_total, "unexcused_total")
    if total >= NOTICE_UNEXCUSED_PER_YEAR:
        return True
    return bool(subjects_over_share(unexcused_by_subject, yearly_hours_by_subject, NOTICE_SUBJECT_SHARE))
