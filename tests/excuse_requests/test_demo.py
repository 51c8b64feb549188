"""The issue's "done when" on the demo school: the demo parent asks, on a phone-sized page, to
excuse yesterday's absences; the director approves; the class master accepts; the parent gets the
e-mail in Romanian."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal import mail
from portal.demo.seed import DEMO_TODAY
from schema.models import Absence, Enrolment, MotivationRequest, User, db
from tests.demo_portal import seeded_demo_portal
from security.objects import family_students
from tests.security.access_helpers import login_as

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo_portal(tmp_path_factory):
    with seeded_demo_portal(str(tmp_path_factory.mktemp("excuse-demo")), students=40, seed=5) as portal:
        yield portal


def _token(client, url):
    page = client.get(url)
    assert page.status_code == 200, url
    return page, re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)


def test_the_demo_parent_excuses_yesterday_and_gets_the_email(demo_portal, monkeypatch):
    monkeypatch.setattr("security.access.today", lambda: DEMO_TODAY)
    yesterday = DEMO_TODAY - timedelta(days=1)
    with demo_portal.app_context():
        parent = db.session.scalar(sa.select(User).where(User.email == "parinte@liceul-demo.ro"))
        assert parent.notification_preference == "immediate"
        children = [child.id for child in family_students(parent)]
        enrolment_id, student_id = db.session.execute(
            sa.select(Absence.enrolment_id, Enrolment.student_id)
            .join(Enrolment, Enrolment.id == Absence.enrolment_id)
            .where(Absence.occurred_on == yesterday, Absence.state == "unexcused", Enrolment.student_id.in_(children))
            .limit(1)
        ).one()
        family = login_as(demo_portal, parent)
        child_page = family.get(f"/situatie/elev/{student_id}").get_data(as_text=True)
        assert f"/cereri-motivare/elev/{student_id}" in child_page
        url = f"/cereri-motivare/elev/{student_id}"
        page, token = _token(family, url)
        assert yesterday.strftime("%d.%m.%Y") in page.get_data(as_text=True)
        response = family.post(
            url,
            data={
                "csrf_token": token,
                "covers_from": yesterday.isoformat(),
                "covers_to": yesterday.isoformat(),
                "reason": "A fost bolnav, cu febră.",
            },
        )
        assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
        request = db.session.scalar(sa.select(MotivationRequest).where(MotivationRequest.filed_by_family.is_(True)))

        director = login_as(
            demo_portal, db.session.scalar(sa.select(User).where(User.email == "director@liceul-demo.ro"))
        )
        _, token = _token(director, "/directiune/")
        assert (
            director.post(
                f"/directiune/motivari/{request.id}", data={"csrf_token": token, "decision": "approve"}
            ).status_code
            == 302
        )

        enrolment = db.session.get(Enrolment, enrolment_id)
        master = login_as(demo_portal, enrolment.school_class.class_master)
        desk, token = _token(master, f"/diriginte/clasa/{enrolment.class_id}/motivari")
        assert "A fost bolnav, cu febră." in desk.get_data(as_text=True)
        assert master.post(f"/cereri-motivare/{request.id}/accepta", data={"csrf_token": token}).status_code == 302
        db.session.expire_all()
        assert (
            db.session.scalar(
                sa.select(sa.func.count(Absence.id)).where(
                    Absence.enrolment_id == enrolment_id, Absence.occurred_on == yesterday, Absence.state == "unexcused"
                )
            )
            == 0
        )
        assert "acceptată" in family.get(url).get_data(as_text=True)

        with mail.record_messages() as outbox:
            result = demo_portal.test_cli_runner().invoke(args=["notifications", "send"])
        assert result.exit_code == 0, result.output
        [email] = [m for m in outbox if m.recipients == ["parinte@liceul-demo.ro"]]
        assert "Cererea de motivare a fost acceptată" in email.body and "Bună ziua" in email.body
        assert "ş" not in email.body and "ţ" not in email.body
