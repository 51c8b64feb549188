"""Absences: the deferral flag, the 7-day deadline, parent-request limits (rules.md §4, decisions.md Absences).

Hours of a subject in a period (H_d) = weekly hours x teaching weeks of the period
(decisions.md Periods). Parent requests count against 20 h per semester under rofuip2016,
and against 40 h per school year and 20 % of each subject's yearly hours under
rofuip2022/rofuip2024; sports, olympiad and representative motivations count against
neither (decisions.md Absences).
"""

import datetime
from decimal import Decimal

from schema.rules.rulesets import DEFAULT_RULESET, RuleSetRef, get_ruleset
from schema.rules.validation import as_count

DEFERRAL_SHARE = Decimal("0.50")
MOTIVATION_DEADLINE_DAYS = 7


def deferral_flag(absent_hours: int, subject_hours: int) -> bool:
    """Whether the student "may be deferred" at a subject: absent (excused + unexcused) >= 50 % of its hours.

    Rule: 001 Art. 128(a), 211(9) (R-ST-03(a)); decisions.md A23: a flag, the class master
    decides. W-18: 18 of 36 -> True; 17 of 36 -> False.
    """
    absent = as_count(absent_hours, "absent_hours")
    hours = as_count(subject_hours, "subject_hours", minimum=1)
    return Decimal(absent) >= DEFERRAL_SHARE * hours


def _as_date(value: object, what: str) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    raise TypeError(f"{what} must be a datetime.date, got {type(value).__name__} ({value!r})")


def motivation_in_time(
    return_date: datetime.date,
    presented_date: datetime.date,
    *,
    deadline_days: int = MOTIVATION_DEADLINE_DAYS,
) -> bool:
    """Whether motivation documents were presented within 7 calendar days of the student's return.

    Rule: 001 Art. 102(6)-(7), 211(6)-(7) (R-MOT-06, R-MOT-07); decisions.md A27: calendar
    days, later documents are refused and the absences stay unexcused. W-20: return on
    3 Nov, presented 10 Nov -> True; 11 Nov -> False. Documents presented before the
    return (while the student is still away) are in time.
    """
    returned = _as_date(return_date, "return_date")
    presented = _as_date(presented_date, "presented_date")
    days = as_count(deadline_days, "deadline_days")
    return (presented - returned).days <= days


def parent_hours_left(used_in_period: int, *, ruleset: RuleSetRef = DEFAULT_RULESET) -> int:
    """Hours that parent requests may still excuse: 20 per semester (rofuip2016) minus those used, never negative.

    Rules: 001 Art. 102(5), 211(4)(c) (R-MOT-05); under rofuip2022/rofuip2024 the limit is
    40 h per school year (ROFUIP 2022 Art. 94(5); decisions.md Absences), so pass the
    year's hours. W-19: 12 used -> 8 left.
    """
    rules = get_ruleset(ruleset)
    used = as_count(used_in_period, "used_in_period")
    return max(0, rules.parent_request_hours_limit - used)


def parent_hours_excusable(requested_hours: int, used_hours: int, *, ruleset: RuleSetRef = DEFAULT_RULESET) -> int:
    """How many of the requested hours a parent request can excuse, given the hours already used.

    Rule: as ``parent_hours_left`` (001 Art. 102(5)); the rest stay unexcused unless other
    documents are presented. W-19: 12 requested with 0 used -> 12; then 10 requested with
    12 used -> 8.
    """
    requested = as_count(requested_hours, "requested_hours")
    return min(requested, parent_hours_left(used_hours, ruleset=ruleset))


def parent_subject_hours_limit(subject_yearly_hours: int, *, ruleset: RuleSetRef = "rofuip2022") -> int | None:
    """Per-subject cap on parent requests: ``floor(20 % x the subject's yearly hours)``, or None.

    Rule: ROFUIP 2022 Art. 94(5) "fără a depăși 20% din numărul orelor alocate unei
    discipline" (decisions.md Absences, Rule-sets rofuip2022). 1 h/week x 36 weeks = 36 h -> 7.
    rofuip2016 has no per-subject cap, so it returns None.
    """
    rules = get_ruleset(ruleset)
    hours = as_count(subject_yearly_hours, "subject_yearly_hours", minimum=1)
    if rules.parent_request_subject_share is None:
        return None
    return int(rules.parent_request_subject_share * hours)  # int() of a non-negative Decimal is its floor


def parent_subject_hours_excusable(
    requested_hours: int,
    used_at_subject: int,
    subject_yearly_hours: int,
    *,
    ruleset: RuleSetRef = "rofuip2022",
) -> int:
    """How many requested hours at one subject fit under the per-subject cap (``parent_subject_hours_limit``).

    Rule: ROFUIP 2022 Art. 94(5). Take the smaller of this and ``parent_hours_excusable``
    for the yearly 40-hour cap. Without a per-subject cap (rofuip2016) all requested hours fit.
    """
    requested = as_count(requested_hours, "requested_hours")
    used = as_count(used_at_subject, "used_at_subject")
    limit = parent_subject_hours_limit(subject_yearly_hours, ruleset=ruleset)
    if limit is None:
        return requested
    return min(requested, max(0, limit - used))
