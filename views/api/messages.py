"""/api/v1/messages: the caller's threads, one thread (reading it records the read receipts),
sending a message and answering one, through schema/operations/messages.py with the token's
owner as the author (issue 8 part 1).

Sending and answering need a read_write token, which only staff can hold
(schema/operations/api_tokens.py). The recipient rules are checked first, so a parent's or a
student's token gets the rule's own refusal (`recipient_not_allowed`) for a recipient the rules
forbid, and `token_read_only` for one they allow. Refusals carry no name: a caller learns nothing
about an account id they may not write to beyond the refusal.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
import sqlalchemy as sa
from flask import request
from flask.views import MethodView
from marshmallow import fields, validate
from sqlalchemy.orm import selectinload

from schema.errors import NotFound, PermissionDenied
from schema.messages import (
    MAX_BODY_LENGTH,
    MAX_SUBJECT_LENGTH,
    Message,
    MessageRecipient,
    MessageThread,
    ThreadParticipant,
)
from schema.models import SchoolClass, Student, User, db
from schema.operations import messages as ops
from security.objects import access_thread
from views.api import auth
from views.api import schemas as s
from views.api.resources import blp


# --- schemas -----------------------------------------------------------------------------------
class ThreadSummary(ma.Schema):
    id = fields.Integer(required=True)
    subject = fields.String(required=True)
    started_by_id = fields.Integer(required=True)
    started_at = fields.DateTime(required=True)
    about_student_id = fields.Integer(allow_none=True)
    last_message_at = fields.DateTime(allow_none=True)
    unread = fields.Integer(required=True, metadata={"description": "Messages to the caller not read yet."})


class Receipt(ma.Schema):
    recipient_id = fields.Integer(required=True)
    recipient_name = fields.String(required=True)
    read_at = fields.DateTime(allow_none=True, metadata={"description": "The read receipt; null while unread."})


class MessageOut(ma.Schema):
    id = fields.Integer(required=True)
    thread_id = fields.Integer(required=True)
    author_id = fields.Integer(required=True)
    author_name = fields.String(required=True)
    body = fields.String(required=True)
    sent_at = fields.DateTime(required=True)
    attachment_name = fields.String(allow_none=True)
    receipts = fields.List(
        fields.Nested(Receipt),
        metadata={"description": "Each recipient's read receipt: only on the caller's own messages."},
    )


class ThreadOut(ThreadSummary):
    messages = fields.List(fields.Nested(MessageOut), required=True)


class MessageCreate(ma.Schema):
    recipient_ids = fields.List(
        s._id(strict=True),
        load_default=list,
        validate=validate.Length(max=500),
        metadata={"description": "Accounts to write to (ids of users)."},
    )
    class_parents_ids = fields.List(
        s._id(strict=True),
        load_default=list,
        validate=validate.Length(max=50),
        metadata={"description": "Classes whose parents receive the message."},
    )
    all_staff = fields.Boolean(load_default=False, metadata={"description": "Every staff account of the school."})
    subject = s._text(MAX_SUBJECT_LENGTH)
    body = s._text(MAX_BODY_LENGTH)
    about_student_id = s._id(strict=True, allow_none=True)


class ReplyCreate(ma.Schema):
    body = s._text(MAX_BODY_LENGTH)


ThreadPage = s._page_of(ThreadSummary, "ThreadPage")


# --- helpers -----------------------------------------------------------------------------------
def _message_dict(message: Message, caller: User) -> dict[str, Any]:
    own = message.author_id == caller.id
    return {
        "id": message.id,
        "thread_id": message.thread_id,
        "author_id": message.author_id,
        "author_name": message.author.full_name,
        "body": message.body,
        "sent_at": message.sent_at,
        "attachment_name": message.attachment.filename if message.attachment else None,
        "receipts": [
            {"recipient_id": r.recipient_id, "recipient_name": r.recipient.full_name, "read_at": r.read_at}
            for r in message.recipients
        ]
        if own
        else [],
    }


def _thread_dict(thread: MessageThread, caller: User) -> dict[str, Any]:
    received = sa.select(MessageRecipient.message_id).where(MessageRecipient.recipient_id == caller.id)
    messages = list(
        db.session.scalars(
            sa.select(Message)
            .where(Message.thread_id == thread.id, sa.or_(Message.author_id == caller.id, Message.id.in_(received)))
            .options(
                selectinload(Message.author),
                selectinload(Message.attachment),
                selectinload(Message.recipients).selectinload(MessageRecipient.recipient),
            )
            .order_by(Message.id)
        )
    )
    unread = sum(1 for m in messages for r in m.recipients if r.recipient_id == caller.id and r.read_at is None)
    return {
        "id": thread.id,
        "subject": thread.subject,
        "started_by_id": thread.started_by_id,
        "started_at": thread.started_at,
        "about_student_id": thread.about_student_id,
        "last_message_at": messages[-1].sent_at if messages else None,
        "unread": unread,
        "messages": [_message_dict(m, caller) for m in messages],
    }


def _recipients(caller: User, body: dict[str, Any]) -> list[User]:
    """The accounts named by ids and groups; an id outside the caller's school is refused the same
    way as one the rules forbid (nothing tells the caller it exists)."""
    recipients: dict[int, User] = {}
    ids = set(body["recipient_ids"])
    if ids:
        for user in db.session.scalars(sa.select(User).where(User.id.in_(ids), User.school_id == caller.school_id)):
            recipients[user.id] = user
        if ids - set(recipients):
            raise ops.refusal_for(caller, None)
    if body["all_staff"]:
        for user in ops.all_staff(caller):
            recipients.setdefault(user.id, user)
    for class_id in set(body["class_parents_ids"]):
        school_class = db.session.get(SchoolClass, class_id)
        if school_class is None or school_class.school_id != caller.school_id:
            raise NotFound("not_found", "Clasa nu există.", "No such class.")
        for user in ops.class_parents(caller, school_class):
            recipients.setdefault(user.id, user)
    return list(recipients.values())


# --- endpoints ---------------------------------------------------------------------------------
@blp.route("/messages/threads")
class MessageThreads(MethodView):
    @blp.arguments(s.PageArgs, location="query")
    @blp.response(200, ThreadPage)
    def get(self, args: dict[str, Any]) -> Any:
        """The caller's message threads (not deleted by them), newest first, with the unread count."""
        return _thread_page(args)

    @blp.arguments(MessageCreate)
    @blp.response(201, ThreadOut)
    def post(self, body: dict[str, Any]) -> Any:
        """Send a new message (read_write token). The recipient rules apply to every recipient."""
        return _send(body)


def _thread_page(args: dict[str, Any]) -> Any:
    caller = auth.api_user()
    if not ops.may_use_messages(caller):
        raise PermissionDenied(
            "messages_not_allowed", "Contul nu are niciun rol în catalog.", "The account has no role."
        )
    unread = sa.func.sum(
        sa.case((sa.and_(MessageRecipient.recipient_id == caller.id, MessageRecipient.read_at.is_(None)), 1), else_=0)
    )
    query = (
        sa.select(MessageThread, sa.func.max(Message.sent_at), unread)
        .join(
            ThreadParticipant,
            sa.and_(ThreadParticipant.thread_id == MessageThread.id, ThreadParticipant.user_id == caller.id),
        )
        .outerjoin(Message, Message.thread_id == MessageThread.id)
        .outerjoin(MessageRecipient, MessageRecipient.message_id == Message.id)
        .where(MessageThread.school_id == caller.school_id, ThreadParticipant.hidden_at.is_(None))
        .group_by(MessageThread.id)
        .order_by(MessageThread.id.desc())
    )
    total = db.session.scalar(
        sa.select(sa.func.count(ThreadParticipant.id)).where(
            ThreadParticipant.user_id == caller.id,
            ThreadParticipant.hidden_at.is_(None),
            ThreadParticipant.school_id == caller.school_id,
        )
    )
    page, per_page = args["page"], args["per_page"]
    rows = db.session.execute(query.limit(per_page).offset((page - 1) * per_page)).all()
    return {
        "items": [
            {
                "id": t.id,
                "subject": t.subject,
                "started_by_id": t.started_by_id,
                "started_at": t.started_at,
                "about_student_id": t.about_student_id,
                "last_message_at": last,
                "unread": int(count or 0),
            }
            for t, last, count in rows
        ],
        "page": page,
        "per_page": per_page,
        "total": total,
    }


@blp.route(f"/messages/threads/<int(max={s.MAX_ID}):thread_id>", methods=["GET"])
@blp.response(200, ThreadOut)
def message_thread(thread_id: int) -> Any:
    """One thread the caller takes part in, with the messages they wrote or received. Reading it
    records the caller's read receipts (once; 004 pt.42)."""
    caller = auth.api_user()
    thread = access_thread(caller, thread_id)
    ops.mark_read(caller, thread, remote_addr=request.remote_addr)
    return _thread_dict(thread, caller)


def _send(body: dict[str, Any]) -> Any:
    caller = auth.api_user()
    recipients = _recipients(caller, body)
    ops.check_recipients(caller, recipients)
    auth.require_write_token()
    about = None
    if body.get("about_student_id"):
        about = db.session.get(Student, body["about_student_id"])
        if about is None:
            raise NotFound("not_found", "Elevul nu există.", "No such student.")
    thread = ops.send_message(
        caller,
        recipients,
        subject=body["subject"],
        body=body["body"],
        about_student=about,
        remote_addr=request.remote_addr,
        token_id=auth.token_id(),
    )
    return _thread_dict(thread, caller)


@blp.route(f"/messages/threads/<int(max={s.MAX_ID}):thread_id>/replies", methods=["POST"])
@blp.arguments(ReplyCreate)
@blp.response(201, MessageOut)
def reply_to_thread(body: dict[str, Any], thread_id: int) -> Any:
    """Answer a thread the caller takes part in (read_write token)."""
    caller = auth.api_user()
    thread = access_thread(caller, thread_id)
    auth.require_write_token()
    message = ops.reply(caller, thread, body["body"], remote_addr=request.remote_addr, token_id=auth.token_id())
    return _message_dict(message, caller)
