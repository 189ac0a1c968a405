"""Form pieces shared by several blueprints."""

from zoneinfo import available_timezones

from flask_babel import lazy_gettext as _l
from wtforms import SelectMultipleField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget


def options(pairs) -> list[SelectChoice]:
    """Select options from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


def validate_time_zone(form, field) -> None:
    """An IANA zone name such as America/New_York."""
    if field.data not in available_timezones():
        raise ValidationError(
            _l("Enter a time zone name such as America/New_York (IANA format).")
        )


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes (programs, check-in items, kinds)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()
