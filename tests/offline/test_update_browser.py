"""Updates in Chromium: the shell is precached at install in a versioned cache; a new version
of the worker waits and the page offers "Update now", which activates it, reloads the page and
leaves only the new version's caches."""

import pytest

from tests.browser.fixtures import settle
from tests.offline.browser import controlled, wait_for

pytestmark = pytest.mark.browser


def _cache_names(page):
    return page.evaluate("async () => (await caches.keys()).sort()")


def test_the_shell_is_precached_and_a_new_version_is_offered(world, open_page, sign_in,
                                                             monkeypatch, app):
    from app.offline import shell

    with app.test_request_context():
        old_version, files = shell.version(), shell.shell_files()
    page = open_page("phone")
    sign_in(page, world.participant_a, lands_on="/today")
    controlled(page)
    shell_cache = f"trellis-shell-{old_version}"
    precached = page.evaluate("""async (name) => (await (await caches.open(name)).keys())
                                   .map((r) => new URL(r.url).pathname)""", shell_cache)
    assert set(precached) == {*files, "/offline", "/crisis", "/calm/breathing", "/calm/grounding"}
    assert page.locator("[data-update-banner]").is_hidden()

    monkeypatch.setattr(shell, "version", lambda: "0123456789abcdef")
    page.evaluate("async () => (await navigator.serviceWorker.getRegistration()).update()")
    banner = page.locator("[data-update-banner]")
    banner.wait_for()
    assert "A new version of the app is ready." in banner.inner_text()
    assert shell_cache in _cache_names(page)  # the old version still serves this page

    with page.expect_event("load"):  # the page reloads under the new version
        page.get_by_role("button", name="Update now").click()
    settle(page)
    wait_for(lambda: shell_cache not in _cache_names(page), message="the old caches to go")
    names = _cache_names(page)
    assert "trellis-shell-0123456789abcdef" in names
    assert all("0123456789abcdef" in name for name in names), names
    assert page.locator("[data-update-banner]").is_hidden()
