"""Today on a phone, light and dark: the check-in card, due questionnaires apart; axe clean."""

import pytest
from playwright.sync_api import expect

from tests.browser.fixtures import settle

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_today_asks_for_the_check_in_and_keeps_due_buttons_apart(open_page, sign_in,
                                                                 check_a11y, world, scheme):
    page = open_page("phone", color_scheme=scheme)
    sign_in(page, world.participant_a, lands_on="/today")
    card = page.get_by_role("region", name="How are you today?")
    expect(card.get_by_role("link", name="Check in")).to_be_visible()
    phq9 = page.get_by_role("link", name="Mood questionnaire (PHQ-9) is due").bounding_box()
    gad7 = page.get_by_role("link", name="Anxiety questionnaire (GAD-7) is due").bounding_box()
    assert gad7["y"] - (phq9["y"] + phq9["height"]) >= 8  # two buttons, not one block
    check_a11y(page)

    card.get_by_role("link", name="Check in").click()
    page.wait_for_url("**/checkin")
    mood = page.get_by_role("group", name="How is your mood?")
    mood.get_by_role("radio", name="Good", exact=True).click()
    page.get_by_role("button", name="Save check-in").click()
    expect(page.get_by_role("heading", name="Thank you. Your check-in is saved.")).to_be_visible()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Today").click()
    page.wait_for_url("**/today")
    settle(page)
    done = page.get_by_role("region", name="Checked in at")
    expect(done.get_by_role("link", name="Change it")).to_be_visible()
    check_a11y(page)
