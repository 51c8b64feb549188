"""The journeys of issue 5, end to end over HTTPS in Debian's chromium: a teacher logs in with
TOTP, enters three marks by keyboard, corrects one with a reason and closes the average; the
parent sees them; the auditor finds the change with its reason; the administrator cannot reach
the grade grid; and the teacher's journey again on a 375 px phone. Screenshots are artifacts."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import open_menu_item, screenshot, sign_in

pytestmark = pytest.mark.slow

CORRECTION_REASON = "Greșeală de transcriere din carnet"


def _teacher_journey(page, live_portal, student_id: int, marks: list[str], shot: str) -> None:
    sign_in(page, live_portal, "teacher")
    expect(page.locator("h1")).to_contain_text("Bun venit")  # the last logins are shown first (Ordin 3.896/2023)
    open_menu_item(page, "Catalogul meu")
    expect(page.locator("h1")).to_contain_text("Catalogul meu")
    screenshot(page, f"{shot}-01-catalogul-meu")
    page.get_by_role("link", name=re.compile("Matematică")).first.click()
    row = page.locator("tr[data-enrolment-id]").filter(has=page.locator(f"[data-student-id='{student_id}']"))
    cell = row.locator("input.mark-input")
    cell.click()
    for value in marks:
        cell.fill(value)
        cell.press("Enter")
        expect(row.locator(".mark-chip").filter(has_text=value).first).to_be_visible()
    expect(row.locator(".live-average")).not_to_have_text("")
    # arrows move between students: ArrowUp puts the focus in the previous student's cell
    cell.press("ArrowUp")
    position = page.locator("tr[data-enrolment-id]").evaluate_all(
        f"(rows) => rows.findIndex(r => r.querySelector(\"[data-student-id='{student_id}']\"))"
    )
    expect(page.locator("tr[data-enrolment-id]").nth(position - 1).locator("input.mark-input")).to_be_focused()
    screenshot(page, f"{shot}-02-grid-after-entry")
    return row


def test_teacher_enters_marks_by_keyboard_corrects_one_and_closes_the_average(live_portal, open_page):
    page = open_page()
    child_id = live_portal.facts["student_ids"][0]
    row = _teacher_journey(page, live_portal, child_id, ["9", "7", "10"], "desktop-teacher")
    # correct the 7 to an 8, with a reason
    row.locator(".mark-chip").filter(has_text="7").first.click()
    dialog = page.locator("dialog[open]")
    dialog.locator("input[name=value], select[name=value]").first.fill("8")
    dialog.locator("[name=reason]").fill(CORRECTION_REASON)
    dialog.get_by_role("button", name=re.compile("Salvează")).click()
    expect(row.locator(".mark-chip").filter(has_text="8").first).to_be_visible()
    # close the average: the proposal and its warnings first, then the closing
    row.get_by_role("link", name=re.compile("Închide media")).or_(
        row.get_by_role("button", name=re.compile("Închide media"))).first.click()
    expect(page.locator("body")).to_contain_text("9")
    screenshot(page, "desktop-teacher-03-close-proposal")
    reason = page.locator("[name=reason]")
    if reason.count():
        reason.first.fill("Teza se susține la sfârșitul semestrului; media se încheie acum la cererea comisiei.")
    page.get_by_role("button", name=re.compile("Închide media")).first.click()
    expect(page.locator("body")).to_contain_text(re.compile("închis|încheiat", re.IGNORECASE))
    screenshot(page, "desktop-teacher-04-average-closed")
    live_portal.facts["journey_marks_done"] = True


def test_the_parent_sees_the_marks(live_portal, open_page):
    if not live_portal.facts.get("journey_marks_done"):
        pytest.skip("runs after the teacher's journey")
    page = open_page()
    sign_in(page, live_portal, "parent")
    open_menu_item(page, "Situația școlară")
    body = page.locator("body")
    expect(body).to_contain_text(live_portal.facts["child_name"])
    expect(body).to_contain_text("Matematică")
    for value in ("9", "8", "10"):
        expect(page.locator(".mark-chip, .mark").filter(has_text=re.compile(rf"^\s*{value}\b")).first).to_be_visible()
    screenshot(page, "desktop-parent-01-child")
    # another child's page, by URL: 404, no leak
    other = live_portal.facts["student_ids"][1]
    response = page.goto(page.url.rsplit("/", 1)[0] + f"/{other}") if page.url.rstrip("/").split("/")[-1].isdigit() \
        else page.goto(live_portal.url(f"/situatie/{other}"))
    assert response.status == 404


def test_the_auditor_finds_the_change_and_its_reason(live_portal, open_page):
    if not live_portal.facts.get("journey_marks_done"):
        pytest.skip("runs after the teacher's journey")
    page = open_page()
    sign_in(page, live_portal, "auditor")
    open_menu_item(page, "Istoric")
    page.get_by_label("Tabel").select_option(label="Note")
    page.get_by_role("button", name="Caută").click()
    card = page.locator("article.history-entry").filter(has_text=CORRECTION_REASON).first
    expect(card).to_contain_text("Vasilescu")  # who
    expect(card.locator("time")).not_to_have_text("")  # when
    change = card.locator("table.changes tbody tr").filter(has=page.locator("td.old", has_text="7"))
    expect(change.locator("td.new")).to_have_text("8")  # from what, to what
    card.scroll_into_view_if_needed()
    screenshot(page, "desktop-auditor-01-history")


def test_the_administrator_cannot_reach_the_grade_grid(live_portal, open_page):
    page = open_page()
    sign_in(page, live_portal, "administrator")
    expect(page.locator("nav.menu-wide")).not_to_contain_text("Catalogul meu")
    response = page.goto(live_portal.url("/catalogul-meu/"))
    assert response.status == 403
    response = page.goto(live_portal.url(f"/catalogul-meu/{live_portal.facts['maths_entry_id']}"))
    assert response.status in (403, 404)
    screenshot(page, "desktop-administrator-01-refused")


def test_the_teacher_journey_on_a_375px_phone(live_portal, open_page):
    page = open_page(width=375, height=812)
    student_id = live_portal.facts["student_ids"][2]
    _teacher_journey(page, live_portal, student_id, ["6", "9", "8"], "phone-teacher")
    # the page itself never scrolls sideways; only the grid does, with the names fixed
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    scroller = page.locator(".scroller").first
    name_cell = scroller.locator("tbody tr td:first-child, tbody tr th:first-child").first
    before = name_cell.bounding_box()["x"]
    scroller.evaluate("(el) => { el.scrollLeft = el.scrollWidth; }")
    page.wait_for_timeout(200)
    assert abs(name_cell.bounding_box()["x"] - before) < 1, "the student's name scrolls away"
    screenshot(page, "phone-teacher-03-grid-scrolled")


#: Each role's first page of its menu, at 375 px: what a person sees on a phone.
PHONE_PAGES = [
    ("parent", "Situația școlară"),
    ("class_master", "Diriginție"),
    ("director", "Direcțiune"),
    ("auditor", "Istoric"),
    ("administrator", "Administrare"),
]


@pytest.mark.parametrize(("who", "menu_label"), PHONE_PAGES)
def test_each_role_on_a_375px_phone(live_portal, open_page, who, menu_label):
    page = open_page(width=375, height=812)
    sign_in(page, live_portal, who)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, f"phone-{who}-01-account")
    open_menu_item(page, menu_label)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, f"{who}: the page scrolls sideways"
    screenshot(page, f"phone-{who}-02-{menu_label.split()[0].lower()}")
    if who == "administrator":  # the admin home lists the screens; a list scrolls inside its own box
        page.get_by_role("link", name="Elevi", exact=True).first.click()
        page.wait_for_load_state("networkidle")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        screenshot(page, "phone-administrator-03-elevi")
