"""Push fixtures: the fake push service, devices on it, a dispatcher with a clock."""

from datetime import UTC, datetime, timedelta

import pytest

from app.push import subscriptions
from app.push.dispatcher import Dispatcher
from app.push.vapid import keys
from tests.push.fake_push_service import FakePushService

ANDROID_CHROME = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like "
                  "Gecko) Chrome/130.0.0.0 Mobile Safari/537.36")


class Clock:
    """A settable clock for the dispatcher and the planner."""

    def __init__(self, now: datetime | None = None):
        self.now = now or datetime.now(UTC).replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def fake_push(app):
    """A fake push service that checks our VAPID signature with this app's public key."""
    with app.app_context():
        public_key = keys(app).public_key
    service = FakePushService(public_key).start()
    yield service
    service.stop()


@pytest.fixture
def clock():
    """A clock at the current second (tests move it)."""
    return Clock()


@pytest.fixture
def make_device(db, fake_push):
    """Factory: a device of `user` subscribed at the fake push service (or at `service`)."""

    def make(user, service=None, user_agent=ANDROID_CHROME, origin="https://trellis.test/"):
        data = (service or fake_push).subscription()
        row, _created = subscriptions.save(user, data, user_agent, origin)
        db.session.commit()
        return row

    return make


@pytest.fixture
def dispatcher(app, clock):
    """Factory: a dispatcher on the test clock (closed after the test)."""
    made = []

    def make(**kwargs):
        kwargs.setdefault("clock", clock)
        made.append(Dispatcher(app, **kwargs))
        return made[-1]

    yield make
    for item in made:
        item.close()


@pytest.fixture
def make_session(db):
    """Factory: a one-off (or recurring) session of `program`, through the schedule service."""
    from datetime import time as clock_time

    from app.models import SessionKind
    from app.schedule import series as session_series
    from app.schedule.series import SeriesDetails

    def make(program, day, at=clock_time(10, 0), participant=None, recurrence=None,
             title="Morning group", kind=SessionKind.GROUP_THERAPY, minutes=90):
        details = SeriesDetails(kind=kind, title=title, time_zone=program.time_zone,
                                start_time=at, duration_minutes=minutes, start_date=day,
                                recurrence=recurrence)
        series = session_series.create_series(program, details, None, participant)
        db.session.commit()
        return series

    return make


@pytest.fixture
def check_in(app, db):
    """Save a check-in for a participant through the check-in service."""
    import uuid

    from app.checkins import service as checkins

    def save(participant, **answers):
        with app.test_request_context():
            result = checkins.save(participant, {"client_uuid": str(uuid.uuid4()), "mood": "3",
                                                 **answers})
        db.session.commit()
        return result

    return save


def pending(db, kind=None):
    """Pending outbox rows (optionally of one kind), oldest due first."""
    import sqlalchemy as sa

    from app.models import Reminder, ReminderStatus

    query = sa.select(Reminder).where(Reminder.status == ReminderStatus.PENDING)
    if kind:
        query = query.where(Reminder.kind == kind)
    return list(db.session.scalars(query.order_by(Reminder.due_at, Reminder.id)))
