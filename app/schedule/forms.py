"""Forms for series, cancellations, moves, notices and the calendar link."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
    URLField,
    ValidationError,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app.forms import MultiCheckboxField, TimeZoneField, options
from app.models import SessionKind
from app.schedule.recurrence import WEEKDAYS
from app.schedule.series import duration_problem, telehealth_problem

KIND_LABELS = {
    SessionKind.GROUP_THERAPY: _l("Group therapy"),
    SessionKind.INDIVIDUAL_THERAPY: _l("Individual therapy"),
    SessionKind.FAMILY_THERAPY: _l("Family therapy"),
    SessionKind.PSYCHOEDUCATION: _l("Psychoeducation"),
    SessionKind.PSYCHIATRY: _l("Psychiatry / medication management"),
    SessionKind.SKILLS_GROUP: _l("Skills group"),
    SessionKind.OTHER: _l("Other"),
}
DAY_LABELS = [_l("Monday"), _l("Tuesday"), _l("Wednesday"), _l("Thursday"), _l("Friday"),
              _l("Saturday"), _l("Sunday")]
REPEAT_ONCE, REPEAT_WEEKLY, REPEAT_RULE = "once", "weekly", "rule"
#: Dates a schedule may use; far-off years only overflow date arithmetic.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def _sensible_year(form, field) -> None:
    if field.data and not FIRST_YEAR <= field.data.year <= LAST_YEAR:
        raise ValidationError(_l("Enter a date between %(first)s and %(last)s.",
                                 first=FIRST_YEAR, last=LAST_YEAR))


def _duration(form, field) -> None:
    problem = duration_problem(field.data)
    if problem:
        raise ValidationError(problem)


def _https(form, field) -> None:
    problem = telehealth_problem((field.data or "").strip())
    if problem:
        raise ValidationError(problem)


class SeriesForm(FlaskForm):
    """A new series, or an appointment for one participant."""

    program_id = SelectField(_l("Program"), coerce=int)
    participant_id = SelectField(
        _l("Who attends"), coerce=int,
        description=_l("Everyone enrolled in the program, or one participant for an "
                       "individual, family or psychiatry appointment."))
    kind = SelectField(_l("Kind"), choices=options((k.value, v) for k, v in KIND_LABELS.items()))
    title = StringField(_l("Title"), validators=[DataRequired(_l("Enter a title.")),
                                                 Length(max=120)])
    facilitator = StringField(_l("Facilitator"), validators=[Optional(), Length(max=120)])
    location = StringField(_l("Place"), validators=[Optional(), Length(max=200)],
                           description=_l("Room or address. Leave empty for online only."))
    telehealth_url = URLField(_l("Telehealth link"), validators=[Optional(), Length(max=500),
                                                                   _https])
    what_to_bring = TextAreaField(_l("What to bring"), validators=[Optional(), Length(max=1000)])
    time_zone = TimeZoneField(
        _l("Time zone"), validators=[Optional()],
        empty_label=_l("The program's time zone"),
        description=_l("The start time is local to it."))
    start_time = TimeField(_l("Start time"),
                           validators=[DataRequired(_l("Enter a start time (HH:MM)."))])
    duration_minutes = IntegerField(
        _l("Length in minutes"),
        validators=[InputRequired(_l("Enter how many minutes the session lasts.")), _duration])
    repeat = SelectField(_l("Repeats"), default=REPEAT_WEEKLY, choices=options([
        (REPEAT_WEEKLY, _l("Weekly on the days below")),
        (REPEAT_ONCE, _l("Once, on the start date")),
        (REPEAT_RULE, _l("Custom rule (RRULE)")),
    ]))
    days = MultiCheckboxField(_l("Days"), choices=options(zip(WEEKDAYS, DAY_LABELS, strict=True)))
    rule = StringField(
        _l("Custom rule"), validators=[Optional(), Length(max=500)],
        description=_l("RFC 5545 RRULE, e.g. FREQ=WEEKLY;INTERVAL=2;BYDAY=TU for every other "
                       "Tuesday. Used when “Repeats” is “Custom rule”."))
    start_date = DateField(_l("Start date"), validators=[
        DataRequired(_l("Enter a start date (YYYY-MM-DD).")), _sensible_year])
    end_date = DateField(_l("End date"), validators=[Optional(), _sensible_year],
                         description=_l("Leave empty while the series goes on."))

    def validate_days(self, field) -> None:
        if self.repeat.data == REPEAT_WEEKLY and not field.data:
            raise ValidationError(_l("Choose at least one day."))

    def validate_rule(self, field) -> None:
        if self.repeat.data == REPEAT_RULE and not (field.data or "").strip():
            raise ValidationError(_l("Enter a rule, e.g. FREQ=WEEKLY;BYDAY=MO,WE,TH."))

    def validate_end_date(self, field) -> None:
        first = self.first_date()
        if field.data and first and field.data < first:
            raise ValidationError(_l("The end date must be on or after the start date."))

    def first_date(self):
        """The date the series (or the change) starts."""
        return self.start_date.data


class SeriesEditForm(SeriesForm):
    """Change a series from a date onwards; who attends and the program stay as they were."""

    program_id = None
    participant_id = None
    start_date = None
    effective_from = DateField(
        _l("Changes apply from"),
        validators=[DataRequired(_l("Enter the first day the changes apply (YYYY-MM-DD).")),
                    _sensible_year],
        description=_l("Sessions before this day stay as they were. For a single appointment, "
                       "this is its date."))

    def first_date(self):
        return self.effective_from.data


class CancelForm(FlaskForm):
    """Cancel one occurrence."""

    note = StringField(_l("Note for participants (optional)"),
                       validators=[Optional(), Length(max=200)])


class MoveForm(FlaskForm):
    """Move one occurrence to another time."""

    new_date = DateField(_l("New date"),
                         validators=[DataRequired(_l("Enter a date.")), _sensible_year])
    new_time = TimeField(_l("New start time"),
                         validators=[DataRequired(_l("Enter a start time (HH:MM)."))])
    duration_minutes = IntegerField(
        _l("Length in minutes"),
        validators=[InputRequired(_l("Enter how many minutes the session lasts.")), _duration])
    note = StringField(_l("Note for participants (optional)"),
                       validators=[Optional(), Length(max=200)])


class NoticeForm(FlaskForm):
    """A participant's "running late" or "can't make it", with an optional reason."""

    reason = StringField(_l("Anything the team should know? (optional)"),
                         validators=[Optional(), Length(max=200)])


class CalendarTitlesForm(FlaskForm):
    """Discreet or full titles in the participant's calendar."""

    full_titles = BooleanField(_l("Show each session's own title in my calendar"))
