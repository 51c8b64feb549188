"""Turns database refusals (IntegrityError) into clear Romanian messages with a stable code.

SQLite names CHECK constraints in its errors but not unique indexes or foreign keys, so both
the constraint name and SQLite's column wording are matched.
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from schema.errors import InvariantViolation

#: (text found in the database's error, code, Romanian message, English message)
KNOWN_REFUSALS: list[tuple[str, str, str, str]] = [
    ("value_range", "value_out_of_range", "Nota trebuie să fie un număr întreg între 1 și 10.", "A mark must be 1 to 10."),
    ("one_result", "one_result", "Se trece fie o notă, fie un calificativ.", "Either a mark or a calificativ."),
    ("calificativ_known", "calificativ_unknown", "Calificativul trebuie să fie FB, B, S sau I.", "Unknown calificativ."),
    ("fraud_is_lowest", "fraud_mark", "La fraudă nota este 1 (calificativul Insuficient).", "Fraud gives 1 / I."),
    ("uq_enrolments_one_active_per_year", "already_enrolled", "Elevul este deja înscris în acest an școlar.", "The student is already enrolled this year."),
    ("enrolments.student_id, enrolments.year_id", "already_enrolled", "Elevul este deja înscris în acest an școlar.", "The student is already enrolled this year."),
    ("uq_marks_one_thesis_per_period", "thesis_exists", "Elevul are deja teză la această disciplină în perioada aleasă.", "A thesis already exists."),
    ("marks.enrolment_id, marks.curriculum_entry_id, marks.period_id", "thesis_exists", "Elevul are deja teză la această disciplină în perioada aleasă.", "A thesis already exists."),
    ("cnp_length", "cnp_invalid", "CNP-ul trebuie să aibă exact 13 cifre.", "A CNP has 13 digits."),
    ("students.school_id, students.cnp", "cnp_duplicate", "Există deja un elev cu acest CNP.", "A student with this CNP exists."),
    ("uq_students_school_id_cnp", "cnp_duplicate", "Există deja un elev cu acest CNP.", "A student with this CNP exists."),
    ("lesson_hour_range", "lesson_hour_range", "Ora de curs trebuie să fie între 0 și 14.", "Lesson hour must be 0 to 14."),
    ("absences.enrolment_id, absences.occurred_on, absences.lesson_hour", "absence_exists", "Absența la această oră este deja trecută.", "That absence exists."),
    ("uq_absences_enrolment_id_occurred_on_lesson_hour", "absence_exists", "Absența la această oră este deja trecută.", "That absence exists."),
    ("excused_has_motivation", "excused_needs_motivation", "O absență motivată trebuie să aibă o motivare.", "An excused absence needs a motivation."),
    ("approval_required", "approval_required", "Motivarea de acest tip necesită aprobarea prealabilă a directorului.", "Director approval required."),
    ("no_excuse_in_advance", "excuse_in_advance", "Absențele nu se pot motiva în avans.", "No excusing in advance."),
    ("reason_when_not_proposal", "reason_required", "O notă la purtare diferită de propunere necesită un motiv.", "A reason is required."),
    ("dates_ordered", "dates_ordered", "Data de început trebuie să fie înaintea datei de sfârșit.", "Start must precede end."),
    ("name_format", "year_name_format", "Anul școlar se scrie „AAAA-AAAA”, de exemplu 2025-2026.", "Year names look like 2025-2026."),
    ("delegation_decision_immutable", "delegation_immutable", "O delegare aprobată sau respinsă nu mai poate fi modificată sau ștearsă.", "A decided delegation is immutable."),
    ("FOREIGN KEY constraint failed", "inconsistent_reference", "Înregistrarea face trimitere la date inexistente sau din altă clasă/școală.", "The record points to missing or unrelated data."),
    ("violates foreign key constraint", "inconsistent_reference", "Înregistrarea face trimitere la date inexistente sau din altă clasă/școală.", "The record points to missing or unrelated data."),
]


def explain_integrity_error(error: IntegrityError) -> InvariantViolation:
    """The known refusal behind `error`, or a generic one that still names nothing internal."""
    text = str(error.orig)
    for needle, code, message_ro, message_en in KNOWN_REFUSALS:
        if needle in text:
            return InvariantViolation(code, message_ro, message_en)
    return InvariantViolation(
        "integrity_error",
        "Datele încalcă o regulă a catalogului și nu au fost salvate.",
        "The data breaks a catalog rule and was not saved.",
    )
