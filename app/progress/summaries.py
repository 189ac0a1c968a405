"""What each Progress chart shows, in words: the text beside the chart and its SVG description.

Each count is its own sentence through ngettext, so every language can say "1 answer" and
"5 answers" its own way; "lowest" and "highest" are single answers, never averages.
"""

from flask_babel import gettext as _
from flask_babel import ngettext

from app.formatting import format_day
from app.progress.charts import Chart


def _number(value: float) -> str:
    return f"{value:g}"


def _extremes(chart: Chart) -> str:
    lowest, highest = chart.lowest, chart.highest
    return _("Lowest %(low)s on %(low_day)s; highest %(high)s on %(high_day)s.",
             low=_number(lowest.value), low_day=format_day(lowest.day, "short"),
             high=_number(highest.value), high_day=format_day(highest.day, "short"))


def item_summary(chart: Chart) -> str:
    """Answers, days answered, the lowest and highest single answers, the latest, the mean."""
    if not chart.points:
        return ngettext("%(item)s: no answers in the last %(num)s day.",
                        "%(item)s: no answers in the last %(num)s days.", chart.days,
                        item=chart.title)
    latest = chart.latest
    return " ".join((
        ngettext("%(item)s: %(num)s answer.", "%(item)s: %(num)s answers.", len(chart.points),
                 item=chart.title),
        ngettext("Answered on %(num)s day.", "Answered on %(num)s days.", chart.days_answered),
        _extremes(chart),
        _("Latest %(value)s on %(day)s.", value=_number(latest.value),
          day=format_day(latest.day, "short")),
        _("Average of all answers %(average)s, on a scale of %(low)s to %(high)s.",
          average=_number(chart.average), low=chart.low, high=chart.high),
    ))


def scale_summary(chart: Chart, scale) -> str:
    """Scores in the range, the latest with its band, and the highest."""
    if not chart.points:
        return ngettext("%(scale)s: no scores in the last %(num)s day.",
                        "%(scale)s: no scores in the last %(num)s days.", chart.days,
                        scale=scale.name)
    latest = chart.latest
    band = scale.band_for(round(latest.value))
    return " ".join((
        ngettext("%(scale)s: %(num)s score.", "%(scale)s: %(num)s scores.", len(chart.points),
                 scale=scale.name),
        _("Latest %(value)s of %(max)s on %(day)s, in the %(band)s band.",
          value=_number(latest.value), max=scale.max_total,
          day=format_day(latest.day, "short"), band=band.label),
        _extremes(chart),
    ))


def line_legend(chart: Chart) -> str:
    """What the line joins, so nobody reads it as an average."""
    if chart.higher_is_harder:
        return _("Each dot is one answer. The line joins each day's highest answer.")
    return _("Each dot is one answer. The line joins each day's lowest answer.")
