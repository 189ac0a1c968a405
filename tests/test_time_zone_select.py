"""The time zone select: drawn from a list kept per language, it must read exactly as WTForms'
own select would, with the saved zone chosen (an old alias too) and in the reader's language."""

import pytest
from flask_wtf import FlaskForm
from wtforms.widgets import Select

from app.forms import TimeZoneField


class ZoneForm(FlaskForm):
    class Meta:
        csrf = False

    zone = TimeZoneField("Time zone")


class PlainZoneForm(FlaskForm):
    class Meta:
        csrf = False

    zone = TimeZoneField("Time zone", widget=Select())


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("saved", ["", "America/New_York", "Pacific/Auckland", "US/Eastern"])
def test_the_select_is_the_one_wtforms_would_draw(app, language, saved):
    with app.test_request_context(headers={"Accept-Language": language}):
        drawn = ZoneForm(data={"zone": saved}).zone(**{"aria-describedby": "zone-hint"})
        expected = PlainZoneForm(data={"zone": saved}).zone(**{"aria-describedby": "zone-hint"})
    assert str(drawn) == str(expected)
    assert drawn.count(" selected ") == 1


def test_the_saved_zone_is_the_one_chosen_and_the_language_is_the_readers(app):
    with app.test_request_context(headers={"Accept-Language": "es"}):
        first = str(ZoneForm(data={"zone": "Europe/Madrid"}).zone())
        second = str(ZoneForm(data={"zone": "America/Chicago"}).zone())
    assert '<option selected value="Europe/Madrid">' in first
    assert '<option selected value="America/Chicago">' in second
    assert '<option selected value="Europe/Madrid">' not in second  # nothing left from before
    assert '<optgroup label="América">' in first


def test_an_old_alias_stays_chosen_so_saving_again_does_not_change_it(app):
    with app.test_request_context():
        html = str(ZoneForm(data={"zone": "US/Eastern"}).zone())
    assert '<option selected value="US/Eastern">US/Eastern</option>' in html
