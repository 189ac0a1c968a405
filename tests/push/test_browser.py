"""Push reminders in Chromium: turning them on, a push shown discreetly, and its tap.

Subscribing cannot complete here (it needs the browser vendor's push service), so
`PushManager.prototype.subscribe` is stubbed before any page script runs: it returns a
subscription at the tests' fake push service (a key pair the test generated). A push is then
delivered to the real service worker through the DevTools protocol
(`ServiceWorker.deliverPushMessage`), and `registration.getNotifications()` shows what it
displayed.

A click on a system notification cannot be made headlessly, so the test dispatches a
`notificationclick` event inside the service worker (Playwright evaluates in the worker's
target) with the notification it showed; the worker's own handler then runs as it would for a
tap. (`waitUntil` refuses an event the page made rather than the browser, after the handler has
started its work, so the worker logs one error for the synthetic event.) The open window must
then be on the reminder's page.
"""

import json
import time

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.models import PushSubscription
from app.push import kinds, payload
from app.push.vapid import keys
from tests.browser.fixtures import settle
from tests.push.fake_push_service import FakePushService

pytestmark = pytest.mark.browser

STUB = """
(() => {
  const subscription = %s;
  const make = () => ({
    endpoint: subscription.endpoint, expirationTime: null, options: {userVisibleOnly: true},
    toJSON: () => ({endpoint: subscription.endpoint, expirationTime: null,
                    keys: subscription.keys}),
    unsubscribe: async () => { sessionStorage.removeItem("stub-subscribed"); return true; },
  });
  // A page's PushManager keeps its subscription across reloads, as a real one would.
  PushManager.prototype.subscribe = async function (options) {
    if (!(options && options.userVisibleOnly && options.applicationServerKey)) {
      throw new Error("subscribe() needs userVisibleOnly and the server's key");
    }
    sessionStorage.setItem("stub-subscribed", "1");
    return make();
  };
  PushManager.prototype.getSubscription = async function () {
    return sessionStorage.getItem("stub-subscribed") ? make() : null;
  };
})();
"""


@pytest.fixture
def fake_push(app):
    """The tests' fake push service (tests/push/fake_push_service.py)."""
    with app.app_context():
        service = FakePushService(keys(app).public_key).start()
    yield service
    service.stop()


@pytest.fixture
def participant(make_program, make_clinician, make_participant):
    """Robin, in Harbor IOP."""
    program = make_program(name="Harbor IOP")
    clinician = make_clinician(program, display_name="Dr Lane")
    return make_participant(program, clinician, display_name="Robin")


def _wait_for(page, condition, seconds=10.0):
    """Poll `condition`; waiting through Playwright lets it deliver DevTools events."""
    deadline = time.monotonic() + seconds
    while True:
        value = condition()
        if value or time.monotonic() > deadline:
            return value
        page.wait_for_timeout(100)


def test_turn_on_then_a_push_shows_the_discreet_text_and_a_tap_opens_its_page(
        open_page, sign_in, check_a11y, participant, db, fake_push, live_server, app):
    page = open_page("phone")
    context = page.context
    context.grant_permissions(["notifications"], origin=live_server)
    subscription = fake_push.subscription()
    page.add_init_script(STUB % json.dumps(subscription))
    sign_in(page, participant, lands_on="/today")

    page.goto("/me/reminders")
    settle(page)
    check_a11y(page)
    page.get_by_role("button", name="Turn on reminders on this phone").click()
    expect(page.locator("#main").get_by_text("Reminders are on for this device.")).to_be_visible()
    settle(page)
    check_a11y(page)
    device = _wait_for(page, lambda: db.session.scalar(sa.select(PushSubscription)))
    assert device is not None and device.user_id == participant.id
    assert device.endpoint == subscription["endpoint"]
    expect(page.locator(f'[data-device-id="{device.id}"] [data-this-device]')).to_be_visible()

    # The browser dropped the subscription: opening the app subscribes again and posts it.
    posted = device.updated_at
    page.evaluate("sessionStorage.removeItem('stub-subscribed')")
    page.reload()
    settle(page)
    assert _wait_for(page, lambda: _refreshed(db, device).updated_at > posted)

    # A push, as the push service would deliver it, straight to our service worker.
    cdp = context.new_cdp_session(page)
    registrations, versions = [], []
    cdp.on("ServiceWorker.workerRegistrationUpdated",
           lambda event: registrations.extend(event["registrations"]))
    cdp.on("ServiceWorker.workerVersionUpdated", lambda event: versions.extend(event["versions"]))
    cdp.send("ServiceWorker.enable")
    assert _wait_for(page, lambda: [r for r in registrations if r["scopeURL"] == live_server + "/"])
    registration = next(r for r in registrations if r["scopeURL"] == live_server + "/")
    assert _wait_for(page, lambda: [v for v in versions if v["status"] == "activated"
                                    and v["registrationId"] == registration["registrationId"]])
    with app.test_request_context():
        message = payload.build(kinds.KINDS["checkin"], reminder_id=1,
                                context={"path": "/checkin", "day": "2027-01-11"},
                                detailed=False, app_name=None, language="en",
                                origin=live_server, snooze_token="token")
    def notifications():
        return page.evaluate(
            "navigator.serviceWorker.ready.then(r => r.getNotifications())"
            ".then(ns => ns.map(n => ({title: n.title, body: n.body, tag: n.tag,"
            " url: n.data && n.data.url, actions: n.actions.length})))")

    for _attempt in range(2):  # DevTools can drop a push that arrives while the worker starts
        cdp.send("ServiceWorker.deliverPushMessage", {
            "origin": live_server, "registrationId": registration["registrationId"],
            "data": message.decode()})
        shown = _wait_for(page, notifications, seconds=5)
        if shown:
            break
    assert shown == [{"title": "Trellis", "body": "You have a reminder",
                      "tag": "trellis-checkin", "url": "/checkin", "actions": 2}]

    # The tap: the worker's notificationclick handler, with the notification it showed.
    [worker] = [w for w in context.service_workers if w.url.endswith("/sw.js")]
    worker.evaluate("""async () => {
        const [notification] = await self.registration.getNotifications();
        try {
          self.dispatchEvent(new NotificationEvent("notificationclick", {notification}));
        } catch (error) { /* waitUntil refuses a synthetic event; the handler already ran */ }
    }""")
    page.wait_for_url(f"{live_server}/checkin")
    settle(page)
    assert _wait_for(page, lambda: page.evaluate(
        "navigator.serviceWorker.ready.then(r => r.getNotifications()).then(ns => ns.length)")
        == 0)

    # pushsubscriptionchange: the worker subscribes again (stubbed inside the worker too) and
    # posts the new subscription with the device token the page handed it.
    renewed = fake_push.subscription()
    worker.evaluate("""async (subscription) => {
        PushManager.prototype.subscribe = async () => ({
          endpoint: subscription.endpoint, toJSON: () => subscription});
        try {
          self.dispatchEvent(new ExtendableEvent("pushsubscriptionchange"));
        } catch (error) { /* as above */ }
    }""", renewed)
    assert _wait_for(page, lambda: db.session.scalar(
        sa.select(PushSubscription.endpoint).where(
            PushSubscription.endpoint == renewed["endpoint"])))
    db.session.expire_all()
    [device] = db.session.scalars(sa.select(PushSubscription)).all()  # the old one replaced
    assert device.user_id == participant.id


def _refreshed(db, row):
    db.session.expire_all()
    return db.session.get(type(row), row.id)
