"""Quick exit: one tap (or Escape twice) leaves for a neutral site; Back shows no Trellis page."""

import pytest

from tests.browser.fixtures import settle

pytestmark = pytest.mark.browser


@pytest.fixture
def neutral_site(app, live_server):
    """Point Quick exit at a page of the live server, so the test stays on this machine."""
    before = app.config["QUICK_EXIT_URL"]
    app.config["QUICK_EXIT_URL"] = f"{live_server}/healthz"
    yield app.config["QUICK_EXIT_URL"]
    app.config["QUICK_EXIT_URL"] = before


def test_quick_exit_button_leaves_and_back_shows_sign_in(world, open_page, sign_in,
                                                          neutral_site):
    page = open_page("phone")
    sign_in(page, world.participant_a, lands_on="/today")
    page.get_by_role("link", name="Me").click()
    page.wait_for_url("**/me")
    settle(page)
    page.get_by_role("link", name="Quick exit").click()
    page.wait_for_url(neutral_site)
    assert "Trellis" not in page.content()
    page.go_back()
    page.wait_for_load_state("load")
    # the page before Me (Today) was not replaced, but the session is gone: it asks to sign in
    assert "/signin" in page.url
    assert world.participant_a.display_name not in page.content()


def test_escape_twice_exits_and_locks_when_a_pin_is_set(world, db, open_page, sign_in,
                                                        neutral_site):
    from app.security.passwords import hash_password

    world.participant_a.app_lock_pin_hash = hash_password("2468")
    world.participant_a.app_lock_after_minutes = 5
    db.session.commit()
    page = open_page("phone")
    sign_in(page, world.participant_a, lands_on="/today")
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    page.wait_for_url(neutral_site)
    page.goto("/today")
    assert "/unlock" in page.url
