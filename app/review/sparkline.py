"""The caseload's 14-day mood sparkline: daily averages placed on a small SVG, with words."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache

from flask_babel import ngettext
from markupsafe import Markup, escape

DAYS = 14
WIDTH, HEIGHT, PAD = 140, 34, 4
MOOD_LOW, MOOD_HIGH = 1, 5


@dataclass
class Sparkline:
    """Daily average moods over DAYS local days ending today, ready to draw."""

    days: int = DAYS
    width: int = WIDTH
    height: int = HEIGHT
    #: (x, y, value, day) of each day with an answer.
    points: list[tuple[float, float, float, date]] = field(default_factory=list)
    #: Runs of consecutive days, each "x,y x,y ...".
    lines: list[str] = field(default_factory=list)
    #: y of mood 3 (the "okay" line), for the faint middle guide.
    mid_y: float = 0.0

    @property
    def text(self) -> str:
        """What the sparkline shows, for screen readers and anyone who prefers words."""
        if not self.points:
            return ngettext("Mood: no answers in the last %(num)s day.",
                            "Mood: no answers in the last %(num)s days.", self.days)
        values = [p[2] for p in self.points]
        return ngettext(
            "Mood, last %(days)s days: answered on %(num)s day; lowest %(low)s, latest "
            "%(latest)s (1 very low to 5 very good).",
            "Mood, last %(days)s days: answered on %(num)s days; lowest %(low)s, latest "
            "%(latest)s (1 very low to 5 very good).",
            len(values), days=self.days, low=f"{min(values):g}", latest=f"{values[-1]:g}")


    def svg(self, id_: str) -> Markup:
        """The sparkline as inline SVG, its words as the accessible name (`id_` names them).

        Drawn here rather than in a template macro: a caseload draws one per row, and the
        numbers need no escaping, only the words do."""
        circles = "".join(
            f'<circle class="sparkline__point{" sparkline__point--low" if value <= 2 else ""}" '
            f'cx="{x}" cy="{y}" r="{3.2 if value <= 2 else 2.4}"></circle>'
            for x, y, value, _day in self.points)
        lines = "".join(f'<polyline class="sparkline__line" points="{points}"></polyline>'
                        for points in self.lines)
        name = escape(id_)
        # Safe: numbers computed here, and the two strings escaped.
        return Markup(  # noqa: S704
            f'<svg class="sparkline" viewBox="0 0 {self.width} {self.height}" '
            f'width="{self.width}" height="{self.height}" role="img" focusable="false" '
            f'aria-labelledby="{name}-title">\n'
            f'  <title id="{name}-title">{escape(self.text)}</title>\n'
            f'  <line class="sparkline__mid" x1="0" x2="{self.width}" y1="{self.mid_y}" '
            f'y2="{self.mid_y}"></line>\n'
            f'  {lines}\n'
            f'  {circles}\n'
            f'</svg>')


@cache
def _y(value: float) -> float:
    return round(PAD + (MOOD_HIGH - value) / (MOOD_HIGH - MOOD_LOW) * (HEIGHT - 2 * PAD), 1)


@cache
def _xs(days: int) -> tuple[float, ...]:
    step = (WIDTH - 2 * PAD) / (days - 1)
    return tuple(round(PAD + index * step, 1) for index in range(days))


def build(answers: list[tuple[date, int]], today: date, days: int = DAYS) -> Sparkline:
    """A sparkline from (local day, mood) answers; days before the window are ignored."""
    first = today - timedelta(days=days - 1)
    by_day: dict[date, list[int]] = {}
    for day, mood in answers:
        if first <= day <= today:
            if day in by_day:
                by_day[day].append(mood)
            else:
                by_day[day] = [mood]
    spark = Sparkline(days=days, mid_y=_y(3))
    run: list[str] = []
    for index, x in enumerate(_xs(days)):
        moods = by_day.get(first + timedelta(days=index)) if by_day else None
        if not moods:
            if len(run) > 1:
                spark.lines.append(" ".join(run))
            run = []
            continue
        value = round(sum(moods) / len(moods), 1)
        y = _y(value)
        spark.points.append((x, y, value, first + timedelta(days=index)))
        run.append(f"{x},{y}")
    if len(run) > 1:
        spark.lines.append(" ".join(run))
    return spark


def local_day(instant: datetime, zone) -> date:
    """The local calendar day of an instant."""
    return instant.astimezone(zone).date()
