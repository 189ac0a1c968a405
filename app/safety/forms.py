"""Forms for the safety plan and for acknowledging a safety alert."""

from flask_babel import LazyString, format_number, lazy_ngettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.safety.alerts import ACTION_MAX
from app.safety.plans import SECTION_MAX, SECTIONS


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
        validators=[Optional(), Length(max=SECTION_MAX, message=lazy_ngettext(
            "Keep each part to %(max)s character or fewer.",
            "Keep each part to %(max)s characters or fewer.", SECTION_MAX,
            max=LazyString(format_number, SECTION_MAX)))],
    )


#: One text area per section of app.safety.plans.SECTIONS.
SafetyPlanForm = type("SafetyPlanForm", (_SafetyPlanBase,),
                      {s.key: _section_field(s) for s in SECTIONS})


class AcknowledgeForm(FlaskForm):
    action_taken = TextAreaField(
        _l("What was done"),
        description=_l("For example: called the participant, safety plan reviewed, no "
                       "immediate risk; or: sent to the emergency department."),
        validators=[DataRequired(_l("Say what was done before acknowledging.")),
                    Length(max=ACTION_MAX, message=lazy_ngettext(
                        "Keep it to %(max)s character or fewer.",
                        "Keep it to %(max)s characters or fewer.", ACTION_MAX,
                        max=LazyString(format_number, ACTION_MAX)))],
    )


def acknowledge_form_for(alert) -> AcknowledgeForm:
    """An empty acknowledge form for one alert, its fields prefixed so ids stay unique."""
    return AcknowledgeForm(prefix=f"alert-{alert.id}", formdata=None)
