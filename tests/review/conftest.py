"""Fixtures for the review pages: scores, alerts and attendance made directly, a query counter."""

import re
import uuid
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event

from app.models import (
    Attendance,
    AttendanceStatus,
    Checkin,
    SafetyAlert,
    ScaleResponse,
    SessionKind,
    SessionOccurrence,
    SessionSeries,
)
from app.scales.registry import SCALES, score


def _program_id(participant) -> int | None:
    """The program a real save would record (the participant's care enrolment's)."""
    from app.care.team import care_enrolment

    enrolment = care_enrolment(participant)
    return enrolment.program_id if enrolment else None


@pytest.fixture
def make_checkin(db):
    """Factory: a check-in `days_ago` back, recorded in the participant's program as a real
    save would (staff see records by the enrolment they belong to)."""

    def make(participant, days_ago: float = 0, **answers) -> Checkin:
        moment = datetime.now(UTC) - timedelta(days=days_ago)
        answers.setdefault("program_id", _program_id(participant))
        checkin = Checkin(participant_id=participant.id, client_uuid=str(uuid.uuid4()),
                          content_hash="0" * 64, occurred_at=moment, received_at=moment,
                          feelings=answers.pop("feelings", []), **answers)
        db.session.add(checkin)
        db.session.commit()
        return checkin

    return make


@pytest.fixture
def make_score(db):
    """Factory: a scale response `days_ago` back, with answers summing to `total` (filled from
    the first item on, so PHQ-9's safety item stays 0 up to 24) unless `answers` are given."""

    def make(participant, scale_key: str, total: int | None = None, days_ago: float = 0,
             answers: dict | None = None, program=None) -> ScaleResponse:
        scale = SCALES[scale_key]
        if answers is None:
            answers, left = {}, total
            for item in scale.scored_items:
                value = min(left, max(o.value for o in scale.options))
                answers[item.key] = value
                left -= value
        scored = score(scale, answers)
        moment = datetime.now(UTC) - timedelta(days=days_ago)
        row = ScaleResponse(participant_id=participant.id, scale=scale_key,
                            program_id=program.id if program else _program_id(participant),
                            client_uuid=str(uuid.uuid4()), content_hash="0" * 64,
                            answers=answers, total=scored.total, band=scored.band.key,
                            subscores=scored.subscores, submitted_at=moment)
        db.session.add(row)
        db.session.commit()
        return row

    return make


@pytest.fixture
def make_alert(db):
    """Factory: a safety alert of a participant in a program, `hours_ago` old."""

    def make(participant, program, hours_ago: float = 1, checkin=None,
             triggers=None) -> SafetyAlert:
        alert = SafetyAlert(participant_id=participant.id, program_id=program.id,
                            checkin_id=checkin.id if checkin else None,
                            triggers=triggers or [{"code": "safety_question", "value": True}],
                            created_at=datetime.now(UTC) - timedelta(hours=hours_ago))
        db.session.add(alert)
        db.session.commit()
        return alert

    return make


@pytest.fixture
def make_attendance(db):
    """Factory: marks for a participant at one-off group sessions, oldest first, each a day
    apart and ending before now."""

    def make(participant, program, statuses: list[AttendanceStatus]) -> list[Attendance]:
        rows = []
        count = len(statuses)
        for index, status in enumerate(statuses):
            start = datetime.now(UTC) - timedelta(days=count - index, hours=2)
            series = SessionSeries(
                program_id=program.id, kind=SessionKind.GROUP_THERAPY, title="Group",
                time_zone="UTC", start_time=start.time().replace(microsecond=0),
                duration_minutes=60, anchor_date=start.date(), start_date=start.date(),
                end_date=start.date())
            db.session.add(series)
            db.session.flush()
            occurrence = SessionOccurrence(
                series_id=series.id,
                original_start_local=start.replace(tzinfo=None, microsecond=0),
                original_start_at=start.replace(microsecond=0))
            db.session.add(occurrence)
            db.session.flush()
            row = Attendance(occurrence_id=occurrence.id, participant_id=participant.id,
                             status=status, status_recorded_at=start)
            db.session.add(row)
            rows.append(row)
        db.session.commit()
        return rows

    return make


@pytest.fixture
def count_queries(db):
    """Context manager counting SQL statements sent while it is open (their text in "sql")."""

    @contextmanager
    def counting():
        counter = {"n": 0, "sql": []}

        def count(_conn, _cursor, statement, *_args):
            counter["n"] += 1
            counter["sql"].append(statement)

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            yield counter
        finally:
            event.remove(db.engine, "before_cursor_execute", count)

    return counting


def text_of(response) -> str:
    """What a reader sees: tags removed, spaces collapsed."""
    html = response.get_data(as_text=True).replace("\u202f", " ")
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
