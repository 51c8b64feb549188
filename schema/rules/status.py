"""End-of-year status: promovat, corigent, repetent, amânat (rules.md §3.12, decisions.md A23).

Thresholds, the same in every rule-set (decisions.md Rule-sets): a subject passes at
5.00 or "Suficient"; behaviour passes at 6.00 or "Suficient"; 1-2 failed subjects give
corigent, more give repetent.

Conventions of ``year_status``:

* ``subject_results`` maps subject name -> the annual average (int or Decimal), or a
  qualifier ("FB", "B", "S", "I" or the full names), or ``None`` when the subject's
  situation is not closed (amânat). Subjects left out of the year are not passed in.
* ``behaviour`` is the annual behaviour average (int or Decimal) or a qualifier.
* ``grade`` is an int 0-12 with 0 = clasa pregătitoare, or the strings "P" and the
  Roman numerals "I" ... "XII". Only grades P and I change the outcome.
* ``after_corigenta=True`` says the results already include the corigență session (and
  any re-examination): a subject still failed then gives repetent (001 Art. 131(1)(c)).
* The outcome, in this order:
  1. repetent when more than two subjects failed (not counting modules that end during
     the year, which give corigent whatever their number, 001 Art. 130(2)(a)), when a
     subject is still failed after the corigență session, or when behaviour failed - even
     if some subjects are still amânat (those failures cannot be undone by the closing
     exams);
  2. otherwise amânat when some subject is ``None`` (the failed subjects are listed too:
     after the closing exams the student may still become corigent);
  3. otherwise corigent when some subject failed;
  4. otherwise promovat.
  In grades P and I nobody is held back (001 Art. 131(2)): where another grade would give
  corigent or repetent, the status is promovat with ``remedial_programme=True`` and the
  failed subjects listed; amânat stays amânat.
* So, outside grades P and I, the status is promovat exactly when every subject is at
  least 5.00 / "S" and behaviour is at least 6.00 / "S".
"""

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from schema.rules.calificative import INSUFICIENT, as_calificativ
from schema.rules.validation import as_average

PROMOVAT = "promovat"
CORIGENT = "corigent"
REPETENT = "repetent"
AMANAT = "amânat"

SUBJECT_PASS_AVERAGE = Decimal("5.00")
BEHAVIOUR_PASS_AVERAGE = Decimal("6.00")
MAX_FAILED_FOR_CORIGENT = 2

REASON_TOO_MANY_FAILED = "more than two failed subjects"
REASON_FAILED_CORIGENTA = "failed at the corigență session"
REASON_BEHAVIOUR_BELOW_6 = "behaviour below 6.00"
REASON_BEHAVIOUR_INSUFICIENT = "behaviour Insuficient"

PREPARATORY_GRADE = 0
LAST_GRADE = 12
_ROMAN_GRADES = ("P", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
_PREPARATORY_NAMES = ("CP", "PREPARATORY", "PREGĂTITOARE", "PREGATITOARE")

SubjectResult = int | Decimal | str | None
BehaviourResult = int | Decimal | str


@dataclass(frozen=True)
class YearStatus:
    """The year-end status of one student (001 Art. 126-131, decisions.md A23).

    ``status`` is "promovat", "corigent", "repetent" or "amânat". ``failed_subjects`` lists
    the subjects below 5.00 / "Insuficient" and ``deferred_subjects`` the subjects not
    closed, both in the order of ``subject_results``. ``reason`` explains any status
    other than a plain promovat (for repetent: "more than two failed subjects" and/or
    "behaviour below 6.00", joined by "; "). ``remedial_programme`` is True for a
    student of grade P or I who would otherwise not have passed.
    """

    status: str
    failed_subjects: list[str] = field(default_factory=list)
    deferred_subjects: list[str] = field(default_factory=list)
    reason: str | None = None
    remedial_programme: bool = False


def as_grade(grade: int | str) -> int:
    """Return the grade as an int 0-12 (0 = clasa pregătitoare); accepts "P" and "I" ... "XII".

    "CP", "preparatory" and "pregătitoare" are also accepted for the preparatory class.

    Only grades P and I matter to the rules: nobody is held back there (001 Art. 131(2)).
    """
    if isinstance(grade, bool):
        raise TypeError(f"grade must be an int 0-12 or 'P', 'I' ... 'XII', got {grade!r}")
    if isinstance(grade, str):
        code = grade.strip().upper()
        if code in _PREPARATORY_NAMES:
            return PREPARATORY_GRADE
        if code in _ROMAN_GRADES:
            return _ROMAN_GRADES.index(code)
        raise ValueError(f"grade must be an int 0-12 or 'P', 'I' ... 'XII', got {grade!r}")
    if isinstance(grade, int):
        if PREPARATORY_GRADE <= grade <= LAST_GRADE:
            return grade
        raise ValueError(f"grade must be from 0 (preparatory) to 12, got {grade}")
    raise TypeError(f"grade must be an int 0-12 or 'P', 'I' ... 'XII', got {type(grade).__name__}")


def subject_failed(result: int | Decimal | str, subject: str = "subject") -> bool:
    """A subject fails with an annual average below 5.00 or the qualifier "Insuficient".

    Rule: 001 Art. 126(1), 130(1) (R-ST-01, R-ST-06).
    """
    if isinstance(result, str):
        return as_calificativ(result, f"result of {subject}") == INSUFICIENT
    return as_average(result, f"result of {subject}") < SUBJECT_PASS_AVERAGE


def behaviour_failed(behaviour: BehaviourResult) -> bool:
    """Behaviour fails with an annual average below 6.00 or the qualifier "Insuficient".

    Rule: 001 Art. 126(1), 131(1)(b) (R-ST-01, R-BEH-11).
    """
    if behaviour is None:
        raise ValueError("behaviour is required to close the year")
    if isinstance(behaviour, str):
        return as_calificativ(behaviour, "behaviour") == INSUFICIENT
    return as_average(behaviour, "behaviour") < BEHAVIOUR_PASS_AVERAGE


def _behaviour_reason(behaviour: BehaviourResult) -> str:
    return REASON_BEHAVIOUR_INSUFICIENT if isinstance(behaviour, str) else REASON_BEHAVIOUR_BELOW_6


def year_status(
    subject_results: Mapping[str, SubjectResult],
    behaviour: BehaviourResult,
    *,
    grade: int | str,
    modules_ending_during_year: Collection[str] = frozenset(),
    after_corigenta: bool = False,
) -> YearStatus:
    """The year-end status from the annual results (see the module docstring for the conventions).

    Rules: promovat 001 Art. 126(1) (R-ST-01); corigent 001 Art. 130(1)-(2) (R-ST-06, modules
    §3.7); repetent 001 Art. 131(1)(a)-(c) (R-ST-08); amânat 001 Art. 128 (R-ST-03);
    never repetent in grades P and I, 001 Art. 131(2) (R-ST-09, R-PRI-06); decisions.md A23.
    W-13: one subject at 4.50 and one at 4.00 -> corigent; three failed -> repetent;
    behaviour 5.50 -> repetent.
    """
    if not isinstance(subject_results, Mapping):
        raise TypeError("subject_results must be a mapping of subject name -> annual result")
    if not subject_results:
        raise ValueError("subject_results must contain at least one subject")
    grade_number = as_grade(grade)
    if not isinstance(after_corigenta, bool):
        raise TypeError(f"after_corigenta must be True or False, got {after_corigenta!r}")

    deferred = [subject for subject, result in subject_results.items() if result is None]
    failed = [
        subject for subject, result in subject_results.items() if result is not None and subject_failed(result, subject)
    ]
    failed_at_year_end = [subject for subject in failed if subject not in modules_ending_during_year]

    repetent_reasons: list[str] = []
    if len(failed_at_year_end) > MAX_FAILED_FOR_CORIGENT:
        repetent_reasons.append(REASON_TOO_MANY_FAILED)
    elif after_corigenta and failed:
        repetent_reasons.append(REASON_FAILED_CORIGENTA)
    if behaviour_failed(behaviour):
        repetent_reasons.append(_behaviour_reason(behaviour))

    never_held_back = grade_number <= 1
    if repetent_reasons and not never_held_back:
        return YearStatus(REPETENT, failed, deferred, "; ".join(repetent_reasons))
    if deferred:
        return YearStatus(AMANAT, failed, deferred, "situation not closed: " + ", ".join(deferred))
    if never_held_back and (failed or repetent_reasons):
        reason = "; ".join(repetent_reasons or ["failed subjects: " + ", ".join(failed)])
        return YearStatus(
            PROMOVAT,
            failed,
            deferred,
            f"{reason}; grades P and I are never held back, remedial programme next year",
            remedial_programme=True,
        )
    if failed:
        return YearStatus(CORIGENT, failed, deferred, "failed subjects: " + ", ".join(failed))
    return YearStatus(PROMOVAT, failed, deferred)
