"""Me → time zone: the page offers the phone's own zone (static/js/time-zone.js)."""

import pytest
from playwright.sync_api import expect

from tests.browser.fixtures import settle

pytestmark = pytest.mark.browser


def test_me_offers_the_phones_time_zone_and_uses_it_when_tapped(
    open_page, sign_in, make_program, make_participant
):
    participant = make_participant(make_program())
    page = open_page("phone", timezone_id="Asia/Tokyo")
    sign_in(page, participant, lands_on="/today")

    # Reached by the boosted navigation, as a participant gets there: the new body is set up
    # by htmx's load event, not by DOMContentLoaded.
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Me", exact=True).click()
    page.wait_for_url("**/me")
    settle(page)
    offer = page.get_by_role("button", name="Use this phone's time zone")
    expect(offer).to_be_visible()
    expect(offer).to_contain_text("Tokyo")

    offer.click()
    select = page.get_by_label("Your time zone")
    expect(select).to_have_value("Asia/Tokyo")
    expect(select).to_be_focused()
    expect(offer).to_be_hidden()

    page.get_by_role("button", name="Save", exact=True).first.click()
    expect(page.locator("#profile").get_by_text("Saved.")).to_be_visible()
    settle(page)
    # Saved: the phone's zone is the chosen one, so nothing is offered, also on a fresh load.
    expect(page.get_by_label("Your time zone")).to_have_value("Asia/Tokyo")
    expect(page.get_by_role("button", name="Use this phone's time zone")).to_be_hidden()
    page.reload()
    settle(page)
    expect(page.get_by_label("Your time zone")).to_have_value("Asia/Tokyo")
    expect(page.get_by_role("button", name="Use this phone's time zone")).to_be_hidden()
