"""Files attached to messages, excuse requests and evaluation sheets (decisions.md "Notes,
remarks, messages"; 002 "raport de autoevaluare").

The bytes live in the database, so backups and restores carry them with the rows that point at
them. An attachment is written once and never changed; its SHA-256 is versioned with the row, so
the history proves which content was filed even though the bytes are kept out of the version
table (they would double the storage and never change).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from schema.db import db, utc_now
from schema.tenancy import TenantMixin, tenant_fk, tenant_key

#: Largest file accepted, in bytes (a scanned medical note or a report fits easily).
MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024

#: Accepted file types: extension -> the content type the file is served with.
ATTACHMENT_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
    "txt": "text/plain",
}


class Attachment(TenantMixin, db.Model):
    """One uploaded file. Rows that use it point at it (`attachment_id`)."""

    __tablename__ = "attachments"
    __versioned__: dict = {"exclude": ["data"]}
    __table_args__ = (
        tenant_key(),
        tenant_fk("uploaded_by_id", "users"),
        sa.CheckConstraint(f"size_bytes BETWEEN 1 AND {MAX_ATTACHMENT_BYTES}", name="size_allowed"),
        sa.CheckConstraint("length(sha256) = 64", name="sha256_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The name the file had on the uploader's computer (shown, never used as a path).
    filename: Mapped[str] = mapped_column(sa.String(200))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size_bytes: Mapped[int]
    #: Hex SHA-256 of the bytes.
    sha256: Mapped[str] = mapped_column(sa.String(64))
    #: The file itself; loaded only when someone downloads it.
    data: Mapped[bytes] = deferred(mapped_column(sa.LargeBinary))
    uploaded_by_id: Mapped[int] = mapped_column()
    uploaded_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utc_now)

    uploaded_by = relationship("User", foreign_keys=[uploaded_by_id])

    def __str__(self) -> str:
        return self.filename
