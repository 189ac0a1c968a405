"""Dates and times as people read them: one set of named formats, in the reader's locale.

Every page writes instants and days through these (templates: the `when`, `day_format`,
`clock` and `zone_abbreviation` filters), so "Monday, November 30, 2026", "Nov 30, 2026,
9:12 AM" and "9:12 AM" are the only shapes a person meets, each in their own language:

| style      | en example                    |
| ---------- | ----------------------------- |
| `full`     | Monday, November 30, 2026     |
| `date`     | Nov 30, 2026                  |
| `short`    | Mon, Nov 30                   |
| `time`     | 9:12 AM                       |
| `datetime` | Nov 30, 2026, 9:12 AM         |

Instants are stored in UTC and shown in an IANA zone (the participant's, or the program's);
staff pages add the zone's abbreviation ("9:12 AM EST"), never the IANA name. ISO dates appear
only where machines read them (`<time datetime>`, form values, URLs).
"""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from babel.dates import (
    format_date,
    format_skeleton,
    format_time,
    get_datetime_format,
    get_timezone_name,
)
from flask_babel import get_locale

STYLES = ("full", "date", "short", "time", "datetime")


def local(instant: datetime, zone: str) -> datetime:
    """The instant as a wall-clock time in `zone`."""
    return instant.astimezone(ZoneInfo(zone))


def format_day(day: date, style: str = "date") -> str:
    """A calendar day in a named style (`full`, `date` or `short`)."""
    locale = get_locale()
    if style == "short":
        return format_skeleton("MMMEd", day, locale=locale)
    return format_date(day, "full" if style == "full" else "medium", locale=locale)


def format_clock(moment: time) -> str:
    """A wall-clock time with no date (a series' start, 9:00 AM), in the `time` style."""
    return format_time(moment, "short", locale=get_locale())


def format_instant(instant: datetime | None, zone: str, style: str = "datetime",
                   with_zone: bool = False) -> str:
    """An instant in `zone`, in a named style; `with_zone` adds the zone's abbreviation (EST)."""
    if instant is None:
        return ""
    moment = local(instant, zone)
    locale = get_locale()
    if style == "time":
        text = format_time(moment, "short", locale=locale)
    elif style == "datetime":
        pattern = get_datetime_format("medium", locale=locale)
        text = pattern.replace("{1}", format_date(moment, "medium", locale=locale)) \
            .replace("{0}", format_time(moment, "short", locale=locale))
    else:
        text = format_day(moment.date(), style)
    if with_zone:
        text = f"{text} {zone_abbreviation(instant, zone)}"
    return text


def zone_abbreviation(instant: datetime, zone: str) -> str:
    """The zone as staff expect to read it at that instant: EST, EDT, CET; else the IANA name."""
    name = local(instant, zone).tzname() or ""
    if name and not name.startswith(("+", "-")):
        return name
    generic = get_timezone_name(ZoneInfo(zone), "short", locale=get_locale())
    return zone if generic.startswith("Unknown") else generic


def init_app(app) -> None:
    """Register the template filters."""
    app.jinja_env.filters["when"] = format_instant
    app.jinja_env.filters["day_format"] = format_day
    app.jinja_env.filters["zone_abbreviation"] = zone_abbreviation
    app.jinja_env.filters["clock"] = format_clock
