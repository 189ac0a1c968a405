"""Fixtures for the session schedule: a series factory, occurrence keys, a query counter."""

import re
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import event

from app.models import SessionKind, SessionSeries
from app.schedule import series as session_series
from app.schedule.series import SeriesDetails


@pytest.fixture
def make_series(db):
    """Factory: a series made through the service (weekly on Mondays, 09:00, 90 minutes)."""

    def make(program, participant=None, created_by=None, **fields) -> SessionSeries:
        details = {
            "kind": SessionKind.GROUP_THERAPY, "title": "Morning group",
            "time_zone": program.time_zone, "start_time": time(9, 0), "duration_minutes": 90,
            "start_date": date.today() - timedelta(days=7), "recurrence": "FREQ=WEEKLY;BYDAY=MO",
            **fields,
        }
        series = session_series.create_series(program, SeriesDetails(**details), created_by,
                                               participant)
        db.session.commit()
        return series

    return make


def page_text(response) -> str:
    """A response's HTML with CLDR's narrow no-break spaces ("9:00\u202fAM") made plain."""
    return response.get_data(as_text=True).replace("\u202f", " ")


def visible_text(response) -> str:
    """What a reader sees: tags removed, spaces collapsed (CLDR's narrow ones too)."""
    return visible_text_of(page_text(response))


def visible_text_of(html: str) -> str:
    """The text of a piece of HTML: tags removed, spaces collapsed."""
    text = re.sub(r"<[^>]+>", " ", html.replace("\u202f", " "))
    return re.sub(r"\s+", " ", text)


def key(local: datetime) -> str:
    """An occurrence's URL key from its original local start."""
    return local.strftime("%Y%m%dT%H%M")


def session_url(series, local: datetime) -> str:
    """The participant's page for one occurrence."""
    return f"/sessions/{series.id}/{key(local)}"


def roster_url(series, local: datetime) -> str:
    """The staff roster for one occurrence."""
    return f"/clinician/sessions/series/{series.id}/{key(local)}"


@pytest.fixture
def count_queries(db):
    """Context manager counting SQL statements sent while it is open."""

    @contextmanager
    def counting():
        counter = {"n": 0}

        def count(*_args):
            counter["n"] += 1

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            yield counter
        finally:
            event.remove(db.engine, "before_cursor_execute", count)

    return counting
