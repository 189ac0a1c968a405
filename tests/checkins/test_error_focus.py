"""Saving a check-in without a mood on a phone: the error summary takes the focus and is on
screen, with htmx and without JavaScript (it was ~1,300 px above a focus left on the body)."""

import pytest
from playwright.sync_api import expect

from tests.browser.fixtures import settle

pytestmark = pytest.mark.browser


def _in_view(page) -> bool:
    return page.evaluate("""() => {
        const box = document.getElementById("error-summary").getBoundingClientRect();
        return box.top >= 0 && box.top < window.innerHeight;
    }""")


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-javascript"])
def test_the_error_summary_is_focused_and_on_screen(open_page, sign_in, check_a11y, world,
                                                    javascript):
    page = open_page("phone", java_script_enabled=javascript)
    sign_in(page, world.participant_a, lands_on="/today")
    page.goto("/checkin")
    settle(page)
    page.get_by_label("Hours of sleep last night").fill("7")
    save = page.get_by_role("button", name="Save check-in")
    save.scroll_into_view_if_needed()
    save.click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary).to_have_attribute("role", "alert")  # announced as it appears
    expect(summary).to_contain_text("How is your mood?")
    assert _in_view(page)
    expect(page.get_by_label("Hours of sleep last night")).to_have_value("7")  # kept
    if javascript:  # axe runs as a script
        check_a11y(page)
