"""Closing averages, behaviour and the year (001 Art. 119-122, 126-131; decisions.md).

The application computes the proposal with `schema.rules`; the entitled person closes it and the
closed row stores the rule-set (name and version), the inputs and who closed it when.
"""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa

from schema import rules
from schema.errors import InvariantViolation
from schema.models import (
    Absence,
    AnnualAverage,
    BehaviourMark,
    CurriculumEntry,
    Enrolment,
    Exemption,
    LearningPeriod,
    Mark,
    PeriodAverage,
    SchoolClass,
    User,
    YearResult,
    db,
)
from schema.db import utc_now
from schema.operations.base import audited, batch, unlock
from security import access
from security.access import require_can_write_marks, require_class_master


#: Audit reason of closing again a result the director allowed to reopen.
REOPENED_CLOSING_REASON = "Reîncheiere după redeschiderea aprobată de director"


def ruleset_of(enrolment: Enrolment) -> rules.RuleSet:
    """The rule-set of the enrolment's grade level if it has its own, else its school year's."""
    return rules.get_ruleset(enrolment.school_class.grade_level.ruleset or enrolment.year.ruleset)




def _reopened_or_new(model: type, **keys: int) -> object | None:
    """The row to close again after an approved reopening, or None for a first closing.

    A row still closed refuses: changing it needs a reopening approved by the director.
    """
    existing = db.session.scalar(sa.select(model).filter_by(**keys))
    if existing is not None and getattr(existing, "state", "closed") == "closed":
        raise InvariantViolation(
            "already_closed",
            "Media este deja încheiată; redeschiderea se cere directorului, cu motiv.",
            "Already closed; reopening needs the director's approval.",
        )
    return existing


def _close_again(row: object, values: dict) -> None:
    """Overwrite a reopened row with the new closing (the old one stays in its history)."""
    unlock(row)
    for name, value in values.items():
        setattr(row, name, value)
    row.state = "closed"
    row.closed_at = utc_now()


def _already_closed(model: type, **keys: int) -> None:
    existing = db.session.scalar(sa.select(model.id).filter_by(**keys))
    if existing is not None:
        raise InvariantViolation(
            "already_closed",
            "Media este deja încheiată; redeschiderea se cere directorului, cu motiv.",
            "Already closed; reopening needs the director's approval.",
        )


def _is_exempt(enrolment: Enrolment, entry: CurriculumEntry, period_id: int | None) -> bool:
    exemptions = db.session.scalars(
        sa.select(Exemption).where(Exemption.enrolment_id == enrolment.id, Exemption.curriculum_entry_id == entry.id)
    ).all()
    return any(e.period_id is None or e.period_id == period_id for e in exemptions)


def period_average_proposal(enrolment: Enrolment, entry: CurriculumEntry, period: LearningPeriod) -> dict:
    """What closing would store: value or calificativ, the marks used, and the minimum-marks check."""
    ruleset = ruleset_of(enrolment)
    marks = db.session.scalars(
        sa.select(Mark).where(
            Mark.enrolment_id == enrolment.id, Mark.curriculum_entry_id == entry.id, Mark.period_id == period.id
        ).order_by(Mark.given_on, Mark.id)
    ).all()
    regular = [m for m in marks if m.kind == "regular"]
    thesis = next((m for m in marks if m.kind == "thesis"), None)
    scale = enrolment.school_class.grade_level.evaluation_scale
    if not regular:
        raise InvariantViolation("no_marks", "Nu există note în această perioadă.", "No marks in this period.")
    minimum = rules.min_marks(entry.weekly_hours, module_hours=entry.module_hours)
    proposal: dict = {
        "marks": [m.display for m in regular],
        "thesis": thesis.value if thesis else None,
        "minimum": minimum,
        "below_minimum": len(regular) < minimum,
        "thesis_missing": entry.has_thesis_in(period.id) and thesis is None,
    }
    if scale == "calificative":
        proposal["candidates"] = rules.primary_period_candidates([m.calificativ for m in regular])
    else:
        values = [m.value for m in regular]
        proposal["value"] = rules.period_average(values, thesis.value if thesis else None, ruleset=ruleset)
    return proposal


def close_period_average(
    actor: User,
    enrolment: Enrolment,
    entry: CurriculumEntry,
    period: LearningPeriod,
    *,
    calificativ: str | None = None,
    reason: str | None = None,
    remote_addr: str | None = None,
) -> PeriodAverage:
    """The subject teacher closes a semester/trimester average (001 Art. 120(2)-(4), 121(2)), or the
    average of a module of a modular curriculum. Rule-sets without period averages (rofuip2022,
    rofuip2024) refuse it for any other entry: the annual average comes from all the year's marks.

    Closing below the minimum number of marks is allowed with a reason (decisions.md A12).
    """
    if not ruleset_of(enrolment).has_period_average and entry.module_hours is None:
        raise InvariantViolation(
            "no_period_average",
            "Din anul școlar 2022-2023 (ROFUIP 2022, art. 109) nu se mai încheie medii pe module: media anuală "
            "se calculează din toate notele anului și se încheie la sfârșitul anului.",
            "This rule-set has no period averages: the annual average is computed from all the year's marks.",
        )
    require_can_write_marks(actor, entry, period.ends_on)
    reopened = _reopened_or_new(
        PeriodAverage, enrolment_id=enrolment.id, curriculum_entry_id=entry.id, period_id=period.id
    )
    if _is_exempt(enrolment, entry, period.id):
        raise InvariantViolation("exempt", "Elevul este scutit în această perioadă: nu se încheie media.", "Exempt.")
    proposal = period_average_proposal(enrolment, entry, period)
    if proposal["below_minimum"] and not (reason and reason.strip()):
        raise InvariantViolation(
            "below_minimum_marks",
            f"Elevul are {len(proposal['marks'])} note, sub minimul de {proposal['minimum']}; "
            "încheierea mediei cere un motiv.",
            "Fewer marks than the minimum: a reason is required.",
        )
    if proposal["thesis_missing"] and not (reason and reason.strip()):
        raise InvariantViolation(
            "thesis_missing",
            "Disciplina are teză în această perioadă, dar elevul nu are notă la teză; "
            "încheierea fără teză cere un motiv.",
            "The subject has a thesis this period and none is recorded: a reason is required.",
        )
    if "candidates" in proposal:
        chosen = calificativ or proposal["candidates"][0]
        if chosen not in proposal["candidates"]:
            raise InvariantViolation(
                "calificativ_not_candidate",
                f"Calificativul ales trebuie să fie unul dintre {', '.join(proposal['candidates'])}.",
                "The chosen calificativ must be one of the two most frequent.",
            )
        value, chosen_calificativ = None, chosen
    else:
        value, chosen_calificativ = proposal["value"], None
    ruleset = ruleset_of(enrolment)
    values = {
        "value": value,
        "calificativ": chosen_calificativ,
        "ruleset": ruleset.name,
        "ruleset_version": ruleset.version,
        "inputs": proposal,
        "closed_by_id": actor.id,
        "reason": reason,
    }
    with audited(actor, reason or (REOPENED_CLOSING_REASON if reopened else None), remote_addr):
        if reopened is not None:
            _close_again(reopened, values)
            return reopened
        average = PeriodAverage(
            school_id=enrolment.school_id,
            enrolment_id=enrolment.id,
            curriculum_entry_id=entry.id,
            class_id=enrolment.class_id,
            period_id=period.id,
            **values,
        )
        db.session.add(average)
    return average


def close_annual_average(actor: User, enrolment: Enrolment, entry: CurriculumEntry, *, calificativ: str | None = None,
                         remote_addr: str | None = None) -> AnnualAverage | None:
    """The annual average from the closed period averages (001 Art. 120(5)-(6); R-AVG-06 for PE),
    or, under rofuip2022, from all marks of the year. Returns None when exempt all year."""
    ruleset = ruleset_of(enrolment)
    year = enrolment.year
    require_can_write_marks(actor, entry, year.ends_on)
    reopened = _reopened_or_new(AnnualAverage, enrolment_id=enrolment.id, curriculum_entry_id=entry.id)
    periods = list(year.periods)
    if not ruleset.has_period_average and periods:
        last = max(periods, key=lambda period: period.ordinal)
        if access.today() < last.starts_on:
            raise InvariantViolation(
                "year_not_ending",
                f"Media anuală se încheie în ultimul modul al anului ({last.name}, de la "
                f"{last.starts_on:%d.%m.%Y}), din toate notele anului (ROFUIP 2022, art. 109).",
                "The annual average closes in the year's last learning module.",
            )
    closed = {
        a.period_id: a
        for a in db.session.scalars(
            sa.select(PeriodAverage).where(
                PeriodAverage.enrolment_id == enrolment.id, PeriodAverage.curriculum_entry_id == entry.id
            )
        )
    }
    scale = enrolment.school_class.grade_level.evaluation_scale
    inputs: dict = {}
    if scale == "calificative" and not ruleset.has_period_average:
        # No period calificative: the teacher picks one of the two most frequent calificative
        # of the whole year (current-rules.md §1.11 and its reading in point 9).
        year_calificative = db.session.scalars(
            sa.select(Mark.calificativ).where(
                Mark.enrolment_id == enrolment.id, Mark.curriculum_entry_id == entry.id, Mark.kind == "regular",
                Mark.calificativ.is_not(None),
            ).order_by(Mark.given_on, Mark.id)
        ).all()
        if not year_calificative:
            raise InvariantViolation("no_marks", "Elevul nu are calificative în acest an.", "No calificative this year.")
        year_candidates = rules.primary_period_candidates(year_calificative)
        chosen = calificativ or year_candidates[0]
        if chosen not in year_candidates:
            raise InvariantViolation(
                "calificativ_not_candidate",
                f"Calificativul ales trebuie să fie unul dintre {', '.join(year_candidates)}.",
                "The chosen calificativ must be one of the two most frequent.",
            )
        value = None
        inputs["calificative"] = list(year_calificative)
        inputs["candidates"] = year_candidates
    elif scale == "calificative":
        candidates = [closed[p.id].calificativ for p in periods if p.id in closed]
        if len(candidates) < len(periods):
            raise InvariantViolation("periods_open", "Nu toate perioadele au calificativul încheiat.", "Open periods.")
        value, chosen = None, calificativ or candidates[-1]
        inputs["period_calificative"] = candidates
    elif ruleset.has_period_average:
        period_values: list[int | None] = []
        for period in periods:
            if period.id in closed:
                period_values.append(closed[period.id].value)
            elif _is_exempt(enrolment, entry, period.id):
                period_values.append(None)
            else:
                raise InvariantViolation(
                    "periods_open", f"Media pe „{period.name}” nu este încheiată.", "A period average is still open."
                )
        value = rules.annual_average(period_values, ruleset=ruleset)
        chosen = None
        inputs["period_averages"] = period_values
        if value is None:
            return None
    else:
        marks = db.session.scalars(
            sa.select(Mark.value).where(
                Mark.enrolment_id == enrolment.id, Mark.curriculum_entry_id == entry.id, Mark.kind == "regular"
            )
        ).all()
        if not marks:
            raise InvariantViolation("no_marks", "Elevul nu are note în acest an.", "No marks this year.")
        value = Decimal(rules.annual_average_from_marks(marks))
        chosen = None
        inputs["marks"] = list(marks)
    values = {
        "value": value,
        "calificativ": chosen,
        "source": "computed",
        "ruleset": ruleset.name,
        "ruleset_version": ruleset.version,
        "inputs": inputs,
        "closed_by_id": actor.id,
    }
    with audited(actor, REOPENED_CLOSING_REASON if reopened else None, remote_addr):
        if reopened is not None:
            _close_again(reopened, values)
            return reopened
        average = AnnualAverage(
            school_id=enrolment.school_id,
            enrolment_id=enrolment.id,
            curriculum_entry_id=entry.id,
            class_id=enrolment.class_id,
            **values,
        )
        db.session.add(average)
    return average


def behaviour_span(ruleset: rules.RuleSet, period: LearningPeriod, periods: list[LearningPeriod]) -> list[LearningPeriod]:
    """The periods whose unexcused absences count for ``period``'s behaviour proposal: the period
    itself (rofuip2016, per semester) or the whole year (rofuip2022/2024, OME 3.797/2023;
    decisions.md Rule-sets items 2-3), from the rule-set's ``behaviour_reduction_scope``."""
    return list(periods) if ruleset.behaviour_reduction_scope == "year" else [period]


def behaviour_hours(
    ruleset: rules.RuleSet, entries: list[CurriculumEntry], span: list[LearningPeriod]
) -> dict[int, int]:
    """Scheduled hours H_d of each curriculum entry over the behaviour span (no queries).

    Per period (rofuip2016): weekly hours × the period's teaching weeks. Per year (rofuip2022/2024):
    the subject's yearly hours, i.e. ``module_hours`` for a module of a modular curriculum, else
    weekly hours × the year's teaching weeks. Never below 1 (the rules engine divides by it)."""
    weeks = sum(p.teaching_weeks for p in span)
    hours: dict[int, int] = {}
    for entry in entries:
        if ruleset.behaviour_reduction_scope == "year" and entry.module_hours:
            hours[entry.id] = entry.module_hours
        else:
            hours[entry.id] = max(1, (entry.weekly_hours or 0) * weeks)
    return hours


def behaviour_proposal_from_counts(
    unexcused_by_entry: dict[int, int], hours_by_entry: dict[int, int], ruleset: rules.RuleSet
) -> dict:
    """The behaviour proposal from already loaded counts (used by the operation and by the pages).

    ``unexcused_by_entry``: curriculum entry id -> unexcused absences over the behaviour span;
    ``hours_by_entry``: entry id -> scheduled hours over the same span (``behaviour_hours``)."""
    counted = {entry_id: count for entry_id, count in unexcused_by_entry.items() if count}
    total = sum(counted.values())
    reduction = rules.behaviour_reduction(total, counted, hours_by_entry, ruleset=ruleset)
    if ruleset.reduction_subtracted_from_annual_behaviour:
        # rofuip2024: the module marks carry no reduction; it is subtracted once from their annual
        # mean (decisions.md Rule-sets item 3), so the proposal for a module is 10.
        proposal = rules.HIGHEST_BEHAVIOUR_MARK
    else:
        proposal = rules.behaviour_proposal(total, counted, hours_by_entry, ruleset=ruleset)
    return {
        "unexcused": total,
        "proposal": proposal,
        "annual_reduction": reduction if ruleset.reduction_subtracted_from_annual_behaviour else 0,
        "written_reprimands": rules.written_reprimands(total, ruleset=ruleset),
    }


def behaviour_proposal_for(enrolment: Enrolment, period: LearningPeriod) -> dict:
    """The proposed behaviour mark from unexcused absences (decisions.md "Behaviour" and "Rule-sets"):
    counted in the period (rofuip2016) or over the whole year (rofuip2022/2024)."""
    ruleset = ruleset_of(enrolment)
    span = behaviour_span(ruleset, period, list(enrolment.year.periods))
    rows = db.session.execute(
        sa.select(Absence.curriculum_entry_id, sa.func.count(Absence.id))
        .where(
            Absence.enrolment_id == enrolment.id,
            Absence.period_id.in_([p.id for p in span]),
            Absence.state == "unexcused",
        )
        .group_by(Absence.curriculum_entry_id)
    ).all()
    by_subject = {entry_id: count for entry_id, count in rows}
    hours = behaviour_hours(ruleset, list(enrolment.school_class.curriculum), span)
    return behaviour_proposal_from_counts(by_subject, hours, ruleset)


def set_behaviour_mark(actor: User, enrolment: Enrolment, period: LearningPeriod, *, value: int | None = None,
                       calificativ: str | None = None, reason: str | None = None,
                       remote_addr: str | None = None) -> BehaviourMark:
    """The class master records the behaviour mark; a mark other than the proposal needs a reason."""
    school_class = enrolment.school_class
    require_class_master(actor, school_class)
    _already_closed(BehaviourMark, enrolment_id=enrolment.id, period_id=period.id)
    proposal = behaviour_proposal_for(enrolment, period)
    is_primary = school_class.grade_level.evaluation_scale == "calificative"
    if not is_primary and value is None:
        value = proposal["proposal"]
    if value is not None and value != proposal["proposal"] and not (reason and reason.strip()):
        raise InvariantViolation(
            "reason_required",
            f"Propunerea este {proposal['proposal']}; o altă notă la purtare cere un motiv.",
            "A behaviour mark other than the proposal needs a reason.",
        )
    result = value if value is not None else calificativ
    with audited(actor, reason, remote_addr):
        mark = BehaviourMark(
            school_id=enrolment.school_id,
            enrolment_id=enrolment.id,
            period_id=period.id,
            proposal=None if is_primary else proposal["proposal"],
            value=value,
            calificativ=calificativ if value is None else None,
            reason=reason,
            needs_council_validation=rules.needs_council_validation(
                result, strict_profile=school_class.has_strict_behaviour_threshold
            ),
            set_by_id=actor.id,
        )
        db.session.add(mark)
    return mark


def _compute_year_result(enrolment: Enrolment, *, after_corigenta: bool = False) -> dict:
    """The year result's values from the closed annual averages and behaviour: status, general
    average, behaviour, details (001 Art. 120(8), 126-131). ``after_corigenta``: the averages
    already include the corigență session, so a subject still failed gives repetent (Art. 131(1)(c))."""
    school_class = enrolment.school_class
    ruleset = ruleset_of(enrolment)
    annual = db.session.scalars(sa.select(AnnualAverage).where(AnnualAverage.enrolment_id == enrolment.id)).all()
    results: dict[str, Decimal | str | None] = {}
    for average in annual:
        results[average.curriculum_entry.subject.name] = average.value if average.value is not None else average.calificativ
    behaviour_rows = db.session.scalars(sa.select(BehaviourMark).where(BehaviourMark.enrolment_id == enrolment.id)).all()
    if len(behaviour_rows) < len(enrolment.year.periods):
        raise InvariantViolation("behaviour_open", "Nota la purtare nu este încheiată pe toate perioadele.", "Open.")
    is_primary = school_class.grade_level.evaluation_scale == "calificative"
    behaviour_average: Decimal | None = None
    if is_primary:
        behaviour: Decimal | str = behaviour_rows[-1].calificativ
    else:
        reduction = 0
        if ruleset.reduction_subtracted_from_annual_behaviour:
            last_period = max(enrolment.year.periods, key=lambda period: period.ordinal)
            reduction = behaviour_proposal_for(enrolment, last_period)["annual_reduction"]
        behaviour_average = rules.annual_behaviour_average(
            [b.value for b in behaviour_rows], ruleset=ruleset, reduction=reduction
        )
        behaviour = behaviour_average
    status = rules.year_status(
        results, behaviour, grade=school_class.grade_level.code, after_corigenta=after_corigenta
    )
    general = None
    if not is_primary and status.status != rules.AMANAT:
        general = rules.general_average([r for r in results.values() if r is not None], behaviour_average, ruleset=ruleset)
    return {
        "status": {"amânat": "amanat"}.get(status.status, status.status),
        "general_average": general,
        "behaviour_average": behaviour_average,
        "behaviour_calificativ": behaviour if is_primary else None,
        "details": {
            "failed_subjects": list(status.failed_subjects),
            "deferred_subjects": list(status.deferred_subjects),
            "reason": status.reason,
            "remedial_programme": status.remedial_programme,
        },
        "ruleset": ruleset.name,
        "ruleset_version": ruleset.version,
    }


def close_year_result(actor: User, enrolment: Enrolment, *, remote_addr: str | None = None) -> YearResult:
    """The class master closes the student's year: status and general average (001 Art. 120(8), 126-131)."""
    require_class_master(actor, enrolment.school_class)
    _already_closed(YearResult, enrolment_id=enrolment.id)
    values = _compute_year_result(enrolment)
    with audited(actor, None, remote_addr):
        result = YearResult(school_id=enrolment.school_id, enrolment_id=enrolment.id, closed_by_id=actor.id, **values)
        db.session.add(result)
    return result


def class_closing_gaps(school_class: SchoolClass, period: LearningPeriod | None = None) -> list[str]:
    """What is still missing before the class situation can be closed, in Romanian: for a period,
    its averages and behaviour marks; for the year (period None), also the annual averages; and
    students who may be declared amânat (≥ 50 % absences at a subject, 001 Art. 128(a))."""
    enrolments = db.session.scalars(
        sa.select(Enrolment).where(Enrolment.class_id == school_class.id, Enrolment.status == "active")
    ).all()
    year_periods = list(school_class.year.periods)
    periods = [period] if period is not None else year_periods
    entries = list(school_class.curriculum)
    closed_periods = set(
        db.session.execute(
            sa.select(PeriodAverage.enrolment_id, PeriodAverage.curriculum_entry_id, PeriodAverage.period_id).where(
                PeriodAverage.class_id == school_class.id, PeriodAverage.state == "closed"
            )
        ).all()
    )
    closed_annual = set(
        db.session.execute(
            sa.select(AnnualAverage.enrolment_id, AnnualAverage.curriculum_entry_id).where(
                AnnualAverage.class_id == school_class.id, AnnualAverage.state == "closed"
            )
        ).all()
    )
    behaviour = set(
        db.session.execute(
            sa.select(BehaviourMark.enrolment_id, BehaviourMark.period_id).where(
                BehaviourMark.enrolment_id.in_([e.id for e in enrolments])
            )
        ).all()
    )
    exempt = set(
        db.session.execute(
            sa.select(Exemption.enrolment_id, Exemption.curriculum_entry_id, Exemption.period_id).where(
                Exemption.class_id == school_class.id
            )
        ).all()
    )
    absences = dict(
        ((enrolment_id, entry_id), count)
        for enrolment_id, entry_id, count in db.session.execute(
            sa.select(Absence.enrolment_id, Absence.curriculum_entry_id, sa.func.count(Absence.id))
            .where(Absence.class_id == school_class.id, Absence.period_id.in_([p.id for p in periods]))
            .group_by(Absence.enrolment_id, Absence.curriculum_entry_id)
        ).all()
    )
    ruleset = rules.get_ruleset(school_class.grade_level.ruleset or school_class.year.ruleset)
    gaps: list[str] = []
    for enrolment in enrolments:
        name = enrolment.student.full_name
        for entry in entries:
            whole_year_exempt = (enrolment.id, entry.id, None) in exempt
            if whole_year_exempt:
                continue
            if ruleset.has_period_average:
                for period in periods:
                    key = (enrolment.id, entry.id, period.id)
                    if key not in closed_periods and key not in exempt:
                        gaps.append(f"{name}: media la {entry.subject.name} pe {period.name} nu este încheiată.")
            if period is None and (enrolment.id, entry.id) not in closed_annual:
                gaps.append(f"{name}: media anuală la {entry.subject.name} nu este încheiată.")
            scheduled_hours = (entry.weekly_hours or 0) * sum(p.teaching_weeks for p in periods)
            if scheduled_hours and rules.deferral_flag(absences.get((enrolment.id, entry.id), 0), scheduled_hours):
                gaps.append(f"{name}: absențe la {entry.subject.name} de cel puțin 50 % din ore; poate fi declarat amânat.")
        for period in periods:
            if (enrolment.id, period.id) not in behaviour:
                gaps.append(f"{name}: nota la purtare pe {period.name} nu este trecută.")
    return gaps


def close_class_year(actor: User, school_class: SchoolClass, *, remote_addr: str | None = None) -> list[YearResult]:
    """The class master closes the year for every student of the class, or refuses with the list
    of what is still missing (001 Art. 77(d))."""
    require_class_master(actor, school_class)
    gaps = [gap for gap in class_closing_gaps(school_class) if "poate fi declarat amânat" not in gap]
    if gaps:
        raise InvariantViolation(
            "class_not_ready",
            "Situația clasei nu se poate încheia încă. Lipsesc:\n" + "\n".join(f"• {gap}" for gap in gaps),
            f"{len(gaps)} items are still missing.",
        )
    enrolments = db.session.scalars(
        sa.select(Enrolment).where(Enrolment.class_id == school_class.id, Enrolment.status == "active")
    ).all()
    with batch(actor, f"Încheierea situației școlare a clasei {school_class.name}"):
        return [close_year_result(actor, enrolment, remote_addr=remote_addr) for enrolment in enrolments]
