"""One claimed batch of reminders: filter, build a job per device, record what happened.

Outcomes are recorded as soon as all of a row's devices have answered, in small transactions
(up to FLUSH_ROWS rows or FLUSH_SECONDS) with one statement per kind of write (executemany), so
a worker killed mid-batch leaves only the messages in flight (sent, answer not yet recorded) to
be sent a second time by another worker.

Answers: 2xx delivered; 404/410 delete the subscription; 401/403 pause the subscription and
log for operators; 429/503 wait for Retry-After; other 5xx, timeouts and connection failures
back off exponentially with jitter, up to REMINDERS_MAX_ATTEMPTS; 400, 413 and redirects fail
without retrying.
"""

import logging
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db
from app.models import (
    DeliveryOutcome,
    Enrolment,
    EnrolmentStatus,
    Program,
    PushSubscription,
    Reminder,
    ReminderDelivery,
    ReminderPreference,
    ReminderStatus,
    SafetyAlert,
    User,
)
from app.push import outbox, payload
from app.push.kinds import KINDS
from app.push.outbox import in_ids
from app.push.sender import PushJob, PushResult, ttl_seconds

log = logging.getLogger(__name__)

#: First retry after about this long; doubled each attempt, at most BACKOFF_MAX.
BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_MAX = timedelta(hours=1)
#: Outcomes are written after this many finished rows, or this long, whichever comes first.
FLUSH_ROWS = 250
FLUSH_SECONDS = 0.2
_REMINDERS = Reminder.__table__
#: A row's new state (executemany: one parameter set per row), guarded by this worker's
#: claim: a row whose lease was lost is left to the worker that holds it now.
_FINISH_ROW = (
    sa.update(_REMINDERS)
    .where(_REMINDERS.c.id == sa.bindparam("row_id"),
           _REMINDERS.c.claimed_by == sa.bindparam("worker_id"),
           _REMINDERS.c.status == ReminderStatus.SENDING)
    .values(status=sa.bindparam("new_status"), last_error=sa.bindparam("error"),
            sent_at=sa.bindparam("sent"),
            next_attempt_at=sa.func.coalesce(
                sa.bindparam("next_at", type_=_REMINDERS.c.next_attempt_at.type),
                _REMINDERS.c.next_attempt_at),
            claimed_by=None, lease_expires_at=None, updated_at=sa.bindparam("updated")))
#: Counter of BatchStats per final status.
_COUNTERS = {ReminderStatus.SENT: "sent", ReminderStatus.PENDING: "retrying",
             ReminderStatus.FAILED: "failed", ReminderStatus.DROPPED: "dropped",
             ReminderStatus.CANCELLED: "cancelled"}


def backoff(attempts: int, rng: random.Random | None = None) -> timedelta:
    """Exponential backoff with "equal jitter": between half and all of base * 2^(n-1)."""
    rng = rng or random
    ceiling = min(BACKOFF_BASE * (2 ** max(attempts - 1, 0)), BACKOFF_MAX)
    return ceiling * (0.5 + rng.random() / 2)


@dataclass
class RowDecision:
    """How a row ends this attempt."""

    status: ReminderStatus
    last_error: str | None = None
    next_attempt_at: datetime | None = None
    sent_at: datetime | None = None


def decide(row, results: list[PushResult], now: datetime, max_attempts: int,
           delivered_before: bool = False, rng: random.Random | None = None) -> RowDecision:
    """The row's new state from its devices' results in this attempt."""
    delivered = delivered_before or any(r.outcome == DeliveryOutcome.DELIVERED for r in results)
    retrying = [r for r in results if r.outcome == DeliveryOutcome.RETRYING]
    problems = [r for r in results if r.outcome != DeliveryOutcome.DELIVERED]
    error = problems[0].detail if problems else None
    if retrying and row.attempts < max_attempts:
        waits = [r.retry_after for r in retrying if r.retry_after is not None]
        delay = timedelta(seconds=max(waits)) if waits else backoff(row.attempts, rng)
        next_at = now + delay
        if next_at < row.stale_at:
            return RowDecision(ReminderStatus.PENDING, error, next_attempt_at=next_at)
        error = "stale before it could be retried"
    elif retrying:
        error = "gave up after the last attempt"
    if delivered:
        return RowDecision(ReminderStatus.SENT, error, sent_at=now)
    if retrying and error == "stale before it could be retried":
        return RowDecision(ReminderStatus.DROPPED, error)
    return RowDecision(ReminderStatus.FAILED, error or "not delivered")


@dataclass
class BatchStats:
    """What one batch (or a run of batches) did."""

    claimed: int = 0
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    dropped: int = 0
    cancelled: int = 0
    messages: int = 0

    def add(self, other: "BatchStats") -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Pending:
    """Outcomes waiting to be written."""

    deliveries: list = field(default_factory=list)
    rows: list = field(default_factory=list)
    delivered_subscriptions: set = field(default_factory=set)
    gone_subscriptions: set = field(default_factory=set)
    rejected_subscriptions: dict = field(default_factory=dict)
    alerts_notified: set = field(default_factory=set)


class Batch:
    """The work of one claimed batch."""

    def __init__(self, dispatcher, rows: list, now: datetime, stats: BatchStats):
        self.d = dispatcher
        self.rows = {row.id: row for row in rows}
        self.now = now
        self.stats = stats
        self.results: dict[int, list[PushResult]] = defaultdict(list)
        self.expected: dict[int, int] = {}
        self.delivered_before: dict[int, set[int]] = defaultdict(set)
        self.pending = Pending()
        self.last_flush = time.monotonic()
        self.last_renewal = time.monotonic()
        self.labels: dict[int, str] = {}
        self.jobs: list[PushJob] = []
        #: The usual outcome, shared: delivered to the only device on the first try.
        self.delivered = RowDecision(ReminderStatus.SENT, sent_at=now)

    def prepare(self) -> None:
        """Drop what is stale or unwanted and build a job per device; record the drops."""
        self.jobs = self._jobs(self._filter())
        self.stats.messages = len(self.jobs)
        self._flush()

    def finish(self, handle) -> None:
        """Take the results of the sending started with `handle` and record them."""
        self.d.sender.collect(handle, self._on_result, self._on_tick)
        self._flush()

    def give_back(self) -> None:
        """Return the claimed rows unsent (the worker is stopping)."""
        outbox.release_unsent(self.d.worker_id, [job.reminder_id for job in self.jobs])

    # --- which rows still go out --------------------------------------------------------------

    def _finish(self, row, status: ReminderStatus, error: str) -> None:
        self._decided(row, RowDecision(status, error))

    def _decided(self, row, decision: RowDecision) -> None:
        self.pending.rows.append((row, decision))
        counter = _COUNTERS[decision.status]
        setattr(self.stats, counter, getattr(self.stats, counter) + 1)

    def _filter(self) -> list:
        live = []
        for row in self.rows.values():
            if row.stale_at <= self.now:
                self._finish(row, ReminderStatus.DROPPED, "stale")
            elif row.attempts > self.d.max_attempts:
                self._finish(row, ReminderStatus.FAILED, "gave up after the last attempt")
            elif row.kind not in KINDS:
                self._finish(row, ReminderStatus.FAILED, f"unknown kind {row.kind}")
            else:
                live.append(row)
        active = set(db.session.scalars(sa.select(User.id).where(
            in_ids(User.id, {r.user_id for r in live}), User.is_active.is_(True))))
        by_kind = defaultdict(list)
        for row in live:
            by_kind[row.kind].append(row)
        unwanted: set[int] = set()
        for kind_key, kind_rows in by_kind.items():
            if KINDS[kind_key].unwanted is not None:
                unwanted |= KINDS[kind_key].unwanted(kind_rows)
        kept = []
        for row in live:
            if row.user_id not in active:
                self._finish(row, ReminderStatus.CANCELLED, "account not active")
            elif row.id in unwanted:
                self._finish(row, ReminderStatus.CANCELLED, "no longer wanted")
            else:
                kept.append(row)
        return kept

    # --- building the jobs --------------------------------------------------------------------

    def _jobs(self, rows: list) -> list[PushJob]:
        user_ids = sorted({r.user_id for r in rows})
        devices = defaultdict(list)
        #: Language, the program's neutral app name and detail choices, per person.
        people: dict[int, tuple] = {}
        seen: set[int] = set()
        for sub in db.session.execute(_devices_and_people(user_ids)):
            if sub.id in seen:  # two active enrolments: one device is still one message
                continue
            seen.add(sub.id)
            devices[sub.user_id].append(sub)
            self.labels[sub.id] = sub.device_label
            people[sub.user_id] = (sub.language or "en", sub.app_name,
                                   tuple(sub.detailed_kinds or ()))
        retried = [r.id for r in rows if r.attempts > 1]
        if retried:
            for reminder_id, subscription_id in db.session.execute(
                    sa.select(ReminderDelivery.reminder_id, ReminderDelivery.subscription_id)
                    .where(in_ids(ReminderDelivery.reminder_id, retried),
                           ReminderDelivery.outcome == DeliveryOutcome.DELIVERED)):
                self.delivered_before[reminder_id].add(subscription_id)
        text_cache: dict = {}
        snooze = payload.snooze_serializer()
        jobs = []
        for row in rows:
            kind = KINDS[row.kind]
            targets = devices.get(row.user_id, [])
            if "device" in row.context:
                targets = [s for s in targets if s.id == row.subscription_id]
            delivered_before = self.delivered_before.get(row.id)
            if delivered_before:
                targets = [s for s in targets if s.id not in delivered_before]
            if not targets:
                if delivered_before:
                    self._decided(row, self.delivered)
                else:
                    self._finish(row, ReminderStatus.DROPPED, "no device to send it to")
                continue
            language, app_name, detailed_kinds = people.get(row.user_id, ("en", None, ()))
            token = snooze.dumps([row.id, row.user_id]) if kind.snooze else None
            self.expected[row.id] = len(targets)
            for sub in targets:
                job = PushJob(row.id, sub.id, sub.endpoint, sub.p256dh, sub.auth, b"",
                              ttl_seconds(row.stale_at, self.now), kind.urgency,
                              kind.topic(row.user_id, row.context, row.dedupe_key))
                try:
                    job.payload = payload.build(
                        kind, reminder_id=row.id, context=row.context,
                        detailed=kind.choice_key in detailed_kinds, app_name=app_name,
                        language=language, origin=sub.app_origin, snooze_token=token,
                        snooze_path=self.d._snooze_path, cache=text_cache,
                        user_id=row.user_id)
                except payload.PayloadTooLarge as error:
                    self._on_result(PushResult(job, DeliveryOutcome.FAILED,
                                               detail=f"payload too large ({error})"))
                    continue
                jobs.append(job)
        return jobs

    # --- results ------------------------------------------------------------------------------

    def _on_result(self, result: PushResult) -> None:
        job = result.job
        row = self.rows[job.reminder_id]
        self.pending.deliveries.append({
            "reminder_id": row.id, "subscription_id": job.subscription_id,
            "user_id": row.user_id, "device_label": self.labels.get(job.subscription_id, ""),
            "outcome": result.outcome, "http_status": result.status,
            "detail": (result.detail or "")[:200] or None, "attempted_at": self.now})
        if result.outcome == DeliveryOutcome.DELIVERED:
            self.pending.delivered_subscriptions.add(job.subscription_id)
            if row.kind == "safety_alert" and row.context.get("primary"):
                self.pending.alerts_notified.add(row.context.get("alert_id"))
        elif result.outcome == DeliveryOutcome.GONE:
            self.pending.gone_subscriptions.add(job.subscription_id)
        elif result.outcome == DeliveryOutcome.REJECTED:
            self.pending.rejected_subscriptions[job.subscription_id] = \
                f"{result.status}: {result.detail}"
            log.warning("push service refused subscription %s (HTTP %s): check VAPID keys",
                        job.subscription_id, result.status)
        expected = self.expected.get(row.id, 1)
        if expected == 1 and result.outcome == DeliveryOutcome.DELIVERED:
            self._decided(row, self.delivered)  # the usual case, without `decide`
        else:
            results = self.results[row.id]
            results.append(result)
            if len(results) == expected:
                self._decided(row, decide(row, results, self.now, self.d.max_attempts,
                                          bool(self.delivered_before.get(row.id)), self.d.rng))
        if len(self.pending.rows) >= FLUSH_ROWS or \
                time.monotonic() - self.last_flush > FLUSH_SECONDS:
            self._flush()

    def _on_tick(self) -> None:
        """While sending: record what has finished, and keep this worker's leases alive even
        when a push service is slow to answer."""
        if self.pending.rows or self.pending.deliveries:
            if time.monotonic() - self.last_flush > FLUSH_SECONDS:
                self._flush()
        elif time.monotonic() - self.last_renewal > self.d.lease.total_seconds() / 3:
            self.last_renewal = time.monotonic()
            outbox.renew_leases(self.d.worker_id, self.d.clock(), self.d.lease)

    def _flush(self) -> None:
        """Write the outcomes gathered so far in one transaction."""
        pending, self.pending = self.pending, Pending()
        self.last_flush = time.monotonic()
        if pending.deliveries:
            self._write_deliveries(pending.deliveries)
        if pending.rows:
            self._write_rows(pending.rows)
        if pending.delivered_subscriptions:
            db.session.execute(
                sa.update(PushSubscription.__table__)
                .where(in_ids(PushSubscription.id, sorted(pending.delivered_subscriptions)))
                .values(last_delivered_at=self.now))
        for subscription_id, reason in pending.rejected_subscriptions.items():
            db.session.execute(sa.update(PushSubscription).where(
                PushSubscription.id == subscription_id)
                .values(disabled_at=self.now, disabled_reason=reason[:200])
                .execution_options(synchronize_session=False))
        if pending.gone_subscriptions:
            db.session.execute(sa.delete(PushSubscription).where(
                in_ids(PushSubscription.id, pending.gone_subscriptions))
                .execution_options(synchronize_session=False))
        if pending.alerts_notified:
            db.session.execute(
                sa.update(SafetyAlert).where(in_ids(SafetyAlert.id, pending.alerts_notified),
                                             SafetyAlert.notified_at.is_(None))
                .values(notified_at=self.now).execution_options(synchronize_session=False))
        db.session.commit()
        if time.monotonic() - self.last_renewal > self.d.lease.total_seconds() / 3:
            self.last_renewal = time.monotonic()
            outbox.renew_leases(self.d.worker_id, self.d.clock(), self.d.lease)

    @staticmethod
    def _write_deliveries(deliveries: list[dict]) -> None:
        """Upsert one delivery per (reminder, device), in one executemany."""
        table = ReminderDelivery.__table__
        insert = (postgresql.insert if outbox.is_postgres() else sqlite.insert)(table)
        db.session.execute(insert.on_conflict_do_update(
            index_elements=[table.c.reminder_id, table.c.subscription_id],
            set_={name: insert.excluded[name] for name in (
                "outcome", "http_status", "detail", "attempted_at", "device_label")}),
            deliveries)

    def _write_rows(self, rows: list) -> None:
        """Each row's new state, in one executemany guarded by this worker's claim."""
        updated = db.session.execute(_FINISH_ROW, [
            {"row_id": row.id, "worker_id": self.d.worker_id, "new_status": decision.status,
             "error": (decision.last_error or "")[:200] or None, "sent": decision.sent_at,
             "next_at": decision.next_attempt_at, "updated": self.now}
            for row, decision in rows]).rowcount
        if updated != len(rows):
            log.warning("worker %s lost the lease on some reminders (another worker retries "
                        "them)", self.d.worker_id)


def _devices_and_people(user_ids: list[int]) -> sa.Select:
    """What sending needs of each person's active devices, with the person's language, their
    program's neutral app name and their detail choices (plain rows, not ORM objects: a batch
    may hold thousands)."""
    return (
        sa.select(PushSubscription.id, PushSubscription.user_id, PushSubscription.endpoint,
                  PushSubscription.p256dh, PushSubscription.auth, PushSubscription.app_origin,
                  PushSubscription.device_label, User.language, Program.app_name,
                  ReminderPreference.detailed_kinds)
        .join(User, User.id == PushSubscription.user_id)
        .outerjoin(Enrolment, sa.and_(Enrolment.participant_id == User.id,
                                      Enrolment.status == EnrolmentStatus.ACTIVE))
        .outerjoin(Program, Program.id == Enrolment.program_id)
        .outerjoin(ReminderPreference, ReminderPreference.user_id == User.id)
        .where(in_ids(PushSubscription.user_id, user_ids),
               PushSubscription.disabled_at.is_(None))
        .order_by(PushSubscription.id))
