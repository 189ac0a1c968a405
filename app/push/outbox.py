"""The reminder outbox: adding rows idempotently, claiming due rows, worker locks, clean-up.

**Claiming.** On PostgreSQL a worker claims a batch with `SELECT … FOR UPDATE SKIP LOCKED`
inside an UPDATE that marks the rows SENDING with its id and a lease, so any number of workers
on any number of machines claim disjoint rows. A row whose lease ran out (its worker died) is
claimable again, and another worker retries it. SQLite has no row locks: there, one worker at a
time sends, holding the "send" row of `worker_locks` (a lease renewed every batch); a second
worker waits until the first stops or its lease runs out.
"""

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db
from app.models import Reminder, ReminderDelivery, ReminderStatus, WorkerLock

#: Finished rows (and their deliveries) are deleted this long after they were due.
RETENTION = timedelta(days=30)
INSERT_CHUNK = 500

_CLAIMED_COLUMNS = (Reminder.id, Reminder.user_id, Reminder.subscription_id, Reminder.kind,
                    Reminder.dedupe_key, Reminder.context, Reminder.due_at, Reminder.stale_at,
                    Reminder.attempts)


@dataclass
class ClaimedRow:
    """A row a worker holds while it sends it."""

    id: int
    user_id: int
    subscription_id: int | None
    kind: str
    dedupe_key: str
    context: dict
    due_at: datetime
    stale_at: datetime
    attempts: int  #: including this attempt


def is_postgres() -> bool:
    """Whether the app's database is PostgreSQL."""
    return db.engine.dialect.name == "postgresql"


def in_ids(column, ids) -> sa.ColumnElement[bool]:
    """`column IN ids`, with the whole list as one bound parameter.

    `column.in_(a_list)` builds, coerces and binds a parameter per element, which costs the
    worker more than the query itself for batches of hundreds of ids. Here the list travels as
    one value: a PostgreSQL array (`= ANY(...)`), or a JSON array that SQLite's `json_each`
    unpacks. The statement does not change with the list's length, so it is compiled once.
    """
    ids = [int(i) for i in ids]
    if is_postgres():
        return column == sa.any_(sa.bindparam(None, ids, type_=postgresql.ARRAY(sa.Integer)))
    listed = sa.func.json_each(sa.bindparam(None, json.dumps(ids), type_=sa.String)) \
        .table_valued("value")
    return column.in_(sa.select(listed.c.value))


def _insert():
    return (postgresql.insert if is_postgres() else sqlite.insert)(Reminder.__table__)


def add_rows(rows: list[dict]) -> int:
    """Insert outbox rows, skipping any whose dedupe_key exists; returns how many were new.

    Each dict has dedupe_key, user_id, kind, due_at, stale_at, context and optionally
    subscription_id and is_planned. The caller commits.
    """
    if not rows:
        return 0
    values = [{"status": ReminderStatus.PENDING, "attempts": 0, "is_planned": True,
               "subscription_id": None, **row, "next_attempt_at": row["due_at"]}
              for row in rows]
    added = 0
    for start in range(0, len(values), INSERT_CHUNK):  # SQLite limits bound parameters
        # RETURNING lists only the rows inserted (rowcount is not reliable here).
        result = db.session.execute(
            _insert().values(values[start:start + INSERT_CHUNK])
            .on_conflict_do_nothing(index_elements=["dedupe_key"])
            .returning(Reminder.__table__.c.id))
        added += len(result.all())
    return added


def add(user_id: int, kind: str, dedupe_key: str, due_at: datetime, stale_at: datetime,
        context: dict | None = None, subscription_id: int | None = None,
        is_planned: bool = False) -> bool:
    """Add one row unless its key exists; True when it was new. The caller commits."""
    return add_rows([{"user_id": user_id, "kind": kind, "dedupe_key": dedupe_key,
                      "due_at": due_at, "stale_at": stale_at, "context": context or {},
                      "subscription_id": subscription_id, "is_planned": is_planned}]) == 1


def _claimable(now: datetime):
    return sa.or_(
        sa.and_(Reminder.status == ReminderStatus.PENDING, Reminder.next_attempt_at <= now),
        sa.and_(Reminder.status == ReminderStatus.SENDING, Reminder.lease_expires_at < now),
    )


def claim(worker_id: str, now: datetime, limit: int, lease: timedelta) -> list[ClaimedRow]:
    """Claim up to `limit` due rows for this worker and commit; the oldest first."""
    pick = (sa.select(Reminder.id).where(_claimable(now))
            .order_by(Reminder.next_attempt_at, Reminder.id).limit(limit))
    values = {"status": ReminderStatus.SENDING, "claimed_by": worker_id,
              "lease_expires_at": now + lease, "attempts": Reminder.attempts + 1,
              "updated_at": now}
    table = Reminder.__table__  # Core, not an ORM bulk update: nothing here is an object
    if is_postgres():
        picked = pick.with_for_update(skip_locked=True).cte("picked")
        update = sa.update(table).where(table.c.id == picked.c.id)
    else:  # one sender at a time (the "send" lock): no row locks needed
        update = sa.update(table).where(table.c.id.in_(pick.scalar_subquery()))
    rows = db.session.execute(update.values(**values).returning(
        *(table.c[column.key] for column in _CLAIMED_COLUMNS))).all()
    db.session.commit()
    claimed = [ClaimedRow(*row) for row in rows]
    claimed.sort(key=lambda r: (r.due_at, r.id))
    return claimed


def renew_leases(worker_id: str, now: datetime, lease: timedelta) -> None:
    """Extend this worker's claims (a long batch must not let another worker retry them)."""
    db.session.execute(
        sa.update(Reminder).where(Reminder.claimed_by == worker_id,
                                  Reminder.status == ReminderStatus.SENDING)
        .values(lease_expires_at=now + lease).execution_options(synchronize_session=False))
    db.session.commit()


def release_unsent(worker_id: str, ids: list[int]) -> None:
    """Give back claimed rows this worker will not send (it is stopping)."""
    if ids:
        db.session.execute(
            sa.update(Reminder).where(in_ids(Reminder.id, ids), Reminder.claimed_by == worker_id,
                                      Reminder.status == ReminderStatus.SENDING)
            .values(status=ReminderStatus.PENDING, claimed_by=None, lease_expires_at=None,
                    attempts=Reminder.attempts - 1)
            .execution_options(synchronize_session=False))
        db.session.commit()


def acquire_lock(name: str, holder: str, now: datetime, ttl: timedelta) -> bool:
    """Take (or renew) the named lock for `ttl`; False when another holder has it. Commits."""
    insert = (postgresql.insert if is_postgres() else sqlite.insert)(WorkerLock)
    db.session.execute(insert.values(name=name, holder=None, expires_at=now)
                       .on_conflict_do_nothing(index_elements=["name"]))
    result = db.session.execute(
        sa.update(WorkerLock).where(
            WorkerLock.name == name,
            sa.or_(WorkerLock.holder == holder, WorkerLock.holder.is_(None),
                   WorkerLock.expires_at < now))
        .values(holder=holder, expires_at=now + ttl)
        .execution_options(synchronize_session=False))
    db.session.commit()
    return result.rowcount == 1


def release_lock(name: str, holder: str) -> None:
    """Let go of the named lock if this holder has it. Commits."""
    db.session.execute(
        sa.update(WorkerLock).where(WorkerLock.name == name, WorkerLock.holder == holder)
        .values(holder=None).execution_options(synchronize_session=False))
    db.session.commit()


def purge(now: datetime, retention: timedelta = RETENTION) -> int:
    """Delete finished rows (and their deliveries) older than the retention. Commits."""
    old = sa.select(Reminder.id).where(
        Reminder.status.notin_([ReminderStatus.PENDING, ReminderStatus.SENDING]),
        Reminder.due_at < now - retention)
    db.session.execute(sa.delete(ReminderDelivery).where(ReminderDelivery.reminder_id.in_(old)))
    result = db.session.execute(sa.delete(Reminder).where(Reminder.id.in_(old))
                                .execution_options(synchronize_session=False))
    db.session.commit()
    return result.rowcount
