"""Forms: a medication (added or changed, by the care team or the participant), stopping it,
reminder choices, and a program's list of names."""

from datetime import time

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
    ValidationError,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app.forms import options
from app.medications.listing import Details
from app.medications.reminders import FOLLOW_UP_CHOICES

TIME_FIELDS = ("time_1", "time_2", "time_3", "time_4")
FIRST_YEAR, LAST_YEAR = 2000, 2100
NAMES_MAX = 500


def _sensible_year(form, field) -> None:
    if field.data and not FIRST_YEAR <= field.data.year <= LAST_YEAR:
        raise ValidationError(_l("Enter a date between %(first)s and %(last)s.",
                                 first=FIRST_YEAR, last=LAST_YEAR))


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class MedicationForm(FlaskForm):
    """A medication's details. `start_on` is asked when adding, `effective_on` when changing."""

    name = StringField(_l("Name"), filters=[_strip],
                       validators=[DataRequired(_l("Enter the medication's name.")),
                                   Length(max=120)],
                       description=_l("As on the label, e.g. sertraline."))
    strength = StringField(_l("Strength"), filters=[_strip],
                           validators=[Optional(), Length(max=60)],
                           description=_l("As written, e.g. 50 mg."))
    form = StringField(_l("Form"), filters=[_strip], validators=[Optional(), Length(max=60)],
                       description=_l("e.g. tablet, capsule, liquid."))
    amount = StringField(_l("How to take it"), filters=[_strip],
                         validators=[Optional(), Length(max=120)],
                         description=_l("e.g. 1 tablet."))
    is_as_needed = BooleanField(_l("Taken as needed (no set times)"))
    time_1 = TimeField(_l("First time"), validators=[Optional()])
    time_2 = TimeField(_l("Second time"), validators=[Optional()])
    time_3 = TimeField(_l("Third time"), validators=[Optional()])
    time_4 = TimeField(_l("Fourth time"), validators=[Optional()])
    start_on = DateField(_l("Started on"), validators=[Optional(), _sensible_year])
    effective_on = DateField(_l("Changes apply from"), validators=[Optional(), _sensible_year],
                             description=_l("A new dose starts a new entry from this date; "
                                            "earlier doses keep the old one."))
    prescriber = StringField(_l("Prescriber"), filters=[_strip],
                             validators=[Optional(), Length(max=120)])
    note = TextAreaField(_l("Note"), filters=[_strip], validators=[Optional(), Length(max=1000)],
                         description=_l("e.g. take with food."))

    def times(self) -> list[str]:
        """The times given, as sorted "HH:MM" without repeats."""
        given = {getattr(self, name).data for name in TIME_FIELDS}
        return sorted(t.strftime("%H:%M") for t in given if t is not None)

    def validate(self, extra_validators=None) -> bool:
        # Whole-form rule (an empty time field stops its own validators): times or as needed.
        valid = super().validate(extra_validators)
        if self.is_as_needed.data and self.times():
            self.time_1.errors = [*self.time_1.errors,
                                  _l("Leave the times empty for a medication taken as needed.")]
            return False
        if not self.is_as_needed.data and not self.times():
            self.time_1.errors = [*self.time_1.errors,
                                  _l("Add at least one time of day, or tick “Taken as needed”.")]
            return False
        return valid

    def details(self) -> Details:
        """What the form says, as the list service takes it."""
        return Details(name=self.name.data, strength=self.strength.data or None,
                       form=self.form.data or None, amount=self.amount.data or None,
                       times=[] if self.is_as_needed.data else self.times(),
                       is_as_needed=bool(self.is_as_needed.data),
                       prescriber=self.prescriber.data or None, note=self.note.data or None)

    def fill(self, details: Details) -> None:
        """Show an entry's details in the form."""
        for name in ("name", "strength", "form", "amount", "prescriber", "note"):
            getattr(self, name).data = getattr(details, name)
        self.is_as_needed.data = details.is_as_needed
        for name, value in zip(TIME_FIELDS, details.times, strict=False):
            getattr(self, name).data = time.fromisoformat(value)


class TimesForm(FlaskForm):
    """A participant changing when they take a medication from their care team."""

    time_1 = TimeField(_l("First time"), validators=[Optional()])
    time_2 = TimeField(_l("Second time"), validators=[Optional()])
    time_3 = TimeField(_l("Third time"), validators=[Optional()])
    time_4 = TimeField(_l("Fourth time"), validators=[Optional()])
    effective_on = DateField(_l("Changes apply from"), validators=[Optional(), _sensible_year])

    times = MedicationForm.times

    def fill(self, details: Details) -> None:
        for name, value in zip(TIME_FIELDS, details.times, strict=False):
            getattr(self, name).data = time.fromisoformat(value)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not self.times():
            self.time_1.errors = [*self.time_1.errors, _l("Add at least one time of day.")]
            return False
        return valid


class StopForm(FlaskForm):
    stop_on = DateField(_l("Last day taken"),
                        validators=[InputRequired(_l("Enter the last day it was taken.")),
                                    _sensible_year])


class ReminderSettingsForm(FlaskForm):
    is_on = BooleanField(_l("Remind me at each dose time"))
    follow_up_minutes = SelectField(
        _l("If I have not marked it"), coerce=int,
        choices=options((m, lazy_ngettext("Remind me again after %(num)s minute",
                                          "Remind me again after %(num)s minutes", m) if m
                         else _l("Do not remind me again")) for m in FOLLOW_UP_CHOICES))


class ProgramNamesForm(FlaskForm):
    names = TextAreaField(_l("Medication names"), validators=[Optional(), Length(max=20000)],
                          description=_l("One name per line. Suggested when a name is typed; "
                                         "any other name can still be entered."))

    def name_list(self) -> list[str]:
        seen, names = set(), []
        for line in (self.names.data or "").splitlines():
            name = line.strip()[:120]
            if name and name.lower() not in seen:
                seen.add(name.lower())
                names.append(name)
        return sorted(names, key=str.lower)[:NAMES_MAX]
