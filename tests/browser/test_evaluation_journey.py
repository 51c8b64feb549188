"""The staff evaluation journey of issue 9 in Debian's chromium on a 375 px phone: a teacher signs
in, opens "Evaluare anuală", fills the self-evaluation (scores with a decimal comma, the report
file) and saves it; the director signs in and sees the sheet's stage advance. Screenshots are
artifacts (tests/browser/conftest.py)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, LivePortal, open_menu_item, screenshot, sign_in
from tests.live_server import serving

pytestmark = pytest.mark.slow

#: Inside the campaign's self-evaluation period (22–26 June 2026).
SELF_EVALUATION_DAY = date(2026, 6, 24)
PHONE = {"width": 375, "height": 812}


def _build_evaluation_school(portal: LivePortal) -> None:
    """The fixture school, a maths catedră headed by the class master, the teacher and the head
    as teaching staff, and a teaching campaign with its sheets opened, all through the core's
    operations."""
    from schema.operations import evaluation as ops
    from tests.factories import build_school
    from tests.security.helpers import prepare_account

    built = build_school()
    director = built.director
    maths = ops.save_department(director, name="Catedra de matematică", head_id=built.class_master.id)
    for user in (built.teacher, built.class_master):
        ops.save_staff_member(
            director,
            user_id=user.id,
            category="didactic",
            job_title="profesor",
            employment_started_on=date(2015, 9, 1),
            department_id=maths.id,
        )
    campaign = ops.create_campaign(
        director,
        year=built.year,
        category="didactic",
        evaluated_from=date(2025, 9, 1),
        evaluated_to=date(2026, 8, 31),
        starts_on=date(2026, 6, 22),
        ends_on=date(2026, 6, 26),
        department_meeting_on=date(2026, 6, 29),
        board_meeting_on=date(2026, 7, 1),
        communication_deadline=date(2026, 7, 3),
    )
    opened, refused = ops.open_sheets(director, campaign)
    assert len(opened) == 2 and not refused, refused
    # Every criterion at its maximum but the first, half a point less (typed with a comma).
    scores = {}
    for index, criterion in enumerate(ops.active_criteria(campaign)):
        value = criterion.max_score - (Decimal("0.5") if index == 0 else 0)
        scores[f"score-{criterion.id}"] = format(value.normalize(), "f").replace(".", ",")
    people = {"employee": built.teacher, "director": director}
    for role, user in people.items():
        user.email = f"{role}@scoala-exemplu.ro"  # email-validator refuses the .test domain at login
        portal.people[role] = prepare_account(user)
    portal.facts.update(
        campaign_name=campaign.name,
        scores=scores,
        employee_name=built.teacher.full_name,
        sheet_id=next(sheet.id for sheet in opened if sheet.employee_id == built.teacher.id),
    )


@pytest.fixture(scope="module")
def evaluation_portal(tmp_path_factory: pytest.TempPathFactory, chromium_path: str):
    with serving(
        tmp_path_factory.mktemp("evaluation"),
        today=SELF_EVALUATION_DAY,
        kind=LivePortal,
        build=_build_evaluation_school,
    ) as portal:
        yield portal


def _no_horizontal_scroll(page) -> None:
    """The page itself fits 375 px; wide tables scroll inside their own box."""
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, overflow


def _viewport_screenshot(page, name: str) -> None:
    """What the phone shows, not the whole page: after a full-page capture of a page this tall
    (about 11 000 px of criteria) headless chromium clicks at stale coordinates, so a form still to
    be submitted is captured this way."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def test_the_teacher_self_evaluates_and_the_director_sees_the_stage_advance_on_a_phone(evaluation_portal, open_page):
    facts = evaluation_portal.facts
    page = open_page(**PHONE)
    sign_in(page, evaluation_portal, "employee")
    open_menu_item(page, "Evaluare anuală")
    expect(page.locator("h1")).to_have_text("Evaluare anuală")
    own = page.locator("#fisele-mele")
    expect(own).to_contain_text(facts["campaign_name"])
    expect(own).to_contain_text("Deschisă")
    _no_horizontal_scroll(page)
    screenshot(page, "phone-evaluation-01-my-sheets")

    own.get_by_role("link", name=facts["campaign_name"]).click()
    page.wait_for_load_state("networkidle")
    form = page.locator("#autoevaluare form")
    expect(form).to_be_visible()
    for name, value in facts["scores"].items():
        form.locator(f"input[name='{name}']").fill(value)
    # The running total under the form adds the typed points (comma decimals) as the user types.
    expect(form.locator("output.running-total")).to_have_text("99,50")
    form.locator("input[name=report]").set_input_files(
        files=[
            {
                "name": "raport-autoevaluare.pdf",
                "mimeType": "application/pdf",
                "buffer": b"%PDF-1.4\n% raport de autoevaluare\n%%EOF\n",
            }
        ]
    )
    _no_horizontal_scroll(page)
    form.get_by_role("button", name="Depune autoevaluarea").scroll_into_view_if_needed()
    _viewport_screenshot(page, "phone-evaluation-02-self-evaluation-filled")
    form.get_by_role("button", name="Depune autoevaluarea").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("body")).to_contain_text("Autoevaluarea a fost depusă.")
    expect(page.locator("#antet")).to_contain_text("Autoevaluată")
    expect(page.locator("#rezultat")).to_contain_text("Autoevaluare: 99,50")
    expect(page.locator("#rezultat").get_by_role("link", name="raportul de autoevaluare")).to_be_visible()
    screenshot(page, "phone-evaluation-03-self-evaluation-saved")

    director = open_page(**PHONE)
    sign_in(director, evaluation_portal, "director")
    open_menu_item(director, "Evaluare anuală")
    director.locator("#campanii").get_by_role("link", name=facts["campaign_name"]).click()
    director.wait_for_load_state("networkidle")
    row = director.locator("tr").filter(has=director.get_by_role("link", name=facts["employee_name"]))
    expect(row).to_contain_text("Autoevaluată")
    expect(row).to_contain_text(re.compile(r"1/4"))
    _no_horizontal_scroll(director)
    screenshot(director, "phone-evaluation-04-director-campaign")
    row.get_by_role("link", name=facts["employee_name"]).click()
    director.wait_for_load_state("networkidle")
    expect(director.locator("#antet")).to_contain_text("Autoevaluată")
    expect(director.locator("#punctaje tfoot")).to_contain_text("99,50")
    screenshot(director, "phone-evaluation-05-director-sheet")
