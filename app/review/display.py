"""How review pages write times: "3 h ago" with the local time beside it."""

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import (
    TIMEDELTA_UNITS,
    format_date,
    format_time,
    format_timedelta,
    get_datetime_format,
)
from flask import Flask
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup, escape

from app.database import utcnow
from app.formatting import zone_abbreviation

#: How `ago` rounds: a unit is used from 1.5 of it ("36h ago", then "2d ago").
AGO_THRESHOLD = 1.5


def ago(instant: datetime | None, now: datetime | None = None) -> str:
    """"3h ago", "2d ago" in the reader's language; "" for nothing."""
    if instant is None:
        return ""
    delta = instant - (now or utcnow())
    return format_timedelta(delta, add_direction=True, format="narrow",
                            threshold=AGO_THRESHOLD, locale=get_locale())


def _ago_key(seconds: float) -> tuple[str, int, bool]:
    """What Babel's `format_timedelta` words depend on: the unit it picks, the rounded count
    of that unit and the direction (the same choice as Babel's, granularity "second")."""
    for unit, per_unit in TIMEDELTA_UNITS:
        value = abs(seconds) / per_unit
        if value >= AGO_THRESHOLD or unit == "second":
            if unit == "second" and value > 0:
                value = max(1, value)
            return unit, int(round(value)), seconds >= 0
    raise AssertionError("unreachable: 'second' always matches")


class RelativeTimes:
    """The review `reltime` macro ("3h ago" with the local date and time) for many instants
    of one page, in Python: a list of 200 rows would otherwise ask Babel for every row's
    words, date and time, while they repeat (a few distinct days, "2d ago" on many rows).

    Each part is worked out once per distinct value it depends on, for one reader's locale
    and one `now`; the markup is the macro's, character for character."""

    def __init__(self, now: datetime):
        self.now = now
        self.locale = get_locale()
        self._ago: dict[tuple, str] = {}
        self._dates: dict = {}
        self._times: dict = {}
        self._zones: dict[tuple[str, str | None], str] = {}
        self._pattern = get_datetime_format("medium", locale=self.locale)
        self._never = Markup('<span class="muted">%s</span>') % _("never")

    def words(self, instant: datetime) -> str:
        """`ago(instant, now)`."""
        delta = instant - self.now
        key = _ago_key(delta.total_seconds())
        if key not in self._ago:
            self._ago[key] = ago(instant, self.now)
        return self._ago[key]

    def full(self, instant: datetime, zone: str) -> str:
        """`format_instant(instant, zone, "datetime", with_zone=True)`."""
        moment = instant.astimezone(ZoneInfo(zone))
        day = moment.date()
        if day not in self._dates:
            self._dates[day] = format_date(moment, "medium", locale=self.locale)
        # The "short" time pattern shows hours and minutes, never seconds, in every locale.
        clock = (moment.hour, moment.minute)
        if clock not in self._times:
            self._times[clock] = format_time(moment, "short", locale=self.locale)
        zone_key = (zone, moment.tzname())
        if zone_key not in self._zones:
            self._zones[zone_key] = zone_abbreviation(instant, zone)
        text = self._pattern.replace("{1}", self._dates[day]).replace("{0}", self._times[clock])
        return f"{text} {self._zones[zone_key]}"

    def __call__(self, instant: datetime | None, zone: str) -> Markup:
        if not instant:
            return self._never
        # Safe: the ISO form has no markup characters; both texts are escaped.
        return Markup(  # noqa: S704
            f'<time class="reltime" datetime="{instant.isoformat()}" tabindex="0">'
            f'{escape(self.words(instant))}<span class="reltime__full"> '
            f'({escape(self.full(instant, zone))})</span></time>')


def groupby_day(entries, zone: str) -> list[tuple]:
    """Timeline entries (newest first) as [(local day, entries of that day)]."""
    days: dict = {}
    for entry in entries:
        days.setdefault(entry.local_day(zone), []).append(entry)
    return list(days.items())


def scale_named(key: str):
    """A scale of the registry by its key."""
    from app.scales.registry import SCALES

    return SCALES[key]


def init_app(app: Flask) -> None:
    """Register the template filters and the labels review pages use."""
    from app.checkins.items import FEELINGS, MOOD_LABELS

    app.jinja_env.filters["ago"] = ago
    app.jinja_env.filters["groupby_day"] = groupby_day
    app.add_template_global(scale_named)
    app.add_template_global(MOOD_LABELS, "MOOD_LABELS")
    app.add_template_global(FEELINGS, "FEELINGS")
    from app.review.queue import URGENT_RISK

    app.add_template_global(URGENT_RISK, "URGENT_RISK")
