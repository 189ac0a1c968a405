"""A series' recurrence in words, as staff read it: "Every Mon, Wed, and Thu, 9:00 AM – 10:30
AM", not FREQ=WEEKLY;BYDAY=MO,WE,TH. Rules Trellis cannot put into words are shown as written.
"""

from datetime import date, datetime, timedelta

from babel.dates import format_skeleton, format_time, get_day_names
from babel.lists import format_list
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _

from app.schedule.recurrence import WEEKDAYS, split_rule

WEEKDAYS_MON_FRI = ["MO", "TU", "WE", "TH", "FR"]


def _ordinal(position: str) -> str | None:
    return {"1": _("first"), "2": _("second"), "3": _("third"), "4": _("fourth"),
            "-1": _("last")}.get(position)


def _day_names(codes: list[str], width: str = "abbreviated") -> str:
    names = get_day_names(width, locale=get_locale())
    return format_list([names[WEEKDAYS.index(c)] for c in codes], locale=get_locale())


def _weekly(parts: dict, interval: int) -> str | None:
    days = parts.get("BYDAY", "").split(",")
    if not days or any(d not in WEEKDAYS for d in days):
        return None
    days = [d for d in WEEKDAYS if d in days]
    if interval == 1 and days == WEEKDAYS_MON_FRI:
        return _("Every weekday")
    if interval == 1 and days == list(WEEKDAYS):
        return _("Every day")
    if interval == 1:
        return _("Every %(days)s", days=_day_names(days))
    if interval == 2:
        return _("Every other week on %(days)s", days=_day_names(days))
    return ngettext("Every %(num)s week on %(days)s", "Every %(num)s weeks on %(days)s",
                    interval, days=_day_names(days))


def _monthly(parts: dict, interval: int) -> str | None:
    every = (_("Every month") if interval == 1 else
             ngettext("Every %(num)s month", "Every %(num)s months", interval))
    if set(parts) <= {"FREQ", "INTERVAL", "WKST", "BYMONTHDAY"} and "BYMONTHDAY" in parts:
        days = parts["BYMONTHDAY"].split(",")
        if len(days) == 1 and days[0].lstrip("-").isdigit():
            if days[0] == "-1":
                return _("%(every)s on the last day", every=every)
            return _("%(every)s on day %(day)s", every=every, day=days[0])
        return None
    day = parts.get("BYDAY", "")
    position = parts.get("BYSETPOS")
    if position is None and len(day) > 2 and day[-2:] in WEEKDAYS:
        position, day = day[:-2].lstrip("+"), day[-2:]
    if day in WEEKDAYS and position and _ordinal(position) and set(parts) <= {
            "FREQ", "INTERVAL", "WKST", "BYDAY", "BYSETPOS"}:
        return _("%(every)s on the %(position)s %(day)s", every=every,
                 position=_ordinal(position), day=_day_names([day], "wide"))
    return None


def _yearly(parts: dict, interval: int) -> str | None:
    if set(parts) <= {"FREQ", "INTERVAL", "WKST", "BYMONTH", "BYMONTHDAY"} and \
            parts.get("BYMONTH", "").isdigit() and parts.get("BYMONTHDAY", "").isdigit():
        day = format_skeleton("MMMMd", date(2000, int(parts["BYMONTH"]),
                                            int(parts["BYMONTHDAY"])), locale=get_locale())
        if interval == 1:
            return _("Every year on %(day)s", day=day)
        return ngettext("Every %(num)s year on %(day)s", "Every %(num)s years on %(day)s",
                        interval, day=day)
    return None


def rule_words(recurrence: str | None) -> str:
    """How often: "Every Mon, Wed, and Thu", "Every other week on Tue", "Once"."""
    if recurrence is None:
        return _("Once")
    try:
        parts = split_rule(recurrence)
        interval = int(parts.get("INTERVAL", "1"))
    except ValueError:
        return recurrence
    freq = parts.get("FREQ")
    words = None
    if freq == "DAILY" and set(parts) <= {"FREQ", "INTERVAL", "WKST"}:
        words = _("Every day") if interval == 1 else ngettext(
            "Every %(num)s day", "Every %(num)s days", interval)
    elif freq == "WEEKLY" and set(parts) <= {"FREQ", "INTERVAL", "WKST", "BYDAY"}:
        words = _weekly(parts, interval)
    elif freq == "MONTHLY":
        words = _monthly(parts, interval)
    elif freq == "YEARLY":
        words = _yearly(parts, interval)
    return words or _("Custom rule: %(rule)s", rule=recurrence)


def series_words(series) -> str:
    """The rule and the time: "Every Mon, Wed, and Thu, 9:00 AM – 10:30 AM"."""
    start = datetime.combine(date(2000, 1, 3), series.start_time)
    end = start + timedelta(minutes=series.duration_minutes)
    times = "{} – {}".format(format_time(start.time(), "short", locale=get_locale()),
                             format_time(end.time(), "short", locale=get_locale()))
    return _("%(rule)s, %(times)s", rule=rule_words(series.recurrence), times=times)
