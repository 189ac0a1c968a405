"""Medication fixtures: a participant in New York with a list, and a way to add to it."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.database import utcnow
from app.medications import listing
from app.medications.schedule import local_today

NY = ZoneInfo("America/New_York")


def today_in(zone: str = "America/New_York", now: datetime | None = None) -> date:
    """The local day now (or at `now`) in a zone."""
    return local_today(zone, now or utcnow())


@pytest.fixture
def add_medication(db):
    """Factory: a medication on `participant`'s list, entered by `by` (default: themselves)."""

    def add(participant, name="sertraline", times=("08:00",), by=None, start_on=None,
            strength="50 mg", as_needed=False, today=None, **fields):
        details = listing.Details(name=name, strength=strength, form=fields.pop("form", "tablet"),
                                  amount=fields.pop("amount", "1 tablet"),
                                  times=[] if as_needed else list(times), is_as_needed=as_needed,
                                  **fields)
        today = today or today_in()
        return listing.add(participant, details, start_on or today - timedelta(days=1),
                           by or participant, today)

    return add


def backdate(db, medication, day: date) -> None:
    """Count the medication's doses from `day` (as if it had been on the list since then)."""
    for entry in medication.entries:
        entry.tracked_from = max(entry.start_on, day)
    db.session.commit()


# The push package's fixtures (fake push service, devices on it, a clock, a dispatcher).
from tests.push.conftest import clock, dispatcher, fake_push, make_device  # noqa: E402, F401
