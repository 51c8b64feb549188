"""Behaviour (purtare): the absence reduction, the proposal, reprimands, validation.

rules.md §3.11 and §4.4; decisions.md "Behaviour" and "Rule-sets". The application only
*proposes* the behaviour mark; the class master sets it after the class council.

Notation: U = unexcused absences over all subjects in the period (rofuip2016) or the
year (rofuip2022/2024); u_d and H_d = unexcused absences and scheduled hours of subject d
in the same span; D = number of subjects where u_d >= share * H_d.
"""

from collections.abc import Mapping
from decimal import Decimal

from schema.rules.calificative import BINE, calificativ_rank
from schema.rules.rulesets import DEFAULT_RULESET, RuleSetRef, get_ruleset
from schema.rules.validation import as_average, as_count

HIGHEST_BEHAVIOUR_MARK = 10
LOWEST_BEHAVIOUR_MARK = 1
VALIDATION_BELOW = Decimal("7.00")
VALIDATION_BELOW_STRICT_PROFILE = Decimal("8.00")


def subjects_over_share(
    unexcused_by_subject: Mapping[str, int],
    hours_by_subject: Mapping[str, int],
    share: Decimal,
) -> list[str]:
    """Subjects where the unexcused absences reach ``share`` of the subject's hours (u_d >= share * H_d).

    Rule: the "10 % at one discipline" criterion of 001 Art. 218(1) (R-BEH-06); 20 % under
    rofuip2024. Subjects without unexcused absences never count.
    """
    over: list[str] = []
    for subject, unexcused in unexcused_by_subject.items():
        absences = as_count(unexcused, f"unexcused_by_subject[{subject!r}]")
        if absences == 0:
            continue
        if subject not in hours_by_subject:
            raise ValueError(f"hours_by_subject has no scheduled hours for {subject!r}")
        hours = as_count(hours_by_subject[subject], f"hours_by_subject[{subject!r}]", minimum=1)
        if Decimal(absences) >= share * hours:
            over.append(subject)
    return over


def behaviour_reduction(
    unexcused_total: int,
    unexcused_by_subject: Mapping[str, int],
    hours_by_subject: Mapping[str, int],
    *,
    ruleset: RuleSetRef = DEFAULT_RULESET,
) -> int:
    """Proposed behaviour reduction from unexcused absences: ``max(floor(U / N), D)``.

    Rules (decisions.md Behaviour and Rule-sets; the two criteria are alternatives for the
    same absences, so they are not added):
    * rofuip2016, per semester: N = 10, D counts subjects with u_d >= 10 % of H_d
      (001 Art. 217 pt.2(6), Art. 218(1)); 23 absences -> 2 (W-10), 4 of 36 h -> 1 (W-11);
    * rofuip2022, per year: N = 20, 10 % per subject (OME 3.797/2023);
    * rofuip2024, per year: N = 20, 20 % per subject (provisional).

    ``unexcused_total`` is U over all subjects; ``unexcused_by_subject`` maps subject ->
    u_d (it may list only some subjects); ``hours_by_subject`` maps subject -> H_d.
    """
    rules = get_ruleset(ruleset)
    total = as_count(unexcused_total, "unexcused_total")
    counted = sum(
        as_count(value, f"unexcused_by_subject[{subject!r}]") for subject, value in unexcused_by_subject.items()
    )
    if counted > total:
        raise ValueError(f"unexcused_total ({total}) is smaller than the sum of unexcused_by_subject ({counted})")
    from_total = total // rules.unexcused_per_behaviour_point
    from_subjects = len(
        subjects_over_share(unexcused_by_subject, hours_by_subject, rules.subject_share_per_behaviour_point)
    )
    return max(from_total, from_subjects)


def behaviour_proposal(
    unexcused_total: int,
    unexcused_by_subject: Mapping[str, int],
    hours_by_subject: Mapping[str, int],
    *,
    ruleset: RuleSetRef = DEFAULT_RULESET,
) -> int:
    """Proposed behaviour mark: 10 minus ``behaviour_reduction(...)``, never below 1.

    Rule: decisions.md Behaviour (A19: start value 10, floor 1); 001 Art. 218(1).
    23 unexcused absences in a semester -> 8 (W-10).
    """
    reduction = behaviour_reduction(unexcused_total, unexcused_by_subject, hours_by_subject, ruleset=ruleset)
    return max(LOWEST_BEHAVIOUR_MARK, HIGHEST_BEHAVIOUR_MARK - reduction)


def written_reprimands(unexcused_total: int, *, ruleset: RuleSetRef = DEFAULT_RULESET) -> int:
    """Number of written reprimands (mustrare scrisă) proposed: one at every 10 unexcused absences.

    Rule: 001 Art. 217 pt.2(6) "La 10 absențe nejustificate se primește și mustrare scrisă"
    and decisions.md Behaviour ("at every 10 unexcused absences in the period").
    23 -> 2, 9 -> 0. Counted over the same span as the behaviour reduction.
    """
    rules = get_ruleset(ruleset)
    return as_count(unexcused_total, "unexcused_total") // rules.unexcused_per_written_reprimand


def needs_council_validation(mark: int | Decimal | str, *, strict_profile: bool = False) -> bool:
    """Whether a behaviour mark must be validated by the teachers' council.

    Rule: 001 Art. 58(h), 138(1) (R-BEH-05, decisions.md Behaviour): below 7.00, or below
    8.00 in pedagogical, theological and military profiles (``strict_profile=True``);
    a primary behaviour qualifier below "Bine" (S or I).
    """
    if isinstance(mark, str):
        return calificativ_rank(mark) < calificativ_rank(BINE)
    value = as_average(mark, "behaviour mark")
    threshold = VALIDATION_BELOW_STRICT_PROFILE if strict_profile else VALIDATION_BELOW
    return value < threshold
