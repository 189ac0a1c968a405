"""Me → Reminders, the staff page, posting subscriptions, and the service worker route."""

from datetime import time, timedelta

import pytest
import sqlalchemy as sa

from app.models import (
    PushSubscription,
    Reminder,
    ReminderPreference,
    ReminderStatus,
)
from app.push import actions, subscriptions
from app.push.vapid import keys
from tests.conftest import csrf_token, post_form
from tests.push.conftest import ANDROID_CHROME, pending

IPHONE_SAFARI = ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_4 like Mac OS X) AppleWebKit/605.1.15 "
                 "(KHTML, like Gecko) Version/18.4 Mobile/15E148 Safari/604.1")


def _post(client, url, data, agent=ANDROID_CHROME, token=True):
    headers = {"User-Agent": agent}
    if token:
        headers["X-CSRFToken"] = csrf_token(client)
    return client.post(url, json=data, headers=headers)


def _count(db):
    return db.session.scalar(sa.select(sa.func.count()).select_from(PushSubscription))


def test_turning_reminders_on_stores_the_device(client, db, world, login_as, fake_push):
    login_as(world.participant_a)
    data = fake_push.subscription()
    response = _post(client, "/me/reminders/subscriptions", data)
    assert response.status_code == 201
    answer = response.get_json()
    assert answer["public_key"] == keys().public_key
    assert subscriptions.user_for_device_token(answer["device_token"])[1] == answer["id"]
    device = db.session.get(PushSubscription, answer["id"])
    assert device.user_id == world.participant_a.id
    assert device.device_label == "Chrome on Android"
    assert device.endpoint == data["endpoint"] and device.app_origin == "http://localhost"


def test_the_same_endpoint_posted_again_updates_it(client, db, world, login_as, fake_push):
    login_as(world.participant_a)
    data = fake_push.subscription()
    first = _post(client, "/me/reminders/subscriptions", data).get_json()
    data["keys"] = fake_push.subscription()["keys"]
    response = _post(client, "/me/reminders/subscriptions", data, agent=IPHONE_SAFARI)
    assert response.status_code == 200 and response.get_json()["id"] == first["id"]
    assert _count(db) == 1
    device = db.session.get(PushSubscription, first["id"])
    assert device.p256dh == data["keys"]["p256dh"].rstrip("=")
    assert device.device_label == "Safari on iPhone"


def test_another_persons_endpoint_is_refused_and_left_with_them(client, db, world, login_as,
                                                                 fake_push, app):
    """Posting someone's endpoint (with one's own keys) must not take their reminders away:
    409, their row untouched (docs/push.md, "Device tokens and ownership")."""
    data = fake_push.subscription()
    login_as(world.participant_a)
    _post(client, "/me/reminders/subscriptions", data)
    other = app.test_client()
    login_as(world.participant_b, on=other)
    stolen = {**data, "keys": fake_push.subscription()["keys"]}
    response = _post(other, "/me/reminders/subscriptions", stolen)
    assert response.status_code == 409 and response.get_json()["error"] == "endpoint_in_use"
    [device] = db.session.scalars(sa.select(PushSubscription)).all()
    assert device.user_id == world.participant_a.id
    assert device.p256dh == data["keys"]["p256dh"].rstrip("=")


@pytest.mark.parametrize("change,reason", [
    (lambda d: d.pop("endpoint"), "endpoint is missing"),
    (lambda d: d.pop("keys"), "no keys"),
    (lambda d: d["keys"].update(p256dh=d["keys"]["p256dh"][:40]), "65-byte"),
    (lambda d: d["keys"].update(p256dh="B" + "A" * 86), "not a point on the P-256 curve"),
    (lambda d: d["keys"].update(p256dh="not base64!"), "not base64url"),
    (lambda d: d["keys"].update(auth="AAAAAAAAAAAAAAAAAAAA"), "16 bytes"),
])
def test_a_bad_subscription_is_refused_with_the_reason(client, db, world, login_as, fake_push,
                                                       change, reason):
    login_as(world.participant_a)
    data = fake_push.subscription()
    change(data)
    response = _post(client, "/me/reminders/subscriptions", data)
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_subscription"
    assert reason in response.get_json()["reason"]
    assert _count(db) == 0


def test_not_json_is_refused(client, world, login_as):
    login_as(world.participant_a)
    response = client.post("/me/reminders/subscriptions", data="endpoint=x",
                           headers={"X-CSRFToken": csrf_token(client)})
    assert response.status_code == 400


def test_a_subscription_without_the_csrf_token_is_refused(client, db, world, login_as,
                                                          fake_push):
    login_as(world.participant_a)
    response = _post(client, "/me/reminders/subscriptions", fake_push.subscription(),
                     token=False)
    assert response.status_code == 400 and _count(db) == 0


def test_turning_reminders_on_plans_at_once(client, db, world, login_as, fake_push):
    login_as(world.participant_a)
    _post(client, "/me/reminders/subscriptions", fake_push.subscription())
    assert {r.kind for r in pending(db)} >= {"checkin"}


def test_me_links_to_reminders(client, world, login_as):
    login_as(world.participant_a)
    assert 'href="/me/reminders"' in client.get("/me").get_data(as_text=True)


def test_the_reminders_page_explains_this_device_and_iphone(client, world, login_as):
    login_as(world.participant_a)
    page = client.get("/me/reminders").get_data(as_text=True)
    assert "Turn on reminders on this phone" in page
    assert "Add to Home Screen" in page
    assert "No devices yet" in page
    assert 'id="push-config"' in page and keys().public_key in page


def test_devices_are_listed_with_their_last_reminders_and_outcomes(
        client, db, world, login_as, make_device, dispatcher, fake_push, clock):
    phone = make_device(world.participant_a)
    gone = make_device(world.participant_a, user_agent=IPHONE_SAFARI)
    fake_push.respond(410, endpoint=gone.endpoint)
    actions.send_test(world.participant_a, now=clock())
    db.session.commit()
    dispatcher().run_once(plan=False)
    login_as(world.participant_a)
    page = client.get("/me/reminders").get_data(as_text=True)
    assert "Chrome on Android" in page and "Last reminder delivered" in page
    assert "Delivered to the push service" in page
    assert "Reminders on this phone stopped and were removed. Turn reminders on again" in page
    assert "Safari on iPhone" in page  # the removed device is still named in the history
    assert f'data-device-id="{phone.id}"' in page


def test_a_device_can_be_removed_but_not_someone_elses(client, db, world, login_as, make_device):
    mine = make_device(world.participant_a)
    theirs = make_device(world.participant_b)
    login_as(world.participant_a)
    assert post_form(client, f"/me/reminders/devices/{theirs.id}/remove").status_code == 404
    assert post_form(client, f"/me/reminders/devices/{mine.id}/remove").status_code == 302
    assert db.session.scalars(sa.select(PushSubscription.id)).all() == [theirs.id]


def test_a_test_reminder_is_queued_for_one_device(client, db, world, login_as, make_device):
    device = make_device(world.participant_a)
    make_device(world.participant_a)
    login_as(world.participant_a)
    assert post_form(client, "/me/reminders/test", {"device": device.id}).status_code == 302
    [row] = pending(db, "test")
    assert row.subscription_id == device.id and row.context["device"] == device.id


def test_choices_are_saved_and_replanned(client, db, world, login_as):
    login_as(world.participant_a)
    response = post_form(client, "/me/reminders", {
        "session_lead": "30", "session_changes": "y", "checkin_on": "y", "checkin_time": "19:15",
        "quiet_on": "y", "quiet_start": "22:00", "quiet_end": "07:00",
        "detailed": ["session", "checkin"]})
    assert response.status_code == 302
    prefs = db.session.get(ReminderPreference, world.participant_a.id)
    assert prefs.session_lead_minutes == 30 and not prefs.is_scale_on
    assert prefs.checkin_time == time(19, 15) and prefs.quiet_start == time(22, 0)
    assert prefs.detailed_kinds == ["checkin", "session"]
    assert {r.kind for r in pending(db)} == {"checkin"}


def test_a_checkin_time_in_quiet_hours_is_refused_and_the_form_keeps_what_was_typed(
        client, db, world, login_as):
    login_as(world.participant_a)
    response = post_form(client, "/me/reminders", {
        "session_lead": "60", "checkin_on": "y", "checkin_time": "22:30", "quiet_on": "y",
        "quiet_start": "21:00", "quiet_end": "08:00"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "This time is in your quiet hours" in page
    assert 'value="22:30"' in page
    assert db.session.get(ReminderPreference, world.participant_a.id) is None


def test_snooze_from_the_page_after_the_checkin_reminder(client, db, world, login_as, clock):
    from app.push import outbox

    now = clock()
    outbox.add(world.participant_a.id, "checkin", "checkin:x", now - timedelta(minutes=5),
               now + timedelta(hours=4), {"day": "2000-01-01", "zone": "UTC"}, is_planned=False)
    db.session.execute(sa.update(Reminder).values(status=ReminderStatus.SENT,
                                                  sent_at=now - timedelta(minutes=5)))
    db.session.commit()
    login_as(world.participant_a)
    assert "Remind me in 30 minutes" in client.get("/me/reminders").get_data(as_text=True)
    assert post_form(client, "/me/reminders/snooze", {"minutes": "30"}).status_code == 302
    assert post_form(client, "/me/reminders/snooze", {"minutes": "30"}).status_code == 302
    [row] = pending(db, "checkin")  # twice on the same reminder: one snooze
    assert row.dedupe_key.startswith("snooze:")
    assert abs((row.due_at - now - timedelta(minutes=30)).total_seconds()) < 60


def test_nothing_to_snooze_says_so(client, world, login_as):
    login_as(world.participant_a)
    response = post_form(client, "/me/reminders/snooze", {"minutes": "30"})
    assert response.status_code == 303


def test_staff_turn_on_alerts_on_their_devices(client, db, world, login_as, fake_push):
    login_as(world.clinician_a)
    page = client.get("/clinician/reminders").get_data(as_text=True)
    assert "Turn on reminders on this phone" in page and "Safety alerts" in page
    response = _post(client, "/clinician/reminders/subscriptions", fake_push.subscription())
    assert response.status_code == 201
    assert db.session.scalar(sa.select(PushSubscription.user_id)) == world.clinician_a.id
    assert post_form(client, "/clinician/reminders", {"detailed_alert": "y"}).status_code == 302
    assert db.session.get(ReminderPreference, world.clinician_a.id).detailed_kinds == [
        "safety_alert"]


def test_the_service_worker_is_served_from_the_root(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Service-Worker-Allowed"] == "/"
    assert response.headers["Cache-Control"] == "no-cache"
    body = response.get_data(as_text=True)
    for handler in ("push", "notificationclick", "pushsubscriptionchange"):
        assert f'addEventListener("{handler}"' in body


def test_the_service_worker_resubscribes_with_its_device_token(client, db, world, make_device,
                                                               fake_push):
    old = make_device(world.participant_a)
    old_id = old.id
    token = subscriptions.device_token(old)
    db.session.commit()  # issuing a token replaces the device's previous one
    new = fake_push.subscription()
    response = client.post("/push/resubscribe", json={"token": token, "subscription": new})
    assert response.status_code == 200
    [device] = db.session.scalars(sa.select(PushSubscription)).all()
    assert device.endpoint == new["endpoint"] and device.id != old_id
    assert device.user_id == world.participant_a.id
    assert client.post("/push/resubscribe", json={"token": token + "x", "subscription": new}
                       ).status_code == 400


def test_a_snooze_from_the_notification_needs_its_signed_token(client, db, world, clock):
    from app.push import outbox, payload

    now = clock()
    outbox.add(world.participant_a.id, "checkin", "checkin:y", now, now + timedelta(hours=4),
               {"day": "2000-01-01", "zone": "UTC"}, is_planned=False)
    db.session.commit()
    row = db.session.scalar(sa.select(Reminder))
    token = payload.snooze_serializer().dumps([row.id, world.participant_a.id])
    assert client.post("/push/snooze", json={"token": token, "minutes": 60}).status_code == 204
    assert client.post("/push/snooze", json={"token": token[:-2], "minutes": 60}
                       ).status_code == 400
    assert client.post("/push/snooze", json={"token": token, "minutes": 45}).status_code == 400
    snoozed = db.session.scalar(sa.select(Reminder).where(Reminder.dedupe_key.like("snooze:%")))
    assert snoozed.kind == "checkin" and snoozed.context["day"] == "2000-01-01"
