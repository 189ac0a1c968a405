"""How sessions are written on pages: day grouping, zone names, live state.

Dates and times themselves go through the named formats of `app.formatting` (the `when` and
`day_format` filters), like every other page.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import get_timezone_name
from flask_babel import get_locale

from app.formatting import local
from app.schedule import bp
from app.schedule.service import Occurrence

#: Within this many minutes of the start, Today says "starts in N min".
SOON_MINUTES = 60


@bp.app_template_filter("local_date")
def local_date(instant: datetime, zone: str):
    """The date of an instant in `zone`, for grouping by day."""
    return local(instant, zone).date()


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
