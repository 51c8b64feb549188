"""The test calendar (terminar): parents and students see the upcoming tests of their child's
class; a teacher announces a written test or teză for a class and subject they teach, is warned
when the class is at the school's day or week limit, and confirms to save anyway.

Pages: `auth_required` → `can_use_tests_calendar` → `access_family_student` /
`access_teachable_entry` (404 for anything else) → operation → template.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_security import auth_required, current_user

from schema.communication import TEST_KIND_LABELS, AnnouncedTest
from schema.errors import CatalogError, InvariantViolation, NotFound
from schema.models import CurriculumEntry, Enrolment, School, SchoolClass, SchoolYear, Student, Subject, User, db
from schema.operations.tests_calendar import TestsLimitExceeded, announce_test, cancel_test, class_tests_query
from security import access, capabilities
from security.objects import access_teachable_entry, family_students, teachable_entry_ids

bp = Blueprint("tests_calendar", __name__, url_prefix="/terminar", template_folder="templates")

#: How far ahead families see the calendar (at least the next 14 days).
FAMILY_DAYS_AHEAD = 28
#: How far ahead the teacher's page shows the class's calendar.
TEACHER_DAYS_AHEAD = 56


def _user() -> User:
    user = current_user._get_current_object()
    if not capabilities.can_use_tests_calendar(user):
        abort(403)
    return user


@dataclass
class ChildCalendar:
    student: Student
    class_name: str
    tests: list[AnnouncedTest]


def upcoming_tests_of_students(students: list[Student], today: date, days: int) -> list[ChildCalendar]:
    """Each student's class (active enrolment today) and its tests from today for `days` days,
    in two queries whatever the number of children or tests."""
    if not students:
        return []
    classes = db.session.execute(
        sa.select(Enrolment.student_id, SchoolClass.id, SchoolClass.name)
        .join(SchoolClass, SchoolClass.id == Enrolment.class_id)
        .join(SchoolYear, SchoolYear.id == Enrolment.year_id)
        .where(
            Enrolment.student_id.in_([student.id for student in students]),
            Enrolment.status == "active",
            SchoolYear.starts_on <= today,
            SchoolYear.ends_on >= today,
        )
    ).all()
    class_of = {student_id: (class_id, name) for student_id, class_id, name in classes}
    tests = (
        db.session.scalars(
            class_tests_query(
                sorted({class_id for class_id, _name in class_of.values()}), today, today + timedelta(days=days)
            )
        ).all()
        if class_of
        else []
    )
    calendars = []
    for student in students:
        if student.id not in class_of:
            continue
        class_id, name = class_of[student.id]
        calendars.append(ChildCalendar(student, name, [test for test in tests if test.class_id == class_id]))
    return calendars


@bp.get("/")
@auth_required()
def index() -> Any:
    """Families: the coming tests per child. Teachers: their classes and their announced tests."""
    user = _user()
    today = access.today()
    calendars = (
        upcoming_tests_of_students(family_students(user), today, FAMILY_DAYS_AHEAD)
        if capabilities.can_read_family_pages(user)
        else []
    )
    entries: list[CurriculumEntry] = []
    own: list[AnnouncedTest] = []
    if capabilities.can_use_grade_grid(user):
        entry_ids = teachable_entry_ids(user)
        entries = list(
            db.session.scalars(
                sa.select(CurriculumEntry)
                .join(SchoolClass, SchoolClass.id == CurriculumEntry.class_id)
                .join(SchoolYear, SchoolYear.id == SchoolClass.year_id)
                .join(Subject, Subject.id == CurriculumEntry.subject_id)
                .where(
                    CurriculumEntry.id.in_(sorted(entry_ids)),
                    SchoolYear.starts_on <= today,
                    SchoolYear.ends_on >= today,
                )
                .options(
                    sa.orm.contains_eager(CurriculumEntry.school_class), sa.orm.contains_eager(CurriculumEntry.subject)
                )
                .order_by(SchoolClass.name, Subject.name)
            )
        )
        own = list(
            db.session.scalars(
                class_tests_query(
                    [entry.class_id for entry in entries], today, today + timedelta(days=TEACHER_DAYS_AHEAD)
                ).where(AnnouncedTest.author_id == user.id)
            )
        )
    return render_template(
        "tests_calendar/index.html",
        title="Terminar",
        calendars=calendars,
        entries=entries,
        own=own,
        today=today,
        days=FAMILY_DAYS_AHEAD,
    )


def _entry_page(
    user: User,
    entry: CurriculumEntry,
    form: dict[str, str],
    *,
    conflicts: list[AnnouncedTest] | tuple = (),
    status: int = 200,
) -> Any:
    today = access.today()
    tests = db.session.scalars(
        class_tests_query([entry.class_id], today, today + timedelta(days=TEACHER_DAYS_AHEAD))
    ).all()
    school = db.session.get(School, entry.school_id)
    return render_template(
        "tests_calendar/entry.html",
        title=f"Terminar — {entry.subject.name}, {entry.school_class.name}",
        entry=entry,
        tests=tests,
        form=form,
        conflicts=list(conflicts),
        kinds=TEST_KIND_LABELS,
        today=today,
        max_per_day=school.max_tests_per_day,
        max_per_week=school.max_tests_per_week,
    ), status


def _parse_day(raw: str | None) -> date:
    try:
        return date.fromisoformat(raw or "")
    except ValueError:
        raise InvariantViolation("date_invalid", "Data lucrării nu este validă.", "Invalid date.") from None


@bp.route("/<int:curriculum_entry_id>", methods=["GET", "POST"])
@auth_required()
def entry(curriculum_entry_id: int) -> Any:
    """Announce a test for a subject one teaches; over the limit only after confirming."""
    user = _user()
    chosen = access_teachable_entry(user, curriculum_entry_id)
    if request.method == "GET":
        return _entry_page(user, chosen, {})
    form = request.form.to_dict()
    try:
        announce_test(
            user,
            chosen,
            kind=form.get("kind", ""),
            held_on=_parse_day(form.get("held_on")),
            scope=form.get("scope", ""),
            confirm_over_limit=form.get("confirm_over_limit") == "1",
            remote_addr=request.remote_addr,
        )
    except TestsLimitExceeded as warning:
        db.session.rollback()
        flash(warning.message_ro, "error")
        return _entry_page(user, chosen, form, conflicts=warning.conflicts, status=422)
    except CatalogError as error:
        db.session.rollback()
        flash(error.message_ro, "error")
        return _entry_page(user, chosen, form, status=422 if isinstance(error, InvariantViolation) else 403)
    flash("Lucrarea a fost trecută în terminar; familiile elevilor au fost anunțate.", "success")
    return redirect(url_for("tests_calendar.entry", curriculum_entry_id=chosen.id))


@bp.post("/lucrare/<int:test_id>/anulare")
@auth_required()
def cancel(test_id: int) -> Any:
    """The teacher who announced a test cancels it with a reason (kept in the history)."""
    user = _user()
    test = db.session.get(AnnouncedTest, test_id)
    if test is None or test.school_id != user.school_id or test.author_id != user.id:
        raise NotFound("not_found", "Pagina cerută nu există.", "No such record.")
    try:
        cancel_test(user, test, reason=request.form.get("reason"), remote_addr=request.remote_addr)
    except CatalogError as error:
        db.session.rollback()
        flash(error.message_ro, "error")
    else:
        flash("Lucrarea a fost anulată.", "success")
    return redirect(url_for("tests_calendar.entry", curriculum_entry_id=test.curriculum_entry_id))
