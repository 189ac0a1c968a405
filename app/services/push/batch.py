"""One claimed batch of reminders: filter, build a job per device, record what happened.

Outcomes are recorded as soon as all of a row's devices have answered, in small transactions
(up to FLUSH_ROWS rows or FLUSH_SECONDS), so a worker killed mid-batch leaves only the messages
in flight (sent, answer not yet recorded) to be sent a second time by another worker.

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
from app.services.push import outbox, payload
from app.services.push.kinds import KINDS
from app.services.push.sender import PushJob, PushResult, ttl_seconds

log = logging.getLogger(__name__)

#: First retry after about this long; doubled each attempt, at most BACKOFF_MAX.
BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_MAX = timedelta(hours=1)
#: Outcomes are written after this many finished rows, or this long, whichever comes first.
FLUSH_ROWS = 100
FLUSH_SECONDS = 0.2
_UPSERT_DELIVERY = (
    "INSERT INTO reminder_deliveries (reminder_id, subscription_id, user_id, device_label, "
    "outcome, http_status, detail, attempted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (reminder_id, subscription_id) DO UPDATE SET outcome = excluded.outcome, "
    "http_status = excluded.http_status, detail = excluded.detail, "
    "attempted_at = excluded.attempted_at, device_label = excluded.device_label")
#: What sending needs of a device (plain rows, not ORM objects: a batch may hold thousands).
_DEVICE_COLUMNS = (PushSubscription.id, PushSubscription.user_id, PushSubscription.endpoint,
                   PushSubscription.p256dh, PushSubscription.auth, PushSubscription.app_origin,
                   PushSubscription.device_label)


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
        #: `now` as the database stores it (deliveries are written without SQLAlchemy types).
        convert = ReminderDelivery.__table__.c.attempted_at.type.bind_processor(
            db.session.get_bind().dialect)
        self.attempted_at = convert(now) if convert else now

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
        self.pending.rows.append((row, RowDecision(status, error)))
        counter = {ReminderStatus.DROPPED: "dropped", ReminderStatus.CANCELLED: "cancelled",
                   ReminderStatus.FAILED: "failed"}[status]
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
            User.id.in_(sorted({r.user_id for r in live})), User.is_active.is_(True))))
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
        for start in range(0, len(user_ids), 500):
            for sub in db.session.execute(sa.select(*_DEVICE_COLUMNS).where(
                    PushSubscription.user_id.in_(user_ids[start:start + 500]),
                    PushSubscription.disabled_at.is_(None))):
                devices[sub.user_id].append(sub)
                self.labels[sub.id] = sub.device_label
        retried = [r.id for r in rows if r.attempts > 1]
        for start in range(0, len(retried), 500):
            for reminder_id, subscription_id in db.session.execute(
                    sa.select(ReminderDelivery.reminder_id, ReminderDelivery.subscription_id)
                    .where(ReminderDelivery.reminder_id.in_(retried[start:start + 500]),
                           ReminderDelivery.outcome == DeliveryOutcome.DELIVERED)):
                self.delivered_before[reminder_id].add(subscription_id)
        people = self._people(user_ids)
        text_cache: dict = {}
        snooze = payload.snooze_serializer()
        jobs = []
        for row in rows:
            kind = KINDS[row.kind]
            targets = devices.get(row.user_id, [])
            if "device" in row.context:
                targets = [s for s in targets if s.id == row.subscription_id]
            targets = [s for s in targets if s.id not in self.delivered_before[row.id]]
            if not targets:
                if self.delivered_before[row.id]:
                    self.pending.rows.append((row, RowDecision(ReminderStatus.SENT,
                                                               sent_at=self.now)))
                    self.stats.sent += 1
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
                        snooze_path=self.d._snooze_path, cache=text_cache)
                except payload.PayloadTooLarge as error:
                    self._on_result(PushResult(job, DeliveryOutcome.FAILED,
                                               detail=f"payload too large ({error})"))
                    continue
                jobs.append(job)
        return jobs

    def _people(self, user_ids: list[int]) -> dict[int, tuple]:
        """Language, the program's neutral app name and detail choices, per person."""
        people = {}
        for user_id, language in db.session.execute(
                sa.select(User.id, User.language).where(User.id.in_(user_ids))):
            people[user_id] = [language or "en", None, ()]
        for user_id, app_name in db.session.execute(
                sa.select(Enrolment.participant_id, Program.app_name)
                .join(Program, Program.id == Enrolment.program_id)
                .where(Enrolment.participant_id.in_(user_ids),
                       Enrolment.status == EnrolmentStatus.ACTIVE)):
            if user_id in people:
                people[user_id][1] = app_name
        for user_id, detailed in db.session.execute(
                sa.select(ReminderPreference.user_id, ReminderPreference.detailed_kinds)
                .where(ReminderPreference.user_id.in_(user_ids))):
            if user_id in people:
                people[user_id][2] = tuple(detailed or ())
        return {k: tuple(v) for k, v in people.items()}

    # --- results ------------------------------------------------------------------------------

    def _on_result(self, result: PushResult) -> None:
        job = result.job
        row = self.rows[job.reminder_id]
        self.pending.deliveries.append((
            row.id, job.subscription_id, row.user_id, self.labels.get(job.subscription_id, ""),
            result.outcome.value, result.status, (result.detail or "")[:200] or None,
            self.attempted_at))
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
        results = self.results[row.id]
        results.append(result)
        if len(results) == self.expected.get(row.id, 1):
            decision = decide(row, results, self.now, self.d.max_attempts,
                              bool(self.delivered_before[row.id]), self.d.rng)
            self.pending.rows.append((row, decision))
            name = {ReminderStatus.SENT: "sent", ReminderStatus.PENDING: "retrying",
                    ReminderStatus.FAILED: "failed", ReminderStatus.DROPPED: "dropped"}
            counter = name[decision.status]
            setattr(self.stats, counter, getattr(self.stats, counter) + 1)
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
            db.session.execute(sa.update(PushSubscription).where(
                PushSubscription.id.in_(sorted(pending.delivered_subscriptions)))
                .values(last_delivered_at=self.now)
                .execution_options(synchronize_session=False))
        for subscription_id, reason in pending.rejected_subscriptions.items():
            db.session.execute(sa.update(PushSubscription).where(
                PushSubscription.id == subscription_id)
                .values(disabled_at=self.now, disabled_reason=reason[:200])
                .execution_options(synchronize_session=False))
        if pending.gone_subscriptions:
            db.session.execute(sa.delete(PushSubscription).where(
                PushSubscription.id.in_(sorted(pending.gone_subscriptions)))
                .execution_options(synchronize_session=False))
        if pending.alerts_notified:
            db.session.execute(
                sa.update(SafetyAlert).where(SafetyAlert.id.in_(sorted(pending.alerts_notified)),
                                             SafetyAlert.notified_at.is_(None))
                .values(notified_at=self.now).execution_options(synchronize_session=False))
        db.session.commit()
        if time.monotonic() - self.last_renewal > self.d.lease.total_seconds() / 3:
            self.last_renewal = time.monotonic()
            outbox.renew_leases(self.d.worker_id, self.d.clock(), self.d.lease)

    def _write_deliveries(self, deliveries: list[tuple]) -> None:
        """Upsert one delivery per (reminder, device) in one DBAPI executemany.

        The hot path of the worker (a row per message): the values were converted once when
        gathered and go to the driver as they are, which costs a fraction of SQLAlchemy's
        per-row parameter processing (see docs/benchmarks.md).
        """
        connection = db.session.connection()
        sql = _UPSERT_DELIVERY
        if connection.dialect.paramstyle != "qmark":
            sql = sql.replace("?", "%s")  # psycopg's placeholder; the SQL is a constant
        connection.exec_driver_sql(sql, deliveries)

    def _write_rows(self, rows: list) -> None:
        """One UPDATE per distinct outcome (usually one: "sent, now"), guarded by this
        worker's claim: a row whose lease was lost is left to the worker that has it now."""
        groups: dict[tuple, list[int]] = defaultdict(list)
        for row, decision in rows:
            groups[(decision.status, (decision.last_error or "")[:200] or None,
                    decision.next_attempt_at, decision.sent_at)].append(row.id)
        updated = 0
        for (status, error, next_at, sent_at), ids in groups.items():
            values = {"status": status, "last_error": error, "sent_at": sent_at,
                      "claimed_by": None, "lease_expires_at": None, "updated_at": self.now}
            if next_at is not None:
                values["next_attempt_at"] = next_at
            updated += db.session.execute(
                sa.update(Reminder).where(Reminder.id.in_(ids),
                                          Reminder.claimed_by == self.d.worker_id,
                                          Reminder.status == ReminderStatus.SENDING)
                .values(**values).execution_options(synchronize_session=False)).rowcount
        if updated != len(rows):
            log.warning("worker %s lost the lease on some reminders (another worker retries "
                        "them)", self.d.worker_id)
