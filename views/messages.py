"""Messages ("Mesaje", issue 8 part 1): the inbox, the sent box with each recipient's read
receipt, a thread (opening it records the read receipt), writing, answering, attached files and
"Șterge" (hides the thread from one's own lists only).

Each page: `auth_required` → `can_use_messages` → `access_thread` (404 unless the user takes
part in the thread) → operation (schema/operations/messages.py) → template. The lists cost a
fixed number of queries, however many threads there are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for
from flask_security import auth_required, current_user
from sqlalchemy.orm import selectinload

from schema.errors import CatalogError
from schema.messages import (
    MAX_BODY_LENGTH,
    MAX_SUBJECT_LENGTH,
    Message,
    MessageRecipient,
    MessageThread,
    ThreadParticipant,
)
from schema.models import SchoolClass, SchoolYear, User, db
from schema.operations import messages as ops
from security import access, capabilities, policy
from security.objects import access_message_attachment, access_thread, access_school_class
from views.account import local_time

bp = Blueprint("messages", __name__, url_prefix="/mesaje", template_folder="templates")

#: How many threads (and sent messages) a list shows, newest first.
LIST_LIMIT = 200
#: The value of the "all staff" group in the compose form.
ALL_STAFF = "personal"
#: Prefix of a "class's parents" group value ("parinti:12").
CLASS_PARENTS = "parinti:"

_UNREAD_KEY = "_catalog_unread_messages"


def _require_messages() -> None:
    if not capabilities.can_use_messages(current_user):
        abort(403)


@bp.app_template_filter("read_time")
def read_time(value: datetime | None) -> str:
    """ "21.11.2026, 10:32" in the school's time zone."""
    return local_time(value).replace(" ", ", ", 1) if value else "—"


def unread_count(user: User) -> int:
    """Messages sent to `user` not read yet, in threads the user has not hidden (once per request)."""
    cached = g.get(_UNREAD_KEY)
    if cached is not None and cached[0] == user.id:
        return cached[1]
    count = (
        db.session.scalar(
            sa.select(sa.func.count(MessageRecipient.id))
            .join(Message, Message.id == MessageRecipient.message_id)
            .join(
                ThreadParticipant,
                sa.and_(
                    ThreadParticipant.thread_id == Message.thread_id,
                    ThreadParticipant.user_id == MessageRecipient.recipient_id,
                ),
            )
            .where(
                MessageRecipient.recipient_id == user.id,
                MessageRecipient.read_at.is_(None),
                ThreadParticipant.hidden_at.is_(None),
            )
        )
        or 0
    )
    setattr(g, _UNREAD_KEY, (user.id, count))
    return count


def menu_label(user: User) -> str:
    """ "Mesaje", with the number of unread messages when there are any."""
    count = unread_count(user)
    return f"Mesaje ({count})" if count else "Mesaje"


# --- lists -------------------------------------------------------------------------------------
@dataclass
class InboxRow:
    thread: MessageThread
    last: Message
    sender: User
    unread: int


def inbox_rows(user: User) -> list[InboxRow]:
    """Threads with messages to `user`, not hidden: unread first, then the newest (three queries)."""
    summary = db.session.execute(
        sa.select(
            Message.thread_id,
            sa.func.max(Message.id),
            sa.func.sum(sa.case((MessageRecipient.read_at.is_(None), 1), else_=0)),
        )
        .join(MessageRecipient, MessageRecipient.message_id == Message.id)
        .join(
            ThreadParticipant,
            sa.and_(ThreadParticipant.thread_id == Message.thread_id, ThreadParticipant.user_id == user.id),
        )
        .where(
            MessageRecipient.recipient_id == user.id,
            ThreadParticipant.hidden_at.is_(None),
            Message.school_id == user.school_id,
        )
        .group_by(Message.thread_id)
    ).all()
    if not summary:
        return []
    last_ids = {last_id: (thread_id, int(unread or 0)) for thread_id, last_id, unread in summary}
    ordered = sorted(last_ids, key=lambda last_id: (last_ids[last_id][1] == 0, -last_id))[:LIST_LIMIT]
    rows = db.session.execute(
        sa.select(Message, MessageThread, User)
        .join(MessageThread, MessageThread.id == Message.thread_id)
        .join(User, User.id == Message.author_id)
        .where(Message.id.in_(ordered))
    ).all()
    by_id = {message.id: (message, thread, author) for message, thread, author in rows}
    return [InboxRow(by_id[i][1], by_id[i][0], by_id[i][2], last_ids[i][1]) for i in ordered if i in by_id]


@dataclass
class SentRow:
    message: Message
    thread: MessageThread
    receipts: list[tuple[User, datetime | None]] = field(default_factory=list)

    @property
    def read_count(self) -> int:
        return sum(1 for _, read_at in self.receipts if read_at is not None)


def sent_rows(user: User) -> list[SentRow]:
    """Messages `user` wrote (threads not hidden by them), each with its recipients' read receipts."""
    rows = db.session.execute(
        sa.select(Message, MessageThread)
        .join(MessageThread, MessageThread.id == Message.thread_id)
        .join(
            ThreadParticipant,
            sa.and_(ThreadParticipant.thread_id == Message.thread_id, ThreadParticipant.user_id == user.id),
        )
        .where(Message.author_id == user.id, ThreadParticipant.hidden_at.is_(None), Message.school_id == user.school_id)
        .order_by(Message.id.desc())
        .limit(LIST_LIMIT)
    ).all()
    result = {message.id: SentRow(message, thread) for message, thread in rows}
    if result:
        for receipt, recipient in db.session.execute(
            sa.select(MessageRecipient, User)
            .join(User, User.id == MessageRecipient.recipient_id)
            .where(MessageRecipient.message_id.in_(list(result)))
            .order_by(User.last_name, User.first_name, User.id)
        ).all():
            result[receipt.message_id].receipts.append((recipient, receipt.read_at))
    return list(result.values())


@bp.get("/")
@auth_required()
def inbox() -> Any:
    _require_messages()
    return render_template("messages/inbox.html", rows=inbox_rows(current_user), unread=unread_count(current_user))


@bp.get("/trimise")
@auth_required()
def sent() -> Any:
    _require_messages()
    return render_template("messages/sent.html", rows=sent_rows(current_user), unread=unread_count(current_user))


# --- one thread --------------------------------------------------------------------------------
def _visible_messages(user: User, thread: MessageThread) -> list[Message]:
    """The thread's messages that `user` wrote or received (a family never sees another's)."""
    received = sa.select(MessageRecipient.message_id).where(MessageRecipient.recipient_id == user.id)
    return list(
        db.session.scalars(
            sa.select(Message)
            .where(Message.thread_id == thread.id, sa.or_(Message.author_id == user.id, Message.id.in_(received)))
            .options(
                selectinload(Message.author),
                selectinload(Message.attachment),
                selectinload(Message.recipients).selectinload(MessageRecipient.recipient),
            )
            .order_by(Message.id)
        )
    )


def _thread_context(thread: MessageThread, form: dict[str, str]) -> dict[str, Any]:
    user = current_user
    messages = _visible_messages(user, thread)
    participants = list(
        db.session.scalars(
            sa.select(ThreadParticipant)
            .where(ThreadParticipant.thread_id == thread.id)
            .options(selectinload(ThreadParticipant.user).selectinload(User.roles))
            .order_by(ThreadParticipant.id)
        )
    )
    shown = [p.user for p in participants if user.is_staff or p.user_id == user.id or p.user.is_staff]
    hidden = next((p.hidden_at for p in participants if p.user_id == user.id), None)
    answer_to = ops.reply_recipients(user, thread)
    return {
        "thread": thread,
        "messages": messages,
        "participants": shown,
        "hidden_at": hidden,
        "answer_to": answer_to,
        "form": form,
        "max_body": MAX_BODY_LENGTH,
    }


def _upload() -> tuple[str, bytes] | None:
    """The file of the form's "fisier" field, if one was chosen."""
    file = request.files.get("fisier")
    if file is None or not file.filename:
        return None
    try:
        return file.filename, file.read()
    finally:
        file.close()  # a large upload is spooled to a temporary file


@bp.get("/<int:thread_id>")
@auth_required()
def thread_page(thread_id: int) -> Any:
    """Opening the thread is reading it: the read receipts are recorded now (once)."""
    _require_messages()
    thread = access_thread(current_user, thread_id)
    ops.mark_read(current_user, thread, remote_addr=request.remote_addr)
    g.pop(_UNREAD_KEY, None)
    return render_template("messages/thread.html", **_thread_context(thread, {}))


@bp.post("/<int:thread_id>/raspuns")
@auth_required()
def answer(thread_id: int) -> Any:
    _require_messages()
    thread = access_thread(current_user, thread_id)
    form = request.form.to_dict()
    try:
        ops.reply(current_user, thread, form.get("body", ""), _upload(), remote_addr=request.remote_addr)
    except CatalogError as error:
        db.session.rollback()
        flash(error.message_ro, "error")
        thread = access_thread(current_user, thread_id)
        return render_template("messages/thread.html", **_thread_context(thread, form)), error.http_status
    flash("Răspunsul a fost trimis.", "success")
    return redirect(url_for("messages.thread_page", thread_id=thread_id))


@bp.post("/<int:thread_id>/sterge")
@auth_required()
def hide(thread_id: int) -> Any:
    _require_messages()
    thread = access_thread(current_user, thread_id)
    ops.hide_thread(current_user, thread, remote_addr=request.remote_addr)
    flash("Conversația a fost ștearsă din lista dumneavoastră. Mesajele rămân păstrate în catalog.", "success")
    return redirect(url_for("messages.inbox"))


@bp.get("/<int:thread_id>/fisier/<int:message_id>")
@auth_required()
def attachment(thread_id: int, message_id: int) -> Any:
    """The file of a message the user wrote or received; nobody else downloads it."""
    _require_messages()
    message = access_message_attachment(current_user, thread_id, message_id)
    file = message.attachment
    response = Response(file.data, mimetype=file.content_type)
    response.headers["Content-Disposition"] = _disposition(file.filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _disposition(filename: str) -> str:
    from urllib.parse import quote

    ascii_name = filename.encode("ascii", "replace").decode("ascii").replace('"', "'").replace("?", "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


# --- writing -----------------------------------------------------------------------------------
def _open_classes(user: User) -> list[SchoolClass]:
    """The classes (of years not closed) whose families the user may address as a group."""
    allowed = ops.addressable_class_ids(user)
    if allowed is not None and not allowed:
        return []
    query = (
        sa.select(SchoolClass)
        .join(SchoolYear, SchoolYear.id == SchoolClass.year_id)
        .where(SchoolClass.school_id == user.school_id, SchoolYear.is_closed.is_(False))
    )
    if allowed is not None:
        query = query.where(SchoolClass.id.in_(allowed))
    return list(db.session.scalars(query.order_by(SchoolClass.name, SchoolClass.id)))


def _compose_context(form: dict[str, Any], chosen_ids: set[int]) -> dict[str, Any]:
    user = current_user
    roles = access.role_names(user)
    staff = bool(roles & policy.STAFF_ROLES)
    context: dict[str, Any] = {
        "form": form,
        "chosen_ids": chosen_ids,
        "staff": staff,
        "classes": [],
        "families": None,
        "family_class": None,
        "people": [],
        "max_subject": MAX_SUBJECT_LENGTH,
        "max_body": MAX_BODY_LENGTH,
        "all_staff_value": ALL_STAFF,
        "class_parents_prefix": CLASS_PARENTS,
        "unread": unread_count(user),
    }
    if staff:
        context["people"] = ops.all_staff(user)
        context["classes"] = _open_classes(user)
        class_id = request.values.get("clasa", type=int)
        if class_id:
            school_class = access_school_class(user, class_id)
            context["family_class"] = school_class
            context["families"] = ops.class_families(user, school_class)
    else:
        context["people"] = ops.allowed_recipients(user)
    return context


def _chosen_recipients(user: User) -> list[User]:
    """The users and groups ticked in the form, as accounts (refusals come from the operation)."""
    ids = {int(value) for value in request.form.getlist("destinatar") if value.isdigit() and len(value) < 12}
    recipients: dict[int, User] = {}
    if ids:
        for person in db.session.scalars(sa.select(User).where(User.id.in_(ids))):
            recipients[person.id] = person
        missing = ids - set(recipients)
        if missing:
            raise ops.refusal_for(user, None)
    for group in request.form.getlist("grup"):
        if group == ALL_STAFF:
            members = ops.all_staff(user)
        elif group.startswith(CLASS_PARENTS) and group[len(CLASS_PARENTS) :].isdigit():
            school_class = access_school_class(user, int(group[len(CLASS_PARENTS) :]))
            members = ops.class_parents(user, school_class)
        else:
            continue
        for person in members:
            recipients.setdefault(person.id, person)
    return list(recipients.values())


@bp.get("/nou")
@auth_required()
def compose() -> Any:
    _require_messages()
    chosen = {value for value in request.args.getlist("catre", type=int)}
    # "Răspunde profesorului" on a remark opens the form with the teacher and a subject chosen.
    prefilled = {"subject": request.args.get("subiect", "")[:MAX_SUBJECT_LENGTH]}
    return render_template("messages/compose.html", **_compose_context(prefilled, chosen))


@bp.post("/nou")
@auth_required()
def send() -> Any:
    _require_messages()
    form = request.form.to_dict()
    form["grup"] = request.form.getlist("grup")
    chosen = {int(v) for v in request.form.getlist("destinatar") if v.isdigit() and len(v) < 12}
    try:
        recipients = _chosen_recipients(current_user)
        upload = _upload()
        thread = ops.send_message(
            current_user,
            recipients,
            subject=form.get("subject", ""),
            body=form.get("body", ""),
            attachments=[upload] if upload else (),
            remote_addr=request.remote_addr,
        )
    except CatalogError as error:
        db.session.rollback()
        flash(error.message_ro, "error")
        return render_template("messages/compose.html", **_compose_context(form, chosen)), error.http_status
    flash("Mesajul a fost trimis.", "success")
    return redirect(url_for("messages.thread_page", thread_id=thread.id))
