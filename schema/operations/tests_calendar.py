"""The test calendar (terminar): a teacher announces a written test (lucrare scrisă) or a teză
for a class and subject they teach, with its date and scope (rules.md R-COM-11/12; 004 pt.51, 61).

When the class already has as many tests that day or that ISO week as the school's settings
allow (`School.max_tests_per_day`, `School.max_tests_per_week`), the teacher is warned with the
colliding tests and saves only by confirming (`confirm_over_limit=True`). The family is notified.
Cancelling keeps the row (hidden with a reason).
"""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from schema.communication import TEST_KIND_LABELS, TEST_KINDS, AnnouncedTest
from schema.errors import InvariantViolation, PermissionDenied
from schema.models import CurriculumEntry, Enrolment, School, Subject, User, db
from schema.operations.base import audited, require_reason
from schema.operations.notifications import family_accounts, notify
from schema.rules.tests_calendar import CalendarLimitCheck, calendar_limit_check
from security import access

MAX_SCOPE_LENGTH = 2000


class TestsLimitExceeded(InvariantViolation):
    """The class is at its day or week limit; `conflicts` are the colliding tests."""

    __test__ = False  # not a pytest test class

    def __init__(self, check: CalendarLimitCheck, conflicts: list[AnnouncedTest]) -> None:
        described = "; ".join(describe_test(test) for test in conflicts)
        limits = []
        if check.exceeds_day:
            limits.append("numărul maxim de lucrări pe zi")
        if check.exceeds_week:
            limits.append("numărul maxim de lucrări pe săptămână")
        super().__init__(
            "tests_limit",
            f"Clasa are deja {' și '.join(limits)}: {described}. Confirmați dacă doriți totuși să anunțați lucrarea.",
            f"The class already has the maximum number of tests for that day or week: {len(conflicts)} test(s).",
        )
        self.check = check
        self.conflicts = conflicts


def describe_test(test: AnnouncedTest) -> str:
    """ "teză la Matematică, 24.11.2026"."""
    return f"{test.kind_label} la {test.curriculum_entry.subject.name}, {test.held_on:%d.%m.%Y}"


def class_tests_query(class_ids: list[int], first_day: date, last_day: date) -> sa.Select:
    """Not cancelled tests of these classes between two days, with their subject loaded."""
    return (
        sa.select(AnnouncedTest)
        .join(CurriculumEntry, CurriculumEntry.id == AnnouncedTest.curriculum_entry_id)
        .join(Subject, Subject.id == CurriculumEntry.subject_id)
        .where(
            AnnouncedTest.class_id.in_(class_ids),
            AnnouncedTest.is_cancelled.is_(False),
            AnnouncedTest.held_on >= first_day,
            AnnouncedTest.held_on <= last_day,
        )
        .options(sa.orm.contains_eager(AnnouncedTest.curriculum_entry).contains_eager(CurriculumEntry.subject))
        .order_by(AnnouncedTest.held_on, Subject.name, AnnouncedTest.id)
    )


def limit_conflicts(entry: CurriculumEntry, held_on: date) -> tuple[CalendarLimitCheck, list[AnnouncedTest]]:
    """The class's tests in the ISO week of `held_on` checked against the school's limits."""
    monday = held_on - timedelta(days=held_on.weekday())
    week = db.session.scalars(class_tests_query([entry.class_id], monday, monday + timedelta(days=6))).all()
    school = db.session.get(School, entry.school_id)
    check = calendar_limit_check(
        [(test.id, test.held_on) for test in week],
        held_on,
        max_per_day=school.max_tests_per_day,
        max_per_week=school.max_tests_per_week,
    )
    by_id = {test.id: test for test in week}
    return check, [by_id[key] for key in check.conflicts]


def announce_test(
    actor: User,
    entry: CurriculumEntry,
    *,
    kind: str,
    held_on: date,
    scope: str,
    confirm_over_limit: bool = False,
    remote_addr: str | None = None,
    token_id: int | None = None,
) -> AnnouncedTest:
    """Put a test in the class's calendar; over the day/week limit only with `confirm_over_limit`."""
    access.require_can_write_marks(actor, entry, held_on)
    if kind not in TEST_KINDS:
        raise InvariantViolation("test_kind_unknown", "Alegeți tipul lucrării.", "Unknown test kind.")
    if held_on < access.today():
        raise InvariantViolation(
            "test_in_past",
            "Lucrarea se anunță pentru azi sau pentru o zi viitoare.",
            "A test is announced for today or later.",
        )
    scope = (scope or "").strip()
    if not scope:
        raise InvariantViolation(
            "test_scope_required",
            "Scrieți materia din care se dă lucrarea.",
            "The scope (material covered) is required.",
        )
    if len(scope) > MAX_SCOPE_LENGTH:
        raise InvariantViolation(
            "test_scope_too_long", f"Materia are cel mult {MAX_SCOPE_LENGTH} de caractere.", "Scope too long."
        )
    check, conflicts = limit_conflicts(entry, held_on)
    if check.exceeds and not confirm_over_limit:
        raise TestsLimitExceeded(check, conflicts)
    label = TEST_KIND_LABELS[kind]
    with audited(actor, f"Anunțarea unei lucrări ({label})", remote_addr, token_id):
        test = AnnouncedTest(
            school_id=entry.school_id,
            curriculum_entry_id=entry.id,
            class_id=entry.class_id,
            author_id=actor.id,
            kind=kind,
            held_on=held_on,
            scope=scope,
            over_limit_confirmed=check.exceeds,
        )
        db.session.add(test)
        enrolments = db.session.scalars(
            sa.select(Enrolment).where(Enrolment.class_id == entry.class_id, Enrolment.status == "active")
        ).all()
        subject_name = entry.subject.name
        for enrolment in enrolments:
            notify(
                family_accounts(enrolment.student),
                kind="test",
                subject=f"{label.capitalize()} la {subject_name} pe {held_on:%d.%m.%Y}",
                body=f"{actor.full_name} a anunțat o {label} la {subject_name} pentru clasa "
                f"{entry.school_class.name}, în data de {held_on:%d.%m.%Y}.\nMateria: {scope}",
                link="/terminar/",
            )
    return test


def cancel_test(
    actor: User, test: AnnouncedTest, *, reason: str | None, remote_addr: str | None = None
) -> AnnouncedTest:
    """The teacher who announced it cancels it: it leaves the calendar, the row and history stay."""
    if test.author_id != actor.id:
        raise PermissionDenied(
            "not_your_test",
            "Doar profesorul care a anunțat lucrarea o poate anula.",
            "Only the teacher who announced it may cancel it.",
        )
    if test.is_cancelled:
        raise InvariantViolation("test_already_cancelled", "Lucrarea este deja anulată.", "Already cancelled.")
    reason = require_reason(reason)
    with audited(actor, reason, remote_addr):
        test.is_cancelled = True
        test.cancel_reason = reason
    return test
