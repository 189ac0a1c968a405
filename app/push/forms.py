"""Reminder choices on Me → Reminders."""

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, TimeField
from wtforms.validators import InputRequired, Optional

from app.formatting import format_clock
from app.forms import MultiCheckboxField, options
from app.push.kinds import KINDS, participant_detail_kinds
from app.push.preferences import in_quiet_hours
from app.push.triggers import EVENING_BEFORE_AT

_TIME = _l("Enter a time such as 18:00.")


class PreferencesForm(FlaskForm):
    """A participant's reminder choices."""

    session_lead = SelectField(
        _l("Session reminder"),
        choices=options([("off", _l("Off")), ("15", _l("15 minutes before")),
                         ("30", _l("30 minutes before")), ("60", _l("1 hour before")),
                         ("120", _l("2 hours before"))]),
        default="60")
    session_evening_before = BooleanField(_l("Also the evening before (at %(time)s)",
                                             time=LazyString(format_clock, EVENING_BEFORE_AT)))
    session_changes = BooleanField(_l("When a session is cancelled or moved"), default=True)
    checkin_on = BooleanField(_l("Daily check-in reminder"), default=True)
    checkin_time = TimeField(_l("Check-in reminder time"), format="%H:%M",
                             validators=[InputRequired(_TIME)],
                             description=_l("In your own time zone. Skipped on days you have "
                                            "already checked in."))
    scale_on = BooleanField(_l("When a questionnaire is due"), default=True)
    homework_on = BooleanField(_l("Skills practice from your care team"), default=False)
    homework_time = TimeField(_l("Skills practice reminder time"), format="%H:%M",
                              validators=[Optional()],
                              description=_l("Only on days with practice still to do, and not "
                                             "once you have practised that day."))
    quiet_on = BooleanField(_l("Quiet hours"), default=True)
    quiet_start = TimeField(_l("Quiet from"), format="%H:%M", validators=[InputRequired(_TIME)])
    quiet_end = TimeField(_l("Quiet until"), format="%H:%M", validators=[InputRequired(_TIME)],
                          description=_l("A reminder in quiet hours waits until they end. If it "
                                         "is too late by then, it is skipped."))
    detailed = MultiCheckboxField(
        _l("Show details on the lock screen for"),
        choices=options([(k.key, k.label) for k in participant_detail_kinds()]),
        description=_l("If this is off, a reminder only says “You have a reminder”."))

    def validate(self, extra_validators=None) -> bool:
        """Fields first; then a check-in time outside quiet hours."""
        if not super().validate(extra_validators):
            return False
        if (self.checkin_on.data and self.quiet_on.data
                and in_quiet_hours(self.checkin_time.data, self.quiet_start.data,
                                   self.quiet_end.data)):
            self.checkin_time.errors.append(_l(
                "This time is in your quiet hours: pick another time or change your quiet "
                "hours."))
            return False
        if self.homework_on.data and self.homework_time.data is None:
            self.homework_time.errors.append(_TIME)
            return False
        if (self.homework_on.data and self.quiet_on.data
                and in_quiet_hours(self.homework_time.data, self.quiet_start.data,
                                   self.quiet_end.data)):
            self.homework_time.errors.append(_l(
                "This time is in your quiet hours: pick another time or change your quiet "
                "hours."))
            return False
        return True


class StaffPreferencesForm(FlaskForm):
    """Whether a clinician's lock screen says "Safety alert" or only "You have a reminder"."""

    detailed_alert = BooleanField(
        _l("Say “%(label)s” on the lock screen", label=KINDS["safety_alert"].label),
        description=_l("Never the participant's name or answers."))
