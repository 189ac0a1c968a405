"""The caseload, the review queue and the record in Chromium on a desktop (1280) and a tablet
(768): who needs attention first, acknowledging and reviewing in place, axe-core clean."""

import re
import uuid

import pytest
from playwright.sync_api import expect

from app.checkins import service as checkins
from app.review.flags import LOW_MOOD_RUN
from tests.browser.fixtures import settle

pytestmark = pytest.mark.browser


@pytest.fixture
def caseload(world, make_participant, make_checkin, make_score):
    """One flagged participant, one without flags (and participant A)."""
    flagged = make_participant(world.iop, world.clinician_a, display_name="Robin Flagged")
    calm = make_participant(world.iop, world.clinician_a, display_name="Sky Calm")
    for n in range(LOW_MOOD_RUN):
        make_checkin(flagged, days_ago=LOW_MOOD_RUN - n, mood=2, note=f"Low day {n}")
    make_score(flagged, "phq9", 21)
    make_checkin(calm, days_ago=0.2, mood=4)
    return flagged, calm


def _raise_alert(app, world):
    """Participant A answers yes to the safety question."""
    with app.test_request_context():
        return checkins.save(world.participant_a, {"client_uuid": str(uuid.uuid4()),
                                                   "mood": "1", "safety_thoughts": "yes"}).alert


@pytest.mark.parametrize("device", ["desktop", "tablet"])
def test_the_caseload_puts_who_needs_attention_first_and_acknowledges_in_place(
        device, app, world, caseload, open_page, sign_in, check_a11y):
    _raise_alert(app, world)
    page = open_page(device)
    sign_in(page, world.clinician_a, lands_on="/clinician/")
    names = page.locator(".caseload__name").all_inner_texts()
    assert names == ["Participant A", "Robin Flagged", "Sky Calm"]
    first = page.locator(".caseload__row").first
    expect(first).to_contain_text("Open safety alert")
    expect(page.locator(".caseload__row").nth(1)).to_contain_text("Low mood")
    expect(page.locator(".caseload__row").nth(1)).to_contain_text("PHQ-9 high or rising")
    expect(page.locator(".caseload__row").nth(2)).to_contain_text("No flags")
    expect(page.get_by_role("img", name=re.compile("Mood, last 14 days"))).to_have_count(3)
    check_a11y(page)

    card = page.locator(".alert-card").first
    card.get_by_label("Called the participant").check()
    card.get_by_role("button", name=re.compile("Acknowledge")).click()
    expect(card.locator(".badge")).to_contain_text("Acknowledged")
    settle(page)
    expect(page.locator("nav .open-alert-count")).to_have_text("0")
    expect(page.locator("#alerts-heading .open-alert-count")).to_have_text("0")
    assert page.url.endswith("/clinician/")  # no reload, no navigation
    check_a11y(page)

    page.locator("#filter-flag").select_option("low_mood")
    settle(page)
    expect(page.locator(".caseload__name")).to_have_text(["Robin Flagged"])
    assert "flag=low_mood" in page.url


@pytest.mark.parametrize("device", ["desktop", "tablet"])
def test_the_review_queue_marks_check_ins_reviewed_in_place(
        device, world, caseload, open_page, sign_in, check_a11y):
    page = open_page(device)
    sign_in(page, world.clinician_a, lands_on="/clinician/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name=re.compile("Review")
                                                           ).click()
    page.wait_for_url("**/clinician/review")
    settle(page)
    items = page.locator("article.queue-item")
    expect(items).to_have_count(LOW_MOOD_RUN + 1)
    expect(items.first).to_contain_text("Robin Flagged")
    expect(items.first).to_contain_text("Mood low")
    expect(page.locator("nav .unreviewed-count")).to_have_text(str(LOW_MOOD_RUN + 1))
    check_a11y(page)
    items.first.get_by_role("button", name=re.compile("Mark reviewed")).click()
    expect(page.locator(".queue-item--done")).to_contain_text("Reviewed")
    expect(page.locator("nav .unreviewed-count")).to_have_text(str(LOW_MOOD_RUN))
    check_a11y(page)
    page.get_by_role("button", name=re.compile("shown as reviewed")).click()
    page.wait_for_load_state("load")
    settle(page)
    expect(page.locator("#main").get_by_text("Nothing to review")).to_be_visible()
    expect(page.locator("nav .unreviewed-count")).to_have_text("0")


@pytest.mark.parametrize("device", ["desktop", "tablet"])
def test_the_participant_record_is_accessible(device, world, caseload, open_page, sign_in,
                                              check_a11y):
    flagged = caseload[0]
    page = open_page(device)
    sign_in(page, world.clinician_a, lands_on="/clinician/")
    page.get_by_role("link", name="Robin Flagged").first.click()
    page.wait_for_url(f"**/clinician/participants/{flagged.id}")
    settle(page)
    expect(page.get_by_role("heading", name="Robin Flagged", level=1)).to_be_visible()
    expect(page.locator(".record-head")).to_contain_text("Low mood")
    expect(page.get_by_text("Low day 2")).to_be_visible()
    check_a11y(page)
    page.get_by_label("Message to the participant").fill("See you Monday")
    page.get_by_role("button", name="Send message").click()
    page.wait_for_url("**#notes")
    settle(page)
    expect(page.locator("#main").get_by_text("Message sent.")).to_be_visible()
    page.goto(f"/clinician/participants/{flagged.id}?range=all&view=table")
    settle(page)
    check_a11y(page)
