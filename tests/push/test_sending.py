"""Sending: what each answer of a push service does, headers, size, retries, concurrency."""

import time as wall
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
import sqlalchemy as sa

from app.models import (
    DeliveryOutcome,
    PushSubscription,
    Reminder,
    ReminderDelivery,
    ReminderStatus,
)
from app.push import actions, outbox, payload
from app.push.answers import parse_retry_after
from app.push.batch import BACKOFF_BASE, backoff
from tests.push.fake_push_service import FakePushService


def _queue_test(db, user, clock, device=None):
    actions.send_test(user, device, now=clock())
    db.session.commit()
    return db.session.scalar(sa.select(Reminder).order_by(Reminder.id.desc()).limit(1))


def _delivery(db, reminder):
    return db.session.scalar(sa.select(ReminderDelivery)
                             .where(ReminderDelivery.reminder_id == reminder.id))


@pytest.mark.parametrize("status", [201, 202])
def test_accepted_answers_mark_the_reminder_sent(db, world, make_device, dispatcher, fake_push,
                                                 clock, status):
    device = make_device(world.participant_a)
    fake_push.respond(status)
    row = _queue_test(db, world.participant_a, clock)
    dispatcher().run_once(plan=False)
    db.session.refresh(row)
    db.session.refresh(device)
    assert row.status == ReminderStatus.SENT and row.sent_at == clock()
    assert device.last_delivered_at == clock()
    assert _delivery(db, row).outcome == DeliveryOutcome.DELIVERED
    assert fake_push.errors == []


@pytest.mark.parametrize("status", [404, 410])
def test_gone_answers_delete_the_subscription_and_keep_the_history(
        db, world, make_device, dispatcher, fake_push, clock, status):
    device_id = make_device(world.participant_a).id
    fake_push.respond(status)
    row = _queue_test(db, world.participant_a, clock)
    dispatcher().run_once(plan=False)
    assert db.session.get(PushSubscription, device_id) is None
    delivery = _delivery(db, row)
    assert delivery.outcome == DeliveryOutcome.GONE
    assert delivery.subscription_id is None and delivery.device_label == "Chrome on Android"
    db.session.refresh(row)
    assert row.status == ReminderStatus.FAILED


@pytest.mark.parametrize("status", [401, 403])
def test_refused_keys_pause_the_device_for_operators_and_stop_retries(
        db, world, make_device, dispatcher, fake_push, clock, status, caplog):
    device = make_device(world.participant_a)
    fake_push.respond(status)
    row = _queue_test(db, world.participant_a, clock)
    worker = dispatcher()
    worker.run_once(plan=False)
    db.session.refresh(device)
    db.session.refresh(row)
    assert device.disabled_at is not None and str(status) in device.disabled_reason
    assert row.status == ReminderStatus.FAILED
    assert "check VAPID keys" in caplog.text
    _queue_test(db, world.participant_a, clock)
    worker.run_once(plan=False)
    assert len(fake_push.received) == 1  # the paused device is not sent to again


@pytest.mark.parametrize("status,error", [(400, "push service refused the request"),
                                          (413, "payload too large"),
                                          (301, "redirect refused")])
def test_answers_that_retrying_cannot_fix_fail_at_once(
        db, world, make_device, dispatcher, fake_push, clock, status, error):
    make_device(world.participant_a)
    fake_push.respond((status, {"Location": f"{fake_push.origin}/elsewhere"}))
    row = _queue_test(db, world.participant_a, clock)
    dispatcher().run_once(plan=False)
    db.session.refresh(row)
    assert row.status == ReminderStatus.FAILED and row.last_error == error
    assert row.attempts == 1 and fake_push.requests == 1  # a redirect is never followed


def test_429_with_retry_after_in_seconds_waits_that_long(
        db, world, make_device, dispatcher, fake_push, clock):
    make_device(world.participant_a)
    fake_push.respond((429, {"Retry-After": "120"}))
    row = _queue_test(db, world.participant_a, clock)
    worker = dispatcher()
    worker.run_once(plan=False)
    db.session.refresh(row)
    assert row.status == ReminderStatus.PENDING
    assert row.next_attempt_at == clock() + timedelta(seconds=120)
    clock.advance(seconds=119)
    assert worker.run_once(plan=False).claimed == 0
    clock.advance(seconds=1)
    worker.run_once(plan=False)
    db.session.refresh(row)
    assert row.status == ReminderStatus.SENT and row.attempts == 2


def test_503_with_retry_after_as_an_http_date_waits_until_then(
        db, world, make_device, dispatcher, fake_push, clock):
    make_device(world.participant_a)
    clock.now = datetime.now(UTC).replace(microsecond=0)
    until = clock.now + timedelta(minutes=10)
    fake_push.respond((503, {"Retry-After": format_datetime(until, usegmt=True)}))
    row = _queue_test(db, world.participant_a, clock)
    dispatcher().run_once(plan=False)
    db.session.refresh(row)
    assert row.status == ReminderStatus.PENDING
    assert abs((row.next_attempt_at - until).total_seconds()) <= 2


def test_retry_after_parses_both_forms():
    now = wall.time()
    assert parse_retry_after("30") == 30.0
    date = format_datetime(datetime.fromtimestamp(now + 90, UTC), usegmt=True)
    assert 88 <= parse_retry_after(date, now) <= 90
    assert parse_retry_after("not a date") is None and parse_retry_after(None) is None


def test_server_errors_back_off_with_jitter_then_give_up(
        db, world, make_device, dispatcher, fake_push, clock, app):
    make_device(world.participant_a)
    row = _queue_test(db, world.participant_a, clock)
    row.stale_at = clock() + timedelta(days=2)
    db.session.commit()
    worker = dispatcher()
    attempts = app.config["REMINDERS_MAX_ATTEMPTS"]
    delays = []
    for attempt in range(1, attempts + 1):
        fake_push.respond(500)
        worker.run_once(plan=False)
        db.session.refresh(row)
        if attempt < attempts:
            assert row.status == ReminderStatus.PENDING
            delay = row.next_attempt_at - clock()
            ceiling = min(BACKOFF_BASE * 2 ** (attempt - 1), timedelta(hours=1))
            assert ceiling / 2 <= delay <= ceiling
            delays.append(delay)
            clock.now = row.next_attempt_at
    assert row.status == ReminderStatus.FAILED and row.attempts == attempts
    assert row.last_error == "gave up after the last attempt"
    assert fake_push.requests == attempts


def test_backoff_is_jittered():
    import random

    rng = random.Random(1)  # noqa: S311
    samples = {backoff(3, rng) for _ in range(20)}
    assert len(samples) > 10
    assert all(timedelta(minutes=1) <= s <= timedelta(minutes=2) for s in samples)


def test_no_answer_in_time_is_retried(db, world, make_device, dispatcher, fake_push, clock):
    from app.push.sender import Sender
    from app.push.vapid import VapidSigner, keys

    make_device(world.participant_a)
    fake_push.delay = 1.0
    row = _queue_test(db, world.participant_a, clock)
    sender = Sender(VapidSigner(keys().private_key, "mailto:ops@trellis.org"),
                    allow_loopback=True, total_timeout=0.3, connect_timeout=0.3)
    dispatcher(sender=sender).run_once(plan=False)
    db.session.refresh(row)
    assert row.status == ReminderStatus.PENDING
    assert _delivery(db, row).detail == "no answer in time"


def test_headers_ttl_until_stale_urgency_and_topic(db, world, make_device, dispatcher,
                                                   fake_push, clock):
    make_device(world.participant_a)
    row = _queue_test(db, world.participant_a, clock)
    dispatcher().run_once(plan=False)
    [received] = fake_push.received
    assert received.ttl == int((row.stale_at - clock()).total_seconds()) == 3600
    assert received.urgency == "normal"
    assert len(received.topic) == 24
    assert received.claims["sub"] == "mailto:trellis-development@example.org"


def test_a_reminder_to_every_device_and_a_retry_only_to_the_one_that_failed(
        db, world, make_device, dispatcher, fake_push, clock):
    phone = make_device(world.participant_a)
    laptop = make_device(world.participant_a)
    fake_push.respond(503, endpoint=laptop.endpoint)
    row = _queue_test(db, world.participant_a, clock)
    worker = dispatcher()
    worker.run_once(plan=False)
    db.session.refresh(row)
    assert row.status == ReminderStatus.PENDING
    clock.now = row.next_attempt_at
    worker.run_once(plan=False)
    db.session.refresh(row)
    assert row.status == ReminderStatus.SENT
    assert len(fake_push.for_endpoint(phone.endpoint)) == 1
    assert len(fake_push.for_endpoint(laptop.endpoint)) == 2
    # Both copies of the retried message carry the same Topic: a queued one is replaced.
    assert len({r.topic for r in fake_push.received}) == 1


def test_a_stale_reminder_is_dropped_not_sent(db, world, make_device, dispatcher, fake_push,
                                             clock):
    make_device(world.participant_a)
    row = _queue_test(db, world.participant_a, clock)
    clock.advance(hours=2)
    dispatcher().run_once(plan=False)
    db.session.refresh(row)
    assert row.status == ReminderStatus.DROPPED and row.last_error == "stale"
    assert fake_push.requests == 0


def test_nobody_to_send_to_is_dropped(db, world, dispatcher, clock):
    row = _queue_test(db, world.participant_a, clock)
    dispatcher().run_once(plan=False)
    db.session.refresh(row)
    assert row.status == ReminderStatus.DROPPED and row.last_error == "no device to send it to"


def test_payload_size_is_checked_before_sending(db, world, make_device, dispatcher, fake_push,
                                               clock, monkeypatch):
    make_device(world.participant_a)
    row = _queue_test(db, world.participant_a, clock)
    monkeypatch.setattr(payload, "MAX_ENCRYPTED_BYTES", 200)
    dispatcher().run_once(plan=False)
    db.session.refresh(row)
    assert row.status == ReminderStatus.FAILED and "payload too large" in row.last_error
    assert fake_push.requests == 0


def test_real_payloads_fit_the_smallest_push_service_limit(db, world, make_device, dispatcher,
                                                          fake_push, clock):
    make_device(world.participant_a)
    _queue_test(db, world.participant_a, clock)
    dispatcher().run_once(plan=False)
    assert fake_push.received[0].body_bytes <= payload.MAX_ENCRYPTED_BYTES <= 3072


def test_the_sender_refuses_an_encrypted_body_over_the_limit(db, world, make_device, dispatcher,
                                                            fake_push, clock):
    from app.push.sender import Sender
    from app.push.vapid import VapidSigner, keys

    make_device(world.participant_a)
    row = _queue_test(db, world.participant_a, clock)
    sender = Sender(VapidSigner(keys().private_key, "mailto:ops@trellis.org"),
                    allow_loopback=True, max_body=100)
    dispatcher(sender=sender).run_once(plan=False)
    db.session.refresh(row)
    assert row.last_error == "payload too large" and fake_push.requests == 0


def test_one_slow_push_service_does_not_hold_up_the_others(
        db, world, make_device, dispatcher, fake_push, clock, app):
    slow = FakePushService(fake_push.vapid_public_key).start()
    try:
        slow.delay = 1.5
        for _ in range(4):
            make_device(world.participant_a, service=slow)
        for _ in range(20):
            make_device(world.participant_a)
        _queue_test(db, world.participant_a, clock)
        started = wall.monotonic()
        dispatcher().run_once(plan=False)
        elapsed = wall.monotonic() - started
    finally:
        slow.stop()
    assert len(fake_push.received) == 20 and len(slow.received) == 4
    assert elapsed < 3.0  # concurrent: one slow round trip, not 4 x 1.5 s in a row


def test_sends_never_happen_in_a_web_request(client, db, world, make_device, fake_push, login_as):
    from tests.conftest import csrf_token

    make_device(world.participant_a)
    login_as(world.participant_a)
    response = client.post("/me/reminders/test", data={"csrf_token": csrf_token(client)})
    assert response.status_code == 302
    assert fake_push.requests == 0
    assert db.session.scalar(sa.select(Reminder.status)) == ReminderStatus.PENDING


def test_outbox_keys_are_unique(db, world, clock):
    now = clock()
    assert outbox.add(world.participant_a.id, "test", "k1", now, now + timedelta(hours=1))
    assert not outbox.add(world.participant_a.id, "test", "k1", now, now + timedelta(hours=1))
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Reminder)) == 1


def test_a_checkin_reminder_is_not_sent_once_that_day_has_a_checkin(
        db, world, make_device, dispatcher, fake_push, clock):
    # Checked in a minute ago: that day's reminder (or snooze) is cancelled just before
    # sending; the next day's, and another participant's, still go out (one batch for all).
    import uuid
    from zoneinfo import ZoneInfo

    from app.models import Checkin

    zone = "America/New_York"
    today = clock().astimezone(ZoneInfo(zone)).date()
    rows = {}
    for person in (world.participant_a, world.participant_b):
        make_device(person)
        for day in (today, today + timedelta(days=1)):
            outbox.add(person.id, "checkin", f"checkin:{person.id}:{day}", clock(),
                       clock() + timedelta(hours=3),
                       {"day": day.isoformat(), "zone": zone, "path": "/checkin"})
    db.session.add(Checkin(participant_id=world.participant_a.id, client_uuid=str(uuid.uuid4()),
                           content_hash="0" * 64, occurred_at=clock() - timedelta(minutes=1),
                           received_at=clock(), mood=3))
    db.session.commit()
    dispatcher().run_once(plan=False)
    for row in db.session.scalars(sa.select(Reminder)):
        rows[(row.user_id, row.context["day"])] = (row.status, row.last_error)
    assert rows == {
        (world.participant_a.id, today.isoformat()): (ReminderStatus.CANCELLED,
                                                      "no longer wanted"),
        (world.participant_a.id, (today + timedelta(days=1)).isoformat()):
            (ReminderStatus.SENT, None),
        (world.participant_b.id, today.isoformat()): (ReminderStatus.SENT, None),
        (world.participant_b.id, (today + timedelta(days=1)).isoformat()):
            (ReminderStatus.SENT, None)}
    assert len(fake_push.received) == 3
