"""Fixtures of the absence notice tests: the pages' client, a frozen today."""

from __future__ import annotations

from datetime import date

import pytest

from tests.pages.conftest import client_for  # noqa: F401  (fixture)

TODAY = date(2025, 11, 20)


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    monkeypatch.setattr("security.access.today", lambda: TODAY)
    monkeypatch.setattr("pdf.documents.student_report.today", lambda: TODAY)
    monkeypatch.setattr("pdf.documents.parent_notice.today", lambda: TODAY)
