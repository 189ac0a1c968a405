"""Form pieces shared by several blueprints."""

from zoneinfo import available_timezones

from flask_babel import lazy_gettext as _l
from wtforms import ValidationError
from wtforms.fields.choices import SelectChoice


def options(pairs) -> list[SelectChoice]:
    """Select options from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


def validate_time_zone(form, field) -> None:
    """An IANA zone name such as America/New_York."""
    if field.data not in available_timezones():
        raise ValidationError(
            _l("Enter a time zone name such as America/New_York (IANA format).")
        )
