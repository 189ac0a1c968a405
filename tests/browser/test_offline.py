"""With no signal, a participant still has the crisis page and their own safety plan."""

import pytest

from app.safety import plans as safety_plans
from tests.browser.fixtures import settle

pytestmark = pytest.mark.browser


def _wait_until_kept(page, paths):
    """Poll the offline cache (wait_for_function would not await an async predicate)."""
    for _ in range(100):
        missing = page.evaluate(
            """async (paths) => {
                 const cache = await caches.open("trellis-offline-v1");
                 const found = await Promise.all(paths.map((p) => cache.match(p)));
                 return paths.filter((p, i) => !found[i]);
               }""", paths)
        if not missing:
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"not kept for offline use: {missing}")


def test_crisis_page_and_safety_plan_work_offline(app, world, db, open_page, sign_in):
    with app.test_request_context():
        safety_plans.save(world.participant_a, {"reasons_for_living": "My sister Maya"},
                          world.participant_a, seen_version=0)
        db.session.commit()
    page = open_page("phone")
    sign_in(page, world.participant_a, lands_on="/today")
    _wait_until_kept(page, ["/crisis", "/safety-plan", "/static/css/base.css"])
    kept = page.evaluate("""async () => (await (await caches.open("trellis-offline-v1")).keys())
                              .map((r) => new URL(r.url).pathname).sort()""")
    # only the help pages and what they need to look right: no other health information
    assert [p for p in kept if not p.startswith("/static/")] == ["/crisis", "/safety-plan"]

    page.context.set_offline(True)
    page.goto("/safety-plan")
    assert "My sister Maya" in page.content()
    assert page.locator('a[href="tel:988"]').count() >= 1
    page.goto("/today")  # not kept: the crisis page answers instead of an error
    assert page.locator('a[href="sms:988"]').count() == 1
    assert page.locator('a[href="tel:911"]').count() == 1
    page.context.set_offline(False)


def test_a_boosted_link_without_signal_falls_back_to_the_kept_page(world, open_page, sign_in):
    page = open_page("phone")
    sign_in(page, world.participant_a, lands_on="/today")
    _wait_until_kept(page, ["/crisis"])
    settle(page)
    page.context.set_offline(True)
    page.get_by_role("link", name="Need help now?").click()
    page.wait_for_url("**/crisis")
    assert page.locator('a[href="tel:988"]').count() == 1
    page.context.set_offline(False)


def test_signing_out_empties_the_offline_copy(world, open_page, sign_in):
    page = open_page("phone")
    sign_in(page, world.participant_a, lands_on="/today")
    _wait_until_kept(page, ["/safety-plan"])
    page.get_by_role("link", name="Me").click()
    page.wait_for_url("**/me")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/signin")
    left = page.evaluate("async () => (await caches.keys()).length")
    assert left == 0
