"""Numbers for the Progress page: daily series, scale scores and chart geometry.

Charts are drawn by templates/checkins/_chart.html from the plain numbers computed here (no
markup is built in Python), each with a text summary and a data table for screen readers.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.checkins import service as checkins
from app.checkins.items import ITEMS_BY_KEY
from app.database import utcnow
from app.extensions import db
from app.formatting import format_day
from app.models import ScaleResponse, User
from app.scales.registry import Scale

RANGES = (14, 30, 90)
#: Short chart titles for the charted check-in items.
TITLES = {"mood": _l("Mood"), "anxiety": _l("Anxiety"), "craving": _l("Craving or urge to use")}
#: The drawing area, in SVG user units; CSS scales the whole chart to the screen's width.
WIDTH, HEIGHT = 320, 170
LEFT, RIGHT, TOP, BOTTOM = 30, 8, 10, 26


@dataclass(frozen=True)
class Point:
    day: date
    value: float
    count: int  #: answers that day (the value is their average)
    x: float
    y: float


@dataclass(frozen=True)
class BandArea:
    label: str
    y: float
    height: float
    label_y: float
    shade: int  #: 0..4, lighter to darker, for CSS classes


@dataclass
class Chart:
    key: str
    title: str
    low: int
    high: int
    days: int
    points: list[Point] = field(default_factory=list)
    #: Runs of consecutive days, each drawn as one line ("x,y x,y ...").
    lines: list[str] = field(default_factory=list)
    y_ticks: list[tuple[int, float]] = field(default_factory=list)
    x_ticks: list[tuple[str, float]] = field(default_factory=list)
    bands: list[BandArea] = field(default_factory=list)

    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    top: int = TOP
    bottom_edge: int = HEIGHT - BOTTOM

    @property
    def average(self) -> float | None:
        total = sum(p.value * p.count for p in self.points)
        count = sum(p.count for p in self.points)
        return round(total / count, 1) if count else None

    @property
    def lowest(self) -> float | None:
        return min((p.value for p in self.points), default=None)

    @property
    def highest(self) -> float | None:
        return max((p.value for p in self.points), default=None)

    @property
    def latest(self) -> Point | None:
        return self.points[-1] if self.points else None


def _x(index: int, days: int) -> float:
    return round(LEFT + (index + 0.5) * (WIDTH - LEFT - RIGHT) / days, 1)


def _y(value: float, low: int, high: int) -> float:
    return round(TOP + (high - value) / (high - low) * (HEIGHT - TOP - BOTTOM), 1)


def _axes(chart: Chart, first_day: date) -> None:
    span = chart.high - chart.low
    step = 1 if span <= 5 else 2 if span <= 10 else 5 if span <= 30 else 10
    chart.y_ticks = [(v, _y(v, chart.low, chart.high))
                     for v in range(chart.low, chart.high + 1) if (v - chart.low) % step == 0]
    every = {14: 7, 30: 7, 90: 30}.get(chart.days, 7)
    chart.x_ticks = [(format_day(first_day + timedelta(days=i), "short"), _x(i, chart.days))
                     for i in range(0, chart.days, every)]


def _place(chart: Chart, first_day: date, by_day: dict[date, list[float]]) -> None:
    run: list[str] = []
    for index in range(chart.days):
        day = first_day + timedelta(days=index)
        values = by_day.get(day)
        if not values:
            if len(run) > 1:
                chart.lines.append(" ".join(run))
            run = []
            continue
        value = round(sum(values) / len(values), 1)
        point = Point(day, value, len(values), _x(index, chart.days),
                      _y(value, chart.low, chart.high))
        chart.points.append(point)
        run.append(f"{point.x},{point.y}")
    if len(run) > 1:
        chart.lines.append(" ".join(run))


def window(days: int, zone: str, now: datetime | None = None) -> tuple[date, datetime]:
    """The first local day of a range ending today, and the UTC instant it starts."""
    now = now or utcnow()
    today = checkins.local_date(now, zone)
    first = today - timedelta(days=days - 1)
    start = datetime.combine(first, datetime.min.time(), tzinfo=ZoneInfo(zone))
    return first, start


def item_charts(participant: User, keys: list[str], days: int, zone: str,
                now: datetime | None = None) -> tuple[list[Chart], dict]:
    """One chart per check-in item, daily averages; and counts of check-ins in the range."""
    first, start = window(days, zone, now)
    rows = checkins.recent(participant, start)
    charts = []
    for key in keys:
        item = ITEMS_BY_KEY[key]
        by_day: dict[date, list[float]] = defaultdict(list)
        for row in rows:
            value = getattr(row, key)
            if value is not None:
                by_day[checkins.local_date(row.occurred_at, zone)].append(value)
        chart = Chart(key=key, title=str(TITLES.get(key, item.label)), low=item.low,
                      high=item.high, days=days)
        _axes(chart, first)
        _place(chart, first, by_day)
        charts.append(chart)
    days_with = {checkins.local_date(r.occurred_at, zone) for r in rows}
    return charts, {"checkins": len(rows), "days_with_checkin": len(days_with), "days": days}


def scale_chart(participant: User, scale: Scale, days: int, zone: str,
                now: datetime | None = None) -> Chart:
    """A scale's totals in the range, drawn over its severity bands."""
    first, start = window(days, zone, now)
    responses = db.session.scalars(
        sa.select(ScaleResponse)
        .where(ScaleResponse.participant_id == participant.id,
               ScaleResponse.scale == scale.key, ScaleResponse.submitted_at >= start)
        .order_by(ScaleResponse.submitted_at))
    by_day: dict[date, list[float]] = defaultdict(list)
    for response in responses:
        by_day[checkins.local_date(response.submitted_at, zone)].append(response.total)
    chart = Chart(key=scale.key, title=scale.name, low=0, high=scale.max_total, days=days)
    _axes(chart, first)
    for shade, band in enumerate(scale.bands):
        top = _y(min(band.high + 1, scale.max_total), 0, scale.max_total)
        bottom = _y(band.low, 0, scale.max_total)
        chart.bands.append(BandArea(str(band.label), top, round(bottom - top, 1),
                                    round((top + bottom) / 2 + 3, 1), min(shade, 4)))
    _place(chart, first, by_day)
    return chart
