"""Errors that operations and invariants raise: a stable code plus a message in Romanian and
English. Screens show `message_ro`; the API returns all three as JSON."""

from __future__ import annotations


class CatalogError(Exception):
    """Base of every refusal the catalog explains to its user."""

    #: HTTP status the API and views answer with.
    http_status = 400

    def __init__(self, code: str, message_ro: str, message_en: str) -> None:
        super().__init__(f"{code}: {message_en}")
        self.code = code
        self.message_ro = message_ro
        self.message_en = message_en

    def as_json(self) -> dict[str, str]:
        return {"code": self.code, "message_ro": self.message_ro, "message_en": self.message_en}


class InvariantViolation(CatalogError):
    """The data would break a rule of the catalog (range, uniqueness, date, consistency)."""

    http_status = 422


class PermissionDenied(CatalogError):
    """The acting user may not do this."""

    http_status = 403


class NotFound(CatalogError):
    """Missing, or not visible to this user (the same answer for both)."""

    http_status = 404
