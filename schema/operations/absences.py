"""Recording absences and excusing them (001 Art. 102, 211; decisions.md "Absences")."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from schema import rules
from schema.errors import InvariantViolation
from schema.models import (
    Absence,
    CurriculumEntry,
    Enrolment,
    LearningPeriod,
    Motivation,
    MotivationRequest,
    User,
    db,
)
from schema.operations.base import audited, require_reason
from schema.operations.catalog_notices import notify_new_absence
from schema.operations.closing import ruleset_of
from schema.operations.excuse_request_notices import notify_family_of_request
from schema.operations.lookups import period_on, require_period_open, require_same_class
from schema.catalog import MOTIVATION_KINDS, MOTIVATIONS_NEEDING_APPROVAL
from schema.rules import motivation_in_time
from schema.rules.late_entry import LATE_ENTRY_REASON, is_late_entry
from security import access
from security.access import require_can_write_marks, require_class_master

#: Romanian names of the motivation documents (decisions.md "Absences").
MOTIVATION_KIND_LABELS = {
    "medical": "certificat medical",
    "parent_request": "cererea părintelui",
    "sports": "competiție sportivă",
    "olympiad": "olimpiadă / concurs școlar",
    "representative": "reprezentarea școlii",
}


def record_absence(
    actor: User,
    enrolment: Enrolment,
    entry: CurriculumEntry,
    *,
    occurred_on: date,
    lesson_hour: int,
    period: LearningPeriod | None = None,
    remote_addr: str | None = None,
    token_id: int | None = None,
    entered_on: date | None = None,
) -> Absence:
    """The teacher of the lesson records an absence (001 Art. 102(1), 211(2)).

    An absence entered more than a day after `occurred_on` is an "introducere ulterioară"
    (rules.md §7.8, decisions.md A35): flagged `entered_late`, with that audit reason. `entered_on`
    is the day of entry, today unless a script replays entries made on their day (the demo seed).
    """
    require_same_class(enrolment, entry)
    require_can_write_marks(actor, entry, occurred_on)
    period = period or period_on(enrolment.year_id, occurred_on)
    require_period_open(enrolment.id, entry.id, period.id)
    entered_late = is_late_entry(occurred_on, entered_on or access.today())
    with audited(actor, LATE_ENTRY_REASON if entered_late else None, remote_addr, token_id):
        absence = Absence(
            school_id=enrolment.school_id,
            enrolment_id=enrolment.id,
            curriculum_entry_id=entry.id,
            class_id=enrolment.class_id,
            period_id=period.id,
            occurred_on=occurred_on,
            lesson_hour=lesson_hour,
            state="unexcused",
            teacher_id=actor.id,
            entered_late=entered_late,
        )
        db.session.add(absence)
        notify_new_absence(enrolment, entry, absence)
    return absence


def excuse_absences(
    actor: User,
    enrolment: Enrolment,
    *,
    kind: str,
    document_number: str,
    document_date: date,
    covers_from: date,
    covers_to: date,
    returned_on: date,
    presented_on: date,
    approval: MotivationRequest | None = None,
    remote_addr: str | None = None,
    token_id: int | None = None,
) -> Motivation:
    """The class master excuses the student's unexcused absences between two dates.

    Documents are due within 7 calendar days of the student's return (001 Art. 102(6)-(7));
    parent requests, sports and olympiads need the director's prior approval (Art. 102(5), 103),
    given as an approved, unused `MotivationRequest` covering the dates; parent requests also
    count against the rule-set's limit (`require_parent_hours`).
    """
    require_class_master(actor, enrolment.school_class)
    if kind not in MOTIVATION_KINDS:
        raise InvariantViolation("motivation_kind_unknown", "Tipul documentului nu este cunoscut.", "Unknown kind.")
    if not (document_number or "").strip():
        raise InvariantViolation(
            "document_number_required", "Numărul documentului este obligatoriu.", "The document number is required."
        )
    if covers_to < covers_from:
        raise InvariantViolation("dates_ordered", "Data de sfârșit este înaintea celei de început.", "End before start.")
    if not motivation_in_time(returned_on, presented_on):
        raise InvariantViolation(
            "motivation_late",
            f"Documentul a fost prezentat pe {presented_on:%d.%m.%Y}, la mai mult de 7 zile de la revenirea "
            f"elevului ({returned_on:%d.%m.%Y}); absențele rămân nemotivate (ROFUIP art. 102(7)).",
            "Documents presented more than 7 days after the return; absences stay unexcused.",
        )
    if kind in MOTIVATIONS_NEEDING_APPROVAL:
        _require_usable_approval(approval, enrolment, kind, covers_from, covers_to)
    elif approval is not None:
        raise InvariantViolation(
            "approval_not_needed",
            f"Motivarea pe bază de {MOTIVATION_KIND_LABELS[kind]} nu are nevoie de aprobarea directorului.",
            "This kind of motivation needs no approval.",
        )
    absences = db.session.scalars(
        sa.select(Absence).where(
            Absence.enrolment_id == enrolment.id,
            Absence.state == "unexcused",
            Absence.occurred_on >= covers_from,
            Absence.occurred_on <= covers_to,
        )
    ).all()
    if not absences:
        raise InvariantViolation(
            "nothing_to_excuse", "Nu există absențe nemotivate în intervalul ales.", "No unexcused absences in range."
        )
    if approval is not None and len(absences) > approval.hours:
        raise InvariantViolation(
            "approval_hours_exceeded",
            f"Directorul a aprobat motivarea a {approval.hours} ore, iar în intervalul ales sunt "
            f"{len(absences)} absențe nemotivate. Alegeți un interval mai scurt.",
            "More absences in range than the approved hours.",
        )
    if kind == "parent_request":
        require_parent_hours(enrolment, absences)
    with audited(actor, "Motivare absențe", remote_addr, token_id):
        motivation = Motivation(
            school_id=enrolment.school_id,
            enrolment_id=enrolment.id,
            kind=kind,
            document_number=document_number,
            document_date=document_date,
            covers_from=covers_from,
            covers_to=covers_to,
            returned_on=returned_on,
            presented_on=presented_on,
            hours=len(absences),
            approved_by_id=approval.decided_by_id if approval else None,
            approved_at=approval.decided_at if approval else None,
            recorded_by_id=actor.id,
        )
        db.session.add(motivation)
        for absence in absences:
            absence.state = "excused"
            absence.motivation = motivation
        if approval is not None:
            approval.motivation = motivation
            if approval.filed_by_family:
                notify_family_of_request(approval, "Cererea de motivare a fost acceptată",
                                         f"dirigintele a motivat {motivation.hours} absențe.")
    return motivation


def _require_usable_approval(
    approval: MotivationRequest | None, enrolment: Enrolment, kind: str, covers_from: date, covers_to: date
) -> None:
    """An approved request of this kind, for this student, covering the dates, not used yet."""
    label = MOTIVATION_KIND_LABELS[kind]
    if approval is None or approval.state != "approved":
        raise InvariantViolation(
            "approval_required",
            f"Motivarea pe bază de {label} necesită aprobarea prealabilă a directorului (ROFUIP art. 102(5), 103): "
            "trimiteți întâi cererea spre aprobare.",
            "This motivation needs the director's prior approval.",
        )
    if approval.enrolment_id != enrolment.id or approval.school_id != enrolment.school_id or approval.kind != kind:
        raise InvariantViolation(
            "approval_mismatch",
            "Aprobarea aleasă este pentru alt elev sau alt tip de document.",
            "The approval is for another student or another kind.",
        )
    if approval.motivation_id is not None:
        raise InvariantViolation(
            "approval_used", "Aprobarea aleasă a fost deja folosită la o motivare.", "The approval was already used."
        )
    if approval.rejected_by_id is not None:
        raise InvariantViolation(
            "approval_rejected", "Cererea aleasă a fost respinsă de diriginte.", "The request was rejected."
        )
    if covers_from < approval.covers_from or covers_to > approval.covers_to:
        raise InvariantViolation(
            "approval_dates",
            f"Directorul a aprobat intervalul {approval.covers_from:%d.%m.%Y}–{approval.covers_to:%d.%m.%Y}; "
            "motivarea nu poate depăși acest interval.",
            "The motivation lies outside the approved dates.",
        )


@dataclass
class ParentHours:
    """How many hours parent requests have excused and may still excuse for one student."""

    #: The rule-set's limit (20 per semester, or 40 per year).
    limit: int
    #: "period" or "year".
    scope: str
    #: Name of the span the limit runs over ("Semestrul I", "anul școlar 2025-2026").
    span: str
    used: int
    left: int
    #: Per-subject caps (rofuip2022+): curriculum entry id -> (subject name, cap, used).
    subjects: dict[int, tuple[str, int, int]] = field(default_factory=dict)


def _subject_yearly_hours(entry: CurriculumEntry, periods: list[LearningPeriod]) -> int:
    if entry.module_hours:
        return entry.module_hours
    return max(1, (entry.weekly_hours or 0) * sum(p.teaching_weeks for p in periods))


def _parent_hours_used(enrolment: Enrolment) -> Counter:
    """Absences already excused by parent requests: (period id, curriculum entry id) -> count."""
    rows = db.session.execute(
        sa.select(Absence.period_id, Absence.curriculum_entry_id, sa.func.count(Absence.id))
        .join(Motivation, Motivation.id == Absence.motivation_id)
        .join(Enrolment, Enrolment.id == Absence.enrolment_id)
        .where(
            # every enrolment of the student in this year: a transfer does not restart the limit
            Enrolment.student_id == enrolment.student_id,
            Enrolment.year_id == enrolment.year_id,
            Motivation.kind == "parent_request",
        )
        .group_by(Absence.period_id, Absence.curriculum_entry_id)
    ).all()
    return Counter({(period_id, entry_id): count for period_id, entry_id, count in rows})


def parent_request_hours(enrolment: Enrolment, period: LearningPeriod | None = None) -> ParentHours:
    """The parent-request hours used and left for the student (decisions.md "Absences"): per semester
    under rofuip2016 (the period given, or the current one), per year from rofuip2022, plus each
    subject's 20 % cap where the rule-set has one. Counted over all the student's enrolments of the year."""
    ruleset = ruleset_of(enrolment)
    periods = list(enrolment.year.periods)
    used = _parent_hours_used(enrolment)
    if ruleset.parent_request_scope == "period":
        period = period or periods[0]
        used_total = sum(count for (period_id, _), count in used.items() if period_id == period.id)
        span = period.name
    else:
        used_total = sum(used.values())
        span = f"anul școlar {enrolment.year.name}"
    result = ParentHours(
        limit=ruleset.parent_request_hours_limit,
        scope=ruleset.parent_request_scope,
        span=span,
        used=used_total,
        left=rules.parent_hours_left(used_total, ruleset=ruleset),
    )
    if ruleset.parent_request_subject_share is not None:
        by_entry: Counter = Counter()
        for (_, entry_id), count in used.items():
            by_entry[entry_id] += count
        for entry in enrolment.school_class.curriculum:
            cap = rules.parent_subject_hours_limit(_subject_yearly_hours(entry, periods), ruleset=ruleset)
            result.subjects[entry.id] = (entry.subject.name, cap, by_entry[entry.id])
    return result


def require_parent_hours(enrolment: Enrolment, absences: list[Absence]) -> None:
    """Refuse a parent request that would excuse more than the rule-set allows (001 Art. 102(5):
    20 h per semester; ROFUIP 2022 Art. 94(5): 40 h per year and 20 % of each subject's hours).

    Nothing is excused partly: the class master chooses a shorter interval or another document.
    """
    ruleset = ruleset_of(enrolment)
    periods = {p.id: p for p in enrolment.year.periods}
    if ruleset.parent_request_scope == "period":
        spans = Counter(absence.period_id for absence in absences)
        checks = [(parent_request_hours(enrolment, periods[period_id]), count) for period_id, count in spans.items()]
    else:
        checks = [(parent_request_hours(enrolment), len(absences))]
    for hours, requested in checks:
        if rules.parent_hours_excusable(requested, hours.used, ruleset=ruleset) < requested:
            per = "pe semestru" if hours.scope == "period" else "pe an școlar"
            raise InvariantViolation(
                "parent_hours_exceeded",
                f"Pe baza cererilor părinților se pot motiva cel mult {hours.limit} de ore {per}. "
                f"În {hours.span} s-au motivat deja {hours.used} ore astfel; mai rămân {hours.left}, "
                f"iar intervalul ales cuprinde {requested} absențe nemotivate. Alegeți un interval mai scurt "
                "sau motivați restul cu alt document.",
                f"Parent requests may excuse at most {hours.limit} hours; {hours.used} used, {hours.left} left, "
                f"{requested} requested.",
            )
    if ruleset.parent_request_subject_share is not None:
        status = parent_request_hours(enrolment)
        requested_by_entry = Counter(absence.curriculum_entry_id for absence in absences)
        for entry_id, requested in requested_by_entry.items():
            name, cap, used = status.subjects[entry_id]
            if used + requested > cap:
                raise InvariantViolation(
                    "parent_subject_hours_exceeded",
                    f"La {name}, cererile părinților pot motiva cel mult {cap} ore pe an (20 % din orele "
                    f"disciplinei, ROFUIP 2022 art. 94(5)). S-au motivat deja {used}, mai rămân {max(0, cap - used)}, "
                    f"iar intervalul ales cuprinde {requested}.",
                    f"At {name}, parent requests may excuse at most {cap} hours a year; {used} used.",
                )


def delete_absence(actor: User, absence: Absence, *, reason: str, remote_addr: str | None = None,
                   token_id: int | None = None) -> None:
    """Remove an absence recorded by mistake; the version history keeps it with the reason."""
    reason = require_reason(reason)
    require_can_write_marks(actor, absence.curriculum_entry, absence.occurred_on)
    with audited(actor, reason, remote_addr, token_id):
        db.session.delete(absence)
