"""Announcements: authors, audiences, the validity window, the director's approval of money /
public-event announcements, and the notifications queued when one becomes published."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from schema.communication import Announcement
from schema.errors import InvariantViolation, PermissionDenied
from schema.models import CurriculumEntry, Notification, TeachingAssignment, db
from schema.operations.announcements import decide_announcement, post_announcement, withdraw_announcement
from security import policy
from tests.communication.conftest import TODAY, csrf, enrol_other, make_parent, make_student_account, text
from tests.factories import _save, make_user


def _post(author, **overrides):
    values = {
        "audience": "parents",
        "title": "Ședința cu părinții",
        "body": "Joi, ora 18, sala 12.",
        "valid_from": TODAY,
        "valid_to": TODAY + timedelta(days=7),
    }
    return post_announcement(author, **(values | overrides))


def _notified(kind="announcement"):
    return sorted(db.session.scalars(sa.select(Notification.recipient_id).where(Notification.kind == kind)))


def test_a_class_announcement_reaches_that_class_only(app, school, client_for):
    parent_a = make_parent(school, school.student)
    student_a = make_student_account(school, school.student)
    other_student, _enrolment = enrol_other(school)
    parent_b = make_parent(school, other_student, first_name="Ioana")
    _post(school.class_master, audience="class", school_class=school.school_class, title="Excursie la Piatra Neamț")
    assert _notified() == sorted([parent_a.id, student_a.id])
    assert "Excursie la Piatra Neamț" in text(client_for(parent_a).get("/anunturi/"))
    assert "Excursie la Piatra Neamț" in text(client_for(student_a).get("/anunturi/"))
    assert "Excursie la Piatra Neamț" not in text(client_for(parent_b).get("/anunturi/"))
    assert "Excursie la Piatra Neamț" not in text(client_for(school.other_teacher).get("/anunturi/"))


def test_school_wide_audiences(app, school, client_for):
    parent = make_parent(school, school.student)
    student = make_student_account(school, school.student)
    _post(school.director, audience="staff", title="Consiliul profesoral")
    _post(school.director, audience="students", title="Concurs de șah")
    _post(school.secretary, audience="parents", title="Adeverințe")
    parent_page = text(client_for(parent).get("/anunturi/"))
    student_page = text(client_for(student).get("/anunturi/"))
    staff_page = text(client_for(school.teacher).get("/anunturi/"))
    assert ("Adeverințe" in parent_page, "Concurs de șah" in parent_page, "Consiliul profesoral" in parent_page) == (
        True,
        False,
        False,
    )
    assert ("Adeverințe" in student_page, "Concurs de șah" in student_page) == (False, True)
    assert ("Consiliul profesoral" in staff_page, "Adeverințe" in staff_page) == (True, False)


def test_the_validity_window_is_respected(app, school, client_for):
    parent = make_parent(school, school.student)
    _post(school.director, title="Începe mâine", valid_from=TODAY + timedelta(days=1))
    _post(school.director, title="Valabil azi", valid_to=TODAY)
    page = text(client_for(parent).get("/anunturi/"))
    assert "Valabil azi" in page and "Începe mâine" not in page
    with pytest.raises(InvariantViolation):
        _post(school.director, valid_to=TODAY - timedelta(days=1), valid_from=TODAY - timedelta(days=3))
    with pytest.raises(InvariantViolation):
        _post(school.director, valid_from=TODAY + timedelta(days=3), valid_to=TODAY + timedelta(days=1))


@pytest.mark.parametrize("who", ["parent", "student", "auditor"])
def test_families_and_readers_never_post(app, school, who):
    if who == "parent":
        author = make_parent(school, school.student)
    elif who == "student":
        author = make_student_account(school, school.student)
    else:
        author = make_user(school.school, policy.AUDITOR)
    with pytest.raises(PermissionDenied):
        _post(author)


def test_a_teacher_addresses_only_classes_they_teach_or_lead(app, school):
    with pytest.raises(PermissionDenied):
        _post(school.teacher, audience="class", school_class=school.other_class)
    _post(school.teacher, audience="class", school_class=school.school_class)
    entry = db.session.scalar(sa.select(CurriculumEntry).where(CurriculumEntry.class_id == school.other_class.id))
    _save(TeachingAssignment(school_id=school.school.id, curriculum_entry_id=entry.id, teacher_id=school.teacher.id))
    assert _post(school.teacher, audience="class", school_class=school.other_class).state == "published"
    # The administrator posts technical notices school-wide, never to one class's families.
    assert _post(school.administrator, audience="all", title="Mentenanță").state == "published"
    with pytest.raises(PermissionDenied):
        _post(school.administrator, audience="class", school_class=school.school_class)


def test_a_money_announcement_waits_for_the_director(app, school, client_for):
    parent = make_parent(school, school.student)
    announcement = _post(
        school.class_master,
        audience="class",
        school_class=school.school_class,
        title="Fondul clasei",
        requires_approval=True,
    )
    assert announcement.state == "pending"
    assert _notified() == []
    assert "Fondul clasei" not in text(client_for(parent).get("/anunturi/"))
    own = text(client_for(school.class_master).get("/anunturi/"))
    assert "Fondul clasei" in own and "așteaptă aprobarea directorului" in own

    with pytest.raises(PermissionDenied):
        decide_announcement(school.teacher, announcement, approve=True)
    director_client = client_for(school.director)
    inbox = text(director_client.get("/directiune/"))
    assert "Fondul clasei" in inbox
    response = director_client.post(
        f"/anunturi/{announcement.id}/decizie",
        data={"csrf_token": csrf(director_client, "/directiune/"), "decision": "approve"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    decided = db.session.get(Announcement, announcement.id)
    assert (decided.state, decided.decided_by_id) == ("published", school.director.id)
    assert decided.decided_at is not None
    assert _notified() == [parent.id]
    assert "Fondul clasei" in text(client_for(parent).get("/anunturi/"))
    assert "Fondul clasei" not in text(director_client.get("/directiune/"))
    with pytest.raises(InvariantViolation):
        decide_announcement(school.director, decided, approve=False, note="prea târziu")


def test_a_refusal_needs_a_note_and_stays_unpublished(app, school, client_for):
    parent = make_parent(school, school.student)
    announcement = _post(school.secretary, title="Târg caritabil deschis publicului", requires_approval=True)
    with pytest.raises(InvariantViolation):
        decide_announcement(school.director, announcement, approve=False)
    decide_announcement(school.director, announcement, approve=False, note="Nu în perioada tezelor")
    assert announcement.state == "refused" and announcement.decision_note == "Nu în perioada tezelor"
    assert "Târg caritabil" not in text(client_for(parent).get("/anunturi/"))
    assert _notified() == []


def test_the_directors_own_money_announcement_is_published_at_once(app, school):
    announcement = _post(school.director, title="Balul bobocilor", requires_approval=True)
    assert (announcement.state, announcement.decided_by_id) == ("published", school.director.id)


def test_withdrawing_hides_it_and_keeps_the_row(app, school, client_for):
    parent = make_parent(school, school.student)
    announcement = _post(school.director, title="Anunț retras")
    with pytest.raises(PermissionDenied):
        withdraw_announcement(school.secretary, announcement, reason="x")
    withdraw_announcement(school.director, announcement, reason="Dată greșită")
    assert "Anunț retras" not in text(client_for(parent).get("/anunturi/"))
    assert db.session.get(Announcement, announcement.id).withdrawn_reason == "Dată greșită"


def test_posting_through_the_page(app, school, client_for):
    client = client_for(school.class_master)
    response = client.post(
        "/anunturi/nou",
        data={
            "csrf_token": csrf(client, "/anunturi/nou"),
            "audience": "class",
            "class_id": school.school_class.id,
            "title": "Colectă pentru cadouri",
            "body": "Câte 20 de lei.",
            "valid_from": TODAY.isoformat(),
            "valid_to": (TODAY + timedelta(days=5)).isoformat(),
            "requires_approval": "1",
        },
    )
    assert response.status_code == 302
    assert db.session.scalar(sa.select(Announcement.state)) == "pending"
    bad = client.post(
        "/anunturi/nou",
        data={
            "csrf_token": csrf(client, "/anunturi/nou"),
            "audience": "class",
            "class_id": school.other_class.id,
            "title": "Titlu păstrat",
            "body": "x",
            "valid_from": TODAY.isoformat(),
            "valid_to": TODAY.isoformat(),
        },
    )
    assert bad.status_code == 403 and "Titlu păstrat" in bad.get_data(as_text=True)
    assert client_for(make_parent(school, school.student)).get("/anunturi/nou").status_code == 403
