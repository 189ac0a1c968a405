"""Forms on the participant's Me page."""

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from app.forms import options, validate_time_zone


class ProfileForm(FlaskForm):
    display_name = StringField(
        _l("What should we call you?"),
        validators=[DataRequired(_l("Enter a name.")), Length(max=120)],
    )
    language = SelectField(_l("Language"))
    time_zone = StringField(
        _l("Your time zone"),
        filters=[lambda value: value.strip() if value else value],
        validators=[Optional(), Length(max=64), validate_time_zone],
        description=_l("IANA name, e.g. America/Los_Angeles. Leave empty to use your "
                       "program's time zone."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = options(current_app.config["LANGUAGES"].items())
