"""Forms for inviting participants."""

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length


class InviteParticipantForm(FlaskForm):
    display_name = StringField(
        _l("Name the participant wants to be called"),
        validators=[DataRequired(_l("Enter a name.")), Length(max=120)],
    )
    email = EmailField(
        _l("Email"),
        validators=[
            DataRequired(_l("Enter an email address.")),
            Email(_l("Enter a valid email address."), check_deliverability=False),
            Length(max=254),
        ],
    )
    program_id = SelectField(_l("Program"), coerce=int)
    start_date = DateField(
        _l("Start date"), default=date.today,
        validators=[DataRequired(_l("Enter a start date (YYYY-MM-DD)."))],
    )
    primary_clinician_id = SelectField(_l("Primary clinician"), coerce=int)
