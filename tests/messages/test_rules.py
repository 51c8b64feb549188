"""The recipient rules, read receipts, "Șterge" and notifications, through the operations
(schema/operations/messages.py)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy_continuum import version_class

from schema.errors import InvariantViolation, NotFound, PermissionDenied
from schema.models import Message, MessageRecipient, MessageThread, Notification, ThreadParticipant, db
from schema.operations import messages as ops
from tests.factories import make_user
from security import policy


def _send(actor, *recipients, subject="Ședința cu părinții", body="Vă aștept joi la ora 18."):
    return ops.send_message(actor, list(recipients), subject=subject, body=body)


# --- who may write to whom ---------------------------------------------------------------------
def test_a_student_never_writes_to_a_student(app, people):
    with pytest.raises(PermissionDenied) as refused:
        _send(people.student_user, people.other_student_user)
    assert refused.value.code == "recipient_not_allowed"
    assert refused.value.message_ro == "Elevii nu pot trimite mesaje altor elevi."
    assert db.session.scalar(sa.select(sa.func.count(MessageThread.id))) == 0


def test_a_parent_never_writes_to_another_parent(app, people):
    with pytest.raises(PermissionDenied) as refused:
        _send(people.parent, people.other_parent)
    assert refused.value.message_ro == "Părinții nu pot trimite mesaje altor părinți."
    # Not even hidden among allowed recipients: the whole message is refused.
    with pytest.raises(PermissionDenied):
        _send(people.parent, people.school.class_master, people.other_parent)
    assert db.session.scalar(sa.select(sa.func.count(Message.id))) == 0


def test_a_family_writes_to_the_class_teachers_master_and_office_only(app, people):
    school = people.school
    allowed = {user.id for user in ops.allowed_recipients(people.parent)}
    assert allowed == {
        school.teacher.id,
        school.other_teacher.id,
        school.class_master.id,
        school.director.id,
        school.secretary.id,
    }
    assert {u.id for u in ops.allowed_recipients(people.student_user)} == allowed
    # The parent of a V-a B writes to the office, not to a V-a A's teachers.
    with pytest.raises(PermissionDenied) as refused:
        _send(people.b_parent, school.teacher)
    assert "profesorilor și dirigintelui clasei" in refused.value.message_ro
    assert _send(people.b_parent, school.director).id
    # No administrator either.
    with pytest.raises(PermissionDenied):
        _send(people.parent, school.administrator)
    thread = _send(people.parent, school.teacher, school.class_master)
    assert {p.user_id for p in thread.participants} == {people.parent.id, school.teacher.id, school.class_master.id}


def test_staff_write_to_anyone_of_their_school_but_nobody_of_another(app, people):
    school = people.school
    assert _send(school.teacher, people.b_parent, people.other_student_user).id
    assert people.stranger.id not in {u.id for u in ops.allowed_recipients(school.director)}
    with pytest.raises(PermissionDenied) as refused:
        _send(school.director, people.stranger)
    assert refused.value.code == "recipient_not_allowed"
    with pytest.raises(PermissionDenied):
        _send(people.stranger, school.teacher)


def test_nobody_writes_to_themselves_and_the_database_refuses_it_too(app, people):
    with pytest.raises(PermissionDenied):
        _send(people.school.teacher, people.school.teacher)
    thread = _send(people.school.teacher, people.parent)
    message = thread.messages[0]
    db.session.add(
        MessageRecipient(
            school_id=thread.school_id,
            message_id=message.id,
            author_id=message.author_id,
            recipient_id=message.author_id,
        )
    )
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_a_statistics_account_writes_to_staff_only(app, people):
    statistics = make_user(people.school.school, policy.STATISTICS_VIEWER)
    assert _send(statistics, people.school.director).id
    with pytest.raises(PermissionDenied):
        _send(statistics, people.parent)


def test_a_teacher_writes_to_the_parents_of_the_classes_they_teach_or_lead_only(app, people):
    school = people.school
    parents = ops.class_parents(school.teacher, school.school_class)
    assert {u.id for u in parents} == {people.parent.id, people.other_parent.id}
    assert {u.id for u in ops.class_parents(school.class_master, school.school_class)} == {u.id for u in parents}
    with pytest.raises(PermissionDenied) as refused:
        ops.class_parents(school.teacher, school.other_class)
    assert refused.value.code == "recipient_not_allowed"
    assert "a V-a B" in refused.value.message_ro
    # The secretariat and the director write to any class's parents.
    assert [u.id for u in ops.class_parents(school.secretary, school.other_class)] == [people.b_parent.id]
    assert [u.id for u in ops.class_parents(school.director, school.other_class)] == [people.b_parent.id]
    with pytest.raises(PermissionDenied):
        ops.class_parents(people.parent, school.school_class)
    staff = {u.id for u in ops.all_staff(school.teacher)}
    assert staff == {
        school.other_teacher.id,
        school.class_master.id,
        school.administrator.id,
        school.director.id,
        school.secretary.id,
    }
    with pytest.raises(PermissionDenied):
        ops.all_staff(people.parent)


def test_empty_texts_and_no_recipients_are_refused(app, people):
    with pytest.raises(InvariantViolation) as refused:
        _send(people.school.teacher, people.parent, body="   ")
    assert refused.value.code == "body_required"
    with pytest.raises(InvariantViolation) as refused:
        _send(people.school.teacher, people.parent, subject="")
    assert refused.value.code == "subject_required"
    with pytest.raises(InvariantViolation) as refused:
        _send(people.school.teacher)
    assert refused.value.code == "recipients_required"


# --- a class-wide message and the answers ------------------------------------------------------
def test_a_family_answer_reaches_the_staff_only_never_the_other_families(app, people):
    school = people.school
    thread = _send(school.class_master, *ops.class_parents(school.class_master, school.school_class), school.director)
    answer = ops.reply(people.parent, thread, "Vin și eu, mulțumesc.")
    assert {r.recipient_id for r in answer.recipients} == {school.class_master.id, school.director.id}
    teacher_answer = ops.reply(school.class_master, thread, "Vă mulțumesc tuturor.")
    assert {r.recipient_id for r in teacher_answer.recipients} == {
        people.parent.id,
        people.other_parent.id,
        school.director.id,
    }
    with pytest.raises(NotFound):
        ops.reply(people.b_parent, thread, "Nu sunt în conversație.")


def test_every_message_queues_a_notification_for_each_recipient_but_the_author(app, people):
    school = people.school
    thread = _send(school.teacher, people.parent, people.student_user)
    queued = db.session.scalars(sa.select(Notification).order_by(Notification.id)).all()
    assert {n.recipient_id for n in queued} == {people.parent.id, people.student_user.id}
    assert all(n.kind == "message" and n.link == f"/mesaje/{thread.id}" for n in queued)
    assert "Vasilescu Ion" in queued[0].subject
    ops.reply(people.parent, thread, "Am înțeles.")
    newest = db.session.scalars(sa.select(Notification).where(Notification.id > queued[-1].id)).all()
    assert [n.recipient_id for n in newest] == [school.teacher.id]


# --- read receipts and "Șterge" ----------------------------------------------------------------
def test_reading_records_the_time_once(app, people):
    thread = _send(people.school.teacher, people.parent)
    receipt = db.session.scalar(sa.select(MessageRecipient))
    assert receipt.read_at is None
    assert ops.mark_read(people.parent, thread) == 1
    first = receipt.read_at
    assert first is not None
    assert ops.mark_read(people.parent, thread) == 0
    db.session.expire_all()
    assert db.session.scalar(sa.select(MessageRecipient)).read_at == first
    # The author opening their own thread records nothing.
    assert ops.mark_read(people.school.teacher, thread) == 0


def test_hiding_keeps_the_thread_in_the_database_and_in_the_history(app, people):
    teacher = people.school.teacher
    thread = _send(teacher, people.parent)
    ops.mark_read(people.parent, thread)
    ops.hide_thread(people.parent, thread)
    db.session.expire_all()
    participant = db.session.scalar(sa.select(ThreadParticipant).where(ThreadParticipant.user_id == people.parent.id))
    assert participant.hidden_at is not None
    assert db.session.scalar(sa.select(sa.func.count(Message.id))) == 1
    assert db.session.scalar(sa.select(MessageRecipient)).read_at is not None
    versions = version_class(ThreadParticipant)
    history = db.session.scalars(
        sa.select(versions).where(versions.id == participant.id).order_by(versions.transaction_id)
    ).all()
    assert [v.hidden_at is None for v in history] == [True, False]
    message_versions = version_class(Message)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(message_versions)) == 1
    # The sender's own view is unchanged, and a new answer brings the thread back.
    assert (
        db.session.scalar(sa.select(ThreadParticipant.hidden_at).where(ThreadParticipant.user_id == teacher.id)) is None
    )
    ops.reply(teacher, thread, "Revin cu o precizare.")
    db.session.expire_all()
    assert db.session.get(ThreadParticipant, participant.id).hidden_at is None


def test_one_attachment_checked_by_type_and_size(app, people):
    teacher = people.school.teacher
    with pytest.raises(InvariantViolation) as refused:
        ops.send_message(
            teacher, [people.parent], subject="Tema", body="Atașez tema.", attachments=[("tema.exe", b"MZ...")]
        )
    assert refused.value.code == "attachment_type"
    assert "nu are un tip acceptat" in refused.value.message_ro
    with pytest.raises(InvariantViolation) as refused:
        ops.send_message(
            teacher,
            [people.parent],
            subject="Tema",
            body="Atașez tema.",
            attachments=[("tema.pdf", b"%" * (5 * 1024 * 1024 + 1))],
        )
    assert refused.value.code == "attachment_too_large"
    assert db.session.scalar(sa.select(sa.func.count(MessageThread.id))) == 0
    thread = ops.send_message(
        teacher, [people.parent], subject="Tema", body="Atașez tema.", attachments=[("tema.pdf", b"%PDF-1.4 tema")]
    )
    assert thread.messages[0].attachment.filename == "tema.pdf"
