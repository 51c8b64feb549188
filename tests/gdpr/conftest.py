"""GDPR tests share the pages' logged-in client and a school whose two students both have a row
in every table about a student (tests/gdpr/builders.py)."""

from tests.pages.conftest import client_for  # noqa: F401  (re-exported fixture)
