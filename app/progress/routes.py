"""The participant's Progress page: items and scale scores over 14, 30 or 90 days."""

from flask import request
from flask_login import current_user

from app.care.team import care_enrolment, participant_zone
from app.checkins import settings as checkin_settings
from app.checkins.items import CHARTED, MOOD_LABELS
from app.progress import bp, summaries
from app.progress import charts as progress
from app.scales.registry import SCALES
from app.templating import render

#: Scales drawn against their bands, when the program asks them.
CHARTED_SCALES = ("phq9", "gad7", "pcl5")


@bp.route("/progress")
def index():
    """Charts (server-drawn SVG) of every answer, each with a summary and a data table."""
    days = request.args.get("days", type=int)
    if days not in progress.RANGES:
        days = progress.RANGES[0]  # only the offered ranges: an allowlist
    me = current_user._get_current_object()
    enrolment = care_enrolment(me)
    zone = participant_zone(me, enrolment)
    settings = checkin_settings.for_program(enrolment.program if enrolment else None)
    keys = [k for k in CHARTED if settings.shows(k)]
    charts, counts = progress.item_charts(me, keys, days, zone)
    asked = {s.scale.key for s in settings.enabled_scales}
    scale_charts = [(SCALES[k], progress.scale_chart(me, SCALES[k], days, zone))
                    for k in CHARTED_SCALES if k in asked]
    return render("progress/index.html", None, days=days, ranges=progress.RANGES,
                  charts=[(c, summaries.item_summary(c)) for c in charts],
                  scale_charts=[(scale, c, summaries.scale_summary(c, scale))
                                for scale, c in scale_charts],
                  legend=summaries.line_legend, counts=counts, zone=zone,
                  mood_labels=MOOD_LABELS)
