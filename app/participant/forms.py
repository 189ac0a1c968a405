"""Forms on the participant's Me page."""

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length

from app.forms import options


class ProfileForm(FlaskForm):
    display_name = StringField(
        _l("What should we call you?"),
        validators=[DataRequired(_l("Enter a name.")), Length(max=120)],
    )
    language = SelectField(_l("Language"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = options(current_app.config["LANGUAGES"].items())
