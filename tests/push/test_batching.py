"""A batch costs a fixed number of SQL statements, whatever its size: one per kind of read and
one per kind of write (executemany), never one per reminder."""

from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import event

from app.push import batch, outbox


@contextmanager
def counting(engine):
    counter = {"statements": 0}

    def count(*_args):
        counter["statements"] += 1

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _queue_checkins(db, user, clock, count: int, first_day: int) -> None:
    # Check-in reminders: the kind whose "still wanted?" check reads check-ins before sending.
    for offset in range(first_day, first_day + count):
        day = (clock() + timedelta(days=offset)).date().isoformat()
        outbox.add(user.id, "checkin", f"checkin:{user.id}:{day}", clock(),
                   clock() + timedelta(hours=3), {"day": day, "zone": "UTC", "path": "/"})
    db.session.commit()


def test_statements_per_batch_do_not_grow_with_the_batch(
        db, world, make_device, dispatcher, fake_push, clock, monkeypatch):
    monkeypatch.setattr(batch, "FLUSH_SECONDS", 600.0)  # one write per kind: none on a timer
    make_device(world.participant_a)
    make_device(world.participant_a)
    worker = dispatcher()
    statements = []
    for count, first_day in ((3, 0), (30, 3)):
        _queue_checkins(db, world.participant_a, clock, count, first_day)
        with counting(db.engine) as counter:
            assert worker.run_once(plan=False).sent == count
        statements.append(counter["statements"])
    assert len(fake_push.received) == 66
    assert statements[0] == statements[1]
