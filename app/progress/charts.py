"""Numbers for the Progress page: every answer, each day's hardest moment, chart geometry.

Charts are drawn by templates/progress/_chart.html from the plain numbers computed here (no
markup is built in Python), each with a text summary (`app.progress.summaries`) and a data table
for screen readers. Nothing is averaged away: a day with moods 1 and 4 shows both answers, and
its line passes through the 1.
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
#: Items whose hard moments are their low answers (for the others, and scales, it is the high).
LOWER_IS_HARDER = {"mood"}
#: The drawing area, in SVG user units; CSS scales the whole chart to the screen's width.
WIDTH, HEIGHT = 320, 170
LEFT, RIGHT, TOP, BOTTOM = 30, 8, 10, 26


@dataclass(frozen=True)
class Point:
    day: date  #: the local day of the answer
    value: float
    x: float
    y: float
    at: datetime | None = None  #: when it was answered (each answer is its own point)


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
    #: Which end of the scale is the hard one: a low mood, high anxiety, a high score.
    higher_is_harder: bool = True
    #: Every answer, placed at its day and time of day: nothing is averaged away.
    points: list[Point] = field(default_factory=list)
    #: Each day's hardest answer (its lowest mood, its highest anxiety), joined by the lines.
    day_marks: list[Point] = field(default_factory=list)
    #: Runs of consecutive days' marks, each drawn as one line ("x,y x,y ...").
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
        """The mean of every answer (not of daily averages)."""
        values = [p.value for p in self.points]
        return round(sum(values) / len(values), 1) if values else None

    @property
    def lowest(self) -> Point | None:
        """The lowest single answer in the range (the earliest, if several)."""
        return min(self.points, key=lambda p: p.value, default=None)

    @property
    def highest(self) -> Point | None:
        """The highest single answer in the range (the earliest, if several)."""
        return max(self.points, key=lambda p: p.value, default=None)

    @property
    def latest(self) -> Point | None:
        return self.points[-1] if self.points else None

    @property
    def days_answered(self) -> int:
        return len(self.day_marks)


def _x(index: int, days: int, fraction: float = 0.5) -> float:
    """Day `index` of the range, `fraction` of the way through it."""
    return round(LEFT + (index + fraction) * (WIDTH - LEFT - RIGHT) / days, 1)


def _y(value: float, low: int, high: int) -> float:
    return round(TOP + (high - value) / (high - low) * (HEIGHT - TOP - BOTTOM), 1)


def _axes(chart: Chart, first_day: date) -> None:
    span = chart.high - chart.low
    step = 1 if span <= 5 else 2 if span <= 10 else 5 if span <= 30 else 10
    chart.y_ticks = [(v, _y(v, chart.low, chart.high))
                     for v in range(chart.low, chart.high + 1) if (v - chart.low) % step == 0]
    every = {14: 7, 30: 10, 90: 30}.get(chart.days, 7)  # labels like "Mon, Nov 16" need room
    chart.x_ticks = [(format_day(first_day + timedelta(days=i), "short"), _x(i, chart.days))
                     for i in range(0, chart.days, every)]


def _fraction_of_day(instant: datetime, zone: str) -> float:
    """How far through its local day an instant is, kept off the day's edges (0.1-0.9)."""
    moment = instant.astimezone(ZoneInfo(zone))
    seconds = moment.hour * 3600 + moment.minute * 60 + moment.second
    return 0.1 + 0.8 * seconds / 86400


def _place(chart: Chart, first_day: date, answers: list[tuple[datetime, float]],
           zone: str) -> None:
    """Every answer as a point; each day's hardest answer joined by lines across days."""
    by_day: dict[date, list[Point]] = defaultdict(list)
    for at, value in sorted(answers, key=lambda answer: answer[0]):
        day = checkins.local_date(at, zone)
        index = (day - first_day).days
        if not 0 <= index < chart.days:
            continue
        point = Point(day, value, _x(index, chart.days, _fraction_of_day(at, zone)),
                      _y(value, chart.low, chart.high), at)
        chart.points.append(point)
        by_day[day].append(point)
    pick = max if chart.higher_is_harder else min
    run: list[str] = []
    for index in range(chart.days):
        day_points = by_day.get(first_day + timedelta(days=index))
        if not day_points:
            if len(run) > 1:
                chart.lines.append(" ".join(run))
            run = []
            continue
        mark = pick(day_points, key=lambda p: p.value)
        chart.day_marks.append(mark)
        run.append(f"{mark.x},{mark.y}")
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
    """One chart per check-in item, every answer a point; and counts of check-ins.

    The counts say whether the participant has ever checked in, so a newcomer is not
    welcomed "back".
    """
    first, start = window(days, zone, now)
    rows = checkins.recent(participant, start)
    charts = []
    for key in keys:
        item = ITEMS_BY_KEY[key]
        answers = [(row.occurred_at, getattr(row, key)) for row in rows
                   if getattr(row, key) is not None]
        chart = Chart(key=key, title=str(TITLES.get(key, item.label)), low=item.low,
                      high=item.high, days=days, higher_is_harder=key not in LOWER_IS_HARDER)
        _axes(chart, first)
        _place(chart, first, answers, zone)
        charts.append(chart)
    days_with = {checkins.local_date(r.occurred_at, zone) for r in rows}
    ever = bool(rows) or checkins.has_checked_in(participant)
    return charts, {"checkins": len(rows), "days_with_checkin": len(days_with), "days": days,
                    "ever": ever}


def scale_chart(participant: User, scale: Scale, days: int, zone: str,
                now: datetime | None = None) -> Chart:
    """A scale's totals in the range, drawn over its severity bands."""
    first, start = window(days, zone, now)
    responses = db.session.scalars(
        sa.select(ScaleResponse)
        .where(ScaleResponse.participant_id == participant.id,
               ScaleResponse.scale == scale.key, ScaleResponse.submitted_at >= start)
        .order_by(ScaleResponse.submitted_at))
    answers = [(response.submitted_at, response.total) for response in responses]
    chart = Chart(key=scale.key, title=scale.name, low=0, high=scale.max_total, days=days)
    _axes(chart, first)
    for shade, band in enumerate(scale.bands):
        top = _y(min(band.high + 1, scale.max_total), 0, scale.max_total)
        bottom = _y(band.low, 0, scale.max_total)
        chart.bands.append(BandArea(str(band.label), top, round(bottom - top, 1),
                                    round((top + bottom) / 2 + 3, 1), min(shade, 4)))
    _place(chart, first, answers, zone)
    return chart
