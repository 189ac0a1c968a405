"""The worker loop: plan, then claim and send due reminders batch after batch.

`flask reminders worker` runs `Dispatcher.run_forever` (a stop request, SIGTERM, ends it after
the batch being sent); `flask reminders run-once` runs `run_once` (for cron). While one batch is
being sent, the next is claimed and prepared, so database work and sending overlap. See
`batch` for what happens to one batch, and docs/push.md for the guarantees. Nothing here runs
inside a web request. One worker is one process; run more workers for more throughput.
"""

import logging
import os
import random
import socket
import threading
import uuid
from datetime import datetime, timedelta

from flask import Flask

from app.database import utcnow
from app.extensions import db
from app.push import outbox, planner
from app.push.batch import Batch, BatchStats
from app.push.endpoints import extra_hosts
from app.push.sender import Sender
from app.push.triggers import app_path
from app.push.vapid import VapidSigner, check_configuration, keys

log = logging.getLogger(__name__)


class Dispatcher:
    """Plans and sends reminders; one per worker process."""

    def __init__(self, app: Flask, *, worker_id: str | None = None, clock=utcnow,
                 sender: Sender | None = None, rng: random.Random | None = None):
        subject = check_configuration(app)
        config = app.config
        self.app = app
        self.clock = clock
        self.rng = rng or random.Random()  # noqa: S311 - retry jitter, not a secret
        self.worker_id = worker_id or f"{socket.gethostname()[:30]}:{os.getpid()}:" \
                                      f"{uuid.uuid4().hex[:8]}"
        self.batch_size = config["REMINDERS_BATCH_SIZE"]
        self.lease = timedelta(seconds=config["REMINDERS_LEASE_SECONDS"])
        self.max_attempts = config["REMINDERS_MAX_ATTEMPTS"]
        self.poll_seconds = config["REMINDERS_POLL_SECONDS"]
        self.plan_every = timedelta(seconds=config["REMINDERS_PLAN_SECONDS"])
        self.sender = sender or Sender(
            VapidSigner(keys(app).private_key, subject),
            allow_loopback=config["PUSH_ALLOW_LOOPBACK_FOR_TESTS"],
            extra_hosts=extra_hosts(config["PUSH_SERVICE_HOSTS"]),
            concurrency=config["PUSH_SEND_CONCURRENCY"],
            connections_per_host=config["PUSH_CONNECTIONS_PER_HOST"])
        self.stop_requested = threading.Event()
        #: Everything this dispatcher did since it started.
        self.totals = BatchStats()
        self._next_plan: datetime | None = None
        self._snooze_path = app_path(("push.reminders", {}))

    # --- the loop -----------------------------------------------------------------------------

    def stop(self, *_args) -> None:
        """Ask the worker to stop after the current batch (the SIGTERM handler)."""
        self.stop_requested.set()

    def plan(self, now: datetime) -> None:
        """Plan alerts every cycle (cheap, urgent); plan people every REMINDERS_PLAN_SECONDS,
        by one worker at a time (the "plan" lock), and purge old rows then."""
        planner.plan_everyone(now)
        if self._next_plan is not None and now < self._next_plan:
            return
        self._next_plan = now + self.plan_every
        if outbox.acquire_lock("plan", self.worker_id, now, self.plan_every * 2):
            totals = planner.plan_all(now)
            outbox.purge(now)
            log.info("planned reminders: %s", totals)

    def run_once(self, plan: bool = True) -> BatchStats:
        """Plan, send everything due, and return (for cron and tests)."""
        if plan:
            self._next_plan = None
            self.plan(self.clock())
        return self.send_due()

    def run_forever(self, plan: bool = True) -> None:
        """Plan and send until asked to stop; a stop waits for the current batch to finish."""
        log.info("reminders worker %s started", self.worker_id)
        while not self.stop_requested.is_set():
            claimed_full = False
            try:
                if plan:
                    self.plan(self.clock())
                stats = self.send_due()
                claimed_full = stats.claimed >= self.batch_size
            except Exception:  # a database hiccup must not end the worker; wait and retry
                db.session.rollback()
                log.exception("reminders worker cycle failed")
            if not claimed_full:
                self.stop_requested.wait(self.poll_seconds)
        log.info("reminders worker %s stopped", self.worker_id)

    def close(self) -> None:
        """Release locks and close the sender."""
        try:
            outbox.release_lock("send", self.worker_id)
            outbox.release_lock("plan", self.worker_id)
        finally:
            self.sender.close()

    def send_due(self) -> BatchStats:
        """Send batches until nothing is due or a stop was asked for.

        Batches overlap: while one is being sent (encryption and HTTP on the sender's thread),
        the next is claimed, prepared here (database work) and queued behind it, so requests
        stay in flight while this one's last answers arrive and its outcomes are recorded. A
        stop lets the batches already queued finish and starts no other.
        """
        total = BatchStats()
        current = self._prepare()
        handle = self.sender.start(current.jobs) if current is not None else None
        while current is not None:
            upcoming = upcoming_handle = None
            if current.stats.claimed >= self.batch_size and not self.stop_requested.is_set():
                upcoming = self._prepare()
                if upcoming is not None and self.stop_requested.is_set():
                    upcoming.give_back()
                    upcoming = None
                elif upcoming is not None:
                    upcoming_handle = self.sender.start(upcoming.jobs)
            current.finish(handle)
            total.add(current.stats)
            self.totals.add(current.stats)
            current, handle = upcoming, upcoming_handle
        return total

    # --- one batch ----------------------------------------------------------------------------

    def send_batch(self) -> BatchStats:
        """Claim up to a batch of due rows and send them (without overlapping the next)."""
        batch = self._prepare()
        if batch is None:
            return BatchStats()
        batch.finish(self.sender.start(batch.jobs))
        self.totals.add(batch.stats)
        return batch.stats

    def _prepare(self) -> "Batch | None":
        """Claim due rows and build their jobs; None when nothing is due (or, on SQLite,
        another worker is sending)."""
        now = self.clock()
        if not outbox.is_postgres() and not outbox.acquire_lock(
                "send", self.worker_id, now, self.lease):
            return None
        rows = outbox.claim(self.worker_id, now, self.batch_size, self.lease)
        if not rows:
            return None
        batch = Batch(self, rows, now, BatchStats(claimed=len(rows)))
        batch.prepare()
        return batch
