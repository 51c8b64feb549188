"""Online excuse requests through the pages (issue 8 part 5): the parent submits, the director
approves, the class master accepts, the absences turn excused and the parent's e-mail goes out."""

from __future__ import annotations

import io
from datetime import date

import sqlalchemy as sa

from portal import mail
from schema.models import Absence, Attachment, Motivation, MotivationRequest, Notification, User, db
from tests.excuse_requests.conftest import TODAY, YESTERDAY, absent, csrf, text


def _family_url(school) -> str:
    return f"/cereri-motivare/elev/{school.student.id}"


def _submit(client, school, covers_from=YESTERDAY, covers_to=YESTERDAY, reason="A fost răcit.", **extra):
    url = _family_url(school)
    data = {
        "csrf_token": csrf(client, url),
        "covers_from": covers_from.isoformat(),
        "covers_to": covers_to.isoformat(),
        "reason": reason,
    } | extra
    return client.post(url, data=data, content_type="multipart/form-data")


def _queued(user, kind="excuse_request") -> list[Notification]:
    return db.session.scalars(
        sa.select(Notification)
        .where(Notification.recipient_id == user.id, Notification.kind == kind, Notification.sent_at.is_(None))
        .order_by(Notification.id)
    ).all()


def test_parent_submits_director_approves_class_master_accepts_and_the_parent_gets_the_email(
    app, school, parent, client_for
):
    absent(school, YESTERDAY, 2)
    family = client_for(parent)
    child_page = family.get(f"/situatie/elev/{school.student.id}")
    assert "Cerere de motivare" in text(child_page) and _family_url(school) in text(child_page)
    page = family.get(_family_url(school))
    assert page.status_code == 200 and "19.11.2025" in text(page) and "Matematică" in text(page)

    response = _submit(family, school, attachment=(io.BytesIO(b"%PDF-1.4 adeverinta"), "adeverinta.pdf"))
    assert response.status_code == 302, text(response)
    request = db.session.scalar(sa.select(MotivationRequest))
    assert (request.filed_by_family, request.kind, request.state, request.hours) == (
        True,
        "parent_request",
        "pending",
        2,
    )
    assert request.document_number == f"Cerere online nr. {request.id}" and request.document_date == TODAY
    assert request.requested_by_id == parent.id and request.reason == "A fost răcit."
    assert db.session.get(Attachment, request.attachment_id).filename == "adeverinta.pdf"
    assert "în așteptare" in text(family.get(_family_url(school)))
    download = family.get(f"/cereri-motivare/{request.id}/atasament")
    assert download.status_code == 200 and download.data == b"%PDF-1.4 adeverinta"
    assert download.headers["Content-Disposition"].startswith("attachment")

    # The director's inbox: the same approval path as the class master's requests.
    director = client_for(school.director)
    inbox = director.get("/directiune/")
    assert "Cerere online depusă de Ionescu Mihaela" in text(inbox) and "A fost răcit." in text(inbox)
    token = csrf(director, "/directiune/")
    assert (
        director.post(
            f"/directiune/motivari/{request.id}", data={"csrf_token": token, "decision": "approve"}
        ).status_code
        == 302
    )
    db.session.expire_all()
    assert db.session.get(MotivationRequest, request.id).state == "approved"
    assert [n.subject for n in _queued(parent)] == ["Cererea de motivare a fost aprobată de director"]
    assert "aprobată de director" in text(family.get(_family_url(school)))

    # The class master's desk: accept runs the parent-request motivation.
    master = client_for(school.class_master)
    desk_url = f"/diriginte/clasa/{school.school_class.id}/motivari"
    desk = master.get(desk_url)
    assert "Acceptă și motivează" in text(desk) and "A fost răcit." in text(desk)
    accepted = master.post(f"/cereri-motivare/{request.id}/accepta", data={"csrf_token": csrf(master, desk_url)})
    assert accepted.status_code == 302
    db.session.expire_all()
    assert {a.state for a in db.session.scalars(sa.select(Absence))} == {"excused"}
    motivation = db.session.scalar(sa.select(Motivation))
    assert (motivation.kind, motivation.hours, motivation.document_number) == (
        "parent_request",
        2,
        f"Cerere online nr. {request.id}",
    )
    assert motivation.presented_on == TODAY and motivation.returned_on == TODAY  # first weekday after the 19th
    assert motivation.approved_by_id == school.director.id
    assert "acceptată" in text(family.get(_family_url(school)))
    assert [n.subject for n in _queued(parent)][-1] == "Cererea de motivare a fost acceptată"

    # The parent asked for immediate e-mails; the command sends one e-mail with everything queued.
    user = db.session.get(User, parent.id)
    user.notification_preference = "immediate"
    db.session.commit()
    with mail.record_messages() as outbox:
        result = app.test_cli_runner().invoke(args=["notifications", "send"])
    assert result.exit_code == 0, result.output
    assert len(outbox) == 1 and outbox[0].recipients == ["mama@familie.test"]
    body = outbox[0].body
    assert "Bună ziua, Mihaela Ionescu" in body
    assert "Cererea de motivare a fost acceptată" in body and "dirigintele a motivat 2 absențe" in body
    assert f"https://localhost/cereri-motivare/elev/{school.student.id}" in body
    assert _queued(parent) == [] and _queued(parent, "absence") == []


def test_the_class_master_rejects_with_a_reason_the_family_reads(app, school, parent, client_for):
    absent(school, YESTERDAY, 1)
    assert _submit(client_for(parent), school).status_code == 302
    request = db.session.scalar(sa.select(MotivationRequest))
    director = client_for(school.director)
    director.post(
        f"/directiune/motivari/{request.id}", data={"csrf_token": csrf(director, "/directiune/"), "decision": "approve"}
    )
    master = client_for(school.class_master)
    desk_url = f"/diriginte/clasa/{school.school_class.id}/motivari"
    response = master.post(
        f"/cereri-motivare/{request.id}/respinge",
        data={"csrf_token": csrf(master, desk_url), "reason": "Elevul a fost la școală."},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(MotivationRequest, request.id).family_state == "rejected"
    assert {a.state for a in db.session.scalars(sa.select(Absence))} == {"unexcused"}
    page = text(client_for(parent).get(_family_url(school)))
    assert "respinsă de diriginte" in page and "Elevul a fost la școală." in page
    assert _queued(parent)[-1].subject == "Cererea de motivare a fost respinsă de diriginte"
    # Rejected once: neither accepted nor rejected again, and no longer on the desk.
    assert "Acceptă și motivează" not in text(master.get(desk_url))
    master.post(f"/cereri-motivare/{request.id}/accepta", data={"csrf_token": csrf(master, desk_url)})
    assert db.session.scalar(sa.select(sa.func.count(Motivation.id))) == 0


def test_the_director_refusal_reaches_the_family(app, school, parent, client_for):
    absent(school, YESTERDAY, 1)
    _submit(client_for(parent), school)
    request = db.session.scalar(sa.select(MotivationRequest))
    director = client_for(school.director)
    director.post(
        f"/directiune/motivari/{request.id}",
        data={"csrf_token": csrf(director, "/directiune/"), "decision": "refuse", "note": "Prea multe cereri."},
    )
    page = text(client_for(parent).get(_family_url(school)))
    assert "respinsă de director" in page and "Prea multe cereri." in page
    assert "Motivul: Prea multe cereri." in _queued(parent)[-1].body


def test_a_future_date_is_refused(app, school, parent, client_for):
    absent(school, YESTERDAY, 1)
    response = _submit(client_for(parent), school, covers_to=date(2025, 11, 21))
    assert response.status_code == 422
    assert "Nu se pot motiva absențe în avans" in text(response)
    assert db.session.scalar(sa.select(sa.func.count(MotivationRequest.id))) == 0


def test_a_range_without_unexcused_absences_or_a_late_request_is_refused(app, school, parent, client_for):
    family = client_for(parent)
    response = _submit(family, school)
    assert response.status_code == 422 and "Nu există absențe nemotivate în intervalul ales" in text(response)
    assert "A fost răcit." in text(response)  # the parent's input is kept
    absent(school, date(2025, 11, 7), 1)  # Friday; back on Monday 10th, today is the 20th
    response = _submit(family, school, covers_from=date(2025, 11, 7), covers_to=date(2025, 11, 7))
    assert response.status_code == 422 and "în cel mult 7 zile de la revenirea elevului" in text(response)
    assert db.session.scalar(sa.select(sa.func.count(MotivationRequest.id))) == 0


def test_the_same_absences_are_not_asked_twice_while_a_request_is_open(app, school, parent, client_for):
    absent(school, YESTERDAY, 1)
    family = client_for(parent)
    assert _submit(family, school).status_code == 302
    response = _submit(family, school)
    assert response.status_code == 422 and "Există deja o cerere de motivare în lucru" in text(response)
