"""Contestation of a written mark (001 Art. 212(22); rules.md §3.14; decisions.md A25).

The parent (or the adult student) asks the director in writing to re-evaluate a written paper;
the director appoints two teachers of the school who do not teach the class; the mean of their
marks, truncated to two decimals, is the re-evaluation mark; the contestation is accepted when it
differs from the initial mark by at least one point, and then only the director enters the new
mark, with the contestation as the reason.
"""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa

from schema import rules
from schema.db import utc_now
from schema.errors import InvariantViolation, PermissionDenied
from schema.models import Contestation, CurriculumEntry, Mark, TeachingAssignment, User, db
from schema.operations.base import audited
from schema.operations.lookups import require_period_open
from schema.rules.validation import as_average
from security import policy
from security.access import _refuse_administrator, require_permission, role_names

#: Only written papers can be re-evaluated; oral and practical probes cannot (001 Art. 212(22)(b)).
WRITTEN_INSTRUMENTS = ("written", "test")


def _require_director(actor: User, school_id: int, permission: str = policy.APPROVE) -> None:
    """The director or deputy director; never an account with the administrator role (000 ¶26)."""
    _refuse_administrator(actor)
    require_permission(
        actor, permission, "Doar directorul sau directorul adjunct soluționează contestațiile (ROFUIP art. 212(22))."
    )
    if actor.school_id != school_id:
        raise PermissionDenied("other_school", "Aceste date nu aparțin școlii dumneavoastră.", "Another school's data.")


def _require_undecided(contestation: Contestation) -> None:
    if contestation.accepted is not None:
        raise InvariantViolation(
            "contestation_decided",
            f"Contestația nr. {contestation.reference} a fost deja soluționată; rezultatul ei este definitiv "
            "(ROFUIP art. 212(22)(g)).",
            "The contestation is already decided.",
        )


def _teaches_class(user: User, class_id: int) -> bool:
    return (
        db.session.scalar(
            sa.select(TeachingAssignment.id)
            .join(CurriculumEntry, CurriculumEntry.id == TeachingAssignment.curriculum_entry_id)
            .where(CurriculumEntry.class_id == class_id, TeachingAssignment.teacher_id == user.id)
            .limit(1)
        )
        is not None
    )


def _as_re_mark(value: object, which: str) -> Decimal:
    try:
        number = as_average(Decimal(value) if isinstance(value, str) else value, which)
    except (TypeError, ValueError, InvalidOperation):
        raise InvariantViolation(
            "re_mark_invalid",
            f"Nota {value!r} a evaluatorului nu este validă: se dau note de la 1 la 10.",
            "A re-evaluation mark is a number from 1 to 10 (int or Decimal, never float).",
        ) from None
    if number != number.quantize(Decimal("0.01")):
        raise InvariantViolation(
            "re_mark_invalid", f"Nota {value} are mai mult de două zecimale.", "At most two decimals."
        )
    return number


def file_contestation(actor: User, mark: Mark, *, reference: str, filed_on: date, filed_by: str,
                      re_evaluator_1: User, re_evaluator_2: User, remote_addr: str | None = None) -> Contestation:
    """The director registers the written request and appoints the two re-evaluators."""
    _require_director(actor, mark.school_id)
    if not (reference and reference.strip()) or not (filed_by and filed_by.strip()):
        raise InvariantViolation(
            "contestation_incomplete",
            "Contestația trebuie să aibă numărul de înregistrare și numele celui care a depus-o.",
            "The request's registration number and who filed it are required.",
        )
    reference = reference.strip()
    if mark.value is None:
        raise InvariantViolation(
            "mark_not_numeric",
            "Se pot contesta doar notele de la 1 la 10; la calificative reevaluarea se face prin consens, "
            "în afara aplicației.",
            "Only numeric marks can be contested here.",
        )
    if mark.is_fraud:
        raise InvariantViolation(
            "fraud_mark",
            "Nota 1 dată pentru fraudă nu se reevaluează.",
            "A mark given for fraud is not re-evaluated.",
        )
    if not (mark.kind == "thesis" or (mark.kind == "regular" and mark.instrument in WRITTEN_INSTRUMENTS)):
        raise InvariantViolation(
            "not_a_written_mark",
            "Se poate contesta doar nota unei lucrări scrise; probele orale și practice nu se reevaluează "
            "(ROFUIP art. 212(22)(b)).",
            "Only a written paper can be re-evaluated.",
        )
    if filed_on < mark.given_on:
        raise InvariantViolation(
            "filed_before_mark",
            "Contestația nu poate fi depusă înainte de data notei.",
            "The request cannot predate the mark.",
        )
    if re_evaluator_1.id == re_evaluator_2.id:
        raise InvariantViolation(
            "two_re_evaluators",
            "Reevaluarea se face de două cadre didactice diferite (ROFUIP art. 212(22)(c)).",
            "Two different re-evaluators are needed.",
        )
    for evaluator in (re_evaluator_1, re_evaluator_2):
        if (
            evaluator.school_id != mark.school_id
            or not evaluator.active
            or not policy.has_permission(role_names(evaluator), policy.WRITE_MARKS)
        ):
            raise InvariantViolation(
                "re_evaluator_not_teacher",
                f"{evaluator.full_name} nu poate reevalua lucrarea: reevaluatorii sunt profesori ai școlii.",
                "Re-evaluators are teachers of the school.",
            )
        if evaluator.id == mark.teacher_id or _teaches_class(evaluator, mark.class_id):
            raise InvariantViolation(
                "re_evaluator_teaches_class",
                f"{evaluator.full_name} predă la clasa elevului: reevaluatorii sunt profesori care nu predau "
                "la clasa respectivă (ROFUIP art. 212(22)(c)).",
                "Re-evaluators must not teach the student's class.",
            )
    earlier = db.session.scalar(sa.select(Contestation).where(Contestation.mark_id == mark.id))
    if earlier is not None:
        raise InvariantViolation(
            "already_contested",
            f"Nota a fost deja contestată (contestația nr. {earlier.reference}).",
            "The mark has already been contested.",
        )
    duplicate = db.session.scalar(
        sa.select(Contestation.id).where(Contestation.school_id == mark.school_id, Contestation.reference == reference)
    )
    if duplicate is not None:
        raise InvariantViolation(
            "reference_exists",
            f"Există deja o contestație cu numărul {reference}.",
            "A contestation with this reference exists.",
        )
    with audited(actor, f"Contestație nr. {reference} înregistrată", remote_addr):
        contestation = Contestation(
            school_id=mark.school_id,
            mark_id=mark.id,
            reference=reference,
            filed_on=filed_on,
            filed_by=filed_by.strip(),
            initial_mark=mark.value,
            re_evaluator_1_id=re_evaluator_1.id,
            re_evaluator_2_id=re_evaluator_2.id,
        )
        db.session.add(contestation)
    return contestation


def record_re_evaluation(actor: User, contestation: Contestation, *, re_mark_1: int | Decimal | str,
                         re_mark_2: int | Decimal | str, remote_addr: str | None = None) -> Contestation:
    """The director records the two re-evaluators' marks and the re-evaluation mark,
    trunc2 of their mean (001 Art. 212(22)(d); decisions.md A25)."""
    _require_director(actor, contestation.school_id)
    _require_undecided(contestation)
    mark_1 = _as_re_mark(re_mark_1, "re_mark_1")
    mark_2 = _as_re_mark(re_mark_2, "re_mark_2")
    corrected = contestation.re_mark_1 is not None
    reason = f"Reevaluare la contestația nr. {contestation.reference}" + (" (corectare)" if corrected else "")
    with audited(actor, reason, remote_addr):
        contestation.re_mark_1 = mark_1
        contestation.re_mark_2 = mark_2
        contestation.re_evaluation = rules.trunc2(rules.mean([mark_1, mark_2]))
    return contestation


def decide_contestation(actor: User, contestation: Contestation, *, new_mark: int | None = None,
                        remote_addr: str | None = None) -> Contestation:
    """The director decides: rejected, the initial mark stays; accepted, the director enters the new
    mark (by default the re-evaluation mark rounded in the student's favour; any whole mark between
    its floor and its ceiling), with the contestation as the reason (001 Art. 212(22)(e)-(f))."""
    _require_director(actor, contestation.school_id, policy.ENTER_CONTESTED_MARK)
    _require_undecided(contestation)
    if contestation.re_mark_1 is None or contestation.re_mark_2 is None:
        raise InvariantViolation(
            "re_evaluation_missing",
            "Notele celor doi reevaluatori nu au fost încă trecute.",
            "The re-evaluators' marks are missing.",
        )
    accepted, _mark = rules.contestation_outcome(
        contestation.initial_mark, contestation.re_mark_1, contestation.re_mark_2
    )
    re_evaluation = contestation.re_evaluation
    mark = contestation.mark
    if not accepted:
        if new_mark is not None:
            raise InvariantViolation(
                "contestation_rejected",
                f"Nota de la reevaluare ({re_evaluation}) diferă de nota inițială ({contestation.initial_mark}) "
                "cu mai puțin de un punct: contestația se respinge și nota inițială rămâne (ROFUIP art. 212(22)(e)).",
                "Rejected contestation: the initial mark stays.",
            )
        with audited(actor, f"Contestație respinsă nr. {contestation.reference}", remote_addr):
            contestation.accepted = False
            contestation.decided_by_id = actor.id
            contestation.decided_at = utc_now()
        return contestation
    lowest, highest = math.floor(re_evaluation), math.ceil(re_evaluation)
    if new_mark is None:
        new_mark = rules.round_in_favour(re_evaluation)
    if isinstance(new_mark, bool) or not isinstance(new_mark, int) or not lowest <= new_mark <= highest:
        allowed = str(lowest) if lowest == highest else f"{lowest} sau {highest}"
        raise InvariantViolation(
            "new_mark_invalid",
            f"Nota de la reevaluare este {re_evaluation}: nota nouă trebuie să fie {allowed}.",
            "The new mark must be the re-evaluation mark rounded down or up.",
        )
    # The new mark changes a catalog mark: refused while its average is closed (reopen it first).
    require_period_open(mark.enrolment_id, mark.curriculum_entry_id, mark.period_id)
    with audited(actor, f"Contestație admisă nr. {contestation.reference}", remote_addr):
        contestation.accepted = True
        contestation.new_mark = new_mark
        contestation.decided_by_id = actor.id
        contestation.decided_at = utc_now()
        mark.value = new_mark
    return contestation
