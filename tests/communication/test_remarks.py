"""Remarks (observații): who may write them, the family's first reading recorded once, hiding keeps
the row and its history, and the family page shows them only to the child's own family."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
import sqlalchemy_continuum

from schema.communication import Remark
from schema.errors import InvariantViolation, PermissionDenied
from schema.models import Notification, db
from schema.operations.remarks import hide_remark, mark_remarks_read, record_remark
from security import policy
from tests.communication.conftest import TODAY, csrf, enrol_other, make_parent, make_student_account, text
from tests.factories import make_user


def _remark(school, author=None, **overrides):
    values = {"kind": "negative", "remarked_on": TODAY, "text": "A părăsit ora fără învoire."}
    return record_remark(author or school.teacher, school.enrolment, **(values | overrides))


# --- who may write --------------------------------------------------------------------------
def test_a_teacher_of_the_class_writes_a_remark_and_the_family_is_notified(app, school):
    parent = make_parent(school, school.student)
    student_account = make_student_account(school, school.student)
    remark = _remark(school, curriculum_entry=school.maths)
    assert (remark.author_id, remark.class_id, remark.kind, remark.read_at) == (
        school.teacher.id,
        school.school_class.id,
        "negative",
        None,
    )
    notified = db.session.scalars(sa.select(Notification).where(Notification.kind == "remark")).all()
    assert sorted(n.recipient_id for n in notified) == sorted([parent.id, student_account.id])
    assert "negativă" in notified[0].subject and "Matematică" in notified[0].body


def test_the_class_master_writes_about_their_class_without_teaching_it(app, school):
    remark = _remark(school, author=school.class_master, kind="positive")
    assert remark.kind == "positive"


@pytest.mark.parametrize("who", ["other_class_teacher", "parent", "administrator", "director", "secretary"])
def test_others_may_not_write_remarks(app, school, who):
    if who == "other_class_teacher":
        author = make_user(school.school, policy.TEACHER, first_name="Vlad")
        _student, _enrolment = enrol_other(school)
        from schema.models import CurriculumEntry, TeachingAssignment
        from tests.factories import _save

        entry = db.session.scalar(sa.select(CurriculumEntry).where(CurriculumEntry.class_id == school.other_class.id))
        _save(TeachingAssignment(school_id=school.school.id, curriculum_entry_id=entry.id, teacher_id=author.id))
    elif who == "parent":
        author = make_parent(school, school.student)
    else:
        author = getattr(school, who)
    with pytest.raises(PermissionDenied):
        _remark(school, author=author)
    assert db.session.scalar(sa.select(sa.func.count(Remark.id))) == 0


def test_a_remark_may_not_be_dated_in_the_future_nor_be_empty(app, school):
    with pytest.raises(InvariantViolation) as future:
        _remark(school, remarked_on=TODAY + timedelta(days=1))
    assert future.value.code == "remark_in_future"
    with pytest.raises(InvariantViolation) as empty:
        _remark(school, text="   ")
    assert empty.value.code == "remark_text_required"


# --- reading and hiding ---------------------------------------------------------------------
def test_the_first_reading_is_recorded_once(app, school):
    parent = make_parent(school, school.student)
    other_parent = make_parent(school, school.student, first_name="Ioana")
    remark = _remark(school)
    assert mark_remarks_read(school.teacher, [remark]) == 0  # staff readings are not the family's
    assert remark.read_at is None
    assert mark_remarks_read(parent, [remark]) == 1
    first = (remark.read_at, remark.read_by_id)
    assert first[1] == parent.id and first[0] is not None
    assert mark_remarks_read(other_parent, [remark]) == 0
    db.session.refresh(remark)
    assert (remark.read_at, remark.read_by_id) == first


def test_hiding_keeps_the_row_and_its_history(app, school):
    remark = _remark(school)
    with pytest.raises(PermissionDenied):
        hide_remark(school.class_master, remark, reason="greșeală")
    with pytest.raises(InvariantViolation):
        hide_remark(school.teacher, remark, reason=" ")
    hide_remark(school.teacher, remark, reason="Scrisă la alt elev")
    db.session.expire_all()
    kept = db.session.get(Remark, remark.id)
    assert kept.is_hidden and kept.hidden_reason == "Scrisă la alt elev"
    versions = sqlalchemy_continuum.version_class(Remark)
    rows = db.session.scalars(
        sa.select(versions).where(versions.id == remark.id).order_by(versions.transaction_id)
    ).all()
    assert [row.is_hidden for row in rows] == [False, True]


# --- the family page ------------------------------------------------------------------------
def test_the_family_page_shows_the_remark_records_the_reading_and_hides_hidden_ones(app, school, client_for):
    parent = make_parent(school, school.student)
    shown = _remark(school, kind="positive", text="Foarte activ la oră.", remarked_on=TODAY - timedelta(days=1))
    hidden = _remark(school, text="Text scris din greșeală.")
    hide_remark(school.teacher, hidden, reason="greșeală")
    client = client_for(parent)
    page = text(client.get(f"/situatie/elev/{school.student.id}"))
    assert "Foarte activ la oră." in page and "Vasilescu Ion" in page and "Citită acum" in page
    assert "Text scris din greșeală." not in page
    db.session.expire_all()
    assert db.session.get(Remark, shown.id).read_by_id == parent.id
    assert db.session.get(Remark, hidden.id).read_at is None
    again = text(client.get(f"/situatie/elev/{school.student.id}"))
    assert "Citită acum" not in again and "Citită la" in again


def test_the_teacher_sees_the_read_state_and_deletes_through_the_page(app, school, client_for):
    parent = make_parent(school, school.student)
    remark = _remark(school)
    mark_remarks_read(parent, [remark])
    client = client_for(school.teacher)
    url = f"/observatii/clasa/{school.school_class.id}"
    page = text(client.get(url))
    assert "Citită de Ionescu Mihai" in page
    response = client.post(
        f"/observatii/{remark.id}/sterge", data={"csrf_token": csrf(client, url), "reason": "Dublură", "next": "class"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Remark, remark.id).is_hidden


def test_writing_through_the_page_and_refusals(app, school, client_for):
    make_parent(school, school.student)
    client = client_for(school.teacher)
    url = f"/observatii/clasa/{school.school_class.id}"
    response = client.post(
        url,
        data={
            "csrf_token": csrf(client, url),
            "enrolment_id": school.enrolment.id,
            "kind": "information",
            "remarked_on": TODAY.isoformat(),
            "text": "Și-a uitat caietul.",
            "curriculum_entry_id": "",
        },
    )
    assert response.status_code == 302
    assert db.session.scalar(sa.select(Remark.text)) == "Și-a uitat caietul."
    future = client.post(
        url,
        data={
            "csrf_token": csrf(client, url),
            "enrolment_id": school.enrolment.id,
            "kind": "information",
            "remarked_on": (TODAY + timedelta(days=2)).isoformat(),
            "text": "Text păstrat în formular",
        },
    )
    assert future.status_code == 422
    assert "Text păstrat în formular" in future.get_data(as_text=True)
    # Another class's page: the teacher does not teach there → 404, like a missing class.
    assert client.get(f"/observatii/clasa/{school.other_class.id}").status_code == 404
    # A parent and an administrator have no remarks page.
    assert client_for(make_parent(school, school.student, first_name="Ana")).get("/observatii/").status_code == 403
    assert client_for(school.administrator).get(url).status_code == 403


def test_the_class_master_reads_every_remark_of_the_class_and_a_teacher_only_their_own(app, school, client_for):
    _remark(school, text="Scrisă de profesorul de matematică.")
    _remark(school, author=school.class_master, text="Scrisă de dirigintă.")
    url = f"/observatii/clasa/{school.school_class.id}"
    master_page = text(client_for(school.class_master).get(url))
    assert "Scrisă de profesorul de matematică." in master_page and "Scrisă de dirigintă." in master_page
    teacher_page = text(client_for(school.teacher).get(url))
    assert "Scrisă de profesorul de matematică." in teacher_page and "Scrisă de dirigintă." not in teacher_page
    director_page = text(client_for(school.director).get(url))
    assert "Scrisă de dirigintă." in director_page and "Observație nouă" not in director_page


def test_a_parent_never_sees_another_childs_remarks(app, school, client_for):
    other_student, other_enrolment = enrol_other(school)
    from schema.models import CurriculumEntry, TeachingAssignment
    from tests.factories import _save

    entry = db.session.scalar(sa.select(CurriculumEntry).where(CurriculumEntry.class_id == school.other_class.id))
    _save(TeachingAssignment(school_id=school.school.id, curriculum_entry_id=entry.id, teacher_id=school.teacher.id))
    record_remark(school.teacher, other_enrolment, kind="negative", remarked_on=TODAY, text="Despre alt copil.")
    _remark(school, text="Despre copilul meu.")
    parent = make_parent(school, school.student)
    client = client_for(parent)
    own = text(client.get(f"/situatie/elev/{school.student.id}"))
    assert "Despre copilul meu." in own and "Despre alt copil." not in own
    assert client.get(f"/situatie/elev/{other_student.id}").status_code == 404
    assert db.session.scalar(sa.select(Remark.read_at).where(Remark.enrolment_id == other_enrolment.id)) is None


def test_remark_dates_are_checked_against_the_frozen_today(app, school):
    # The frozen today is a Thursday in the fixture year; yesterday is accepted.
    assert _remark(school, remarked_on=date(2025, 11, 19)).remarked_on == date(2025, 11, 19)
