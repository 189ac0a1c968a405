"""The caseload's relative times read exactly as the `reltime` macro writes them elsewhere."""

from datetime import UTC, datetime, timedelta

import pytest
from flask import render_template_string

from app.review.display import RelativeTimes

NOW = datetime(2026, 3, 8, 12, 0, 0, 250000, tzinfo=UTC)  # the US clocks change that day
#: Around each of Babel's unit and rounding edges (36 h is still hours, 1.5 d is days), plus
#: a moment ahead of now, now itself, and a time that is not on a whole second.
OFFSETS = [
    timedelta(0), timedelta(seconds=0.4), timedelta(seconds=1), timedelta(seconds=89),
    timedelta(seconds=90), timedelta(minutes=44, seconds=59), timedelta(hours=1, minutes=29),
    timedelta(hours=1, minutes=30), timedelta(hours=2, minutes=29, seconds=59),
    timedelta(hours=2, minutes=30), timedelta(hours=35, minutes=59), timedelta(hours=36),
    timedelta(days=2, hours=11), timedelta(days=2, hours=12), timedelta(days=10),
    timedelta(days=11), timedelta(days=45), timedelta(days=400), -timedelta(hours=3),
    -timedelta(seconds=20),
]
#: Dense runs across every unit's edges, so that two instants sharing a cached part but
#: worded differently by Babel would show.
DENSE = ([timedelta(seconds=s) for s in range(0, 200, 3)]
         + [timedelta(minutes=m, seconds=7) for m in range(0, 200, 2)]
         + [timedelta(hours=h, minutes=17) for h in range(0, 80)]
         + [timedelta(days=d, hours=5) for d in range(0, 70)] + [-o for o in OFFSETS])
ZONES = ["America/New_York", "Europe/Madrid", "Asia/Kolkata", "UTC", "America/St_Johns"]
MACRO = ('{% from "review/_reltime.html" import reltime %}'
         "{% for at, zone in items %}{{ reltime(at, zone, now) }}|{% endfor %}")


@pytest.mark.parametrize("language", ["en", "es"])
def test_relative_times_match_the_macro_in_every_unit_zone_and_language(app, language):
    items = ([(NOW - offset, zone) for offset in OFFSETS for zone in ZONES]
             + [(NOW - offset, "America/Chicago") for offset in DENSE] + [(None, "UTC")])
    with app.test_request_context(headers={"Accept-Language": language}):
        expected = render_template_string(MACRO, items=items, now=NOW)
        times = RelativeTimes(NOW)
        # Twice: what is reused from the first pass must read the same.
        for _ in range(2):
            assert "".join(f"{times(at, zone)}|" for at, zone in items) == expected
