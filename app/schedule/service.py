"""Session schedule: series expanded into occurrences over bounded windows, and their records.

**Occurrence identity.** An occurrence is named by its series and the local start the series
gives it (`original_start_local`: naive, in the series' zone), written in URLs as
`<series_id>/<YYYYMMDDTHHMM>`. Moving an occurrence does not change its identity. A
`SessionOccurrence` row with that key is created lazily (`ensure_record`), the first time
something is recorded about the occurrence: cancelled, moved, attendance, a participant's notice.
Until then the occurrence exists only as computed here. Attendance, notices, cancellations and
moves all hang off that one row.

**Time.** A series stores a local start time and an IANA zone; each occurrence is computed as a
local datetime and converted to UTC with zoneinfo, so a 09:00 session stays at 09:00 local across
DST changes. A local time that does not exist (02:30 on a spring-forward day) resolves with
fold=0, an hour later in the new offset; an ambiguous one (01:30 on a fall-back day) is its first
instance.

**Bounded.** A window expands only the days it covers (`app.schedule.recurrence`), and pages
fetch series, exception rows and attendance in a fixed number of queries, whatever the number of
series.
"""
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import Attendance, Enrolment, SessionOccurrence, SessionSeries, User
from app.schedule.recurrence import iter_local

#: Longest session a series may have; also how far back a window looks for one still running.
MAX_DURATION = timedelta(hours=12)
#: How occurrences are named in URLs: the original local start.
KEY_FORMAT = "%Y%m%dT%H%M"
#: Years a key may name; others are a 404 rather than an overflow near year 9999.
KEY_YEARS = (1970, 2200)


def local_starts(series: SessionSeries, first_day: date, last_day: date) -> list[datetime]:
    """The series' original local starts on days first_day..last_day (inclusive)."""
    first = max(first_day, series.start_date)
    last = last_day if series.end_date is None else min(last_day, series.end_date)
    if first > last:
        return []
    if series.recurrence is None:
        return [datetime.combine(series.start_date, series.start_time)]
    return list(iter_local(series.recurrence, series.anchor_date, series.start_time,
                            first, last))


def to_utc(local: datetime, zone: str) -> datetime:
    """A naive local time in `zone` as a UTC instant."""
    return local.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)


# --- occurrences ------------------------------------------------------------------------------

@dataclass
class Occurrence:
    """One session as it happens: its series, identity, actual times and its record, if any."""

    series: SessionSeries
    original_start_local: datetime
    start_at: datetime
    end_at: datetime
    record: SessionOccurrence | None = None
    #: The viewing participant's attendance row, when the listing was for a participant.
    attendance: Attendance | None = None

    @property
    def key(self) -> str:
        return self.original_start_local.strftime(KEY_FORMAT)

    @property
    def original_start_at(self) -> datetime:
        return to_utc(self.original_start_local, self.series.time_zone)

    @property
    def is_cancelled(self) -> bool:
        return self.record is not None and self.record.cancelled_at is not None

    @property
    def is_moved(self) -> bool:
        return self.record is not None and self.record.moved_start_at is not None

    def has_started(self, now: datetime) -> bool:
        return now >= self.start_at

    def has_ended(self, now: datetime) -> bool:
        return now >= self.end_at


def parse_key(key: str) -> datetime | None:
    """The original local start named by a URL key such as 20270315T0900, or None."""
    if len(key) != 13 or not key[:8].isdigit() or key[8] != "T" or not key[9:].isdigit():
        return None
    try:
        start = datetime.strptime(key, KEY_FORMAT)
    except ValueError:
        return None
    return start if KEY_YEARS[0] <= start.year <= KEY_YEARS[1] else None


def _build(series: SessionSeries, local: datetime, record: SessionOccurrence | None) -> Occurrence:
    start = to_utc(local, series.time_zone)
    minutes = series.duration_minutes
    if record is not None and record.moved_start_at is not None:
        start = record.moved_start_at
        minutes = record.moved_duration_minutes or minutes
    return Occurrence(series, local, start, start + timedelta(minutes=minutes), record)


Include = Callable[[SessionSeries, date], bool]


def _combine(
    series_list: list[SessionSeries], records: list[SessionOccurrence],
    start_at: datetime, end_at: datetime, include: Include,
) -> list[Occurrence]:
    """Expand each series over the window and lay its records over the result."""
    record_for = {(r.series_id, r.original_start_local): r for r in records}
    found: dict[tuple[int, datetime], Occurrence] = {}
    for series in series_list:
        zone = ZoneInfo(series.time_zone)
        first_day = (start_at - MAX_DURATION).astimezone(zone).date()
        last_day = end_at.astimezone(zone).date()
        for local in local_starts(series, first_day, last_day):
            if include(series, local.date()):
                found[series.id, local] = _build(series, local, record_for.get((series.id, local)))
    by_id = {s.id: s for s in series_list}
    for record in records:  # moved into the window from a day outside it
        key = (record.series_id, record.original_start_local)
        series = by_id.get(record.series_id)
        if key in found or record.moved_start_at is None or series is None:
            continue
        day = record.original_start_local.date()
        if include(series, day) and record.original_start_local in local_starts(series, day, day):
            found[key] = _build(series, record.original_start_local, record)
    shown = [o for o in found.values() if o.end_at > start_at and o.start_at < end_at]
    return sorted(shown, key=lambda o: (o.start_at, o.series.title, o.series.id))


def _window_filters(start_at: datetime, end_at: datetime):
    """Series dates that may touch the window (zones are within a day of UTC), and records."""
    first_day = (start_at - MAX_DURATION - timedelta(days=1)).date()
    last_day = (end_at + timedelta(days=1)).date()
    moved_in = sa.and_(SessionOccurrence.moved_start_at >= start_at - MAX_DURATION,
                       SessionOccurrence.moved_start_at < end_at)
    dated = sa.and_(SessionSeries.start_date <= last_day,
                    sa.or_(SessionSeries.end_date.is_(None), SessionSeries.end_date >= first_day))
    series_filter = sa.or_(dated, SessionSeries.id.in_(
        sa.select(SessionOccurrence.series_id).where(moved_in)))
    margin = MAX_DURATION + timedelta(days=2)
    record_filter = sa.or_(
        sa.and_(SessionOccurrence.original_start_at >= start_at - margin,
                SessionOccurrence.original_start_at < end_at + timedelta(days=2)),
        moved_in)
    return series_filter, record_filter


def _load(series_query: sa.Select, start_at: datetime, end_at: datetime):
    series_filter, record_filter = _window_filters(start_at, end_at)
    series_list = list(db.session.scalars(
        series_query.where(series_filter)
        .options(joinedload(SessionSeries.program), joinedload(SessionSeries.participant))
    ).unique())
    records: list[SessionOccurrence] = []
    if series_list:
        records = list(db.session.scalars(
            sa.select(SessionOccurrence)
            .where(SessionOccurrence.series_id.in_([s.id for s in series_list]))
            .where(record_filter)))
    return series_list, records


def participant_occurrences(
    participant: User, start_at: datetime, end_at: datetime
) -> list[Occurrence]:
    """A participant's sessions overlapping [start_at, end_at), with their attendance rows.

    Program sessions count on the days an enrolment in that program covers (so a step-down
    switches programs on its date); appointments made for the participant always count.
    Four queries, whatever the number of series.
    """
    enrolled: dict[int, list[tuple[date, date | None]]] = defaultdict(list)
    for enrolment in db.session.scalars(
        sa.select(Enrolment).where(Enrolment.participant_id == participant.id)
    ):
        enrolled[enrolment.program_id].append((enrolment.start_date, enrolment.end_date))

    def include(series: SessionSeries, day: date) -> bool:
        if series.participant_id is not None:
            return series.participant_id == participant.id
        return any(first <= day and (last is None or day <= last)
                   for first, last in enrolled.get(series.program_id, ()))

    query = sa.select(SessionSeries).where(sa.or_(
        sa.and_(SessionSeries.program_id.in_(list(enrolled)),
                SessionSeries.participant_id.is_(None)),
        SessionSeries.participant_id == participant.id))
    series_list, records = _load(query, start_at, end_at)
    occurrences = _combine(series_list, records, start_at, end_at, include)
    record_ids = [o.record.id for o in occurrences if o.record is not None]
    if record_ids:
        rows = db.session.scalars(
            sa.select(Attendance).where(Attendance.participant_id == participant.id)
            .where(Attendance.occurrence_id.in_(record_ids)))
        by_record = {row.occurrence_id: row for row in rows}
        for occurrence in occurrences:
            if occurrence.record is not None:
                occurrence.attendance = by_record.get(occurrence.record.id)
    return occurrences


def program_occurrences(
    program_ids: list[int], start_at: datetime, end_at: datetime
) -> list[Occurrence]:
    """Every session of these programs (groups and appointments) overlapping the window."""
    query = sa.select(SessionSeries).where(SessionSeries.program_id.in_(program_ids))
    series_list, records = _load(query, start_at, end_at)
    return _combine(series_list, records, start_at, end_at, lambda _series, _day: True)


def series_occurrences(
    series: SessionSeries, start_at: datetime, end_at: datetime
) -> list[Occurrence]:
    """One series' occurrences overlapping the window, with their records."""
    query = sa.select(SessionSeries).where(SessionSeries.id == series.id)
    series_list, records = _load(query, start_at, end_at)
    return _combine(series_list, records, start_at, end_at, lambda _series, _day: True)


def find_occurrence(series: SessionSeries, original_local: datetime) -> Occurrence | None:
    """The occurrence of `series` that the series starts at `original_local`, or None."""
    day = original_local.date()
    if original_local not in local_starts(series, day, day):
        return None
    record = db.session.scalar(
        sa.select(SessionOccurrence).where(SessionOccurrence.series_id == series.id)
        .where(SessionOccurrence.original_start_local == original_local))
    return _build(series, original_local, record)


def ensure_record(occurrence: Occurrence) -> SessionOccurrence:
    """The occurrence's row, added now if this is the first thing recorded about it."""
    if occurrence.record is None:
        occurrence.record = SessionOccurrence(
            series_id=occurrence.series.id,
            original_start_local=occurrence.original_start_local,
            original_start_at=occurrence.original_start_at,
        )
        db.session.add(occurrence.record)
        db.session.flush()
    return occurrence.record


T = TypeVar("T")


def commit_with_retry(action: Callable[[], T]) -> T:
    """Run `action` and commit; if another request created the same row first, run it again.

    Occurrence and attendance rows are created on first use, so two people acting on the same
    session at once can both try to insert one; the unique key stops the second, which then
    starts over and finds the first's row. `action` must look everything up afresh.
    """
    try:
        result = action()
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        result = action()
        db.session.commit()
    return result


def enrolled_on(participant_id: int, program_id: int, day: date) -> bool:
    """Whether the participant had an enrolment in the program covering `day`."""
    return db.session.scalar(
        sa.select(Enrolment.id).where(
            Enrolment.participant_id == participant_id, Enrolment.program_id == program_id,
            Enrolment.start_date <= day,
            sa.or_(Enrolment.end_date.is_(None), Enrolment.end_date >= day)).limit(1)
    ) is not None


def belongs_to(occurrence: Occurrence, participant_id: int) -> bool:
    """Whether the occurrence is one of the participant's sessions (and on their roster)."""
    series = occurrence.series
    if series.participant_id is not None:
        return series.participant_id == participant_id
    return enrolled_on(participant_id, series.program_id, occurrence.original_start_local.date())
