"""The written notice to parents about unexcused absences (schema/operations/absence_notices.py,
views/absence_notices.py; rules.md R-NOT-01, decisions.md "Absences"): proposed exactly at the
school's threshold and its multiples, sent only by the class master, recorded with the family's
notification and the in-app message, never proposed twice for the same level; the threshold
setting decides."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from pdf.documents.parent_notice import parent_notice_context
from schema.absence_notices import AbsenceNotice
from schema.db import audit_context
from schema.errors import InvariantViolation, PermissionDenied
from schema.models import Absence, Guardian, Message, MessageThread, Notification, School, StudentGuardian, db
from schema.operations.absence_notices import notice_level, proposed_notices, send_absence_notice
from schema.operations.absences import record_absence
from security import policy
from tests.factories import _save, make_user
from tests.pages.conftest import counting_queries


def absences(school, count: int, *, start=date(2025, 10, 6), enrolment=None) -> None:
    """`count` unexcused maths absences in semester I, two per school day (hours 1 and 2)."""
    enrolment = enrolment or school.enrolment
    day, made = start, 0
    taken = {(a.occurred_on, a.lesson_hour) for a in enrolment_absences(enrolment)}
    while made < count:
        if day.weekday() < 5:
            for hour in (1, 2, 3):
                if made < count and (day, hour) not in taken:
                    record_absence(school.teacher, enrolment, school.maths, occurred_on=day, lesson_hour=hour)
                    made += 1
        day += timedelta(days=1)


def enrolment_absences(enrolment):
    return db.session.scalars(sa.select(Absence).where(Absence.enrolment_id == enrolment.id)).all()


def parent_of(school):
    parent = make_user(school.school, policy.PARENT, last_name="Ionescu", first_name="Mihai")
    guardian = _save(Guardian(school_id=school.school.id, last_name="Ionescu", first_name="Mihai", user_id=parent.id))
    _save(
        StudentGuardian(
            school_id=school.school.id,
            student_id=school.student.id,
            guardian_id=guardian.id,
            kind="tata",
            is_primary_contact=True,
        )
    )
    return parent


def set_threshold(school, value: int) -> None:
    with audit_context(reason="test: setarea școlii"):
        db.session.get(School, school.school.id).absence_notice_threshold = value
        db.session.commit()


def test_the_level_is_the_threshold_multiple_reached():
    assert [notice_level(count, 10) for count in (0, 9, 10, 19, 20, 35)] == [0, 0, 1, 1, 2, 3]
    with pytest.raises(ValueError):
        notice_level(5, 0)


def test_the_proposal_appears_exactly_at_the_threshold(app, school):
    absences(school, 9)
    assert proposed_notices(school.class_master, school.school_class, school.semester1) == []
    absences(school, 1)
    [proposal] = proposed_notices(school.class_master, school.school_class, school.semester1)
    assert (proposal.enrolment_id, proposal.unexcused, proposal.threshold, proposal.level, proposal.reached) == (
        school.enrolment.id,
        10,
        10,
        1,
        10,
    )
    assert proposal.student_name == "Ionescu Ștefania"
    # Another period has none.
    assert proposed_notices(school.class_master, school.school_class, school.semester2) == []


def test_sending_records_the_notice_queues_the_notification_and_sends_the_message(app, school):
    parent = parent_of(school)
    absences(school, 10)
    notice = send_absence_notice(school.class_master, school.enrolment, school.semester1, notes="nr. 123/20.11.2025")
    db.session.rollback()
    notice = db.session.get(AbsenceNotice, notice.id)
    assert (notice.unexcused, notice.threshold, notice.level, notice.sent_by_id, notice.notes) == (
        10,
        10,
        1,
        school.class_master.id,
        "nr. 123/20.11.2025",
    )
    assert notice.channel == "letter_and_message" and notice.message_thread_id is not None
    queued = db.session.scalars(sa.select(Notification).where(Notification.kind == "absence_notice")).all()
    assert [n.recipient_id for n in queued] == [parent.id]
    assert "10 absențe nemotivate" in queued[0].body and "Ionescu Ștefania" in queued[0].subject
    thread = db.session.get(MessageThread, notice.message_thread_id)
    assert thread.about_student_id == school.student.id and thread.subject.startswith("Înștiințare")
    assert db.session.scalar(sa.select(sa.func.count(Message.id)).where(Message.thread_id == thread.id)) == 1
    # Not proposed again at the same level, and refused if sent again.
    assert proposed_notices(school.class_master, school.school_class, school.semester1) == []
    absences(school, 5)
    assert proposed_notices(school.class_master, school.school_class, school.semester1) == []
    with pytest.raises(InvariantViolation) as again:
        send_absence_notice(school.class_master, school.enrolment, school.semester1)
    assert again.value.code == "notice_already_sent"
    # The next multiple is proposed again.
    absences(school, 5)
    [proposal] = proposed_notices(school.class_master, school.school_class, school.semester1)
    assert (proposal.unexcused, proposal.level) == (20, 2)


def test_a_family_without_an_account_gets_the_letter_only(app, school):
    absences(school, 10)
    notice = send_absence_notice(school.class_master, school.enrolment, school.semester1)
    db.session.rollback()
    notice = db.session.get(AbsenceNotice, notice.id)
    assert notice.channel == "letter" and notice.message_thread_id is None
    assert db.session.scalar(sa.select(sa.func.count(Notification.id))) == 0


def test_below_the_threshold_nothing_is_sent(app, school):
    absences(school, 9)
    with pytest.raises(InvariantViolation) as below:
        send_absence_notice(school.class_master, school.enrolment, school.semester1)
    assert below.value.code == "below_notice_threshold"
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(AbsenceNotice.id))) == 0


@pytest.mark.parametrize("who", ["teacher", "director", "administrator", "secretary"])
def test_only_the_class_master_sends_or_sees_the_proposals(app, school, who):
    absences(school, 10)
    actor = getattr(school, who)
    with pytest.raises(PermissionDenied):
        send_absence_notice(actor, school.enrolment, school.semester1)
    with pytest.raises(PermissionDenied):
        proposed_notices(actor, school.school_class, school.semester1)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(AbsenceNotice.id))) == 0


def test_the_threshold_setting_changes_the_proposal_and_the_letter(app, school):
    absences(school, 6)
    assert proposed_notices(school.class_master, school.school_class, school.semester1) == []
    set_threshold(school, 5)
    [proposal] = proposed_notices(school.class_master, school.school_class, school.semester1)
    assert (proposal.unexcused, proposal.threshold, proposal.level) == (6, 5, 1)
    context = parent_notice_context(school.student.id, "absente", period_id=school.semester1.id)
    assert context["threshold"] == 5 and context["unexcused"] == 6
    set_threshold(school, 20)
    assert proposed_notices(school.class_master, school.school_class, school.semester1) == []
    with pytest.raises(InvariantViolation):
        parent_notice_context(school.student.id, "absente", period_id=school.semester1.id)


def test_the_proposals_cost_the_same_queries_for_one_and_many_students(app, school):
    from tests.paper_mode.test_paper_sheet import enrol

    absences(school, 10)
    with counting_queries() as few:
        proposed_notices(school.class_master, school.school_class, school.semester1)
    for index in range(6):
        enrolment = enrol(school, f"Elev{index}", "Test")
        absences(school, 10, enrolment=enrolment)
    with counting_queries() as many:
        proposals = proposed_notices(school.class_master, school.school_class, school.semester1)
    assert len(proposals) == 7
    assert many.count == few.count <= 8  # the rows reloaded after the commits, the roles, then 3 reads


# --- the class master's page ---------------------------------------------------------------------
def _csrf(client, url: str) -> str:
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    return re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)


def test_the_desk_proposes_links_the_letter_sends_and_lists_what_was_sent(app, school, client_for):
    parent_of(school)
    absences(school, 11)
    client = client_for(school.class_master)
    url = f"/diriginte/clasa/{school.school_class.id}/instiintari"
    page = client.get(url).get_data(as_text=True)
    assert "Înștiințări propuse (1)" in page and "Ionescu Ștefania: 11 absențe nemotivate" in page
    assert f"/documente/elev/{school.student.id}/instiintare-absente.pdf?perioada={school.semester1.id}" in page
    assert "Nicio înștiințare trimisă." in page
    overview = client.get(f"/diriginte/clasa/{school.school_class.id}").get_data(as_text=True)
    assert url in overview  # the tab
    letter = client.get(f"/documente/elev/{school.student.id}/instiintare-absente.pdf?perioada={school.semester1.id}")
    assert letter.status_code == 200 and letter.data.startswith(b"%PDF-")
    sent = client.post(
        url,
        data={
            "csrf_token": _csrf(client, url),
            "enrolment_id": school.enrolment.id,
            "period_id": school.semester1.id,
            "notes": "predată personal",
        },
        follow_redirects=True,
    )
    html = sent.get_data(as_text=True)
    assert "Înștiințarea pentru Ionescu Ștefania (11 absențe nemotivate) a fost înregistrată" in html
    assert "Înștiințări propuse (0)" in html
    assert "predată personal" in html and "Stănescu Elena" in html


def test_another_teacher_and_a_stranger_class_are_refused_on_the_page(app, school, client_for):
    absences(school, 10)
    url = f"/diriginte/clasa/{school.school_class.id}/instiintari"
    assert client_for(school.teacher).get(url).status_code == 403
    assert client_for(school.director).get(url).status_code == 403
    client = client_for(school.class_master)
    assert client.get(f"/diriginte/clasa/{school.other_class.id}/instiintari").status_code == 404
    token = _csrf(client, url)
    stranger = client.post(
        f"/diriginte/clasa/{school.other_class.id}/instiintari",
        data={"csrf_token": token, "enrolment_id": school.enrolment.id, "period_id": school.semester1.id},
    )
    assert stranger.status_code == 404
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(AbsenceNotice.id))) == 0


def test_the_documents_page_uses_the_school_threshold(app, school, client_for):
    absences(school, 6)
    set_threshold(school, 5)
    page = client_for(school.class_master).get(f"/documente/clasa/{school.school_class.id}").get_data(as_text=True)
    assert "se emite de la 5 absențe nemotivate" in page
    assert "instiintare-absente.pdf" in page
