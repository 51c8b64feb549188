"""The test calendar (terminar): announcing, the day/week limit warning and its confirmation through
the page, cancelling, notifications, and who sees which class's tests."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from schema.communication import AnnouncedTest
from schema.db import audit_context
from schema.errors import InvariantViolation, PermissionDenied
from schema.models import CurriculumEntry, Notification, School, TeachingAssignment, db
from schema.operations.tests_calendar import TestsLimitExceeded, announce_test, cancel_test
from tests.communication.conftest import TODAY, csrf, enrol_other, make_parent, make_student_account, text
from tests.factories import _save

MONDAY = date(2025, 11, 24)  # next week


def _announce(school, entry=None, author=None, **overrides):
    values = {"kind": "written", "held_on": MONDAY, "scope": "Fracții zecimale"}
    return announce_test(author or school.teacher, entry or school.maths, **(values | overrides))


def test_a_teacher_announces_a_test_and_the_family_is_notified(app, school):
    parent = make_parent(school, school.student)
    student = make_student_account(school, school.student)
    test = _announce(school, kind="thesis")
    assert (test.class_id, test.author_id, test.over_limit_confirmed) == (
        school.school_class.id,
        school.teacher.id,
        False,
    )
    notified = db.session.scalars(sa.select(Notification).where(Notification.kind == "test")).all()
    assert sorted(n.recipient_id for n in notified) == sorted([parent.id, student.id])
    assert notified[0].subject == "Teză la Matematică pe 24.11.2025"


def test_only_the_teacher_of_the_subject_announces(app, school):
    for author in (school.other_teacher, school.class_master, school.administrator, school.director):
        with pytest.raises(PermissionDenied):
            _announce(school, author=author)


def test_the_date_is_today_or_later_and_the_scope_is_required(app, school):
    assert _announce(school, held_on=TODAY).held_on == TODAY
    with pytest.raises(InvariantViolation) as past:
        _announce(school, held_on=TODAY - timedelta(days=1))
    assert past.value.code == "test_in_past"
    with pytest.raises(InvariantViolation) as scope:
        _announce(school, scope=" ", held_on=MONDAY + timedelta(days=1))
    assert scope.value.code == "test_scope_required"


def test_the_day_limit_warns_and_confirming_saves(app, school):
    first = _announce(school)
    with pytest.raises(TestsLimitExceeded) as warning:
        _announce(school, entry=school.romanian, author=school.other_teacher)
    assert warning.value.code == "tests_limit"
    assert [test.id for test in warning.value.conflicts] == [first.id]
    assert "Matematică, 24.11.2025" in warning.value.message_ro
    second = _announce(school, entry=school.romanian, author=school.other_teacher, confirm_over_limit=True)
    assert second.over_limit_confirmed


def test_the_week_limit_counts_the_iso_week_and_ignores_cancelled_tests(app, school):
    with audit_context(reason="test"):
        db.session.get(School, school.school.id).max_tests_per_week = 2
        db.session.commit()
    _announce(school, held_on=MONDAY)
    wednesday = _announce(school, held_on=MONDAY + timedelta(days=2))
    _announce(school, held_on=MONDAY + timedelta(days=7))  # the week after does not count
    with pytest.raises(TestsLimitExceeded) as warning:
        _announce(school, held_on=MONDAY + timedelta(days=4))
    assert len(warning.value.conflicts) == 2
    cancel_test(school.teacher, wednesday, reason="Mutată")
    assert not _announce(school, held_on=MONDAY + timedelta(days=4)).over_limit_confirmed


def test_other_classes_do_not_count(app, school):
    _announce(school)
    entry = db.session.scalar(sa.select(CurriculumEntry).where(CurriculumEntry.class_id == school.other_class.id))
    _save(TeachingAssignment(school_id=school.school.id, curriculum_entry_id=entry.id, teacher_id=school.teacher.id))
    assert _announce(school, entry=entry).class_id == school.other_class.id


def test_cancelling_is_the_authors_and_keeps_the_row(app, school):
    test = _announce(school)
    with pytest.raises(PermissionDenied):
        cancel_test(school.other_teacher, test, reason="x")
    with pytest.raises(InvariantViolation):
        cancel_test(school.teacher, test, reason="")
    cancel_test(school.teacher, test, reason="Boala profesorului")
    db.session.expire_all()
    assert db.session.get(AnnouncedTest, test.id).cancel_reason == "Boala profesorului"


def test_the_warning_and_confirmation_through_the_page(app, school, client_for):
    _announce(school, entry=school.romanian, author=school.other_teacher, scope="Textul narativ")
    client = client_for(school.teacher)
    url = f"/terminar/{school.maths.id}"
    form = {"kind": "written", "held_on": MONDAY.isoformat(), "scope": "Ecuații"}
    warned = client.post(url, data={"csrf_token": csrf(client, url), **form})
    assert warned.status_code == 422
    page = text(warned)
    assert "lucrare scrisă la Limba și literatura română" in page and "Salvează oricum" in page
    assert 'value="Ecuații"' not in page and "Ecuații" in page  # the input is kept in the textarea
    assert db.session.scalar(sa.select(sa.func.count(AnnouncedTest.id))) == 1
    saved = client.post(url, data={"csrf_token": csrf(client, url), **form, "confirm_over_limit": "1"})
    assert saved.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(AnnouncedTest.id))) == 2
    # The page of a subject the teacher does not teach is a 404.
    assert client.get(f"/terminar/{school.romanian.id}").status_code == 404


def test_the_grid_links_to_the_calendar(app, school, client_for):
    page = client_for(school.teacher).get(f"/catalogul-meu/{school.maths.id}").get_data(as_text=True)
    assert f'href="/terminar/{school.maths.id}"' in page


def test_families_see_their_class_tests_only(app, school, client_for):
    other_student, _enrolment = enrol_other(school)
    entry = db.session.scalar(sa.select(CurriculumEntry).where(CurriculumEntry.class_id == school.other_class.id))
    _save(TeachingAssignment(school_id=school.school.id, curriculum_entry_id=entry.id, teacher_id=school.teacher.id))
    _announce(school, scope="Fracții pentru a V-a A")
    _announce(school, entry=entry, scope="Mișcarea pentru a V-a B")
    cancelled = _announce(school, held_on=MONDAY + timedelta(days=1), scope="Anulată")
    cancel_test(school.teacher, cancelled, reason="Mutată")
    _announce(school, held_on=TODAY + timedelta(days=40), scope="Prea departe")
    parent = make_parent(school, school.student)
    client = client_for(parent)
    for url in ("/terminar/", f"/situatie/elev/{school.student.id}"):
        page = text(client.get(url))
        assert "Fracții pentru a V-a A" in page, url
        assert "Mișcarea pentru a V-a B" not in page and "Anulată" not in page and "Prea departe" not in page, url
    other_parent = client_for(make_parent(school, other_student, first_name="Ioana"))
    assert "Mișcarea pentru a V-a B" in text(other_parent.get("/terminar/"))
    assert "Fracții pentru a V-a A" not in text(other_parent.get("/terminar/"))
