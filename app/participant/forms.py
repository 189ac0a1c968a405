"""Forms on the participant's Me page."""

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from app.care.forms import validate_phone
from app.forms import TimeZoneField
from app.schedule.display import zone_name


class ProfileForm(FlaskForm):
    display_name = StringField(
        _l("What should we call you?"),
        validators=[DataRequired(_l("Enter a name.")), Length(max=120)],
    )
    #: Each language is named in itself ("Español"), so a person can find their own in a
    #: page they cannot read; a value not offered gets a specific message, not WTForms'.
    language = SelectField(_l("Language"), validate_choice=False)
    time_zone = TimeZoneField(
        _l("Your time zone"),
        validators=[Optional(), Length(max=64)],
        description=_l("Times in Trellis are shown in this zone. Type a city's first letters "
                       "to jump to it."),
    )

    def __init__(self, *args, program_zone: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = [SelectChoice(code, name, render_kw={"lang": code})
                                 for code, name in current_app.config["LANGUAGES"].items()]
        self.time_zone.empty_label = (
            _l("My program's time zone (%(zone)s)", zone=zone_name(program_zone))
            if program_zone else _l("My program's time zone"))

    def validate_language(self, field) -> None:
        """Only a language Trellis has a complete catalogue for."""
        if field.data not in current_app.config["LANGUAGES"]:
            raise ValidationError(_l("Choose a language from the list."))


#: A personal number has at least this many digits, and at most E.164's fifteen.
PHONE_DIGITS = (7, 15)


def validate_personal_phone(form, field) -> None:
    """A number someone can call back: digits with optional +, spaces, dots, dashes, brackets."""
    if not field.data:
        return
    validate_phone(form, field)
    digits = sum(c.isdigit() for c in field.data)
    if not PHONE_DIGITS[0] <= digits <= PHONE_DIGITS[1]:
        raise ValidationError(_l("A phone number has %(low)s to %(high)s digits, e.g. "
                                 "+1 555 010 0199.", low=PHONE_DIGITS[0], high=PHONE_DIGITS[1]))


def _strip(value):
    return " ".join(value.split()) if value else value


class ContactForm(FlaskForm):
    """A participant's phone number and emergency contact (they and their care team edit it)."""

    phone = StringField(_l("Phone number"), filters=[_strip],
                        validators=[Optional(), Length(max=32), validate_personal_phone])
    emergency_contact_name = StringField(
        _l("Emergency contact: name"), filters=[_strip],
        description=_l("Someone your care team may call if they cannot reach you in a crisis."),
        validators=[Optional(), Length(max=120)])
    emergency_contact_phone = StringField(
        _l("Emergency contact: phone number"), filters=[_strip],
        validators=[Optional(), Length(max=32), validate_personal_phone])

    def validate(self, extra_validators=None) -> bool:
        """The emergency contact's name and number go together."""
        valid = super().validate(extra_validators)
        name, number = self.emergency_contact_name.data, self.emergency_contact_phone.data
        if name and not number and not self.emergency_contact_phone.errors:
            self.emergency_contact_phone.errors = [_l("Add their phone number too.")]
            return False
        if number and not name and not self.emergency_contact_name.errors:
            self.emergency_contact_name.errors = [_l("Add their name too.")]
            return False
        return valid

    def apply_to(self, person) -> None:
        """Copy the (valid) values onto the person."""
        person.phone = self.phone.data or None
        person.emergency_contact_name = self.emergency_contact_name.data or None
        person.emergency_contact_phone = self.emergency_contact_phone.data or None
