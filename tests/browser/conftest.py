"""Browser tests: Playwright drives Debian's chromium (`/usr/bin/chromium`, no browser download)
against the real portal served over HTTPS by a werkzeug server in a thread, on a database of the
selected backend. Screenshots go to $CATALOG_ARTIFACTS (default: test-artifacts/) / screenshots/.

Without chromium these tests are skipped, unless CATALOG_REQUIRE_BROWSER=1 (CI), where the
missing browser is an error."""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from schema.models import Guardian, StudentGuardian
from tests.live_server import LiveServer, serving

CHROMIUM = os.environ.get("CATALOG_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(os.environ.get("CATALOG_ARTIFACTS", "test-artifacts")) / "screenshots"
#: The day the browser journeys happen: inside semester I of the fixture school's 2025-2026.
JOURNEY_DAY = date(2025, 11, 20)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        if os.environ.get("CATALOG_REQUIRE_BROWSER") == "1":
            pytest.fail(f"CATALOG_REQUIRE_BROWSER=1 but no chromium at {CHROMIUM} (apt-get install chromium)")
        pytest.skip(f"no chromium at {CHROMIUM}")
    return CHROMIUM


@pytest.fixture(scope="session")
def browser(chromium_path: str):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path, headless=True, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@dataclass
class LivePortal(LiveServer):
    """The running portal and the people of the journeys, with what each of them knows."""

    people: dict[str, Any] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)

    def url(self, path: str) -> str:
        return self.base_url + path


def _build_people(portal: LivePortal) -> None:
    """The fixture school (tests/factories.build_school) with eight students in a V-a A, a parent
    of the first one, an auditor, and accounts with a password and an authenticator set up."""
    from security import policy
    from tests.factories import _save, build_school, make_student
    from tests.security.helpers import make_person, prepare_account

    built = build_school()
    students = [built.student]
    names = [("Anghel", "Bianca"), ("Barbu", "Călin"), ("Cristea", "Dana"), ("Dobre", "Emil"),
             ("Enache", "Flavia"), ("Florea", "George"), ("Ghiță", "Ioana")]
    from schema.models import Enrolment

    for last, first in names:
        student = make_student(built.school, last_name=last, first_name=first)
        _save(Enrolment(school_id=built.school.id, student_id=student.id, year_id=built.year.id,
                        class_id=built.school_class.id, starts_on=date(2025, 9, 8)))
        students.append(student)
    parent = make_person(built.school, policy.PARENT, first_name="Mihaela", last_name="Ionescu")
    guardian = _save(Guardian(school_id=built.school.id, last_name="Ionescu", first_name="Mihaela", user_id=parent.id))
    _save(StudentGuardian(school_id=built.school.id, student_id=built.student.id, guardian_id=guardian.id, kind="mama"))
    auditor = make_person(built.school, policy.AUDITOR, first_name="Camelia", last_name="Dumbravă")
    people = {
        "teacher": built.teacher,
        "parent": parent,
        "auditor": auditor,
        "administrator": built.administrator,
        "director": built.director,
        "class_master": built.class_master,
    }
    for role, user in people.items():
        if "@scoala.test" in user.email:  # email-validator refuses the .test domain at login
            user.email = f"{role}@scoala-exemplu.ro"
        portal.people[role] = prepare_account(user)
    portal.facts.update(
        school_class=built.school_class.name,
        maths_entry_id=built.maths.id,
        student_ids=[s.id for s in students],
        child_name=f"{built.student.last_name} {built.student.first_name}",
        semester1_id=built.semester1.id,
    )


@pytest.fixture(scope="module")
def live_portal(tmp_path_factory: pytest.TempPathFactory, chromium_path: str):
    with serving(tmp_path_factory.mktemp("live"), today=JOURNEY_DAY, kind=LivePortal, build=_build_people) as portal:
        yield portal


@pytest.fixture
def open_page(browser, request):
    """open_page(width=1280) → a fresh browser context (its own cookies) and its page."""
    contexts = []

    def _open(width: int = 1280, height: int = 900):
        context = browser.new_context(ignore_https_errors=True, viewport={"width": width, "height": height},
                                      locale="ro-RO", timezone_id="Europe/Bucharest")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield _open
    for context in contexts:
        context.close()


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot as a test artifact and return its path."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def sign_in(page, portal: LivePortal, who: str) -> None:
    """Log in through the real forms: e-mail and password, then the authenticator's TOTP code."""
    from tests.security.helpers import totp_code

    credentials = portal.people[who]
    code = totp_code(credentials.totp_key)
    while code == portal.facts.get(f"last_code_{who}"):  # a TOTP code is accepted once only
        time.sleep(1)
        code = totp_code(credentials.totp_key)
    portal.facts[f"last_code_{who}"] = code
    page.goto(portal.url("/login"))
    page.fill("#email", credentials.email)
    page.fill("#password", credentials.password)
    page.click("button[type=submit]")
    page.wait_for_selector("#code")
    page.fill("#code", code)
    page.click("form[name=two_factor_verify_code_form] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "/login" not in page.url and "tf-validate" not in page.url, page.content()[:2000]


def open_menu_item(page, label: str) -> None:
    """Follow a menu link as a person would: the wide menu on a desktop, the ☰ menu on a phone."""
    wide = page.locator("nav.menu-wide")
    if wide.is_visible():
        wide.get_by_role("link", name=label).click()
    else:
        page.locator("details.menu summary").click()
        page.locator("details.menu nav").get_by_role("link", name=label).click()
    page.wait_for_load_state("networkidle")
