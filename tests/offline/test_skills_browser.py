"""Skills without signal: a practice logged offline is kept and reaches the server once; the
crisis page's two guided exercises open offline even for someone who never opened them."""

import pytest
from playwright.sync_api import expect

from app.models import SkillPractice
from app.skills import catalogue
from tests.browser.fixtures import settle
from tests.offline.browser import (
    controlled,
    count,
    go_offline,
    go_online,
    queued,
    wait_for,
)

pytestmark = pytest.mark.browser

PENDING = "Saved on this phone — will send when you're back online."


@pytest.fixture(autouse=True)
def skills_catalogue(app, db):
    """The shipped catalogue, as `flask skills sync` loads it."""
    catalogue.sync()


def test_a_practice_without_signal_is_kept_and_sent_once(world, open_page, sign_in,
                                                         check_a11y):
    page = open_page("phone")
    sign_in(page, world.participant_a, lands_on="/today")
    controlled(page)
    page.goto("/skills/log?skill=paced-breathing")  # the form is open when the signal goes
    settle(page)
    go_offline(page)
    page.get_by_role("button", name="Save practice").click()
    page.get_by_role("heading", name=PENDING).wait_for()
    (item,) = queued(page)
    assert item["kind"] == "skill-practice" and item["body"]["skill"] == "paced-breathing"
    assert "csrf_token" not in item["body"]
    assert count(SkillPractice, world.participant_a) == 0
    check_a11y(page)

    go_online(page)
    wait_for(lambda: queued(page) == [], message="the practice to be sent")
    assert count(SkillPractice, world.participant_a) == 1


def test_the_while_you_wait_exercises_open_offline(world, open_page, sign_in):
    page = open_page("phone")
    sign_in(page, world.participant_a, lands_on="/today")
    controlled(page)
    go_offline(page)
    for path, heading in (("/calm/breathing", "Paced breathing"),
                          ("/calm/grounding", "5-4-3-2-1 grounding")):
        page.goto(path)
        settle(page)
        assert page.url.endswith(path)
        expect(page.locator("[data-offline-notice]")).to_be_visible()
        assert heading.lower() in page.locator("main").inner_text().lower(), path
    go_online(page)
