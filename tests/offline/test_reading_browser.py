"""Offline reading in Chromium: the participant's last-seen pages open without signal with a
notice saying when they were saved; a page never saved gets the offline page; staff pages are
never kept."""

import pytest

from app.safety import plans as safety_plans
from tests.browser.fixtures import settle
from tests.offline.browser import (
    controlled,
    go_offline,
    go_online,
    saved_paths,
    wait_until_saved,
)

pytestmark = pytest.mark.browser

NOTICE = "You're offline — showing what was saved at"


def _visit(page, path):
    page.goto(path)
    settle(page)


def test_last_seen_pages_open_offline_with_when_they_were_saved(app, world, db, open_page,
                                                                sign_in):
    with app.test_request_context():
        safety_plans.save(world.participant_a, {"reasons_for_living": "My sister Maya"},
                          world.participant_a, seen_version=0)
        db.session.commit()
    page = open_page("phone")
    sign_in(page, world.participant_a, lands_on="/today")
    controlled(page)
    _visit(page, "/today")
    page.get_by_role("link", name="Schedule").click()  # a boosted link is kept too
    page.wait_for_url("**/schedule")
    settle(page)
    wait_until_saved(page, ["/today", "/schedule", "/safety-plan", "/crisis", "/checkin"])

    go_offline(page)
    expected = {"/today": "Hello, Participant A", "/schedule": "Schedule",
                "/safety-plan": "My sister Maya", "/crisis": "Call 988"}
    for path, text in expected.items():
        _visit(page, path)
        notice = page.locator("[data-offline-notice]")
        assert notice.is_visible(), path
        assert notice.inner_text().startswith(NOTICE), notice.inner_text()
        assert text in page.locator("main").inner_text(), path
    crisis = page.locator("main")
    for href in ("tel:911", "tel:988", "sms:988", "tel:+15550100100"):
        assert crisis.locator(f'a[href="{href}"]').count() >= 1
    _visit(page, "/")  # the installed app's start page
    assert "Hello, Participant A" in page.content()
    go_online(page)


def test_a_page_never_saved_shows_the_offline_page_not_the_crisis_page(world, open_page,
                                                                      sign_in, check_a11y):
    page = open_page("phone")
    sign_in(page, world.participant_a, lands_on="/today")
    controlled(page)
    wait_until_saved(page, ["/today", "/safety-plan", "/checkin"])
    go_offline(page)
    _visit(page, "/me")
    assert page.url.endswith("/me")
    assert page.get_by_role("heading", name="You're offline").is_visible()
    links = page.locator("[data-offline-links]")
    for name in ("Need help now? Call or text 988", "My safety plan", "Check in",
                 "Today, as you last saw it"):
        assert links.get_by_role("link", name=name).is_visible(), name
    assert links.get_by_role("link", name="Schedule, as you last saw it").is_hidden()
    assert page.get_by_role("heading", name="Help now").count() == 0
    check_a11y(page)
    go_online(page)


def test_a_boosted_link_without_signal_falls_back_to_the_kept_page(world, open_page, sign_in):
    page = open_page("phone")
    sign_in(page, world.participant_a, lands_on="/today")
    controlled(page)
    go_offline(page)
    page.get_by_role("link", name="Need help now?").click()
    page.wait_for_url("**/crisis")
    assert page.locator('a[href="tel:988"]').count() == 1
    go_online(page)


def test_staff_pages_are_never_kept(world, open_page, sign_in):
    page = open_page("desktop")
    sign_in(page, world.clinician_a, lands_on="/clinician/")
    # Staff pages register the worker for their alerts (static/js/push.js) when push is set up.
    page.evaluate("navigator.serviceWorker.register('/sw.js', {scope: '/'})")
    page.reload()
    controlled(page)
    _visit(page, f"/clinician/participants/{world.participant_a.id}")
    _visit(page, "/crisis")
    _visit(page, "/clinician/")
    page.wait_for_timeout(500)  # let the worker finish whatever it would keep
    assert saved_paths(page) == []


def test_a_page_that_hangs_on_a_weak_signal_shows_its_saved_copy(world, open_page, sign_in, app,
                                                                 monkeypatch):
    monkeypatch.setitem(app.config, "OFFLINE_SLOW_PAGE_SECONDS", 1)
    page = open_page("phone")
    sign_in(page, world.participant_a, lands_on="/today")
    controlled(page)
    wait_until_saved(page, ["/today"])
    held = []
    page.context.route("**/today", lambda route: held.append(route))  # no answer, for now
    page.goto("/today")
    notice = page.locator("[data-offline-notice]")
    assert notice.inner_text().startswith("The signal is weak — showing what was saved at")
    assert "Hello, Participant A" in page.locator("main").inner_text()
    assert held, "the page's request was still waiting for the network"
    page.context.unroute_all(behavior="ignoreErrors")  # lets the held request go on
