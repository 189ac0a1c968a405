"""Helpers for the installed app's browser tests: waiting on the service worker, its caches
and the queue in IndexedDB (Playwright's wait_for_function cannot await a promise)."""

import time

import sqlalchemy as sa

from app.extensions import db
from app.models import Checkin, ScaleResponse
from tests.browser.fixtures import settle


def wait_for(condition, seconds: float = 10.0, message: str = "condition"):
    """Poll `condition()` until it is truthy; fail after `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {message}")
        time.sleep(0.1)


def controlled(page) -> None:
    """Wait until the service worker controls the page and has installed its shell."""
    page.wait_for_function("() => navigator.serviceWorker && navigator.serviceWorker.controller")


def saved_paths(page) -> list[str]:
    """Every URL path in the page caches (saved participant pages) of this browser."""
    return page.evaluate("""async () => {
        const paths = [];
        for (const name of await caches.keys()) {
          if (!name.startsWith("trellis-pages-")) continue;
          for (const request of await (await caches.open(name)).keys()) {
            paths.push(new URL(request.url).pathname);
          }
        }
        return paths.sort();
      }""")


def all_cached_paths(page) -> list[str]:
    """Every URL path in every cache of this origin (shell included)."""
    return page.evaluate("""async () => {
        const paths = [];
        for (const name of await caches.keys()) {
          for (const request of await (await caches.open(name)).keys()) {
            paths.push(new URL(request.url).pathname);
          }
        }
        return paths.sort();
      }""")


def wait_until_saved(page, paths) -> None:
    """Wait until the service worker has saved these participant pages."""
    wait_for(lambda: set(paths) <= set(saved_paths(page)), message=f"{paths} saved")


def queued(page) -> list[dict]:
    """The offline queue's items in this browser (all owners)."""
    return page.evaluate("async () => self.TrellisOffline.list()")


def count(model, participant) -> int:
    """Rows of `model` the participant has on the server."""
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model)
                             .where(model.participant_id == participant.id))


def checkins_of(participant) -> int:
    return count(Checkin, participant)


def scale_responses_of(participant) -> int:
    return count(ScaleResponse, participant)


def go_offline(page) -> None:
    page.context.set_offline(True)
    page.wait_for_function("() => !navigator.onLine")


def go_online(page) -> None:
    page.context.set_offline(False)
    page.wait_for_function("() => navigator.onLine")


def open_checkin(page) -> None:
    """Open the check-in page (saved for offline use once it has loaded)."""
    page.get_by_role("link", name="Check-in").click()
    page.wait_for_url("**/checkin")
    settle(page)


def fill_checkin(page, mood: str = "3", safety: str | None = None) -> None:
    """Choose a mood (and the safety question's answer) the way a person taps them."""
    page.locator(f"input[name=mood][value='{mood}']").check(force=True)
    if safety:
        page.locator(f"input[name=safety_thoughts][value='{safety}']").check(force=True)
