"""Every participant page sends as many SQL queries for months of history as for a few days:
check-ins, questionnaires, skill practices and medications (docs/benchmarks.md; the pages
then cost the same for someone a year into their program as in their first week)."""

import uuid
from collections import Counter
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event

from app.medications import listing
from app.models import Checkin, ScaleResponse
from app.skills import catalogue
from tests.medications.conftest import today_in
from tests.skills.helpers import add_practice

PAGES = ["/today", "/schedule", "/checkin", "/skills", "/me", "/progress", "/crisis",
         "/medications", "/safety-plan", "/skills/history"]
SKILLS = ["paced-breathing", "halt", "urge-surfing", "stop", "wise-mind"]


@pytest.fixture
def count_queries(db):
    """Context manager counting SQL statements sent while it is open."""

    @contextmanager
    def counting():
        counter = {"n": 0, "sql": []}

        def count(_conn, _cursor, statement, *_args):
            counter["n"] += 1
            counter["sql"].append(" ".join(statement.split())[-300:])

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            yield counter
        finally:
            event.remove(db.engine, "before_cursor_execute", count)

    return counting


def _history(db, participant, first_day: int, days: int) -> None:
    """`days` days of a participant's records, starting `first_day` days back: a check-in a
    day, a PHQ-9 a week, a skill practised a day, a medication every ten days (from the first)."""
    now = datetime.now(UTC)
    for day in range(first_day, first_day + days):
        moment = now - timedelta(days=day, hours=2)
        db.session.add(Checkin(participant_id=participant.id, client_uuid=str(uuid.uuid4()),
                               content_hash="0" * 64, occurred_at=moment, received_at=moment,
                               feelings=["calm"], mood=1 + day % 5, sleep_hours=7))
        if day % 7 == 0:
            db.session.add(ScaleResponse(
                participant_id=participant.id, scale="phq9", client_uuid=str(uuid.uuid4()),
                content_hash="x" * 64, answers={}, total=day % 27, band="mild",
                submitted_at=moment))
        db.session.commit()
        add_practice(participant, SKILLS[day % len(SKILLS)], moment, before=6, after=3,
                     helpful=4)
        if day % 10 == 1:
            today = today_in()
            details = listing.Details(name=f"medicine {day}", strength="5 mg", form="tablet",
                                      amount="1 tablet", times=["08:00"], is_as_needed=False)
            listing.add(participant, details, today - timedelta(days=1), participant, today)


@pytest.mark.parametrize("page", PAGES)
def test_participant_pages_send_as_many_queries_for_a_long_history(
        page, app, db, world, login_as, count_queries):
    catalogue.sync()
    participant = world.participant_a
    client = app.test_client()
    login_as(participant, on=client)
    _history(db, participant, 1, 3)
    assert client.get(page).status_code == 200  # warm: first-request work is not counted
    with count_queries() as short:
        assert client.get(page).status_code == 200
    _history(db, participant, 4, 40)
    with count_queries() as long:
        assert client.get(page).status_code == 200
    extra = Counter(long["sql"]) - Counter(short["sql"])
    assert long["n"] == short["n"], (page, list(extra.elements()))
