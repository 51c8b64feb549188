"""The evaluation pages on the demo school (`flask demo seed`): the director finds the campaigns in
progress, opens every sheet, prints the sheets and the decision list in Romanian; a teacher finds
their own sheet and nobody else's."""

from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from portal.demo.seed import DEMO_TODAY
from schema.evaluation import EvaluationCampaign, EvaluationSheet
from schema.models import User, db
from tests.demo_portal import seeded_demo_portal
from tests.evaluation_pages.test_campaign_walkthrough import pdf_text
from tests.security.access_helpers import login_as

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo_portal(tmp_path_factory):
    with seeded_demo_portal(str(tmp_path_factory.mktemp("evaluation-demo")), students=20, seed=5) as portal:
        yield portal


def _user(local: str) -> User:
    return db.session.scalar(sa.select(User).where(User.email == f"{local}@liceul-demo.ro"))


def test_the_director_runs_the_demo_campaigns(demo_portal, monkeypatch):
    monkeypatch.setattr("security.access.today", lambda: DEMO_TODAY)
    with demo_portal.app_context():
        client = login_as(demo_portal, _user("director"))
        index = client.get("/evaluare/").get_data(as_text=True)
        campaigns = db.session.scalars(sa.select(EvaluationCampaign)).all()
        assert len(campaigns) >= 2
        for campaign in campaigns:
            assert campaign.name in index
            page = client.get(f"/evaluare/campanie/{campaign.id}")
            assert page.status_code == 200
            html = page.get_data(as_text=True)
            links = sorted(set(re.findall(r'href="(/evaluare/fisa/\d+)"', html)))
            assert len(links) == db.session.scalar(sa.select(sa.func.count()).select_from(EvaluationSheet).where(
                EvaluationSheet.campaign_id == campaign.id))
            for link in links:
                sheet_page = client.get(link)
                assert sheet_page.status_code == 200, link
                assert "ş" not in sheet_page.get_data(as_text=True) and "ţ" not in sheet_page.get_data(as_text=True)
            text = pdf_text(client.get(links[0] + "/fisa.pdf").data)
            assert "Fișa de evaluare" in text and "Semnătura" in text
            decisions = pdf_text(client.get(f"/evaluare/campanie/{campaign.id}/hotarare.pdf").data)
            assert "Hotărârea consiliului de administrație" in decisions
            workbook = load_workbook(io.BytesIO(client.get(f"/evaluare/campanie/{campaign.id}/hotarare.xlsx").data))
            assert list(workbook.active.iter_rows(values_only=True))[3][1] == "Numele și prenumele"
            assert client.get(f"/evaluare/campanie/{campaign.id}/criterii").status_code == 200
            assert client.get(f"/evaluare/campanie/{campaign.id}/statistici").status_code == 200
        # The contested and resolved sheet prints its contestation.
        admitted = [s for s in db.session.scalars(sa.select(EvaluationSheet)) if s.rating and s.final_score is not None
                    and str(s.final_score) == "86.00"]
        if admitted:
            assert "Admisă" in pdf_text(client.get(f"/evaluare/fisa/{admitted[0].id}/fisa.pdf").data)


def test_a_demo_teacher_sees_their_own_sheet_only(demo_portal, monkeypatch):
    monkeypatch.setattr("security.access.today", lambda: DEMO_TODAY)
    with demo_portal.app_context():
        teacher = _user("diriginte")
        client = login_as(demo_portal, teacher)
        index = client.get("/evaluare/")
        assert index.status_code == 200
        own = db.session.scalars(sa.select(EvaluationSheet).where(EvaluationSheet.employee_id == teacher.id)).all()
        assert own
        html = client.get(f"/evaluare/fisa/{own[0].id}").get_data(as_text=True)
        assert "Autoevaluare" in html
        others = db.session.scalars(sa.select(EvaluationSheet.id).where(
            EvaluationSheet.employee_id != teacher.id, EvaluationSheet.department_id.is_(None)
            | (EvaluationSheet.department_id != own[0].department_id))).all()
        for sheet_id in others[:5]:
            assert client.get(f"/evaluare/fisa/{sheet_id}").status_code == 404
