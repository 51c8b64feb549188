"""A student transferred after the first semester (001 Art. 134(5), 134(7); rules.md R-TRF-09..11)."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from schema import rules
from schema.errors import InvariantViolation
from schema.models import Enrolment, LearningPeriod, PeriodAverage, User, db
from schema.operations.base import audited, require_reason
from schema.operations.closing import ruleset_of
from security import policy
from security.access import require_permission, require_same_school


@dataclass
class TransferAverages:
    """What happened to the averages the student brought."""

    #: Subjects whose semester-I average was entered in the new class.
    brought: list[str] = field(default_factory=list)
    #: Subjects the new class does not study: not entered (Art. 134(5)).
    not_studied_here: list[str] = field(default_factory=list)
    #: Subjects of the new class without an average: a difference exam gives it (Art. 134(5)).
    difference_exams_needed: list[str] = field(default_factory=list)


def bring_transfer_averages(actor: User, enrolment: Enrolment, period: LearningPeriod, averages: dict[str, int], *,
                            reason: str, remote_addr: str | None = None) -> TransferAverages:
    """The secretary enters, in the receiving class, only the semester-I averages of the subjects
    the student studies there; the others are listed, not entered."""
    reason = require_reason(reason)
    require_permission(actor, policy.ENTER_EXAM_RESULTS, "Doar secretariatul trece mediile elevilor transferați.")
    require_same_school(actor, enrolment.school_id)
    if period.year_id != enrolment.year_id or enrolment.starts_on <= period.ends_on:
        raise InvariantViolation(
            "not_after_period",
            f"Elevul a fost înscris în clasă pe {enrolment.starts_on:%d.%m.%Y}, înainte de sfârșitul perioadei "
            f"„{period.name}”: mediile se încheie în clasă, nu se aduc prin transfer.",
            "The student joined before the end of that period.",
        )
    entries_by_subject = {entry.subject.name: entry for entry in enrolment.school_class.curriculum}
    result = TransferAverages()
    to_enter = []
    for subject, value in averages.items():
        entry = entries_by_subject.get(subject)
        if entry is None:
            result.not_studied_here.append(subject)
            continue
        try:
            mark = rules.as_mark(value, subject)
        except (TypeError, ValueError):
            raise InvariantViolation(
                "average_invalid", f"Media la {subject} ({value!r}) nu este o medie semestrială validă (1–10).",
                "Invalid semester average.",
            ) from None
        to_enter.append((entry, mark))
        result.brought.append(subject)
    already = set(
        db.session.scalars(
            sa.select(PeriodAverage.curriculum_entry_id).where(
                PeriodAverage.enrolment_id == enrolment.id, PeriodAverage.period_id == period.id
            )
        )
    )
    brought = set(result.brought)
    result.difference_exams_needed = sorted(
        name for name, entry in entries_by_subject.items()
        if name not in brought and entry.id not in already and not entry.subject.is_religion
    )
    ruleset = ruleset_of(enrolment)
    with audited(actor, reason, remote_addr):
        for entry, mark in to_enter:
            db.session.add(PeriodAverage(
                school_id=enrolment.school_id, enrolment_id=enrolment.id, curriculum_entry_id=entry.id,
                class_id=enrolment.class_id, period_id=period.id, value=mark, ruleset=ruleset.name,
                ruleset_version=ruleset.version, inputs={"transfer": True, "average": mark},
                closed_by_id=actor.id, reason=reason,
            ))
    return result
