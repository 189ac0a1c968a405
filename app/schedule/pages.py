"""What the participant's Today and Schedule pages show (their views stay in `participant`)."""

from datetime import date, datetime, timedelta
from itertools import groupby
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from app.database import utcnow
from app.extensions import db
from app.models import Enrolment, Program, User
from app.schedule.service import Occurrence, participant_occurrences

#: How far ahead Today looks for "your next session".
NEXT_SESSION_HORIZON = timedelta(days=35)
#: Schedule: this week and the next four.
SCHEDULE_WEEKS = 5
FALLBACK_ZONE = "UTC"


def program_zone(participant: User) -> str:
    """The zone of the participant's latest program (the one they are in now, if any)."""
    zone = db.session.scalar(
        sa.select(Program.time_zone).join(Enrolment, Enrolment.program_id == Program.id)
        .where(Enrolment.participant_id == participant.id)
        .order_by(Enrolment.start_date.desc(), Enrolment.id.desc()).limit(1))
    return zone or FALLBACK_ZONE


def display_zone(participant: User) -> str:
    """Where the participant's times are shown: their own zone, else their program's."""
    return participant.time_zone or program_zone(participant)


def _midnight(day: date, zone: str) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=ZoneInfo(zone))


def today_context(participant: User) -> dict:
    """The next session (with its live state), the rest of today, and the zone they are in."""
    zone = display_zone(participant)
    now = utcnow()
    today = now.astimezone(ZoneInfo(zone)).date()
    start = _midnight(today, zone)
    occurrences = participant_occurrences(participant, start, now + NEXT_SESSION_HORIZON)
    upcoming = [o for o in occurrences if not o.is_cancelled and not o.has_ended(now)]
    next_session = upcoming[0] if upcoming else None
    todays = [o for o in occurrences
              if o.start_at.astimezone(ZoneInfo(zone)).date() == today and o is not next_session]
    return {"zone": zone, "now": now, "today": today, "next_session": next_session,
            "later_today": [o for o in todays if not o.has_ended(now)],
            "earlier_today": [o for o in todays if o.has_ended(now)],
            "next_is_today": next_session is not None
            and next_session.start_at.astimezone(ZoneInfo(zone)).date() == today}


def schedule_context(participant: User) -> dict:
    """This week (from Monday) and the next four, grouped by day in the participant's zone."""
    zone = display_zone(participant)
    now = utcnow()
    today = now.astimezone(ZoneInfo(zone)).date()
    monday = today - timedelta(days=today.weekday())
    last = monday + timedelta(weeks=SCHEDULE_WEEKS)
    occurrences = participant_occurrences(participant, _midnight(monday, zone),
                                          _midnight(last, zone))
    days = _by_day(occurrences, zone)
    return {"zone": zone, "now": now, "today": today, "days": days, "first_day": monday,
            "last_day": last - timedelta(days=1)}


def _by_day(occurrences: list[Occurrence], zone: str) -> list[tuple[date, list[Occurrence]]]:
    def day_of(o: Occurrence) -> date:
        return o.start_at.astimezone(ZoneInfo(zone)).date()

    return [(day, list(group)) for day, group in groupby(occurrences, key=day_of)]
