"""A participant's record for staff: the range shown, its charts and timeline, their flags."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.care.scope import CareAccess, caseload_enrolments
from app.care.team import participant_zone
from app.checkins import settings as checkin_settings
from app.checkins.items import CHARTED
from app.database import utcnow
from app.extensions import db
from app.models import Checkin, Enrolment, ScaleResponse, User
from app.progress import charts as progress
from app.progress import summaries
from app.review import flags as review_flags
from app.review import timeline
from app.review.caseload import context_for
from app.scales.registry import SCALES

#: The ranges a record offers ("all": since admission).
RANGES = ("14", "30", "90", "all")
RANGE_LABELS = {"14": _l("14 days"), "30": _l("30 days"), "90": _l("90 days"),
                "all": _l("Since admission")}
#: The longest "since admission" drawn.
MAX_DAYS = 730
#: Scales drawn against their bands on the record.
CHARTED_SCALES = ("phq9", "gad7")


@dataclass(frozen=True)
class Range:
    key: str
    days: int
    first_day: date
    start: datetime
    end: datetime


def admission_day(participant: User, staff: User) -> date | None:
    """The first day of the participant's earliest enrolment in the staff member's programs."""
    from app.care.scope import staff_program_ids

    return db.session.scalar(
        sa.select(sa.func.min(Enrolment.start_date)).where(
            Enrolment.participant_id == participant.id,
            Enrolment.program_id.in_(staff_program_ids(staff))))


def record_range(key: str, participant: User, staff: User, zone: str,
                 now: datetime | None = None) -> Range:
    """The range to show: 14, 30 or 90 days ending today, or since admission."""
    now = now or utcnow()
    key = key if key in RANGES else RANGES[0]
    today = now.astimezone(ZoneInfo(zone)).date()
    if key == "all":
        first = admission_day(participant, staff) or today - timedelta(days=13)
        days = min(MAX_DAYS, max(1, (today - first).days + 1))
    else:
        days = int(key)
    first = today - timedelta(days=days - 1)
    start = datetime.combine(first, datetime.min.time(), tzinfo=ZoneInfo(zone)).astimezone(UTC)
    return Range(key, days, first, start, now + timedelta(minutes=1))


def charts(participant: User, access: CareAccess, span: Range, zone: str, now: datetime):
    """The same charts participants see (mood, anxiety, craving; PHQ-9 and GAD-7 over their
    bands), drawn only from what the staff member may read."""
    rows = list(db.session.scalars(sa.select(Checkin).where(
        Checkin.participant_id == participant.id, Checkin.deleted_at.is_(None),
        Checkin.occurred_at >= span.start,
        access.records(Checkin.program_id, Checkin.occurred_at))
        .order_by(Checkin.occurred_at.desc())))
    enrolment = db.session.scalar(
        sa.select(Enrolment).where(Enrolment.participant_id == participant.id)
        .order_by(Enrolment.start_date.desc()).limit(1))
    settings = checkin_settings.for_program(enrolment.program if enrolment else None)
    keys = [k for k in CHARTED if settings.shows(k)]
    item_charts, counts = progress.item_charts(participant, keys, span.days, zone, now,
                                               rows=rows)
    condition = access.records(ScaleResponse.program_id, ScaleResponse.submitted_at)
    scale_charts = []
    for key in CHARTED_SCALES:
        chart = progress.scale_chart(participant, SCALES[key], span.days, zone, now,
                                     condition=condition)
        scale_charts.append((SCALES[key], chart, summaries.scale_summary(chart, SCALES[key])))
    return [(c, summaries.item_summary(c)) for c in item_charts], scale_charts, counts


def flags_for(staff: User, participant: User, now: datetime) -> list:
    """The participant's caseload flags, when they are on the staff member's caseload."""
    enrolment = db.session.scalar(caseload_enrolments(staff).where(
        Enrolment.participant_id == participant.id).limit(1))
    if enrolment is None:
        return []
    return review_flags.evaluate(context_for(staff, [enrolment], now)).get(participant.id, [])


def timeline_for(staff: User, participant: User, access: CareAccess, span: Range,
                 zone: str) -> list[timeline.Entry]:
    """Every entry of the range, newest first."""
    return timeline.entries(timeline.TimelineQuery(staff, participant, access, span.start,
                                                   span.end, zone))


#: Scores listed per scale on the record (newest first).
SCORES_SHOWN = 12


def score_histories(participant: User, access: CareAccess) -> list[tuple]:
    """Each scale's latest scores with their change, of what the staff member may read."""
    from app.scales import service as scale_responses

    seen = access.records(ScaleResponse.program_id, ScaleResponse.submitted_at)
    histories = [(scale, scale_responses.history(participant.id, scale, limit=SCORES_SHOWN,
                                                 where=seen)) for scale in SCALES.values()]
    return [(scale, rows) for scale, rows in histories if rows]


#: Notes and messages listed in their own section of the record.
WRITTEN_LIMIT = 10


def written_for(staff: User, participant: User, access: CareAccess, zone: str,
                now: datetime) -> list[timeline.Entry]:
    """The latest private notes and messages, whatever the range shown."""
    query = timeline.TimelineQuery(staff, participant, access,
                                   datetime(1970, 1, 1, tzinfo=UTC), now + timedelta(minutes=1),
                                   zone)
    return timeline.entries(query, kinds={"note", "message"})[:WRITTEN_LIMIT]


def zone_of(participant: User) -> str:
    return participant_zone(participant)
