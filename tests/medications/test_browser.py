"""Medications in Chromium: one tap on Today at 390 px, Skip with a reason, the notification's
"Taken" answered by the service worker without opening the app, and axe on every page.

A push is delivered to the real service worker through the DevTools protocol
(`ServiceWorker.deliverPushMessage`), as tests/push/test_browser.py does; a system
notification cannot be clicked headlessly, so the test dispatches `notificationclick` with the
"taken" action inside the worker, whose own handler then posts the doses.
"""

import re
import time as clock
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.medications.schedule import dose_key
from app.models import MedicationDose
from app.push import kinds, payload
from tests.browser.fixtures import settle

pytestmark = pytest.mark.browser
NY = ZoneInfo("America/New_York")


def _wait_for(page, condition, seconds=10.0):
    deadline = clock.monotonic() + seconds
    while True:
        value = condition()
        if value or clock.monotonic() > deadline:
            return value
        page.wait_for_timeout(100)


def _marks(db):
    db.session.expire_all()
    return db.session.scalars(sa.select(MedicationDose).order_by(MedicationDose.id)).all()


@pytest.fixture
def robin(make_program, make_clinician, make_participant, add_medication):
    program = make_program(name="Harbor PHP")
    clinician = make_clinician(program, display_name="Dr Lane")
    person = make_participant(program, clinician, display_name="Robin")
    today = datetime.now(NY).date()
    morning = add_medication(person, name="sertraline", times=("08:00", "20:00"),
                             start_on=today, today=today, by=clinician)
    evening = add_medication(person, name="quetiapine", strength="25 mg", times=("21:00",),
                             start_on=today, today=today)
    add_medication(person, name="hydroxyzine", as_needed=True, start_on=today, today=today,
                   by=clinician)
    return person, clinician, morning, evening, today


def test_taken_in_one_tap_on_a_phone_and_skip_with_a_reason(
        open_page, sign_in, check_a11y, robin, db):
    person, _clinician, morning, evening, today = robin
    page = open_page("phone")
    sign_in(page, person, lands_on="/today")
    check_a11y(page)
    card = page.locator("#doses")
    expect(card.get_by_role("heading", name="Medications")).to_be_visible()
    # Babel puts a narrow no-break space before AM.
    taken = card.get_by_role("button", name=re.compile(r"^Taken sertraline 50 mg tablet, 8:00.AM$"))
    taken.scroll_into_view_if_needed()
    box = taken.bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44  # a thumb's target
    taken.tap()
    row = page.locator(f"#dose-{dose_key(morning.current.id, today, time(8))}")
    expect(row.get_by_text("Taken at")).to_be_visible()
    settle(page)
    [mark] = _marks(db)
    assert (mark.status.value, mark.due_time, mark.source) == ("taken", time(8), "form")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll

    skip_row = page.locator(f"#dose-{dose_key(evening.current.id, today, time(21))}")
    skip_row.locator("summary").tap()
    skip_row.get_by_role("radio", name="Ran out").tap()
    check_a11y(page)
    skip_row.get_by_role("button", name="Skip this dose").tap()
    expect(page.locator(f"#dose-{dose_key(evening.current.id, today, time(21))}")
           .get_by_text("Skipped · ran out")).to_be_visible()
    assert [m.skip_reason.value for m in _marks(db) if m.skip_reason] == ["ran_out"]

    prn = page.locator(".dose--as-needed")
    prn.get_by_role("button", name="Log a dose hydroxyzine 50 mg tablet").tap()
    expect(page.locator(".dose--as-needed").get_by_text("Taken 1 time today")).to_be_visible()
    settle(page)
    check_a11y(page)

    page.goto("/medications")
    check_a11y(page)
    page.goto(f"/medications/{morning.id}/edit")
    check_a11y(page)
    page.goto("/medications/new")
    page.get_by_label("Name", exact=True).fill("melatonin")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#main").get_by_text("Add at least one time of day")).to_be_visible()
    expect(page.get_by_label("Name", exact=True)).to_have_value("melatonin")
    check_a11y(page)


def test_the_notifications_taken_marks_the_doses_without_opening_the_app(
        open_page, sign_in, robin, db, live_server, app):
    person, _clinician, morning, _evening, today = robin
    page = open_page("phone")
    context = page.context
    context.grant_permissions(["notifications"], origin=live_server)
    sign_in(page, person, lands_on="/today")
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
    key = dose_key(morning.current.id, today, time(20))
    with app.test_request_context():
        message = payload.build(kinds.KINDS["dose"], reminder_id=1, user_id=person.id,
                                context={"doses": key, "day": today.isoformat(), "at": "20:00",
                                         "path": "/today#doses"},
                                detailed=False, app_name=None, language="en",
                                origin=live_server, snooze_token="token")
    assert b"sertraline" not in message

    def notifications():
        return page.evaluate(
            "navigator.serviceWorker.ready.then(r => r.getNotifications())"
            ".then(ns => ns.map(n => ({body: n.body, tag: n.tag,"
            " actions: n.actions.map(a => a.title)})))")

    for _attempt in range(2):  # DevTools can drop a push that arrives while the worker starts
        cdp.send("ServiceWorker.deliverPushMessage", {
            "origin": live_server, "registrationId": registration["registrationId"],
            "data": message.decode()})
        shown = _wait_for(page, notifications, seconds=5)
        if shown:
            break
    assert shown == [{"body": "You have a reminder", "tag": "trellis-dose",
                      "actions": ["Taken", "Remind me in 30 min"]}]

    page.goto("about:blank")  # the app is not open: the worker answers on its own
    [worker] = [w for w in context.service_workers if w.url.endswith("/sw.js")]
    worker.evaluate("""async () => {
        const [notification] = await self.registration.getNotifications();
        try {
          self.dispatchEvent(new NotificationEvent("notificationclick",
                                                   {notification, action: "taken"}));
        } catch (error) { /* waitUntil refuses a synthetic event; the handler already ran */ }
    }""")
    marks = _wait_for(page, lambda: _marks(db))
    assert [(m.source, m.status.value, m.due_time) for m in marks] == [
        ("notification", "taken", time(20))]
    assert page.url == "about:blank" and len(context.pages) == 1  # nothing was opened

    # When the post fails (here a token the server refuses), the app opens on Today's doses.
    # (A synthetic event may not open a new window, so the app is open on another page.)
    page.goto("/medications")
    refused = message.replace(b'"dose_token":"', b'"dose_token":"x')
    for _attempt in range(3):  # as above: a push can be dropped while the worker wakes
        cdp.send("ServiceWorker.deliverPushMessage", {
            "origin": live_server, "registrationId": registration["registrationId"],
            "data": refused.decode()})
        if _wait_for(page, notifications, seconds=5):
            break
    assert notifications()
    worker.evaluate("""async () => {
        const [notification] = await self.registration.getNotifications();
        try {
          self.dispatchEvent(new NotificationEvent("notificationclick",
                                                   {notification, action: "taken"}));
        } catch (error) { /* as above */ }
    }""")
    page.wait_for_url(f"{live_server}/today#doses")
    assert len(_marks(db)) == 1


def test_the_care_teams_record_on_a_desktop(open_page, sign_in, check_a11y, robin, db):
    person, clinician, morning, _evening, today = robin
    from tests.medications.conftest import backdate
    backdate(db, morning, today - timedelta(days=10))
    page = open_page("desktop")
    sign_in(page, clinician, lands_on="/clinician/")
    page.goto(f"/clinician/participants/{person.id}")
    expect(page.locator("#medications").get_by_role("heading", name="Adherence")).to_be_visible()
    check_a11y(page)
    page.goto(f"/clinician/participants/{person.id}/medications/{morning.id}/edit")
    check_a11y(page)


def test_taken_without_signal_is_kept_on_the_phone_and_sent_once(open_page, sign_in, robin,
                                                                  db, check_a11y):
    from tests.offline.browser import controlled, go_offline, go_online, queued, wait_for

    person, _clinician, morning, _evening, today = robin
    page = open_page("phone")
    sign_in(page, person, lands_on="/today")
    controlled(page)
    go_offline(page)
    row = page.locator(f"#dose-{dose_key(morning.current.id, today, time(8))}")
    row.get_by_role("button", name=re.compile(r"^Taken sertraline")).tap()
    page.get_by_text("Saved on this phone").first.wait_for()
    (item,) = queued(page)
    assert item["kind"] == "medication-dose" and item["body"]["status"] == "taken"
    assert _marks(db) == []
    check_a11y(page)
    go_online(page)
    wait_for(lambda: len(_marks(db)) == 1, message="the dose sent")
    page.wait_for_timeout(500)
    [mark] = _marks(db)
    assert (mark.source, mark.due_time) == ("api", time(8))
