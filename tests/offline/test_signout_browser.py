"""Every way a session ends leaves no participant page in the caches; the unsent queue stays
with its owner only when the end was not chosen (a timeout), and another participant on the
same phone never sees or sends it.

What the server sends today: Sign out answers `Clear-Site-Data: "cache", "cookies",
"storage"`; the other ends send no Clear-Site-Data yet (the security work adds "cache" for
timeouts and "cache", "storage" for the protective ends). These tests rely only on the service
worker seeing the session end, so they hold either way.
"""

from datetime import timedelta

import pytest

from app.auth import accounts
from app.security.passwords import hash_password
from tests.browser.fixtures import settle
from tests.offline.browser import (
    all_cached_paths,
    checkins_of,
    controlled,
    fill_checkin,
    go_offline,
    go_online,
    open_checkin,
    queued,
    saved_paths,
    wait_for,
    wait_until_saved,
)

pytestmark = pytest.mark.browser

PARTICIPANT_PAGES = ("/today", "/schedule", "/safety-plan", "/checkin", "/me")


@pytest.fixture
def idle_timeout(app):
    """Make the next request of a signed-in participant time out (idle), like 30 min later."""
    before = app.config["PARTICIPANT_IDLE_TIMEOUT"]

    def expire():
        app.config["PARTICIPANT_IDLE_TIMEOUT"] = timedelta(0)

    def restore():
        app.config["PARTICIPANT_IDLE_TIMEOUT"] = before

    yield expire, restore
    restore()


def _ready(page, user, sign_in):
    sign_in(page, user, lands_on="/today")
    controlled(page)
    wait_until_saved(page, ["/today", "/safety-plan", "/checkin"])


def _queue_one_offline(page):
    open_checkin(page)
    go_offline(page)
    fill_checkin(page, mood="2")
    page.get_by_role("button", name="Save check-in").click()
    page.locator(".offline-saved").wait_for()
    assert len(queued(page)) == 1


def _no_participant_page_left(page):
    wait_for(lambda: saved_paths(page) == [], message="the saved pages to go")
    left = all_cached_paths(page)
    assert not [p for p in left if p in PARTICIPANT_PAGES], left


def test_sign_out_leaves_nothing(world, open_page, sign_in):
    page = open_page("phone")
    _ready(page, world.participant_a, sign_in)
    page.get_by_role("link", name="Me").click()
    page.wait_for_url("**/me")
    settle(page)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/signin")  # not /signin?next=...: the sign-out went through
    assert page.evaluate("async () => (await caches.keys()).length") == 0


def test_sign_out_with_unsent_answers_warns_and_lets_them_stay(world, open_page, sign_in,
                                                               check_a11y):
    page = open_page("phone")
    _ready(page, world.participant_a, sign_in)
    # A signal too weak for anything to get through (the page's and the worker's requests):
    # the check-in stays on the phone.
    page.context.route("**/checkin", lambda route: route.abort()
                       if route.request.method == "POST" else route.continue_())
    page.context.route("**/api/v1/checkins", lambda route: route.abort())
    open_checkin(page)
    fill_checkin(page, mood="2")
    page.get_by_role("button", name="Save check-in").click()
    page.locator(".offline-saved").wait_for()
    page.get_by_role("link", name="Me").click()
    page.wait_for_url("**/me")
    settle(page)
    page.get_by_role("button", name="Sign out").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_text("1 check-in is still on this phone.").wait_for()
    check_a11y(page)
    dialog.get_by_role("button", name="Stay signed in").click()
    assert page.url.endswith("/me") and len(queued(page)) == 1
    page.reload()
    settle(page)
    assert "Me" in page.locator("h1").inner_text()  # still signed in

    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("dialog").get_by_role("button", name="Sign out and delete them").click()
    page.wait_for_url("**/signin")
    assert page.evaluate("async () => (await caches.keys()).length") == 0
    assert queued(page) == []


def test_a_timeout_drops_the_pages_keeps_the_queue_for_its_owner_only(
        world, open_page, sign_in, idle_timeout):
    expire, restore = idle_timeout
    page = open_page("phone")
    _ready(page, world.participant_a, sign_in)
    _queue_one_offline(page)
    expire()
    go_online(page)
    page.goto("/today")  # the session timed out while the phone was offline
    page.wait_for_url("**/signin**")
    restore()
    _no_participant_page_left(page)
    assert len(queued(page)) == 1

    # Another participant signs in on the same phone: A's check-in is not theirs to see or send.
    sign_in(page, world.participant_b, lands_on="/today")
    page.wait_for_timeout(1500)  # time for the queue's sends on opening the app
    assert page.locator("[data-offline-queue-panel]").is_hidden()
    assert checkins_of(world.participant_a) == 0 and checkins_of(world.participant_b) == 0
    assert len(queued(page)) == 1
    expire()
    page.goto("/schedule")
    page.wait_for_url("**/signin**")
    restore()
    _no_participant_page_left(page)

    # A signs in again: their check-in goes, as theirs.
    sign_in(page, world.participant_a, lands_on="/today")
    wait_for(lambda: queued(page) == [], message="A's check-in to be sent")
    assert checkins_of(world.participant_a) == 1 and checkins_of(world.participant_b) == 0


def test_quick_exit_drops_the_pages(world, open_page, sign_in, app, live_server):
    before = app.config["QUICK_EXIT_URL"]
    app.config["QUICK_EXIT_URL"] = f"{live_server}/healthz"
    try:
        page = open_page("phone")
        _ready(page, world.participant_a, sign_in)
        page.get_by_role("link", name="Quick exit").click()
        page.wait_for_url("**/healthz")
        _no_participant_page_left(page)
    finally:
        app.config["QUICK_EXIT_URL"] = before


def test_the_app_lock_and_the_fifth_wrong_pin_drop_the_pages(world, db, open_page, sign_in):
    world.participant_a.app_lock_pin_hash = hash_password("2468")
    world.participant_a.app_lock_after_minutes = 5
    db.session.commit()
    page = open_page("phone")
    _ready(page, world.participant_a, sign_in)
    page.evaluate("""async () => {  // the lock, as Quick exit leaves it
        const form = new FormData();
        form.append("csrf_token", document.getElementById("csrf-token").dataset.token);
        await fetch("/quick-exit", {method: "POST", body: form});
      }""")
    page.goto("/today")
    page.wait_for_url("**/unlock**")
    _no_participant_page_left(page)
    for _ in range(5):
        page.locator("[name=pin]").fill("0000")
        page.get_by_role("button", name="Open").click()
        settle(page)
    page.wait_for_url("**/signin**")
    _no_participant_page_left(page)


def test_deactivation_drops_the_pages(world, db, open_page, sign_in):
    page = open_page("phone")
    _ready(page, world.participant_a, sign_in)
    accounts.deactivate(world.participant_a)
    db.session.commit()
    page.goto("/today")
    page.wait_for_url("**/signin**")
    _no_participant_page_left(page)
