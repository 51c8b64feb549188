"""Exams organised by the school: corigență, closing amânat situations, difference exams and
re-examination (001 Art. 133-147; rules.md §3.13, R-AVG-10/11; decisions.md A24).

The steps, each one audited transaction:

1. the director appoints the session and its president (`create_exam_session`) and, for each
   subject, two examiners (`add_exam_subject`);
2. the secretary registers the students who sit the exam (`register_candidate`);
3. each examiner records their probe marks; their final mark is computed (`record_examiner_marks`);
4. the president finalises the exam: the average, or a refusal until the president mediates
   when the examiners are more than one point apart (`finalise_exam`);
5. the results are posted (`post_results`) and the secretary writes each exam average into the
   catalog, as the annual or the period average (`enter_exam_result`), warned after 5 days;
6. the class master records the students' school situation again (`reclose_year_after_exams`).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa

from schema import rules
from schema.db import utc_now
from schema.errors import InvariantViolation, PermissionDenied
from schema.exams import EXAM_KINDS
from schema.models import (
    AnnualAverage,
    CurriculumEntry,
    Enrolment,
    ExamCandidate,
    ExamSession,
    ExamSubject,
    LearningPeriod,
    PeriodAverage,
    SchoolYear,
    Subject,
    User,
    YearResult,
    db,
)
from schema.operations.base import audited, unlock
from schema.operations.closing import _compute_year_result, ruleset_of
from schema.rules.exams import EXAM_PASS_AVERAGE
from schema.rules.validation import as_average
from security import policy
from security.access import _refuse_administrator, require_class_master, require_permission, role_names

#: The secretary enters exam results in the class catalog within 5 days of posting (001 Art. 146(1)).
ENTRY_DEADLINE_DAYS = 5
#: Who may preside a commission or examine: teaching staff and the school's leadership.
EXAM_STAFF_ROLES = frozenset({policy.TEACHER, policy.DIRECTOR, policy.DEPUTY_DIRECTOR})
#: Kinds whose result goes into the catalog as "exam" (difference exams have their own source).
_SOURCE_OF_KIND = {"diferenta": "difference_exam"}


# --- shared checks --------------------------------------------------------------------------------


def _same_school(actor: User, school_id: int) -> None:
    if actor.school_id != school_id:
        raise PermissionDenied("other_school", "Aceste date nu aparțin școlii dumneavoastră.", "Another school's data.")


def _require_leadership(actor: User, school_id: int) -> None:
    """The director or deputy director appoints commissions (001 Art. 142(4))."""
    require_permission(
        actor,
        policy.APPROVE,
        "Doar directorul sau directorul adjunct numește comisiile de examen (ROFUIP art. 142(4)).",
    )
    _same_school(actor, school_id)


def _require_secretary(actor: User, school_id: int) -> None:
    """The secretary registers candidates and writes exam results in the catalog (001 Art. 146(1))."""
    _refuse_administrator(actor)
    require_permission(
        actor,
        policy.ENTER_EXAM_RESULTS,
        "Doar secretariatul trece rezultatele examenelor în catalog (ROFUIP art. 146(1)).",
    )
    _same_school(actor, school_id)


def _require_exam_staff(user: User | None, school_id: int, role_ro: str) -> User:
    if user is None:
        raise InvariantViolation("staff_missing", f"Trebuie ales {role_ro}.", f"The {role_ro} is missing.")
    if user.school_id != school_id or not (role_names(user) & EXAM_STAFF_ROLES) or not user.active:
        raise InvariantViolation(
            "not_school_staff",
            f"{user.full_name} nu poate fi {role_ro}: trebuie să fie un cadru didactic activ al școlii.",
            f"The {role_ro} must be an active teacher or leader of the school.",
        )
    return user


def _require_not_finalised(candidate: ExamCandidate) -> None:
    if candidate.average is not None or candidate.final_calificativ is not None:
        raise InvariantViolation(
            "exam_finalised",
            "Examenul este deja finalizat de președintele comisiei; rezultatul nu se mai modifică.",
            "The exam is already finalised.",
        )


def _as_probe_mark(value: object, index: int) -> Decimal:
    """A probe mark 1-10; only the written probe (the first) may have decimals (001 Art. 143(3))."""
    try:
        number = as_average(Decimal(value) if isinstance(value, str) else value, "probe")
    except (TypeError, ValueError, InvalidOperation):
        raise InvariantViolation(
            "probe_mark_invalid",
            f"Nota {value!r} de la proba {index + 1} nu este validă: se dau note de la 1 la 10.",
            "A probe mark must be a number from 1 to 10 (int or Decimal, never float).",
        ) from None
    if number != number.quantize(Decimal("0.01")):
        raise InvariantViolation(
            "probe_mark_invalid",
            f"Nota {value} de la proba {index + 1} are mai mult de două zecimale.",
            "A probe mark has at most two decimals.",
        )
    if index > 0 and number != number.to_integral_value():
        raise InvariantViolation(
            "probe_mark_not_whole",
            f"Nota {value} de la proba {index + 1} trebuie să fie întreagă: doar la proba scrisă (prima) "
            "se pot da note cu zecimale (ROFUIP art. 143(3)).",
            "Only the written probe (the first) may have a fractional mark.",
        )
    return number


def _entry_of(enrolment: Enrolment, subject_id: int) -> CurriculumEntry:
    entry = db.session.scalar(
        sa.select(CurriculumEntry).where(
            CurriculumEntry.class_id == enrolment.class_id, CurriculumEntry.subject_id == subject_id
        )
    )
    if entry is None:
        raise InvariantViolation(
            "subject_not_in_class",
            f"Clasa {enrolment.school_class.name} nu studiază această disciplină: elevul nu poate susține examenul.",
            "The student's class does not study this subject.",
        )
    return entry


def _candidacies_of_student(enrolment: Enrolment, kind: str) -> list[ExamCandidate]:
    """The student's candidacies of one kind in this school year (over all their enrolments)."""
    return list(
        db.session.scalars(
            sa.select(ExamCandidate)
            .join(ExamSubject, ExamSubject.id == ExamCandidate.exam_subject_id)
            .join(ExamSession, ExamSession.id == ExamSubject.session_id)
            .join(Enrolment, Enrolment.id == ExamCandidate.enrolment_id)
            .where(
                Enrolment.student_id == enrolment.student_id,
                ExamSession.year_id == enrolment.year_id,
                ExamSession.kind == kind,
            )
            .order_by(ExamCandidate.id)
        )
    )


# --- the session and its commission ---------------------------------------------------------------


def create_exam_session(actor: User, year: SchoolYear, *, kind: str, name: str, starts_on: date, ends_on: date,
                        president: User, remote_addr: str | None = None) -> ExamSession:
    """The director sets an exam session and appoints its commission president (001 Art. 142(4))."""
    _require_leadership(actor, year.school_id)
    if kind not in EXAM_KINDS:
        raise InvariantViolation(
            "exam_kind_unknown",
            "Tipul sesiunii trebuie să fie corigență, amânați, diferență sau reexaminare.",
            f"The kind must be one of {', '.join(EXAM_KINDS)}.",
        )
    if not (name and name.strip()):
        raise InvariantViolation("name_required", "Sesiunea trebuie să aibă un nume.", "A session needs a name.")
    if starts_on > ends_on:
        raise InvariantViolation(
            "dates_ordered", "Data de început trebuie să fie înaintea datei de sfârșit.", "Start must precede end."
        )
    if starts_on < year.starts_on:
        raise InvariantViolation(
            "session_before_year",
            f"Sesiunea nu poate începe înainte de începutul anului școlar {year.name}.",
            "The session starts before the school year.",
        )
    _require_exam_staff(president, year.school_id, "președintele comisiei")
    with audited(actor, f"Constituirea sesiunii de examen „{name.strip()}”", remote_addr):
        session = ExamSession(
            school_id=year.school_id,
            year_id=year.id,
            kind=kind,
            name=name.strip(),
            starts_on=starts_on,
            ends_on=ends_on,
            president_id=president.id,
        )
        db.session.add(session)
    return session


def add_exam_subject(actor: User, session: ExamSession, subject: Subject, *, examiner_1: User | None,
                     examiner_2: User | None, probe_count: int = 2, remote_addr: str | None = None) -> ExamSubject:
    """The director appoints two different examiners for one subject of the session (001 Art. 142(4));
    for a re-examination, other teachers than the corigență examiners (001 Art. 133(4))."""
    _require_leadership(actor, session.school_id)
    if examiner_1 is None or examiner_2 is None or examiner_1.id == examiner_2.id:
        raise InvariantViolation(
            "two_examiners",
            "Comisia nu este completă: examenul are nevoie de doi examinatori diferiți pentru fiecare "
            "disciplină (ROFUIP art. 142(4)).",
            "An exam needs two different examiners.",
        )
    _require_exam_staff(examiner_1, session.school_id, "examinator")
    _require_exam_staff(examiner_2, session.school_id, "examinator")
    if subject.school_id != session.school_id:
        raise PermissionDenied("other_school", "Disciplina nu aparține școlii.", "Another school's subject.")
    if isinstance(probe_count, bool) or probe_count not in (2, 3):
        raise InvariantViolation(
            "probe_count",
            "Examenul are două probe (scrisă și orală) sau trei (cu proba practică), ROFUIP art. 142(1).",
            "An exam has 2 or 3 probes.",
        )
    existing = db.session.scalar(
        sa.select(ExamSubject.id).where(ExamSubject.session_id == session.id, ExamSubject.subject_id == subject.id)
    )
    if existing is not None:
        raise InvariantViolation(
            "exam_subject_exists",
            f"Disciplina {subject.name} are deja comisie în sesiunea „{session.name}”.",
            "The subject is already in this session.",
        )
    if session.kind == "reexaminare":
        earlier = db.session.execute(
            sa.select(ExamSubject.examiner_1_id, ExamSubject.examiner_2_id)
            .join(ExamSession, ExamSession.id == ExamSubject.session_id)
            .where(
                ExamSession.year_id == session.year_id,
                ExamSession.kind == "corigenta",
                ExamSubject.subject_id == subject.id,
            )
        ).all()
        if not earlier:
            raise InvariantViolation(
                "no_corigenta_session",
                f"Nu există o sesiune de corigență la {subject.name} în acest an școlar: "
                "reexaminarea urmează sesiunii de corigență (ROFUIP art. 133(1)).",
                "Re-examination follows a corigență session at the same subject.",
            )
        first_examiners = {examiner_id for row in earlier for examiner_id in row}
        if {examiner_1.id, examiner_2.id} & first_examiners:
            raise InvariantViolation(
                "reexamination_examiners",
                "La reexaminare, comisia se numește din alte cadre didactice decât examinatorii de la "
                "sesiunea de corigență (ROFUIP art. 133(4)).",
                "Re-examination examiners must differ from the corigență examiners.",
            )
    with audited(actor, f"Numirea examinatorilor la {subject.name}, sesiunea „{session.name}”", remote_addr):
        exam_subject = ExamSubject(
            school_id=session.school_id,
            session_id=session.id,
            subject_id=subject.id,
            examiner_1_id=examiner_1.id,
            examiner_2_id=examiner_2.id,
            probe_count=probe_count,
        )
        db.session.add(exam_subject)
    return exam_subject


# --- candidates ------------------------------------------------------------------------------------


def _check_corigenta(enrolment: Enrolment, entry: CurriculumEntry) -> None:
    """Corigent at this subject: the closed year result says so, or the closed annual average is
    below 5.00 (a student deferred who failed the closing exam, 001 Art. 129(3), 130(1))."""
    subject_name = entry.subject.name
    result = db.session.scalar(sa.select(YearResult).where(YearResult.enrolment_id == enrolment.id))
    if result is not None and result.status == "corigent" and subject_name in (result.details or {}).get(
        "failed_subjects", []
    ):
        return
    annual = db.session.scalar(
        sa.select(AnnualAverage).where(
            AnnualAverage.enrolment_id == enrolment.id, AnnualAverage.curriculum_entry_id == entry.id
        )
    )
    failed = annual is not None and annual.value is not None and annual.value < EXAM_PASS_AVERAGE
    if failed and (result is None or result.status != "repetent"):
        return
    raise InvariantViolation(
        "not_corigent",
        f"Elevul nu este corigent la {subject_name}: la examenul de corigență se înscriu doar elevii cu media "
        "anuală sub 5,00 la cel mult două discipline (ROFUIP art. 130).",
        "The student is not corigent at this subject.",
    )


def _check_amanat(enrolment: Enrolment, entry: CurriculumEntry, period: LearningPeriod | None) -> None:
    """Deferred at this subject: the period (or the annual) average could not be closed (001 Art. 128-129)."""
    subject_name = entry.subject.name
    if period is not None:
        closed = db.session.scalar(
            sa.select(PeriodAverage.id).where(
                PeriodAverage.enrolment_id == enrolment.id,
                PeriodAverage.curriculum_entry_id == entry.id,
                PeriodAverage.period_id == period.id,
                PeriodAverage.state == "closed",
            )
        )
        if closed is None:
            return
    else:
        result = db.session.scalar(sa.select(YearResult).where(YearResult.enrolment_id == enrolment.id))
        if result is not None and subject_name in (result.details or {}).get("deferred_subjects", []):
            return
        annual = db.session.scalar(
            sa.select(AnnualAverage.id).where(
                AnnualAverage.enrolment_id == enrolment.id,
                AnnualAverage.curriculum_entry_id == entry.id,
                AnnualAverage.state == "closed",
            )
        )
        if annual is None:
            return
    raise InvariantViolation(
        "not_amanat",
        f"Elevul nu este amânat la {subject_name}"
        + (f" pe „{period.name}”" if period is not None else "")
        + ": media este deja încheiată.",
        "The student's average at this subject is closed: not deferred.",
    )


def _check_reexaminare(enrolment: Enrolment, entry: CurriculumEntry) -> None:
    """Re-examination: failed at a single subject after the corigență session, once a year (001 Art. 133(1))."""
    subject_name = entry.subject.name
    corigenta = _candidacies_of_student(enrolment, "corigenta")
    if not corigenta:
        raise InvariantViolation(
            "not_failed_at_corigenta",
            "Elevul nu a susținut sesiunea de corigență în acest an școlar: reexaminarea se cere doar după "
            "sesiunea de corigență (ROFUIP art. 133(1)).",
            "The student did not sit the corigență session.",
        )
    if any(candidate.passed is None for candidate in corigenta):
        raise InvariantViolation(
            "corigenta_not_finished",
            "Elevul nu are rezultat la toate examenele de corigență (absent sau examen nefinalizat): "
            "reexaminarea se acordă doar elevilor care au susținut sesiunea și nu au promovat o singură disciplină.",
            "The student has no result at every corigență exam.",
        )
    failed = [candidate for candidate in corigenta if candidate.passed is False]
    if not any(candidate.exam_subject.subject_id == entry.subject_id for candidate in failed):
        raise InvariantViolation(
            "not_failed_at_corigenta",
            f"Elevul nu a picat examenul de corigență la {subject_name}.",
            "The student did not fail the corigență exam at this subject.",
        )
    reexamined = bool(_candidacies_of_student(enrolment, "reexaminare"))
    if not rules.reexamination_allowed(len(failed), reexamined_this_year=reexamined):
        if reexamined:
            message = "Reexaminarea se aprobă o singură dată într-un an școlar (ROFUIP art. 133(1))."
        else:
            message = (
                f"Elevul nu a promovat {len(failed)} discipline la corigență: reexaminarea se poate cere doar "
                "pentru o singură disciplină (ROFUIP art. 133(1))."
            )
        raise InvariantViolation("reexamination_not_allowed", message, "Re-examination is not allowed.")


def register_candidate(actor: User, exam_subject: ExamSubject, enrolment: Enrolment, *,
                       period: LearningPeriod | None = None, remote_addr: str | None = None) -> ExamCandidate:
    """The secretary registers a student for an exam subject of the session.

    ``period`` is given when the exam closes a single period (a student deferred for one semester,
    a difference exam for one semester): its average then becomes that period's average
    (001 Art. 144(4)); otherwise it becomes the annual average (001 Art. 144(3)).
    """
    session = exam_subject.session
    _require_secretary(actor, session.school_id)
    if enrolment.school_id != session.school_id or enrolment.year_id != session.year_id:
        raise InvariantViolation(
            "enrolment_not_in_year",
            f"Elevul nu este înscris în anul școlar al sesiunii „{session.name}”.",
            "The enrolment is not in the session's school year.",
        )
    entry = _entry_of(enrolment, exam_subject.subject_id)
    if period is not None:
        if period.year_id != session.year_id:
            raise InvariantViolation(
                "period_not_in_year", f"Perioada „{period.name}” nu aparține anului școlar al sesiunii.", "Bad period."
            )
        if session.kind in ("corigenta", "reexaminare"):
            raise InvariantViolation(
                "period_not_allowed",
                "Examenul de corigență (și reexaminarea) se dă din materia întregului an: media lui devine "
                "media anuală (ROFUIP art. 134(1), 144(3)).",
                "Corigență and re-examination cover the whole year.",
            )
    if session.kind == "corigenta":
        _check_corigenta(enrolment, entry)
    elif session.kind == "amanat":
        _check_amanat(enrolment, entry, period)
    elif session.kind == "reexaminare":
        _check_reexaminare(enrolment, entry)
    already = db.session.scalar(
        sa.select(ExamCandidate.id).where(
            ExamCandidate.exam_subject_id == exam_subject.id, ExamCandidate.enrolment_id == enrolment.id
        )
    )
    if already is not None:
        raise InvariantViolation(
            "candidate_exists",
            f"Elevul este deja înscris la examenul de {entry.subject.name} din sesiunea „{session.name}”.",
            "The student is already registered for this exam.",
        )
    reason = f"Înscriere la examenul de {entry.subject.name}, sesiunea „{session.name}”"
    with audited(actor, reason, remote_addr):
        candidate = ExamCandidate(
            school_id=session.school_id,
            exam_subject_id=exam_subject.id,
            enrolment_id=enrolment.id,
            class_id=enrolment.class_id,
            curriculum_entry_id=entry.id,
            period_id=period.id if period is not None else None,
        )
        db.session.add(candidate)
    return candidate


# --- the exam ---------------------------------------------------------------------------------------


def record_examiner_marks(actor: User, candidate: ExamCandidate, probe_marks: list, *,
                          remote_addr: str | None = None) -> int:
    """One examiner records their mark at each probe; their final mark is the mean rounded in the
    student's favour (001 Art. 143(3)). Probes are in order: the written probe first, then the oral
    (and the practical); only the written one may have decimals. Returns the final mark."""
    exam_subject = candidate.exam_subject
    _refuse_administrator(actor)
    _same_school(actor, candidate.school_id)
    if actor.id == exam_subject.examiner_1_id:
        slot = 1
    elif actor.id == exam_subject.examiner_2_id:
        slot = 2
    else:
        raise PermissionDenied(
            "not_examiner",
            "Doar cei doi examinatori numiți pentru această disciplină trec notele la probe.",
            "Only the two appointed examiners record probe marks.",
        )
    _require_not_finalised(candidate)
    if _uses_calificative(candidate):
        raise InvariantViolation(
            "calificative_expected",
            "La clasele I–IV fiecare examinator dă un calificativ global după probe, nu note (ROFUIP art. 143(5)).",
            "Grades I-IV: each examiner gives a global calificativ.",
        )
    probes = list(probe_marks)
    if len(probes) != exam_subject.probe_count:
        raise InvariantViolation(
            "probe_count",
            f"Examenul are {exam_subject.probe_count} probe: trebuie trecută câte o notă pentru fiecare probă "
            f"(s-au primit {len(probes)}).",
            f"The exam has {exam_subject.probe_count} probes.",
        )
    marks = [_as_probe_mark(value, index) for index, value in enumerate(probes)]
    final = rules.examiner_final_mark(marks)
    stored = [str(mark) for mark in marks]
    previous = getattr(candidate, f"examiner_{slot}_probes")
    reason = f"Note la probe, examinatorul {slot}" + (" (corectare)" if previous is not None else "")
    with audited(actor, reason, remote_addr):
        setattr(candidate, f"examiner_{slot}_probes", stored)
        setattr(candidate, f"examiner_{slot}_final", final)
    return final


def _uses_calificative(candidate: ExamCandidate) -> bool:
    return candidate.enrolment.school_class.grade_level.evaluation_scale == "calificative"


def record_examiner_calificativ(actor: User, candidate: ExamCandidate, calificativ: str, *,
                                remote_addr: str | None = None) -> str:
    """Grades I–IV: after the written and oral probes each examiner gives a global calificativ
    (001 Art. 143(5), R-EX-07)."""
    exam_subject = candidate.exam_subject
    _refuse_administrator(actor)
    _same_school(actor, candidate.school_id)
    if actor.id not in (exam_subject.examiner_1_id, exam_subject.examiner_2_id):
        raise PermissionDenied(
            "not_examiner",
            "Doar cei doi examinatori numiți pentru această disciplină dau calificativul.",
            "Only the two appointed examiners give the calificativ.",
        )
    if not _uses_calificative(candidate):
        raise InvariantViolation(
            "marks_expected", "La această clasă examenul se notează cu note, nu cu calificative.", "Marks expected."
        )
    _require_not_finalised(candidate)
    try:
        calificativ = rules.as_calificativ(calificativ)
    except (TypeError, ValueError):
        raise InvariantViolation(
            "calificativ_unknown", "Calificativul trebuie să fie FB, B, S sau I.", "Unknown calificativ."
        ) from None
    slot = 1 if actor.id == exam_subject.examiner_1_id else 2
    with audited(actor, f"Calificativ global, examinatorul {slot}", remote_addr):
        setattr(candidate, f"examiner_{slot}_calificativ", calificativ)
    return calificativ


def _finalise_with_calificative(actor: User, candidate: ExamCandidate, agreed: str | None,
                                remote_addr: str | None) -> ExamCandidate:
    """The final calificativ is the one the two examiners agree on (001 Art. 143(5)); passed with
    at least Suficient (Art. 144(1))."""
    first, second = candidate.examiner_1_calificativ, candidate.examiner_2_calificativ
    if first is None or second is None:
        raise InvariantViolation(
            "examiner_marks_missing",
            "Ambii examinatori trebuie să dea calificativul înainte de finalizarea examenului.",
            "Both examiners must give their calificativ first.",
        )
    if agreed is None and first != second:
        raise InvariantViolation(
            "calificativ_agreement_required",
            f"Examinatorii au dat calificative diferite ({first} și {second}): calificativul final se stabilește "
            "de comun acord între cei doi examinatori și se trece la finalizare (ROFUIP art. 143(5)).",
            "The examiners disagree: record the calificativ they agree on.",
        )
    final = rules.as_calificativ(agreed) if agreed is not None else first
    if final not in (first, second):
        raise InvariantViolation(
            "calificativ_not_agreed",
            f"Calificativul final trebuie să fie unul dintre cele date de examinatori ({first}, {second}).",
            "The final calificativ must be one the examiners gave.",
        )
    with audited(actor, f"Examen finalizat: calificativ final {final}, stabilit de comun acord", remote_addr):
        candidate.final_calificativ = final
        candidate.passed = rules.calificativ_rank(final) >= rules.calificativ_rank("S")
    return candidate


def finalise_exam(actor: User, candidate: ExamCandidate, *, mediated_marks: tuple[int, int] | None = None,
                  agreed_calificativ: str | None = None, remote_addr: str | None = None) -> ExamCandidate:
    """The commission president finalises the exam: the average is trunc2 of the two final marks'
    mean (001 Art. 143(4)); if they differ by more than one point, only after the president records
    mediated final marks (decisions.md A24)."""
    session = candidate.exam_subject.session
    _refuse_administrator(actor)
    _same_school(actor, candidate.school_id)
    if actor.id != session.president_id:
        raise PermissionDenied(
            "not_president",
            f"Doar președintele comisiei din sesiunea „{session.name}” finalizează examenul.",
            "Only the commission president finalises the exam.",
        )
    _require_not_finalised(candidate)
    if _uses_calificative(candidate):
        return _finalise_with_calificative(actor, candidate, agreed_calificativ, remote_addr)
    final_1, final_2 = candidate.examiner_1_final, candidate.examiner_2_final
    if final_1 is None or final_2 is None:
        raise InvariantViolation(
            "examiner_marks_missing",
            "Ambii examinatori trebuie să treacă notele la probe înainte de finalizarea examenului.",
            "Both examiners must record their marks first.",
        )
    mediated = False
    try:
        average = rules.exam_average(final_1, final_2)
    except rules.MediationRequired as needed:
        if mediated_marks is None:
            raise InvariantViolation(
                "mediation_required",
                f"Notele finale ale celor doi examinatori ({needed.mark_1} și {needed.mark_2}) diferă cu "
                f"{needed.difference} puncte, mai mult de un punct: media examenului nu se poate calcula până "
                "când președintele comisiei nu mediază și nu trece notele finale stabilite prin mediere "
                "(ROFUIP art. 143(4)).",
                "The examiners' final marks differ by more than one point: the president must mediate.",
            ) from None
        mediated = True
    if mediated_marks is not None and not mediated:
        raise InvariantViolation(
            "mediation_not_needed",
            f"Notele finale ale examinatorilor ({final_1} și {final_2}) diferă cu cel mult un punct: "
            "nu este nevoie de mediere.",
            "The examiners are at most one point apart: no mediation.",
        )
    if mediated:
        try:
            final_1, final_2 = (rules.as_mark(mark, "mediated mark") for mark in mediated_marks)
            average = rules.exam_average(final_1, final_2)
        except (TypeError, ValueError):
            raise InvariantViolation(
                "mediated_marks_invalid",
                "Medierea trebuie să stabilească două note finale întregi, de la 1 la 10, care diferă cu "
                "cel mult un punct.",
                "Mediation gives two whole final marks 1-10 at most one point apart.",
            ) from None
    reason = (
        f"Mediere de către președintele comisiei: notele finale {candidate.examiner_1_final} și "
        f"{candidate.examiner_2_final} devin {final_1} și {final_2}"
        if mediated
        else "Examen finalizat de președintele comisiei"
    )
    with audited(actor, reason, remote_addr):
        if mediated:
            candidate.examiner_1_final = final_1
            candidate.examiner_2_final = final_2
            candidate.mediated = True
        candidate.average = average
        candidate.passed = rules.exam_passed(average)
    return candidate


# --- posting and entering the results -------------------------------------------------------------


def post_results(actor: User, session: ExamSession, *, on: date, remote_addr: str | None = None) -> ExamSession:
    """The director or the secretary records the day the results were posted (001 Art. 146(6));
    the 5 days for entering them in the catalog count from it (Art. 146(1))."""
    names = role_names(actor)
    if not (policy.has_permission(names, policy.APPROVE) or policy.has_permission(names, policy.ENTER_EXAM_RESULTS)):
        raise PermissionDenied(
            "permission_denied",
            "Doar directorul sau secretariatul înregistrează afișarea rezultatelor.",
            "Only the director or the secretary records the posting of results.",
        )
    _same_school(actor, session.school_id)
    if on < session.starts_on:
        raise InvariantViolation(
            "posted_before_session",
            f"Rezultatele nu pot fi afișate înainte de începutul sesiunii ({session.starts_on:%d.%m.%Y}).",
            "Results cannot be posted before the session starts.",
        )
    changed = session.results_posted_on is not None and session.results_posted_on != on
    reason = f"Afișarea rezultatelor sesiunii „{session.name}”" + (" (dată corectată)" if changed else "")
    with audited(actor, reason, remote_addr):
        session.results_posted_on = on
    return session


def _entry_warnings(session: ExamSession, on: date) -> list[str]:
    warnings: list[str] = []
    posted = session.results_posted_on
    if posted is None:
        warnings.append(
            f"Rezultatele sesiunii „{session.name}” nu au fost afișate: termenul de 5 zile pentru trecerea lor "
            "în catalog se socotește de la afișare (ROFUIP art. 146(1), (6))."
        )
    elif on > posted + timedelta(days=ENTRY_DEADLINE_DAYS):
        warnings.append(
            f"Rezultatul se trece în catalog la {(on - posted).days} zile după afișarea rezultatelor "
            f"({posted:%d.%m.%Y}), peste termenul de cel mult 5 zile (ROFUIP art. 146(1))."
        )
    if on > session.year.ends_on:
        warnings.append(
            f"Rezultatul se trece după sfârșitul anului școlar {session.year.name}; termenul legal este cel mult "
            "începerea cursurilor noului an școlar (ROFUIP art. 146(1))."
        )
    return warnings


def enter_exam_result(actor: User, candidate: ExamCandidate, *, on: date,
                      remote_addr: str | None = None) -> list[str]:
    """The secretary writes the exam average into the class catalog (001 Art. 144(3)-(4), 146(1);
    R-AVG-10/11): the annual average of the subject, or the average of the exam's period.

    Entering after the 5-day deadline is allowed (the law keeps the obligation) but warned:
    returns the warnings, in Romanian.
    """
    session = candidate.exam_subject.session
    _require_secretary(actor, candidate.school_id)
    if candidate.average is None and candidate.final_calificativ is None:
        raise InvariantViolation(
            "exam_not_finalised",
            "Examenul nu este finalizat de președintele comisiei: nu există încă o medie de trecut în catalog.",
            "The exam is not finalised.",
        )
    if candidate.entered_on is not None:
        raise InvariantViolation(
            "result_entered",
            f"Rezultatul a fost deja trecut în catalog pe {candidate.entered_on:%d.%m.%Y}.",
            "The result is already entered.",
        )
    warnings = _entry_warnings(session, on)
    enrolment = candidate.enrolment
    ruleset = ruleset_of(enrolment)
    reason = f"Rezultat examen {session.name}"
    source = _SOURCE_OF_KIND.get(session.kind, "exam")
    exam_inputs = {
        "exam_candidate_id": candidate.id,
        "exam_session": session.name,
        "exam_kind": session.kind,
        "exam_average": str(candidate.average),
        "passed": candidate.passed,
    }
    keys = {"enrolment_id": enrolment.id, "curriculum_entry_id": candidate.curriculum_entry_id}
    calificativ = candidate.final_calificativ  # grades I–IV (R-EX-07): the agreed calificativ
    if calificativ is not None:
        exam_inputs["exam_calificativ"] = calificativ
    if candidate.period_id is None:
        # R-AVG-10 (001 Art. 144(3)): the exam average IS the annual average, passed or not.
        model, value = AnnualAverage, candidate.average
        row = db.session.scalar(sa.select(AnnualAverage).filter_by(**keys))
    elif calificativ is not None:
        model, value = PeriodAverage, None
        row = db.session.scalar(sa.select(PeriodAverage).filter_by(period_id=candidate.period_id, **keys))
    else:
        # R-AVG-11 (001 Art. 144(4)): the exam average IS the period average. PeriodAverage.value is
        # a whole mark (period averages are rounded in the student's favour, R-AVG-02), so the
        # rounded value is stored and the exact exam average is kept in `inputs`. Rounding never
        # turns a failed exam into a pass: 4.50 failed stays 4 (our reading; the seeds are silent).
        rounded = rules.round_in_favour(candidate.average)
        model, value = PeriodAverage, rounded if candidate.passed else min(rounded, 4)
        row = db.session.scalar(sa.select(PeriodAverage).filter_by(period_id=candidate.period_id, **keys))
        annual = db.session.scalar(sa.select(AnnualAverage).filter_by(**keys))
        if annual is not None and annual.state == "closed":
            warnings.append(
                "Media anuală la această disciplină este deja încheiată: după noua medie semestrială ea trebuie "
                "redeschisă (cu aprobarea directorului) și încheiată din nou."
            )
    values = {
        "value": value,
        "calificativ": calificativ,
        "ruleset": ruleset.name,
        "ruleset_version": ruleset.version,
        "state": "closed",
        "closed_by_id": actor.id,
        "reason": reason,
    }
    if model is AnnualAverage:
        values["source"] = source
    with audited(actor, reason, remote_addr):
        if row is None:
            row = model(
                school_id=enrolment.school_id,
                class_id=enrolment.class_id,
                inputs=exam_inputs | {"previous": None},
                **keys,
                **({"period_id": candidate.period_id} if model is PeriodAverage else {}),
                **values,
            )
            db.session.add(row)
        else:
            unlock(row)
            previous = row.value if row.value is not None else row.calificativ
            row.inputs = exam_inputs | {
                "previous": str(previous) if previous is not None else None,
                "previous_inputs": row.inputs,
            }
            for name, new in values.items():
                setattr(row, name, new)
            row.closed_at = utc_now()
        candidate.entered_by_id = actor.id
        candidate.entered_on = on
    return warnings


# --- the school situation after the session -------------------------------------------------------


def reclose_year_after_exams(actor: User, enrolment: Enrolment, *, remote_addr: str | None = None) -> YearResult:
    """The class master records again the school situation of a student who sat exams (001 Art. 147):
    status and general average from the annual averages as they are after the session.

    Once the student sat the corigență session, a subject still failed gives repetent (001 Art.
    131(1)(c)); after closing exams for amânat students only, failed subjects give corigent
    (001 Art. 129(3), 130(2)).
    """
    require_class_master(actor, enrolment.school_class)
    result = db.session.scalar(sa.select(YearResult).where(YearResult.enrolment_id == enrolment.id))
    if result is None:
        raise InvariantViolation(
            "year_not_closed",
            "Situația anuală a elevului nu a fost încheiată: se încheie întâi situația școlară.",
            "The year result is not closed yet.",
        )
    candidacies = [c for kind in EXAM_KINDS for c in _candidacies_of_student(enrolment, kind)]
    if not candidacies:
        raise InvariantViolation(
            "no_exams",
            "Elevul nu a fost înscris la niciun examen în acest an școlar.",
            "The student sat no exam this year.",
        )
    pending = [c for c in candidacies if c.average is not None and c.entered_on is None]
    if pending:
        names = ", ".join(sorted({c.exam_subject.subject.name for c in pending}))
        raise InvariantViolation(
            "results_not_entered",
            f"Rezultatele examenelor la {names} nu au fost trecute în catalog de secretariat.",
            "Some exam results are not entered in the catalog yet.",
        )
    after_corigenta = any(c.exam_subject.session.kind in ("corigenta", "reexaminare") for c in candidacies)
    values = _compute_year_result(enrolment, after_corigenta=after_corigenta)
    with audited(actor, "Situație refăcută după sesiunea de examene", remote_addr):
        unlock(result)
        for name, new in values.items():
            setattr(result, name, new)
        result.state = "closed"
        result.closed_by_id = actor.id
        result.closed_at = utc_now()
    return result
