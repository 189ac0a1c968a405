"""Forms for the safety plan, acknowledging an alert and a program's check-in settings.

The daily check-in and the scales have no WTForms class on purpose: they are validated by
app.services.checkins / scales, the one path the JSON API shares.
"""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.forms import MultiCheckboxField
from app.services.checkin_settings import CADENCE_MAX, CADENCE_MIN
from app.services.safety import ACTION_MAX
from app.services.safety_plans import SECTION_MAX, SECTIONS
from app.services.scales import SCALES


class _SafetyPlanBase(FlaskForm):
    #: The plan's version when the page was opened; a save against an older one is refused.
    version = HiddenField(default="0")

    @property
    def section_fields(self):
        return [getattr(self, s.key) for s in SECTIONS]

    def seen_version(self) -> int:
        try:
            return int(self.version.data or 0)
        except ValueError:
            return -1


def _section_field(section) -> TextAreaField:
    return TextAreaField(
        section.title, description=section.hint,
        validators=[Optional(), Length(max=SECTION_MAX, message=_l(
            "Keep each part to %(max)s characters or fewer.", max=f"{SECTION_MAX:,}"))],
    )


#: One text area per section of app.services.safety_plans.SECTIONS.
SafetyPlanForm = type("SafetyPlanForm", (_SafetyPlanBase,),
                      {s.key: _section_field(s) for s in SECTIONS})


class AcknowledgeForm(FlaskForm):
    action_taken = TextAreaField(
        _l("What was done"),
        description=_l("For example: called the participant, safety plan reviewed, no "
                       "immediate risk; or: sent to the emergency department."),
        validators=[DataRequired(_l("Say what was done before acknowledging.")),
                    Length(max=ACTION_MAX, message=_l("Keep it to %(max)s characters or fewer.",
                                                      max=f"{ACTION_MAX:,}"))],
    )


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
