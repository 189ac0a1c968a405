"""Turning reminders on says the real reason when it fails, and what to do about it."""

import pytest
from playwright.sync_api import expect

from tests.browser.fixtures import settle

pytestmark = pytest.mark.browser

PERMISSION = """
Notification.requestPermission = async () => "%s";
"""
SUBSCRIBE_FAILS = """
PushManager.prototype.subscribe = async function () {
  throw new DOMException("Registration failed - push service not available", "AbortError");
};
"""
SUBSCRIBE_WORKS = """
PushManager.prototype.subscribe = async function () {
  const keys = {p256dh: "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1"
                        + "XbjhazAkj7I99e8QcYP7DkM",
                auth: "tBHItJI5svbpez7KI4CCXg"};
  return {endpoint: "https://fcm.googleapis.com/fcm/send/x", expirationTime: null,
          toJSON: () => ({endpoint: "https://fcm.googleapis.com/fcm/send/x", keys})};
};
"""

CASES = {
    "dismissed": (PERMISSION % "default", None,
                  "Notifications were not allowed. Tap “Turn on reminders on this phone” again "
                  "and choose Allow."),
    "blocked": (PERMISSION % "denied", None,
                "This browser blocks notifications from Trellis. Allow them in the browser’s "
                "site settings, then try again."),
    "no push service": (PERMISSION % "granted" + SUBSCRIBE_FAILS, None,
                        "This browser could not reach its notification service"),
    "offline": (PERMISSION % "granted" + SUBSCRIBE_WORKS, "offline",
                "This phone seems to be offline. Connect to the internet, then try again."),
    "refused by Trellis": (PERMISSION % "granted" + SUBSCRIBE_WORKS, "refused",
                           "Trellis could not save this phone for reminders."),
}


@pytest.mark.parametrize("case", list(CASES))
def test_the_real_cause_is_said(open_page, sign_in, world, case):
    script, network, words = CASES[case]
    page = open_page("phone")
    sign_in(page, world.participant_a, lands_on="/today")
    page.context.add_init_script(script)
    page.goto("/me/reminders")
    settle(page)
    if network == "refused":
        page.route("**/me/reminders/subscriptions", lambda route: route.fulfill(status=500))
    button = page.get_by_role("button", name="Turn on reminders on this phone")
    expect(button).to_be_visible()
    if network == "offline":
        page.context.set_offline(True)
    button.click()
    status = page.locator("[data-push-status]")
    expect(status).to_contain_text(words)
    expect(status).not_to_contain_text("Check your connection")
    page.context.set_offline(False)


SLOW_STATE_CHECK = """
const realGetSubscription = PushManager.prototype.getSubscription;
PushManager.prototype.getSubscription = function () {
  return new Promise((resolve) => setTimeout(() => resolve(realGetSubscription.call(this)), 1500));
};
"""


def test_the_reason_stays_when_the_page_check_finishes_late(open_page, sign_in, world):
    """A quick tap must not have its failure replaced by "Reminders are off" a moment later."""
    page = open_page("phone")
    sign_in(page, world.participant_a, lands_on="/today")
    page.context.add_init_script(PERMISSION % "granted" + SUBSCRIBE_FAILS + SLOW_STATE_CHECK)
    page.goto("/me/reminders")
    page.get_by_role("button", name="Turn on reminders on this phone").click()
    status = page.locator("[data-push-status]")
    expect(status).to_contain_text("This browser could not reach its notification service")
    page.wait_for_timeout(2500)  # past the slowed state check
    expect(status).to_contain_text("This browser could not reach its notification service")
