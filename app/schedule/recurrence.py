"""Recurrence rules (RFC 5545 RRULE through python-dateutil), checked and expanded in bounds.

**Bounded.** Expansion never walks a rule from the start of its series: the rule's DTSTART is
moved forward by whole recurrence periods (a multiple of INTERVAL) to the period that holds the
window's first day, and UNTIL is set to its last day. That gives the same occurrences because a
stored rule never depends on its DTSTART's weekday, day or month (`normalise_recurrence` writes
those parts out). dateutil checks UNTIL only against dates a rule produces, so after a rule's
last match it would search on to the year 9999; expanding whole 400-year calendar cycles later
keeps that search short.
"""

from collections.abc import Iterator
from datetime import MAXYEAR, UTC, date, datetime, time, timedelta
from itertools import islice
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from flask_babel import lazy_gettext as _l

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
#: Rule parts Trellis stores, in the order it writes them.
RULE_PARTS = ("FREQ", "INTERVAL", "WKST", "BYMONTH", "BYWEEKNO", "BYYEARDAY", "BYMONTHDAY",
              "BYDAY", "BYSETPOS")
#: The Gregorian calendar repeats every 400 years, weekdays included.
CALENDAR_CYCLE_YEARS = 400
#: A rule must give a session within this long after its start date, or it "never occurs".
FIRST_SESSION_HORIZON = timedelta(days=731)
MAX_COUNT = 1000
MAX_INTERVAL = 99


class ScheduleError(ValueError):
    """A schedule change that cannot be made; `field` names the form field it is about."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def weekly_rule(days: list[str]) -> str:
    """The rule for "weekly on these days" (MO..SU)."""
    return "FREQ=WEEKLY;BYDAY=" + ",".join(d for d in WEEKDAYS if d in days)


def split_rule(text: str) -> dict[str, str]:
    """An RRULE line's parts by name, upper-cased; refuses what is not NAME=VALUE;..."""
    text = text.strip()
    if text.upper().startswith("RRULE:"):
        text = text[len("RRULE:"):]
    if not text or "\n" in text or "\r" in text or ":" in text:
        raise ScheduleError("recurrence", _l(
            "Enter one rule line such as FREQ=WEEKLY;BYDAY=MO,WE,TH (no DTSTART line)."))
    parts: dict[str, str] = {}
    for piece in filter(None, (p.strip() for p in text.split(";"))):
        name, sep, value = piece.partition("=")
        name, value = name.strip().upper(), value.strip().upper()
        if not sep or not value or name in parts:
            raise ScheduleError("recurrence", _l(
                "This rule could not be read: write NAME=VALUE parts separated by semicolons."))
        parts[name] = value
    return parts


def _pin_implicit_parts(parts: dict[str, str], anchor: date) -> None:
    """Write out what dateutil would otherwise take from DTSTART (RFC 5545 defaults)."""
    if parts.keys() & {"BYWEEKNO", "BYYEARDAY", "BYMONTHDAY", "BYDAY"}:
        return
    if parts["FREQ"] == "YEARLY":
        parts.setdefault("BYMONTH", str(anchor.month))
        parts["BYMONTHDAY"] = str(anchor.day)
    elif parts["FREQ"] == "MONTHLY":
        parts["BYMONTHDAY"] = str(anchor.day)
    elif parts["FREQ"] == "WEEKLY":
        parts["BYDAY"] = WEEKDAYS[anchor.weekday()]


def _whole_number(value: str, high: int, message) -> int:
    if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= high:
        raise ScheduleError("recurrence", message)
    return int(value)


def _until_date(value: str, start_time: time, zone: str) -> date:
    """The last local date an RRULE UNTIL allows (a DATE is inclusive, as RFC 5545 says)."""
    try:
        if len(value) == 8:
            return datetime.strptime(value, "%Y%m%d").date()
        until = datetime.strptime(value.rstrip("Z"), "%Y%m%dT%H%M%S")
    except ValueError:
        raise ScheduleError("recurrence", _l(
            "UNTIL must be a date such as 20271231 (or use the end date field).")) from None
    if value.endswith("Z"):
        until = until.replace(tzinfo=UTC).astimezone(ZoneInfo(zone)).replace(tzinfo=None)
    return until.date() if until.time() >= start_time else until.date() - timedelta(days=1)


def normalise_recurrence(
    text: str, anchor_date: date, start_date: date, start_time: time, zone: str,
    end_date: date | None,
) -> tuple[str, date | None]:
    """Check an RRULE and return (stored form, last date it allows or `end_date`).

    Refuses rules that do not parse, that set times (the start time has its own field), that
    repeat more often than daily, or that give no session between the start and end dates.
    COUNT and UNTIL become the end date, so stored rules never depend on where they start.
    """
    parts = split_rule(text)
    if parts.get("FREQ") not in FREQUENCIES:
        raise ScheduleError("recurrence", _l(
            "Start the rule with FREQ=DAILY, FREQ=WEEKLY, FREQ=MONTHLY or FREQ=YEARLY."))
    unknown = parts.keys() - set(RULE_PARTS) - {"COUNT", "UNTIL"}
    if unknown:
        raise ScheduleError("recurrence", _l(
            "Leave out %(parts)s: the start date and time have their own fields, and Trellis "
            "does not use the rest.", parts=", ".join(sorted(unknown))))
    if "COUNT" in parts and "UNTIL" in parts:
        raise ScheduleError("recurrence", _l("Use COUNT or UNTIL, not both."))
    if "INTERVAL" in parts:  # dateutil would loop for ever on INTERVAL=0
        _whole_number(parts["INTERVAL"], MAX_INTERVAL,
                      _l("INTERVAL must be a whole number from 1 to %(most)s.", most=MAX_INTERVAL))
    count = None
    if "COUNT" in parts:
        count = _whole_number(parts.pop("COUNT"), MAX_COUNT,
                              _l("COUNT must be a whole number from 1 to %(most)s.",
                                 most=MAX_COUNT))
    if "UNTIL" in parts:
        until = _until_date(parts.pop("UNTIL"), start_time, zone)
        end_date = until if end_date is None else min(end_date, until)
    _pin_implicit_parts(parts, anchor_date)
    stored = ";".join(f"{name}={parts[name]}" for name in RULE_PARTS if name in parts)
    horizon = start_date + FIRST_SESSION_HORIZON
    last_to_check = horizon if end_date is None else min(end_date, horizon)
    try:  # dateutil finds some bad values only when it walks the rule
        first = next(iter_local(stored, anchor_date, start_time, start_date, last_to_check),
                     None)
    except (ValueError, TypeError, IndexError, KeyError, OverflowError):
        raise ScheduleError("recurrence", _l(
            "This rule could not be read. Check it against the example, e.g. "
            "FREQ=WEEKLY;BYDAY=MO,WE,TH.")) from None
    if first is None:
        raise ScheduleError("recurrence", _l(
            "This rule never gives a session between the start and end dates (or in the two "
            "years after the start). Check its days and dates."))
    if count is not None:
        starts = iter_local(stored, anchor_date, start_time, start_date,
                             start_date + timedelta(days=3660))
        last = list(islice(starts, count))[-1].date()
        end_date = last if end_date is None else min(end_date, last)
    return stored, end_date


def _period_start(freq: str, interval: int, wkst: int, anchor: date, first_day: date) -> date:
    """A DTSTART that gives the same occurrences on and after `first_day` as `anchor` does."""
    if first_day <= anchor:
        return anchor
    if freq == "DAILY":
        return anchor + timedelta(days=(first_day - anchor).days // interval * interval)
    if freq == "WEEKLY":
        week_of = lambda d: d - timedelta(days=(d.weekday() - wkst) % 7)  # noqa: E731
        weeks = (week_of(first_day) - week_of(anchor)).days // 7 // interval * interval
        return week_of(anchor) + timedelta(weeks=weeks) if weeks else anchor
    if freq == "MONTHLY":
        months = ((first_day.year - anchor.year) * 12 + first_day.month - anchor.month)
        months = months // interval * interval
        if not months:
            return anchor
        year, month = divmod(anchor.year * 12 + anchor.month - 1 + months, 12)
        return date(year, month + 1, 1)
    years = (first_day.year - anchor.year) // interval * interval
    return date(anchor.year + years, 1, 1) if years else anchor


def iter_local(
    rule: str, anchor: date, start_time: time, first_day: date, last_day: date
) -> Iterator[datetime]:
    """Local starts of a stored rule on days first_day..last_day, without walking from anchor.

    dateutil checks UNTIL only against dates the rule produces, so after the last match it
    searches on to the year 9999. Expanding whole 400-year calendar cycles later (same weekdays,
    same leap years) and shifting back keeps that search short when a rule matches rarely.
    """
    if last_day < first_day:
        return
    parts = split_rule(rule)
    interval = int(parts.get("INTERVAL", "1"))
    wkst = WEEKDAYS.index(parts.get("WKST", "MO"))
    dtstart = _period_start(parts["FREQ"], interval, wkst, anchor, first_day)
    shift = max(0, (MAXYEAR - 1 - last_day.year) // CALENDAR_CYCLE_YEARS) * CALENDAR_CYCLE_YEARS
    bounded = rrulestr(rule, dtstart=datetime.combine(_add_years(dtstart, shift), start_time))
    bounded = bounded.replace(
        wkst=wkst, until=datetime.combine(_add_years(last_day, shift), start_time))
    for start in bounded:
        start = start.replace(year=start.year - shift)
        if start.date() >= first_day:
            yield start


def _add_years(day: date, years: int) -> date:
    return day.replace(year=day.year + years)  # whole cycles: 29 February stays a leap day
