"""The caseload: everyone currently in the staff member's programs, riskiest first.

Every column is loaded for the whole caseload at once (one query per flag rule and per column,
whatever the number of participants), so the page costs the same number of queries for 5
people as for 200.

Order: open safety alerts first, then flagged participants (more flags first, then the
riskiest flag), then everyone else; within each group the latest activity first.
"""

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import url_for
from sqlalchemy.orm import joinedload

from app.care.scope import caseload_enrolments
from app.database import utcnow
from app.extensions import db
from app.models import (
    AttendanceStatus,
    Checkin,
    Enrolment,
    LevelOfCare,
    Program,
    User,
)
from app.review import flags as review_flags
from app.review import queue, sparkline
from app.review.flags import FlagContext, Hit

#: Attendance is summed over this many past days.
ATTENDANCE_DAYS = 28
#: Longest name search accepted (longer input is cut, not refused).
SEARCH_MAX = 60


@dataclass(frozen=True)
class Column:
    """A column a capability adds to the caseload (skills: open homework).

    `load` answers {participant id: short text} for the whole caseload in one query.
    """

    key: str
    label: object
    load: Callable[[FlagContext], dict[int, str]]


COLUMNS: dict[str, Column] = {}


def register_column(column: Column) -> Column:
    """Add a caseload column (and its group-prep line) from a capability."""
    COLUMNS[column.key] = column
    return column


@dataclass
class Attendance4w:
    attended: int = 0  #: present or late
    absent: int = 0
    excused: int = 0

    @property
    def recorded(self) -> int:
        return self.attended + self.absent + self.excused


@dataclass
class Row:
    enrolment: Enrolment
    zone: str
    hits: list[Hit]
    last_checkin: datetime | None
    spark: sparkline.Sparkline
    attendance: Attendance4w
    unreviewed: int
    extras: dict[str, str] = field(default_factory=dict)
    oldest_alert: datetime | None = None

    @property
    def participant(self) -> User:
        return self.enrolment.participant

    @property
    def has_alert(self) -> bool:
        return any(h.flag.key == "open_alert" for h in self.hits)

    def sort_key(self) -> tuple:
        tier = 0 if self.has_alert else 1 if self.hits else 2
        riskiest = min((h.flag.rank for h in self.hits), default=999)
        last = self.last_checkin or datetime.min.replace(tzinfo=UTC)
        return (tier, -len(self.hits), riskiest, -last.timestamp(),
                self.participant.display_name.casefold())


@dataclass
class Filters:
    """What the caseload is narrowed to; every value comes from an allowlist."""

    program_id: int | None = None
    level: str | None = None
    flag: str | None = None
    q: str = ""
    mine: bool = False

    @property
    def active(self) -> bool:
        return bool(self.program_id or self.level or self.flag or self.q or self.mine)


def parse_filters(args, programs: list[Program]) -> Filters:
    """Filters from the query string; unknown values are ignored."""
    program_id = args.get("program", type=int)
    level = args.get("level", "")
    flag = args.get("flag", "")
    return Filters(
        program_id=program_id if program_id in {p.id for p in programs} else None,
        level=level if level in {lc.value for lc in LevelOfCare} else None,
        flag=flag if flag in review_flags.FLAGS else None,
        q=" ".join(args.get("q", "").split())[:SEARCH_MAX],
        mine=args.get("mine") == "1",
    )


#: Stands in for an id while a link pattern is built (see `id_url`).
_SOME_ID = 987654321


def id_url(endpoint: str, key: str) -> Callable[[int], str]:
    """`url_for(endpoint, key=id)` for many ids from one `url_for` call: the caseload links
    each of its rows twice, and `url_for` costs more than the rest of a row's link."""
    head, tail = url_for(endpoint, **{key: _SOME_ID}).split(str(_SOME_ID))
    return lambda value: f"{head}{int(value)}{tail}"


def _zone(enrolment: Enrolment) -> str:
    return enrolment.participant.time_zone or enrolment.program.time_zone


def _enrolments(staff: User, filters: Filters) -> list[Enrolment]:
    # Only what the rows show and the flags need: the participant's name and zone, the
    # program's name and zone (the primary clinician is compared by id).
    query = caseload_enrolments(staff).join(User, User.id == Enrolment.participant_id).options(
        joinedload(Enrolment.participant).load_only(User.display_name, User.time_zone),
        joinedload(Enrolment.program).load_only(Program.name, Program.time_zone))
    if filters.program_id:
        query = query.where(Enrolment.program_id == filters.program_id)
    if filters.level:
        query = query.where(Enrolment.level_of_care == LevelOfCare(filters.level))
    if filters.mine:
        query = query.where(Enrolment.primary_clinician_id == staff.id)
    if filters.q:
        escaped = filters.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(User.display_name.ilike(f"%{escaped}%", escape="\\"))
    seen, rows = set(), []
    for enrolment in db.session.scalars(query.order_by(Enrolment.start_date.desc())).unique():
        if enrolment.participant_id not in seen:  # one row per person
            seen.add(enrolment.participant_id)
            rows.append(enrolment)
    return rows


def context_for(staff: User, enrolments: list[Enrolment],
                now: datetime | None = None) -> FlagContext:
    """The flag context of a list of enrolments (no query)."""
    since = {}
    for e in enrolments:
        start = datetime.combine(e.start_date, datetime.min.time(), tzinfo=ZoneInfo(_zone(e)))
        since[e.participant_id] = max(start.astimezone(UTC), e.created_at)
    return FlagContext(staff=staff, participant_ids=[e.participant_id for e in enrolments],
                       now=now or utcnow(), enrolled_since=since,
                       zones={e.participant_id: _zone(e) for e in enrolments},
                       attendance_days=ATTENDANCE_DAYS)


def local_day_finder(zone: str, now: datetime, days: int) -> Callable[[datetime], date | None]:
    """For a naive UTC instant, its local day in `zone` among the `days` local days ending
    today, else None: what `astimezone(zone).date()` answers, by bisecting the days' UTC
    starts (the caseload places 3,000 mood answers). When the UTC offset is not the same at
    each of those midnights (a clock change), each instant is converted instead."""
    tz = ZoneInfo(zone)
    today = now.astimezone(tz).date()
    local = [today - timedelta(days=days - 1 - i) for i in range(days + 1)]
    starts = [datetime.combine(day, time(), tzinfo=tz) for day in local]
    if len({start.utcoffset() for start in starts}) > 1:
        def converted(instant: datetime) -> date | None:
            day = instant.replace(tzinfo=UTC).astimezone(tz).date()
            return day if local[0] <= day <= today else None
        return converted
    edges = [start.astimezone(UTC).replace(tzinfo=None) for start in starts]

    def bisected(instant: datetime) -> date | None:
        index = bisect_right(edges, instant) - 1
        return local[index] if 0 <= index < days else None
    return bisected


def _moods(ctx: FlagContext, zones: dict[int, str]) -> dict[int, sparkline.Sparkline]:
    start = ctx.now - timedelta(days=sparkline.DAYS + 1)
    finders = {zone: local_day_finder(zone, ctx.now, sparkline.DAYS)
               for zone in set(zones.values())}
    answers: dict[int, list] = defaultdict(list)
    # Naive UTC instants, read without turning each into an aware datetime: 3,000 rows for a
    # caseload of 200.
    occurred_at = sa.type_coerce(Checkin.occurred_at, sa.DateTime())
    for participant_id, at, mood in db.session.execute(
            sa.select(Checkin.participant_id, occurred_at, Checkin.mood)
            .where(Checkin.deleted_at.is_(None), Checkin.mood.is_not(None),
                   Checkin.occurred_at >= start,
                   ctx.records(Checkin.participant_id, Checkin.program_id,
                               Checkin.occurred_at))):
        day = finders[zones[participant_id]](at)
        if day is not None:
            answers[participant_id].append((day, mood))
    return {pid: sparkline.build(answers.get(pid, []), ctx.now.astimezone(ZoneInfo(z)).date())
            for pid, z in zones.items()}


def attendance_summaries(ctx: FlagContext) -> dict[int, Attendance4w]:
    """Recorded attendance over the last ATTENDANCE_DAYS per participant (`context_for` asks
    for it; read with the missed-sessions rule's query, one query for both)."""
    if ctx.attendance_days != ATTENDANCE_DAYS:
        raise ValueError("a caseload's context (context_for) counts ATTENDANCE_DAYS")
    found: dict[int, Attendance4w] = {}
    attended = {AttendanceStatus.PRESENT.value, AttendanceStatus.LATE.value}
    for participant_id, marks in review_flags.attendance_marks(ctx).items():
        if not marks.counts:
            continue
        summary = found[participant_id] = Attendance4w()
        for status, n in marks.counts.items():
            if status in attended:
                summary.attended += n
            elif status == AttendanceStatus.ABSENT.value:
                summary.absent += n
            else:
                summary.excused += n
    return found


@dataclass
class Caseload:
    rows: list[Row]
    total: int  #: before the flag filter
    columns: list[Column]
    counts: dict[str, int]  #: participants per flag (before the flag filter)


def build(staff: User, filters: Filters, now: datetime | None = None) -> Caseload:
    """The caseload's rows, sorted riskiest first."""
    enrolments = _enrolments(staff, filters)
    ctx = context_for(staff, enrolments, now)
    zones = {e.participant_id: _zone(e) for e in enrolments}
    hits = review_flags.evaluate(ctx) if enrolments else {}
    last = review_flags.last_checkins(ctx) if enrolments else {}
    moods = _moods(ctx, zones) if enrolments else {}
    attendance = attendance_summaries(ctx) if enrolments else {}
    unreviewed = queue.counts_by_participant(staff, ctx.participant_ids, ctx.now)
    columns = list(COLUMNS.values())
    extras = {c.key: c.load(ctx) for c in columns} if enrolments else {}
    rows = []
    counts: dict[str, int] = defaultdict(int)
    for e in enrolments:
        pid = e.participant_id
        row_hits = hits.get(pid, [])
        for hit in row_hits:
            counts[hit.flag.key] += 1
        rows.append(Row(
            enrolment=e, zone=zones[pid], hits=row_hits, last_checkin=last.get(pid),
            spark=moods[pid], attendance=attendance.get(pid, Attendance4w()),
            unreviewed=unreviewed.get(pid, 0),
            extras={key: values.get(pid, "") for key, values in extras.items()},
            oldest_alert=ctx.cache.get("oldest_alert", {}).get(pid)))
    total = len(rows)
    if filters.flag:
        rows = [r for r in rows if any(h.flag.key == filters.flag for h in r.hits)]
    rows.sort(key=Row.sort_key)
    return Caseload(rows, total, columns, dict(counts))
