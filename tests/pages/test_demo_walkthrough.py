"""Every role's pages on the demo school (`flask demo seed`), as a new user of `make run` finds
them: the current year runs on rofuip2022 (five modules), the past one on rofuip2016. Each demo
account opens every page of its menu and every page those link to inside the portal; all answer
200, in Romanian, with no server error."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from portal.demo.seed import DEMO_TODAY
from schema.models import User, db
from tests.demo_portal import seeded_demo_portal
from tests.security.access_helpers import login_as

pytestmark = pytest.mark.slow

ACCOUNTS = ["profesor", "diriginte", "director", "director.adjunct", "secretariat", "auditor", "statistici",
            "parinte", "elev", "administrator"]
#: Links that leave the portal's own pages or end the session, and downloads (CSV, PDF).
SKIP = re.compile(r"^/(logout|admin/|static/|tf-|change|mf-|cont/|export|.*\.csv$)|export|\.csv|\.pdf")


@pytest.fixture(scope="module")
def demo_portal(tmp_path_factory):
    with seeded_demo_portal(str(tmp_path_factory.mktemp("walk")), students=60, seed=11) as portal:
        yield portal


def _links(html: str) -> list[str]:
    return [link for link in re.findall(r'href="(/[^"#]*)"', html) if not SKIP.search(link)]


@pytest.mark.parametrize("local", ACCOUNTS)
def test_every_page_of_a_demo_account_opens(demo_portal, local, monkeypatch):
    monkeypatch.setattr("security.access.today", lambda: DEMO_TODAY)
    with demo_portal.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == f"{local}@liceul-demo.ro"))
        client = login_as(demo_portal, user)
        home = client.get("/", follow_redirects=True)
        assert home.status_code == 200
        to_visit, seen, pages = _links(home.get_data(as_text=True)), set(), 0
        while to_visit and pages < 60:
            link = to_visit.pop(0).replace("&amp;", "&")
            if link in seen:
                continue
            seen.add(link)
            response = client.get(link)
            if response.status_code in (301, 302, 308):
                continue
            assert response.status_code == 200, (local, link, response.get_data(as_text=True)[-800:])
            html = response.get_data(as_text=True)
            assert "ş" not in html and "ţ" not in html, (local, link)  # comma-below ș ț only
            pages += 1
            to_visit += [found for found in _links(html) if found not in seen]
        # the secretary's pages are the administration screens (tests/pages/test_admin_screens.py)
        assert pages >= (0 if local == "secretariat" else 1), (local, seen)


@pytest.mark.parametrize("local", ["director", "diriginte", "parinte", "profesor"])
def test_every_document_link_of_a_demo_account_downloads_a_pdf(demo_portal, local, monkeypatch):
    """From the documents pages, each PDF link answers a real PDF (at most 12 per account)."""
    monkeypatch.setattr("security.access.today", lambda: DEMO_TODAY)
    with demo_portal.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == f"{local}@liceul-demo.ro"))
        client = login_as(demo_portal, user)
        pages = ["/documente/"]
        index = client.get("/documente/").get_data(as_text=True)
        pages += sorted({link for link in re.findall(r'href="(/documente/clasa/\d+)"', index)})[:2]
        pdf_links: list[str] = []
        for page in pages:
            html = client.get(page).get_data(as_text=True)
            pdf_links += [link.replace("&amp;", "&") for link in re.findall(r'href="(/documente/[^"]+\.pdf[^"]*)"', html)]
        assert pdf_links, local
        kinds = {}
        for link in pdf_links:
            kinds.setdefault(re.sub(r"\d+", "N", link.split("?")[0]), link)
        for link in list(kinds.values())[:12]:
            response = client.get(link)
            if response.status_code == 422:  # e.g. a notice the student's situation does not warrant
                continue
            assert response.status_code == 200, (local, link, response.get_data(as_text=True)[-500:])
            assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF"), (local, link)
