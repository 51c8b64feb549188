"""Fixtures shared by the security tests."""

from __future__ import annotations

import pytest

from tests.security.helpers import freeze_clock


@pytest.fixture
def clock(monkeypatch):
    """The clock of security.auth, frozen; `clock.advance(minutes=46)` moves it."""
    return freeze_clock(monkeypatch)
