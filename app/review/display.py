"""How review pages write times: "3 h ago" with the local time beside it."""

from datetime import datetime

from babel.dates import format_timedelta
from flask import Flask
from flask_babel import get_locale

from app.database import utcnow


def ago(instant: datetime | None, now: datetime | None = None) -> str:
    """"3h ago", "2d ago" in the reader's language; "" for nothing."""
    if instant is None:
        return ""
    delta = instant - (now or utcnow())
    return format_timedelta(delta, add_direction=True, format="narrow", threshold=1.5,
                            locale=get_locale())


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
