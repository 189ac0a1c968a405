"""Form pieces shared by several blueprints."""

from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from babel.core import get_global
from babel.dates import get_timezone_location, get_timezone_name
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms import SelectField, SelectMultipleField, ValidationError
from wtforms.fields.choices import Choice, SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget, Select, html_params


def options(pairs) -> list[SelectChoice]:
    """Select options from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


#: The IANA regions a time zone list is grouped by, in the reader's words.
ZONE_REGIONS = {
    "America": _l("Americas"), "Europe": _l("Europe"), "Africa": _l("Africa"),
    "Asia": _l("Asia"), "Australia": _l("Australia"), "Pacific": _l("Pacific"),
    "Atlantic": _l("Atlantic"), "Indian": _l("Indian Ocean"), "Antarctica": _l("Antarctica"),
    "Arctic": _l("Arctic"),
}


@lru_cache(maxsize=8)
def _zone_options(locale: str) -> tuple[tuple[str, str, str], ...]:
    """(region, zone, label) for every current IANA zone, sorted by label within region.

    Old alias names (America/Buenos_Aires, US/Eastern) are left out; they stay valid values.
    """
    aliases = get_global("zone_aliases")
    rows = []
    for zone in available_timezones():
        region = zone.split("/", 1)[0]
        if region not in ZONE_REGIONS or zone in aliases or "/" not in zone:
            continue
        city = get_timezone_location(ZoneInfo(zone), locale=locale, return_city=True)
        generic = get_timezone_name(ZoneInfo(zone), "long", locale=locale)
        label = city if city in generic else f"{city} ({generic})"
        rows.append((region, zone, label))
    order = list(ZONE_REGIONS)
    return tuple(sorted(rows, key=lambda r: (order.index(r[0]), r[2].casefold())))


def time_zone_choices(current: str | None, empty_label: str) -> list[SelectChoice]:
    """A select's choices: an empty "use the default" option, then every zone by region.

    A current value that is valid but not listed (an old alias) is kept as an option, so
    saving the form again does not change it unasked.
    """
    choices = [SelectChoice("", empty_label)]
    listed = set()
    # Each region's name translated once, not once for each of its zones (~400 in all).
    regions = {key: str(name) for key, name in ZONE_REGIONS.items()}
    for region, zone, label in _zone_options(str(get_locale())):
        choices.append(SelectChoice(zone, label, optgroup=regions[region]))
        listed.add(zone)
    if current and current not in listed and current in available_timezones():
        choices.insert(1, SelectChoice(current, current))
    return choices


@lru_cache(maxsize=16)
def _zone_options_html(empty_label: str, locale: str) -> str:
    """The options of a time zone select, none selected, as WTForms draws them.

    About 400 options: drawing them per request was most of the Me page's time, and they
    differ only by language and by which one is selected.
    """
    html = [Select.render_option(Choice("", empty_label, False, {}))]
    group = None
    for choice in time_zone_choices(None, empty_label)[1:]:
        if choice.optgroup != group:
            if group is not None:
                html.append("</optgroup>")
            group = choice.optgroup
            html.append(f"<optgroup {html_params(label=group)}>")
        html.append(Select.render_option(Choice(choice.value, choice.label, False, {})))
    if group is not None:
        html.append("</optgroup>")
    return "".join(html)


class ZoneSelect(Select):
    """WTForms' select, with the zone options drawn once per language and reused."""

    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", field.id)
        flags = getattr(field, "flags", {})
        for k in dir(flags):
            if k in self.validation_attrs and k not in kwargs:
                kwargs[k] = getattr(flags, k)
        body = _zone_options_html(str(field.empty_label), str(get_locale()))
        current = field.data or ""
        plain = f"<option {html_params(value=current)}>"
        chosen = f"<option {html_params(selected=True, value=current)}>"
        if plain in body:
            body = body.replace(plain, chosen, 1)
        elif current in available_timezones():
            # A valid zone the list leaves out (an old alias): kept as the first real option,
            # as time_zone_choices does, so saving the form again does not change it unasked.
            empty = Select.render_option(Choice("", str(field.empty_label), False, {}))
            kept = Select.render_option(Choice(current, current, True, {}))
            body = body.replace(empty, empty + kept, 1)
        # Every piece is escaped: attributes by html_params, options by render_option.
        select = html_params(name=field.name, **kwargs)
        return Markup(f"<select {select}>{body}</select>")  # noqa: S704


class TimeZoneField(SelectField):
    """An IANA time zone, chosen from a list grouped by region (the select's own type-ahead
    finds a city; static/js/time-zone.js offers the browser's zone). The empty first option
    means "the default" (`empty_label` says which); no choice stored reads as "".

    The list is built when the field is drawn, for the reader's language and current value.
    """

    widget = ZoneSelect()

    def __init__(self, label=None, validators=None, empty_label=None, **kwargs):
        kwargs.setdefault("filters", [lambda value: value.strip() if value else value])
        self.empty_label = empty_label or _l("Choose a time zone")
        super().__init__(label, validators, validate_choice=False, **kwargs)

    @property
    def choices(self) -> list[SelectChoice]:
        # Drawing the select reads the choices twice (has_groups, then iter_groups).
        key = (self.data, str(self.empty_label), str(get_locale()))
        if getattr(self, "_drawn", (None,))[0] != key:
            self._drawn = (key, time_zone_choices(*key[:2]))
        return self._drawn[1]

    @choices.setter
    def choices(self, value) -> None:
        """The list is always every zone; SelectField's own assignment is ignored."""

    def process_data(self, value) -> None:
        super().process_data(value or "")

    def pre_validate(self, form) -> None:
        """Any IANA zone (the list, or an old alias already saved); empty means the default."""
        if self.data and self.data not in available_timezones():
            raise ValidationError(_l("Choose a time zone from the list."))


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes (programs, check-in items, kinds)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()
