"""The form for a program's check-in settings.

The daily check-in and the scales have no WTForms class on purpose: they are validated by
`app.checkins.validation` and `app.scales.registry`, the one path the JSON API shares.
"""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField
from wtforms.validators import InputRequired, NumberRange

from app.checkins.settings import CADENCE_MAX, CADENCE_MIN
from app.forms import MultiCheckboxField
from app.scales.registry import SCALES


class _SettingsBase(FlaskForm):
    items = MultiCheckboxField(_l("Optional check-in items participants see"))

    def scale_fields(self):
        """(scale, enabled field, cadence field) for each scale in the registry."""
        return [(scale, getattr(self, f"{key}_enabled"), getattr(self, f"{key}_cadence"))
                for key, scale in SCALES.items()]


def _settings_fields() -> dict:
    fields = {}
    for key, scale in SCALES.items():
        fields[f"{key}_enabled"] = BooleanField(_l("Ask %(scale)s", scale=scale.name))
        fields[f"{key}_cadence"] = IntegerField(
            _l("%(scale)s every … days", scale=scale.name),
            default=scale.default_cadence_days,
            validators=[InputRequired(_l("Enter a number of days.")),
                        NumberRange(CADENCE_MIN, CADENCE_MAX, message=_l(
                            "Enter a number of days from %(low)s to %(high)s.",
                            low=CADENCE_MIN, high=CADENCE_MAX))],
        )
    return fields


#: Items to show, and per scale "asked?" and "every how many days?".
CheckinSettingsForm = type("CheckinSettingsForm", (_SettingsBase,), _settings_fields())
