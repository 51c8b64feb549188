"""The "Mesaje" pages: inbox, sent box with read receipts, thread, compose (POST), reply,
attachments, "Șterge", the menu's unread count and the access matrix."""

from __future__ import annotations

import gc
import io
import re
import warnings

import pytest
import sqlalchemy as sa

from schema.models import Message, MessageRecipient, MessageThread, ThreadParticipant, db
from schema.operations import messages as ops
from tests.pages.conftest import counting_queries


def _text(response) -> str:
    return response.get_data(as_text=True)


def _csrf(client, url="/mesaje/nou") -> str:
    page = _text(client.get(url))
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def _post(client, url, data, *, form_url="/mesaje/nou"):
    data = {"csrf_token": _csrf(client, form_url), **data}
    return client.post(url, data=data, content_type="multipart/form-data")


def _post_large(client, url, data) -> tuple[int, str]:
    """POST a body over 500 KB: werkzeug's test client spools it to a temporary file that it never
    closes; collect it here, where its ResourceWarning is expected, rather than in a later test."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        response = client.post(url, data=data, content_type="multipart/form-data")
        status, page = response.status_code, _text(response)
        del response
        gc.collect()
    return status, page


def _thread_from(actor, *recipients, **fields):
    values = {"subject": "Absențe", "body": "Vă rog să treceți pe la școală."} | fields
    return ops.send_message(actor, list(recipients), **values)


# --- compose: the recipient rules through the UI -----------------------------------------------
def test_a_student_writing_to_a_student_is_refused_and_the_input_kept(app, people, client_for):
    client = client_for(people.student_user)
    response = _post(
        client,
        "/mesaje/nou",
        {"destinatar": str(people.other_student_user.id), "subject": "Tema la mate", "body": "Îmi trimiți tema?"},
    )
    assert response.status_code == 403
    page = _text(response)
    assert "Elevii nu pot trimite mesaje altor elevi." in page
    assert "Tema la mate" in page and "Îmi trimiți tema?" in page
    assert db.session.scalar(sa.select(sa.func.count(MessageThread.id))) == 0


def test_a_parent_writing_to_a_parent_is_refused(app, people, client_for):
    client = client_for(people.parent)
    response = _post(
        client,
        "/mesaje/nou",
        {"destinatar": str(people.other_parent.id), "subject": "Excursia", "body": "Mergeți și voi?"},
    )
    assert response.status_code == 403
    assert "Părinții nu pot trimite mesaje altor părinți." in _text(response)
    assert db.session.scalar(sa.select(sa.func.count(Message.id))) == 0


def test_a_parent_writes_to_the_class_master_and_the_compose_page_offers_only_staff(app, people, client_for):
    school = people.school
    client = client_for(people.parent)
    page = _text(client.get("/mesaje/nou"))
    assert school.class_master.full_name in page and school.director.full_name in page
    assert people.other_parent.full_name not in page and "Tot personalul" not in page
    response = _post(
        client,
        "/mesaje/nou",
        {
            "destinatar": str(school.class_master.id),
            "subject": "Învoire",
            "body": "Vă rog să o învoiți pe Ștefania vineri.",
        },
    )
    assert response.status_code == 302
    thread = db.session.scalar(sa.select(MessageThread))
    assert response.headers["Location"].endswith(f"/mesaje/{thread.id}")
    assert thread.started_by_id == people.parent.id


def test_a_teacher_writes_to_the_parents_of_their_class_but_not_of_another(app, people, client_for):
    school = people.school
    client = client_for(school.teacher)
    page = _text(client.get("/mesaje/nou"))
    assert "Părinții clasei a V-a A" in page and "Părinții clasei a V-a B" not in page
    refused = _post(
        client, "/mesaje/nou", {"grup": f"parinti:{school.other_class.id}", "subject": "Teză", "body": "Teza este joi."}
    )
    assert refused.status_code == 403
    assert "Nu puteți scrie părinților clasei a V-a B" in _text(refused)
    sent = _post(
        client,
        "/mesaje/nou",
        {"grup": f"parinti:{school.school_class.id}", "subject": "Teză", "body": "Teza este joi."},
    )
    assert sent.status_code == 302
    recipients = set(db.session.scalars(sa.select(MessageRecipient.recipient_id)))
    assert recipients == {people.parent.id, people.other_parent.id}


def test_staff_pick_one_family_of_a_class_and_all_staff(app, people, client_for):
    school = people.school
    client = client_for(school.director)
    page = _text(client.get(f"/mesaje/nou?clasa={school.other_class.id}"))
    assert "Țăranu Oana" in page and "(părinte)" in page
    sent = _post(
        client,
        "/mesaje/nou",
        {
            "destinatar": str(people.b_parent.id),
            "grup": "personal",
            "subject": "Consiliu",
            "body": "Consiliul profesoral e marți.",
        },
    )
    assert sent.status_code == 302
    recipients = set(db.session.scalars(sa.select(MessageRecipient.recipient_id)))
    assert people.b_parent.id in recipients and school.teacher.id in recipients and school.director.id not in recipients
    # A teacher cannot list the families of a class they do not teach.
    assert client_for(school.teacher).get(f"/mesaje/nou?clasa={school.other_class.id}").status_code == 403


def test_another_schools_account_is_never_reachable(app, people, client_for):
    client = client_for(people.school.director)
    response = _post(client, "/mesaje/nou", {"destinatar": str(people.stranger.id), "subject": "Salut", "body": "Test"})
    assert response.status_code == 403
    assert people.stranger.full_name not in _text(response)
    assert db.session.scalar(sa.select(sa.func.count(Message.id))) == 0


# --- inbox, thread, read receipts --------------------------------------------------------------
def test_opening_a_thread_records_the_read_time_once_and_the_sender_sees_it(app, people, client_for):
    teacher = people.school.teacher
    thread = _thread_from(teacher, people.parent, people.other_parent)
    parent_client = client_for(people.parent)
    inbox = _text(parent_client.get("/mesaje/"))
    assert "<strong>Absențe</strong>" in inbox and "Necitit" in inbox and "De la Vasilescu Ion" in inbox
    assert "Mesaje (1)" in inbox
    assert "Citit pe" not in _text(client_for(teacher).get("/mesaje/trimise"))

    assert parent_client.get(f"/mesaje/{thread.id}").status_code == 200
    receipt = db.session.scalar(sa.select(MessageRecipient).where(MessageRecipient.recipient_id == people.parent.id))
    first = receipt.read_at
    assert first is not None
    parent_client.get(f"/mesaje/{thread.id}")
    db.session.expire_all()
    assert db.session.get(MessageRecipient, receipt.id).read_at == first

    sent = _text(client_for(teacher).get("/mesaje/trimise"))
    assert re.search(r"Ionescu Mihaela: <span class=\"good\">Citit pe \d\d\.\d\d\.\d{4}, \d\d:\d\d</span>", sent)
    assert 'Barbu Sorin: <span class="bad">Necitit</span>' in sent
    assert "citit de 1 din 2" in sent
    inbox = _text(parent_client.get("/mesaje/"))
    assert "<strong>Absențe</strong>" not in inbox and "Mesaje (1)" not in inbox


def test_hide_removes_the_thread_from_the_recipients_inbox_only(app, people, client_for):
    teacher = people.school.teacher
    thread = _thread_from(teacher, people.parent)
    parent_client = client_for(people.parent)
    parent_client.get(f"/mesaje/{thread.id}")
    response = _post(parent_client, f"/mesaje/{thread.id}/sterge", {}, form_url=f"/mesaje/{thread.id}")
    assert response.status_code == 302
    assert "Absențe" not in _text(parent_client.get("/mesaje/"))
    assert db.session.scalar(sa.select(sa.func.count(Message.id))) == 1
    assert db.session.scalar(
        sa.select(ThreadParticipant.hidden_at).where(ThreadParticipant.user_id == people.parent.id)
    )
    sent = _text(client_for(teacher).get("/mesaje/trimise"))
    assert "Absențe" in sent and "Citit pe" in sent
    # The participant may still open it (from a notification's link), marked as deleted.
    assert "Ați șters această conversație" in _text(parent_client.get(f"/mesaje/{thread.id}"))


def test_reply_with_an_attachment_and_the_download_is_for_participants_only(app, people, client_for):
    school = people.school
    thread = _thread_from(school.class_master, people.parent, people.other_parent)
    parent_client = client_for(people.parent)
    url = f"/mesaje/{thread.id}"
    refused = parent_client.post(
        f"{url}/raspuns",
        data={
            "csrf_token": _csrf(parent_client, url),
            "body": "Atașez scutirea.",
            "fisier": (io.BytesIO(b"MZ"), "scutire.exe"),
        },
        content_type="multipart/form-data",
    )
    assert refused.status_code == 422
    assert "nu are un tip acceptat" in _text(refused) and "Atașez scutirea." in _text(refused)
    status, page = _post_large(
        parent_client,
        f"{url}/raspuns",
        {
            "csrf_token": _csrf(parent_client, url),
            "body": "Atașez scutirea.",
            "fisier": (io.BytesIO(b"%" * (5 * 1024 * 1024 + 1)), "scutire.pdf"),
        },
    )
    assert status == 422 and "se acceptă cel mult 5 MB" in page
    sent = parent_client.post(
        f"{url}/raspuns",
        data={
            "csrf_token": _csrf(parent_client, url),
            "body": "Atașez scutirea.",
            "fisier": (io.BytesIO(b"%PDF-1.4 scutire"), "scutire medicală.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert sent.status_code == 302
    answer = db.session.scalar(sa.select(Message).where(Message.author_id == people.parent.id))
    download = f"{url}/fisier/{answer.id}"
    got = client_for(school.class_master).get(download)
    assert got.status_code == 200 and got.data == b"%PDF-1.4 scutire"
    assert got.headers["Content-Type"] == "application/pdf"
    assert got.headers["Content-Disposition"].startswith("attachment;")
    # The other parent is in the thread but did not receive the answer: no file for them.
    assert client_for(people.other_parent).get(download).status_code == 404
    assert "Atașez scutirea." not in _text(client_for(people.other_parent).get(url))
    for outsider in (school.director, school.teacher, people.b_parent, people.stranger):
        assert client_for(outsider).get(download).status_code == 404


@pytest.mark.parametrize("who", ["director", "teacher", "b_parent", "student_user", "stranger", "administrator"])
def test_nobody_opens_a_thread_they_are_not_in(app, people, client_for, who):
    school = people.school
    thread = _thread_from(school.class_master, people.parent, attachments=[("nota.txt", b"nota")])
    outsider = getattr(people, who, None) or getattr(school, who)
    client = client_for(outsider)
    assert client.get(f"/mesaje/{thread.id}").status_code == 404
    assert client.get(f"/mesaje/{thread.id}/fisier/{thread.messages[0].id}").status_code == 404
    assert _post(client, f"/mesaje/{thread.id}/raspuns", {"body": "x"}).status_code == 404
    assert _post(client, f"/mesaje/{thread.id}/sterge", {}).status_code == 404
    assert "Absențe" not in _text(client.get("/mesaje/"))
    assert db.session.scalar(sa.select(MessageRecipient.read_at)) is None


def test_the_menu_shows_messages_to_everyone_logged_in(app, people, client_for):
    for user in (people.parent, people.student_user, people.school.teacher, people.school.administrator):
        assert 'href="/mesaje/"' in _text(client_for(user).get("/cont/"))


def test_the_pages_fit_a_phone(app, people, client_for):
    thread = _thread_from(people.school.teacher, people.parent)
    client = client_for(people.parent)
    for url in ("/mesaje/", "/mesaje/trimise", "/mesaje/nou", f"/mesaje/{thread.id}"):
        page = _text(client.get(url))
        assert 'name="viewport"' in page and "ş" not in page and "ţ" not in page
        assert "<table" not in page  # lists are cards that wrap at 375 px


def _inbox_queries(client) -> int:
    client.get("/mesaje/")  # warm up the login
    with counting_queries() as counter:
        assert client.get("/mesaje/").status_code == 200
    return counter.count


def test_the_inbox_costs_a_fixed_number_of_queries(app, people, client_for):
    school = people.school
    client = client_for(people.parent)
    for index in range(2):
        _thread_from(school.teacher, people.parent, subject=f"Subiect {index}")
    few = _inbox_queries(client)
    for index in range(12):
        thread = _thread_from(
            school.director if index % 2 else school.class_master, people.parent, subject=f"Alt subiect {index}"
        )
        ops.reply(people.parent, thread, "Mulțumesc.")
        ops.reply(school.director if index % 2 else school.class_master, thread, "Cu plăcere.")
    many = _inbox_queries(client)
    assert "Alt subiect 11" in _text(client.get("/mesaje/"))
    assert few == many <= 15, (few, many)
    sent_client = client_for(school.class_master)
    sent_client.get("/mesaje/trimise")
    with counting_queries() as counter:
        assert sent_client.get("/mesaje/trimise").status_code == 200
    assert counter.count <= 15, counter.count
