"""The main pages in a real browser: sign-in, navigation, crisis links, htmx, accessibility.

Each page is checked with axe-core (no serious or critical violations); every test also fails on
a request to another origin or a Content Security Policy violation (see conftest.py).
"""

import re

import pytest
from playwright.sync_api import expect

from app.models import Role
from tests.browser.fixtures import settle

pytestmark = pytest.mark.browser

BOTTOM_NAV = [
    ("Today", "/today"),
    ("Schedule", "/schedule"),
    ("Check-in", "/checkin"),
    ("Skills", "/skills"),
    ("Me", "/me"),
]
MIN_TAP = 44  # px: WCAG 2.5.5 / platform guidance for touch targets


def _path(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def test_participant_signs_in_on_a_phone_and_sees_navigation_and_crisis_button(
    open_page, sign_in, check_a11y, make_program, make_participant
):
    program = make_program(name="Harbor IOP")
    participant = make_participant(program, display_name="Robin")
    page = open_page("phone")

    sign_in(page, participant, lands_on="/today")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Robin")

    nav = page.get_by_role("navigation", name="Main")
    expect(nav).to_be_visible()
    for label, href in BOTTOM_NAV:
        link = nav.get_by_role("link", name=label, exact=True)
        expect(link).to_be_visible()
        expect(link).to_have_attribute("href", href)
        box = link.bounding_box()
        assert box is not None and box["height"] >= MIN_TAP, f"{label} link is {box} tall"
    expect(nav.get_by_role("link", name="Today", exact=True)).to_have_attribute(
        "aria-current", "page")

    help_link = page.get_by_role("link", name="Need help now?")
    expect(help_link).to_be_visible()
    expect(help_link).to_have_attribute("href", "/crisis")
    check_a11y(page)

    # Every bottom-navigation page, reached by tapping the navigation.
    for label, href in BOTTOM_NAV[1:]:
        nav.get_by_role("link", name=label, exact=True).click()
        page.wait_for_url(f"**{href}")
        settle(page)
        expect(nav.get_by_role("link", name=label, exact=True)).to_have_attribute(
            "aria-current", "page")
        check_a11y(page)
    assert _path(page.url) == "/me"

    help_link.click()
    page.wait_for_url("**/crisis")
    settle(page)
    for href in ("tel:988", "sms:988", "tel:911"):
        expect(page.locator(f'main a[href="{href}"]')).to_be_visible()
    check_a11y(page)


def test_clinician_signs_in_on_desktop(
    open_page, sign_in, check_a11y, make_program, make_clinician, make_participant
):
    program = make_program(name="Harbor IOP")
    clinician = make_clinician(program, display_name="Dr Lane")
    make_participant(program, clinician, display_name="Robin Ash")
    page = open_page("desktop")

    sign_in(page, clinician, lands_on="/clinician/")
    table = page.get_by_role("table")
    expect(table).to_contain_text("Robin Ash")
    expect(table.get_by_role("link", name="Robin Ash")).to_be_visible()
    check_a11y(page)

    page.goto("/clinician/invites/new")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    check_a11y(page)


def test_admin_pages_are_accessible(
    open_page, sign_in, check_a11y, make_program, make_clinician, make_participant, make_user
):
    program = make_program(name="Harbor IOP")
    clinician = make_clinician(program, display_name="Dr Lane")
    make_participant(program, clinician, display_name="Robin Ash")
    admin = make_user(Role.ADMIN, display_name="Ada Admin")
    page = open_page("desktop")

    sign_in(page, admin, lands_on="/admin/")
    check_a11y(page)
    for path in ("/admin/programs", "/admin/programs/new", "/admin/clinicians",
                 "/admin/enrolments"):
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        check_a11y(page)


def test_sign_in_page_is_accessible_and_shows_errors(
    open_page, check_a11y, make_program, make_participant
):
    participant = make_participant(make_program())
    page = open_page("phone")

    page.goto("/signin")
    check_a11y(page)

    page.locator("[name=email]").fill(participant.email)
    page.locator("[name=password]").fill("not the password")
    page.get_by_role("button", name="Sign in").click()

    expect(page.locator("#main").get_by_text("do not match")).to_be_visible()
    settle(page)
    expect(page.locator("[name=email]")).to_have_value(participant.email)
    expect(page.locator("[name=password]")).to_have_value("")
    assert _path(page.url).startswith("/signin")
    check_a11y(page)


def test_htmx_is_loaded_and_boosts_links(open_page, sign_in, make_program, make_participant):
    participant = make_participant(make_program())
    page = open_page("phone")
    sign_in(page, participant, lands_on="/today")

    assert page.evaluate("typeof htmx") == "object"
    # A boosted link swaps the body over fetch instead of loading a new document.
    page.evaluate("window.__sameDocument = true")
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Schedule", exact=True).click()
    page.wait_for_url("**/schedule")
    settle(page)
    assert _path(page.url) == "/schedule"
    assert page.evaluate("window.__sameDocument") is True, "the link was not boosted"
    expect(page).to_have_title(re.compile("Schedule"))
