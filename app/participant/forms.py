"""Forms on the participant's Me page."""

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from app.forms import TimeZoneField, options
from app.schedule.display import zone_name


class ProfileForm(FlaskForm):
    display_name = StringField(
        _l("What should we call you?"),
        validators=[DataRequired(_l("Enter a name.")), Length(max=120)],
    )
    language = SelectField(_l("Language"))
    time_zone = TimeZoneField(
        _l("Your time zone"),
        validators=[Optional(), Length(max=64)],
        description=_l("Times in Trellis are shown in this zone. Type a city's first letters "
                       "to jump to it."),
    )

    def __init__(self, *args, program_zone: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = options(current_app.config["LANGUAGES"].items())
        self.time_zone.empty_label = (
            _l("My program's time zone (%(zone)s)", zone=zone_name(program_zone))
            if program_zone else _l("My program's time zone"))
