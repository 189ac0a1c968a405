"""The named date and time formats, in the reader's locale and the right zone (DST included)."""

from datetime import UTC, date, datetime

import pytest
from flask_babel import force_locale

from app.formatting import format_day, format_instant, zone_abbreviation

NY = "America/New_York"


@pytest.fixture
def request_context(app):
    """Formatting reads the locale from the request, as pages do."""
    with app.test_request_context():
        yield


def test_each_named_style_in_english(request_context):
    instant = datetime(2026, 11, 30, 14, 12, tzinfo=UTC)  # 9:12 in New York (EST)
    with force_locale("en"):
        assert format_instant(instant, NY, "full") == "Monday, November 30, 2026"
        assert format_instant(instant, NY, "date") == "Nov 30, 2026"
        assert format_instant(instant, NY, "short") == "Mon, Nov 30"
        assert format_instant(instant, NY, "time") == "9:12\u202fAM"
        assert format_instant(instant, NY, "datetime") == "Nov 30, 2026, 9:12\u202fAM"
        assert format_instant(instant, NY, "time", with_zone=True) == "9:12\u202fAM EST"
        assert format_day(date(2026, 11, 8), "full") == "Sunday, November 8, 2026"


def test_an_instant_late_at_night_utc_is_still_the_evening_before_in_new_york(request_context):
    instant = datetime(2026, 11, 29, 3, 40, tzinfo=UTC)
    with force_locale("en"):
        assert format_instant(instant, NY, "full") == "Saturday, November 28, 2026"


def test_the_zone_abbreviation_follows_daylight_saving(request_context):
    before = datetime(2027, 3, 14, 6, 59, tzinfo=UTC)  # 1:59 EST, spring-forward day
    after = datetime(2027, 3, 14, 7, 0, tzinfo=UTC)  # 3:00 EDT
    assert zone_abbreviation(before, NY) == "EST"
    assert zone_abbreviation(after, NY) == "EDT"
    with force_locale("en"):
        assert format_instant(after, NY, "time") == "3:00\u202fAM"


def test_spanish_readers_get_spanish_dates(request_context):
    instant = datetime(2026, 11, 30, 14, 12, tzinfo=UTC)
    with force_locale("es"):
        assert format_instant(instant, NY, "full") == "lunes, 30 de noviembre de 2026"
        assert "9:12" in format_instant(instant, NY, "time")


def test_nothing_is_shown_for_no_instant(request_context):
    assert format_instant(None, NY) == ""
