"""Fixtures of the emergency paper mode tests: the pages' client and query counter, a frozen today."""

from __future__ import annotations

import re
from datetime import date

import pytest

from tests.pages.conftest import client_for  # noqa: F401  (fixture)

#: A Thursday in the first semester of the test school (tests/factories.py: build_school).
TODAY = date(2025, 11, 20)


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    monkeypatch.setattr("security.access.today", lambda: TODAY)
    monkeypatch.setattr("pdf.documents.student_report.today", lambda: TODAY)


def csrf(client, url: str) -> str:
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    return re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)
