"""Me → time zone on a phone: a list by region, and this phone's own zone offered in one tap."""

import pytest
from playwright.sync_api import expect

from tests.browser.fixtures import settle

pytestmark = pytest.mark.browser


def test_the_phones_zone_is_offered_and_saved(open_page, sign_in, check_a11y, world, db):
    page = open_page("phone", timezone_id="America/Chicago")
    sign_in(page, world.participant_a, lands_on="/today")
    page.goto("/me")
    settle(page)
    select = page.get_by_label("Your time zone")
    expect(select).to_have_value("")  # the program's zone until chosen
    offer = page.get_by_role("button", name="Use this phone's time zone: Chicago (Central Time)")
    expect(offer).to_be_visible()
    check_a11y(page)
    offer.click()
    expect(select).to_have_value("America/Chicago")
    expect(offer).to_be_hidden()
    page.get_by_role("button", name="Save", exact=True).first.click()
    expect(page.locator("#profile").get_by_text("Saved.")).to_be_visible()
    db.session.refresh(world.participant_a)
    assert world.participant_a.time_zone == "America/Chicago"
    settle(page)
    expect(offer).to_be_hidden()  # already this phone's zone
    check_a11y(page)
