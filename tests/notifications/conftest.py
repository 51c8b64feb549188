"""Fixtures for the notification tests."""

from tests.pages.conftest import client_for  # noqa: F401  (fixture)
