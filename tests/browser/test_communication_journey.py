"""Issue 8's "done when", end to end over HTTPS in Debian's chromium on a 375 px phone: the parent
reads a remark, answers the teacher, sees next week's tests and asks to excuse yesterday's
absences; the director approves, the class master accepts, the absences turn excused, and the
parent's e-mail (sent by `flask notifications send`) says so in Romanian."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.browser.conftest import JOURNEY_DAY, LivePortal, _build_people, open_menu_item, screenshot, sign_in
from tests.live_server import serving

pytestmark = pytest.mark.slow

PHONE = 375
YESTERDAY = JOURNEY_DAY - timedelta(days=1)
#: Tuesday of the week after the journey day.
NEXT_WEEK = JOURNEY_DAY + timedelta(days=7 - JOURNEY_DAY.weekday() + 1)
REMARK_TEXT = "A lipsit de la ora de matematică fără să anunțe și nu a predat tema."
TEST_SCOPE = "Fracții ordinare: comparare, adunare și scădere"


def _build_school_with_news(portal: LivePortal) -> None:
    """The journeys' school, plus what the parent finds: a remark, a test next week and two
    unexcused absences yesterday, all written through the operations."""
    from schema.models import CurriculumEntry, Enrolment, User, db
    from schema.operations.absences import record_absence
    from schema.operations.notifications import set_notification_preference
    from schema.operations.remarks import record_remark
    from schema.operations.tests_calendar import announce_test

    _build_people(portal)

    def user(role: str) -> User:
        return db.session.scalar(sa.select(User).where(User.email == portal.people[role].email))

    teacher = user("teacher")
    maths = db.session.get(CurriculumEntry, portal.facts["maths_entry_id"])
    child_id = portal.facts["student_ids"][0]
    enrolment = db.session.scalar(sa.select(Enrolment).where(Enrolment.student_id == child_id))
    record_remark(teacher, enrolment, kind="negative", remarked_on=YESTERDAY, text=REMARK_TEXT, curriculum_entry=maths)
    announce_test(teacher, maths, kind="written", held_on=NEXT_WEEK, scope=TEST_SCOPE)
    for hour in (2, 3):
        record_absence(teacher, enrolment, maths, occurred_on=YESTERDAY, lesson_hour=hour)
    set_notification_preference(user("parent"), "immediate")
    portal.facts.update(teacher_name=f"{teacher.last_name} {teacher.first_name}", child_id=child_id,
                        enrolment_id=enrolment.id)


@pytest.fixture(scope="module")
def school_news(tmp_path_factory: pytest.TempPathFactory, chromium_path: str):
    with serving(tmp_path_factory.mktemp("live-communication"), today=JOURNEY_DAY, kind=LivePortal,
                 build=_build_school_with_news) as portal:
        yield portal


def test_the_parent_reads_answers_sees_the_tests_and_gets_the_absences_excused(school_news, open_page):
    from portal import mail
    from schema.models import Absence, Message, MessageRecipient, Remark, db

    portal = school_news
    page = open_page(width=PHONE)
    sign_in(page, portal, "parent")
    open_menu_item(page, "Situația școlară")
    body = page.locator("body")
    if portal.facts["child_name"] not in (body.inner_text() or "") or "Observații" not in body.inner_text():
        page.get_by_role("link", name=re.compile(portal.facts["child_name"])).first.click()
    # 1. The remark, with the teacher's name; opening the page records the reading.
    expect(body).to_contain_text(REMARK_TEXT)
    expect(body).to_contain_text(portal.facts["teacher_name"])
    # 2. Next week's test is on the child's page.
    expect(body).to_contain_text(TEST_SCOPE)
    expect(body).to_contain_text(NEXT_WEEK.strftime("%d.%m.%Y"))
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE + 1, "the page scrolls sideways at 375 px"
    screenshot(page, "phone-parent-01-remark-and-tests")
    with portal.app.app_context():
        remark = db.session.scalar(sa.select(Remark))
        assert remark.read_at is not None, "reading the child's page did not record the remark as read"

    # 3. The parent answers the teacher from the remark.
    page.get_by_role("link", name="Răspunde profesorului").first.click()
    page.fill("#body", "Bună ziua, am discutat cu el; nu se va mai repeta. Vă mulțumesc.")
    screenshot(page, "phone-parent-02-answer")
    page.get_by_role("button", name=re.compile("Trimite")).click()
    expect(page.locator("body")).to_contain_text("Mesajul a fost trimis")
    with portal.app.app_context():
        received = db.session.execute(
            sa.select(MessageRecipient.recipient_id, Message.body).join(Message, Message.id == MessageRecipient.message_id)
        ).all()
        teacher_id = remark.author_id
        assert [(r, "nu se va mai repeta" in b) for r, b in received] == [(teacher_id, True)]

    # 4. The test calendar page shows next week's test too.
    open_menu_item(page, "Terminar")
    expect(page.locator("body")).to_contain_text(TEST_SCOPE)

    # 5. The parent asks to excuse yesterday's absences.
    page.goto(portal.url(f"/situatie/elev/{portal.facts['child_id']}"))
    page.get_by_role("link", name=re.compile("Cerere de motivare")).first.click()
    page.fill("#covers_from", YESTERDAY.isoformat())
    page.fill("#covers_to", YESTERDAY.isoformat())
    page.fill("#reason", "A fost răcit și a stat acasă o zi, la recomandarea medicului de familie.")
    screenshot(page, "phone-parent-03-excuse-request")
    page.get_by_role("button", name="Trimite cererea").click()
    expect(page.locator("body")).to_contain_text(re.compile("în așteptare", re.IGNORECASE))

    # 6. The director approves it in the inbox.
    director = open_page(width=PHONE)
    sign_in(director, portal, "director")
    open_menu_item(director, "Direcțiune")
    card = director.locator("li[id^=motivation-]").filter(has_text="Cerere online")
    expect(card).to_contain_text("A fost răcit")
    card.get_by_role("button", name="Aprob").click()
    director.wait_for_load_state("networkidle")
    screenshot(director, "phone-director-01-approved")

    # 7. The class master accepts; the absences turn excused.
    master = open_page(width=PHONE)
    sign_in(master, portal, "class_master")
    open_menu_item(master, "Diriginție")
    master.get_by_role("link", name=re.compile("Motivări")).first.click()
    master.get_by_role("button", name="Acceptă și motivează").first.click()
    master.wait_for_load_state("networkidle")
    screenshot(master, "phone-class-master-01-accepted")
    with portal.app.app_context():
        states = db.session.scalars(sa.select(Absence.state).where(Absence.enrolment_id == portal.facts["enrolment_id"]))
        assert sorted(states) == ["excused", "excused"]

    # 8. The queue is drained by the cron command; the parent's e-mail says the request was accepted.
    with portal.app.app_context(), mail.record_messages() as outbox:
        result = portal.app.test_cli_runner().invoke(args=["notifications", "send"])
        assert result.exit_code == 0, result.output
    parent_email = portal.people["parent"].email
    to_parent = [m for m in outbox if parent_email in m.recipients]
    assert len(to_parent) == 1, [m.recipients for m in outbox]
    text = to_parent[0].body
    assert re.search(r"acceptat|motivat", text, re.IGNORECASE), text
    assert "ș" in text or "ț" in text or "ă" in text, "the e-mail is not in Romanian"

    # 9. The parent sees the request accepted.
    page.goto(portal.url(f"/cereri-motivare/elev/{portal.facts['child_id']}"))
    expect(page.locator("body")).to_contain_text(re.compile("acceptată", re.IGNORECASE))
    screenshot(page, "phone-parent-04-accepted")
