"""How sessions are written on pages: local times, day names, zone names, live state."""

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time, get_timezone_name
from flask_babel import get_locale

from app.schedule import bp
from app.schedule.service import Occurrence

#: Within this many minutes of the start, Today says "starts in N min".
SOON_MINUTES = 60


def _local(instant: datetime, zone: str) -> datetime:
    return instant.astimezone(ZoneInfo(zone))


@bp.app_template_filter("session_time")
def session_time(instant: datetime, zone: str) -> str:
    """9:00 AM (in the reader's language), for an instant shown in `zone`."""
    return format_time(_local(instant, zone).time(), "short", locale=get_locale())


@bp.app_template_filter("session_day")
def session_day(instant: datetime, zone: str) -> str:
    """Monday, March 15, 2027."""
    return format_date(_local(instant, zone).date(), "full", locale=get_locale())


@bp.app_template_filter("local_date")
def local_date(instant: datetime, zone: str):
    """The date of an instant in `zone`, for grouping by day."""
    return _local(instant, zone).date()


@bp.app_template_global("zone_name")
def zone_name(zone: str) -> str:
    """Eastern Time, Pacific Time… (the zone's generic name); the IANA name when it has none."""
    name = get_timezone_name(ZoneInfo(zone), "long", locale=get_locale())
    return zone if name.startswith("Unknown") else name


@bp.app_template_global("live_state")
def live_state(occurrence: Occurrence, now: datetime) -> tuple[str, int]:
    """("now" | "soon" | "later" | "ended", minutes until the start)."""
    if occurrence.has_ended(now):
        return "ended", 0
    if occurrence.has_started(now):
        return "now", 0
    minutes = max(1, -int(-(occurrence.start_at - now).total_seconds() // 60))
    return ("soon" if minutes <= SOON_MINUTES else "later"), minutes


@bp.app_template_filter("format_day")
def format_day(day) -> str:
    """A calendar date written out: Monday, March 15, 2027."""
    return format_date(day, "full", locale=get_locale())
