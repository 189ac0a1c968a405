"""Admin forms."""

import re
from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    EmailField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from app.forms import MultiCheckboxField, TimeZoneField, options
from app.models import LevelOfCare

_PHONE = re.compile(r"^\+?[\d\s().-]{3,30}$")


def validate_phone(form, field) -> None:
    """Digits with optional +, spaces, dots, dashes and brackets: something a phone can dial."""
    if field.data and (not _PHONE.match(field.data) or sum(c.isdigit() for c in field.data) < 3):
        raise ValidationError(_l("Enter a phone number with digits, e.g. +1 555 010 0199."))


#: Neutral icons for the installed app (static/icons/<name>.svg).
APP_ICONS = [("leaf", _l("Leaf")), ("sun", _l("Sun")), ("dots", _l("Dots"))]


class ProgramForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter a name.")), Length(max=120)])
    level_of_care = SelectField(
        _l("Level of care"),
        choices=options([(LevelOfCare.IOP.value, _l("Intensive outpatient (IOP)")),
                 (LevelOfCare.PHP.value, _l("Partial hospitalization (PHP)"))]),
    )
    time_zone = TimeZoneField(
        _l("Time zone"),
        default="America/New_York",
        validators=[DataRequired(_l("Choose a time zone."))],
        description=_l("Sessions, check-in days and reminders follow it."),
    )
    phone = StringField(
        _l("Program phone"), validators=[Optional(), Length(max=32), validate_phone],
        description=_l("Shown to participants as a “Call us” button."),
    )
    crisis_text = TextAreaField(
        _l("Crisis page message"),
        validators=[Optional(), Length(max=2000)],
        description=_l("Shown at the top of the crisis page. Leave empty for the default."),
    )
    app_name = StringField(
        _l("Name of the installed app"),
        validators=[Optional(), Length(max=30)],
        description=_l("What participants' phones show under the app icon. Keep it neutral; "
                       "empty means “Trellis”."),
    )
    app_icon = SelectField(_l("Icon of the installed app"), choices=options(APP_ICONS),
                           default="leaf")
    privacy_notice = TextAreaField(
        _l("Privacy notice: the program's own words"),
        validators=[Optional(), Length(max=10000)],
        description=_l("Added to Trellis's standard notice. Changing it asks every participant "
                       "to read and accept it again."),
    )
    alert_escalation_minutes = IntegerField(
        _l("Safety alert escalation (minutes)"), default=30,
        validators=[Optional(), NumberRange(min=5, max=1440, message=_l(
            "Enter a number of minutes from 5 to 1440."))],
        description=_l("A safety alert still open after this long is pushed to the program's "
                       "other clinicians too."),
    )


class ClinicianForm(FlaskForm):
    display_name = StringField(
        _l("Name"), validators=[DataRequired(_l("Enter a name.")), Length(max=120)]
    )
    email = EmailField(
        _l("Email"),
        validators=[DataRequired(_l("Enter an email address.")),
                    Email(_l("Enter a valid email address."), check_deliverability=False),
                    Length(max=254)],
    )
    role = SelectField(
        _l("Role"), choices=options([("clinician", _l("Clinician")), ("admin", _l("Admin"))])
    )
    program_ids = MultiCheckboxField(_l("Programs"), coerce=int)


class ClinicianProgramsForm(FlaskForm):
    program_ids = MultiCheckboxField(_l("Programs"), coerce=int)


def primary_choice_form(replacing) -> FlaskForm:
    """The second step of changing a staff member's programs: for each program they leave
    where they are a primary clinician, who takes over (or no one for now). `replacing` is
    app.care.memberships.primaries_to_replace(...)."""
    fields = {}
    for choice in replacing:
        fields[f"primary_{choice.program.id}"] = SelectField(
            _l("New primary clinician in %(program)s", program=choice.program.name),
            coerce=int,
            choices=options([(c.id, _l("Reassign to %(name)s", name=c.display_name))
                             for c in choice.candidates]
                            + [(0, _l("Leave without a primary clinician"))]),
        )

    def chosen(form, choices) -> dict:
        people = {c.id: c for choice in choices for c in choice.candidates}
        return {choice.program.id: people.get(getattr(form, f"primary_{choice.program.id}").data)
                for choice in choices}

    form_class = type("PrimaryChoiceForm", (FlaskForm,), {**fields, "chosen": chosen})
    return form_class(meta={"csrf": False})  # the programs form around it carries the token


class EnrolmentForm(FlaskForm):
    participant_id = SelectField(_l("Participant"), coerce=int)
    program_id = SelectField(_l("Program"), coerce=int)
    start_date = DateField(_l("Start date"), default=date.today,
                           validators=[DataRequired(_l("Enter a start date (YYYY-MM-DD)."))])
    primary_clinician_id = SelectField(_l("Primary clinician"), coerce=int)


class TransitionForm(FlaskForm):
    change = SelectField(
        _l("Change"),
        choices=options([("program", _l("Move to another program (step down or up)")),
                 ("outpatient", _l("Step down to outpatient care")),
                 ("discharge", _l("Discharge"))]),
    )
    to_program_id = SelectField(_l("New program"), coerce=int)
    effective_date = DateField(
        _l("First day at the new level"), default=date.today,
        validators=[DataRequired(_l("Enter a date (YYYY-MM-DD)."))],
    )


class BreakGlassForm(FlaskForm):
    reason = TextAreaField(
        _l("Why do you need access now?"),
        validators=[DataRequired(_l("Explain why.")), Length(max=2000)],
        description=_l("The participant's clinicians will read this."),
    )
    hours = SelectField(
        _l("For how long"), coerce=int,
        choices=options([(1, _l("1 hour")), (2, _l("2 hours")), (4, _l("4 hours"))]),
    )
