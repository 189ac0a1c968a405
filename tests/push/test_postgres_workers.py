"""PostgreSQL: several worker processes share the outbox and send each reminder once.

Workers are real `flask --app wsgi reminders worker` processes on this test database, sending
to the fake push service, which counts what arrives (and checks every message).

The bound when a worker is killed mid-batch: a message can arrive twice only if the killed
worker had already sent it when it died and had not yet recorded the answer (a request "in
flight"). Such a row is still claimed by the dead worker; after the lease another worker sends
it again, with the same Topic, so the push service replaces the first copy instead of adding a
second notification. Every other row (answered and recorded, or claimed but not yet sent) is
sent exactly once. The test holds the fake service's answers to make the in-flight set exact,
then checks that the duplicates are precisely that set.
"""

import signal
import time
from collections import Counter
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.models import Reminder, ReminderStatus
from app.push import actions
from tests.push.test_worker import start_worker, worker_env

pytestmark = pytest.mark.postgres


def _queue(db, user, devices, clock, due_in=timedelta(0)):
    for device in devices:
        actions.send_test(user, device, now=clock() + due_in)
    db.session.commit()
    return set(db.session.scalars(sa.select(Reminder.id)))


def _sent_ids(db) -> set[int]:
    db.session.rollback()  # a fresh snapshot of what the workers wrote
    return set(db.session.scalars(sa.select(Reminder.id).where(
        Reminder.status == ReminderStatus.SENT)))


def _wait(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def _stop(workers) -> list[str]:
    outputs = []
    for worker, _log in workers:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
    for worker, log in workers:
        try:
            worker.wait(timeout=30)
        finally:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
        outputs.append(log.read_text())
    return outputs


def _devices(make_device, user, count):
    return [make_device(user) for _ in range(count)]


def test_three_workers_deliver_each_reminder_exactly_once(
        app, db, world, make_device, fake_push, clock, tmp_path):
    user = world.participant_a
    devices = _devices(make_device, user, 300)
    # Due a few seconds from now, so all three workers are polling when the rows fall due.
    ids = _queue(db, user, devices, clock, due_in=timedelta(seconds=6))
    fake_push.delay = 0.005
    env = worker_env(app, tmp_path, REMINDERS_BATCH_SIZE=20, PUSH_SEND_CONCURRENCY=4,
                     REMINDERS_POLL_SECONDS=0.1, REMINDERS_LEASE_SECONDS=60)
    workers = [(start_worker(env, tmp_path / f"w{n}.log", "worker", "--no-plan"),
                tmp_path / f"w{n}.log") for n in range(3)]
    try:
        _wait(lambda: _sent_ids(db) == ids, 90, "every reminder to be sent")
    finally:
        outputs = _stop(workers)
    counts = Counter(fake_push.ids())
    assert set(counts) == ids
    assert set(counts.values()) == {1}, "a reminder arrived twice"
    assert fake_push.errors == []
    claimed = [int(out.rsplit("claimed ", 1)[1].split(",")[0]) for out in outputs]
    assert sum(claimed) == 300
    assert sum(1 for n in claimed if n) >= 2, f"the work was not shared: {claimed}"


def test_a_worker_killed_mid_batch_loses_nothing_and_repeats_only_what_was_in_flight(
        app, db, world, make_device, fake_push, clock, tmp_path):
    user = world.participant_a
    devices = _devices(make_device, user, 200)
    ids = _queue(db, user, devices, clock)
    concurrency = 8
    env = worker_env(app, tmp_path, REMINDERS_BATCH_SIZE=50,
                     PUSH_SEND_CONCURRENCY=concurrency, REMINDERS_POLL_SECONDS=0.1,
                     REMINDERS_LEASE_SECONDS=3)
    fake_push.hold_after(30)  # answer 30 messages, then hold every request that follows
    log = tmp_path / "doomed.log"
    doomed = start_worker(env, log, "worker", "--no-plan")
    try:
        _wait(lambda: fake_push.requests >= 30 + concurrency, 60, "the held requests")
        _wait(lambda: len(_sent_ids(db)) == 30, 10, "the answered messages to be recorded")
        in_flight = set(fake_push.ids()) - _sent_ids(db)
        doomed.send_signal(signal.SIGKILL)
        doomed.wait(timeout=30)
    finally:
        if doomed.poll() is None:
            doomed.kill()
            doomed.wait()
    # The bound, stated: at most one message per concurrent request was in flight.
    assert len(in_flight) == concurrency, log.read_text()
    fake_push.release()

    workers = [(start_worker(env, tmp_path / f"r{n}.log", "worker", "--no-plan"),
                tmp_path / f"r{n}.log") for n in range(2)]
    try:
        _wait(lambda: _sent_ids(db) == ids, 90, "every reminder to be sent")
    finally:
        _stop(workers)
    counts = Counter(fake_push.ids())
    assert set(counts) == ids, "a reminder was lost"
    duplicates = {reminder_id for reminder_id, n in counts.items() if n > 1}
    assert duplicates == in_flight  # exactly the messages in flight at the kill, no others
    assert max(counts.values()) == 2
    for reminder_id in duplicates:
        topics = {r.topic for r in fake_push.received if r.reminder_id == reminder_id}
        assert len(topics) == 1  # the push service replaces the first copy with the second
    assert fake_push.errors == []
