"""The worker: commands, a clean stop on SIGTERM, leases, the SQLite send lock, clean-up."""

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from app.models import PushSubscription, Reminder, ReminderDelivery, ReminderStatus, WorkerLock
from app.push import actions, outbox
from app.push.vapid import keys, private_key_pem
from tests.conftest import is_postgres

ROOT = Path(__file__).resolve().parents[2]


def worker_env(app, tmp_path, **settings) -> dict:
    """Environment for a `flask reminders` subprocess on the test database and VAPID key."""
    return {**os.environ, "TRELLIS_ENV": "testing",
            "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
            "TRELLIS_INSTANCE_PATH": str(tmp_path),
            "VAPID_PRIVATE_KEY": private_key_pem(keys(app).private_key).decode(),
            **{name: str(value) for name, value in settings.items()}}


def start_worker(env: dict, log: Path, *args: str) -> subprocess.Popen:
    """`flask --app wsgi reminders <args>` in the project folder, output to `log`."""
    with log.open("ab") as output:
        return subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "reminders", *args], cwd=ROOT,
            env=env, stdout=output, stderr=subprocess.STDOUT)


def queue_tests(db, user, clock, count: int) -> None:
    for _ in range(count):
        actions.send_test(user, now=clock())
    db.session.commit()


def _statuses(db) -> dict:
    return dict(db.session.execute(sa.select(Reminder.status, sa.func.count())
                                   .group_by(Reminder.status)).all())


def test_run_once_command_plans_and_sends(runner, db, world, make_device, fake_push, clock):
    make_device(world.participant_a)
    queue_tests(db, world.participant_a, clock, 1)
    result = runner.invoke(args=["reminders", "run-once"])
    assert result.exit_code == 0, result.output
    # What it planned may be due already (the participant's check-in time may have just
    # passed): the queued test reminder went out, and the output counts everything sent.
    sent = db.session.execute(sa.select(Reminder.kind).where(
        Reminder.status == ReminderStatus.SENT)).scalars().all()
    assert "test" in sent
    assert f"sent {len(sent)}," in result.output
    assert len(fake_push.received) == len(sent)
    assert _statuses(db)[ReminderStatus.PENDING] >= 1  # planned: the next check-in and more


def test_plan_command_plans_without_sending(runner, db, world, make_device, fake_push):
    make_device(world.participant_a)
    result = runner.invoke(args=["reminders", "plan"])
    assert result.exit_code == 0 and "added" in result.output
    assert fake_push.requests == 0


def test_push_status_and_test_commands(runner, db, world, make_device):
    make_device(world.participant_a)
    result = runner.invoke(args=["push", "test", "--email", world.participant_a.email])
    assert result.exit_code == 0 and "1 device" in result.output
    status = runner.invoke(args=["push", "status"])
    assert "test" in status.output and "pending" in status.output
    assert runner.invoke(args=["push", "test", "--email", "nobody@example.org"]).exit_code == 1


def test_the_worker_stops_cleanly_on_sigterm_after_its_batch(
        app, db, world, make_device, fake_push, clock, tmp_path):
    # The next batch is already claimed and prepared when the stop comes: it is given back.
    make_device(world.participant_a)
    queue_tests(db, world.participant_a, clock, 60)
    fake_push.delay = 0.05
    log = tmp_path / "worker.log"
    worker = start_worker(worker_env(app, tmp_path, REMINDERS_BATCH_SIZE=20,
                                     PUSH_SEND_CONCURRENCY=4, REMINDERS_POLL_SECONDS=0.2),
                          log, "worker", "--no-plan")
    try:
        deadline = time.monotonic() + 30
        while fake_push.requests < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert fake_push.requests >= 2, log.read_text()
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=30) == 0, log.read_text()
    finally:
        if worker.poll() is None:
            worker.kill()
    db.session.expire_all()
    statuses = _statuses(db)
    assert ReminderStatus.SENDING not in statuses  # nothing left claimed
    assert statuses[ReminderStatus.SENT] % 20 == 0  # whole batches only
    assert statuses.get(ReminderStatus.PENDING, 0) == 60 - statuses[ReminderStatus.SENT] > 0
    assert len(fake_push.received) == statuses[ReminderStatus.SENT]


def test_overlapping_batches_send_every_body_once_to_its_own_device(
        app, db, world, make_device, dispatcher, fake_push, clock):
    # Batches overlap: the next one is claimed and prepared while this one is being sent.
    # Each body must still reach its own device, once.
    devices = [make_device(world.participant_a) for _ in range(3)]
    queue_tests(db, world.participant_a, clock, 25)
    app.config.update(REMINDERS_BATCH_SIZE=10)
    stats = dispatcher().run_once(plan=False)
    assert (stats.claimed, stats.sent, stats.messages) == (25, 25, 75)
    assert fake_push.errors == []  # every body decrypted with its device's key
    arrived = Counter((r.reminder_id, r.token) for r in fake_push.received)
    assert len(arrived) == 75 and set(arrived.values()) == {1}
    assert {token for _id, token in arrived} == {d.endpoint.rsplit("/", 1)[1] for d in devices}


def test_a_dead_workers_claim_is_retried_after_its_lease(db, world, make_device, dispatcher,
                                                        fake_push, clock, app):
    make_device(world.participant_a)
    queue_tests(db, world.participant_a, clock, 3)
    lease = timedelta(seconds=app.config["REMINDERS_LEASE_SECONDS"])
    claimed = outbox.claim("dead-worker", clock(), 10, lease)  # claims, then "dies"
    assert len(claimed) == 3
    worker = dispatcher()
    outbox.release_lock("send", "dead-worker")
    assert worker.run_once(plan=False).claimed == 0  # still leased
    clock.now += lease + timedelta(seconds=1)
    stats = worker.run_once(plan=False)
    assert stats.sent == 3 and len(fake_push.received) == 3
    assert set(db.session.scalars(sa.select(Reminder.attempts))) == {2}


def test_a_worker_that_lost_its_lease_leaves_the_rows_to_their_new_holder(
        db, world, make_device, dispatcher, fake_push, clock, app, caplog):
    make_device(world.participant_a)
    queue_tests(db, world.participant_a, clock, 3)
    slow = dispatcher(worker_id="slow-worker")
    batch = slow._prepare()  # claimed; then its lease runs out while it is still sending
    assert batch is not None and len(batch.jobs) == 3
    lease = timedelta(seconds=app.config["REMINDERS_LEASE_SECONDS"])
    later = clock() + lease + timedelta(seconds=1)
    taken = outbox.claim("next-worker", later, 10, lease)
    assert len(taken) == 3
    batch.finish(slow.sender.start(batch.jobs))
    rows = db.session.execute(sa.select(Reminder.status, Reminder.claimed_by)).all()
    assert set(rows) == {(ReminderStatus.SENDING, "next-worker")}  # not marked sent by "slow"
    assert "lost the lease on some reminders" in caplog.text


def test_recording_outcomes_finds_every_row_still_claimed(db, world, make_device, dispatcher,
                                                          fake_push, clock, caplog):
    make_device(world.participant_a)
    queue_tests(db, world.participant_a, clock, 3)
    assert dispatcher().run_once(plan=False).sent == 3
    assert "lost the lease" not in caplog.text  # the rows changed are counted right


def test_recorded_times_compare_like_every_other_time_in_the_database(
        db, world, make_device, dispatcher, fake_push, clock):
    # Outcomes are written in executemany statements; the times must still be stored as every
    # other time is (SQLite compares them as text: "…:00" sorts before "…:00.000000").
    device = make_device(world.participant_a)
    queue_tests(db, world.participant_a, clock, 1)
    assert clock().microsecond == 0  # the case where a default str(datetime) differs
    assert dispatcher().run_once(plan=False).sent == 1
    since = clock()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReminderDelivery)
                             .where(ReminderDelivery.attempted_at >= since)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PushSubscription)
                             .where(PushSubscription.id == device.id,
                                    PushSubscription.last_delivered_at >= since)) == 1
    assert db.session.scalar(sa.select(Reminder.sent_at)) == since


def test_on_sqlite_one_worker_sends_at_a_time(db, world, make_device, dispatcher, fake_push,
                                             clock, app):
    make_device(world.participant_a)
    queue_tests(db, world.participant_a, clock, 2)
    first, second = dispatcher(worker_id="first"), dispatcher(worker_id="second")
    lease = timedelta(seconds=app.config["REMINDERS_LEASE_SECONDS"])
    assert outbox.acquire_lock("send", "first", clock(), lease)
    if not is_postgres():
        assert second.send_batch().claimed == 0  # the first holds the send lock
        assert not outbox.acquire_lock("send", "second", clock(), lease)
    assert first.send_batch().sent == 2
    first.close()
    assert db.session.scalar(sa.select(WorkerLock.holder).where(WorkerLock.name == "send")) \
        is None
    assert outbox.acquire_lock("send", "second", clock(), lease)


def test_finished_rows_are_purged_after_the_retention(db, world, make_device, dispatcher,
                                                      fake_push, clock):
    make_device(world.participant_a)
    queue_tests(db, world.participant_a, clock, 1)
    dispatcher().run_once(plan=False)
    assert outbox.purge(clock() + timedelta(days=29)) == 0
    assert outbox.purge(clock() + timedelta(days=31)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Reminder)) == 0
