"""Quick exit: one tap (or Escape twice) leaves for a neutral site; Back shows no Trellis page."""

import time

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


def test_quick_exit_button_leaves_and_back_shows_sign_in(world, db, open_page, sign_in,
                                                          neutral_site):
    page = open_page("phone")
    sign_in(page, world.participant_a, lands_on="/today")
    page.get_by_role("link", name="Me").click()
    page.wait_for_url("**/me")
    settle(page)
    token = _session_token(db, world.participant_a)
    page.get_by_role("link", name="Quick exit").click()
    page.wait_for_url(neutral_site)
    assert "Trellis" not in page.content()
    _wait_until(lambda: _session_token(db, world.participant_a) != token)  # the beacon arrived
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
    # The lock travels in a beacon the browser sends as it leaves: wait until the server has
    # it (under load it can arrive after the next request), as a person returning later would.
    _wait_until(lambda: _locked(db, world.participant_a))
    page.goto("/today")
    assert "/unlock" in page.url


def _session_token(db, user) -> str:
    db.session.expire_all()
    return db.session.get(type(user), user.id).session_token


def _locked(db, user) -> bool:
    db.session.expire_all()
    return db.session.get(type(user), user.id).app_locked_at is not None


def _wait_until(condition, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the quick exit beacon never arrived"
        time.sleep(0.05)


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_quick_exit_is_apart_from_the_crisis_button(world, open_page, sign_in, device):
    """A hurried tap meant for "Need help now?" must not land on Quick exit, or the reverse."""
    page = open_page(device)
    sign_in(page, world.participant_a, lands_on="/today")
    exit_box = page.get_by_role("link", name="Quick exit").bounding_box()
    crisis_box = page.get_by_role("link", name="Need help now?").bounding_box()
    width = page.viewport_size["width"]
    assert exit_box["x"] + exit_box["width"] < width / 2 < crisis_box["x"]  # opposite halves
    gap = crisis_box["x"] - (exit_box["x"] + exit_box["width"])
    assert gap >= 48, gap  # at least a fingertip between them
    assert exit_box["height"] >= 40 and exit_box["width"] >= 44  # still one easy tap
