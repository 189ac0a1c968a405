"""Forms of the review pages: notes, messages, exports."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.review.notes import MESSAGE_MAX, NOTE_MAX


def _text(label, maximum, description=None) -> TextAreaField:
    return TextAreaField(label, description=description, validators=[
        DataRequired(_l("Write something first.")),
        Length(max=maximum, message=lazy_ngettext(
            "Keep it to %(num)s character or fewer.", "Keep it to %(num)s characters or fewer.",
            maximum))])


class NoteForm(FlaskForm):
    body = _text(_l("Private note"), NOTE_MAX,
                 _l("Only the care team sees it. The participant never does."))


class MessageForm(FlaskForm):
    body = _text(_l("Message to the participant"), MESSAGE_MAX,
                 _l("They see it in Trellis (on Today and in Messages). Their phone only says "
                    "“You have a reminder”. Not for emergencies."))


class ExportForm(FlaskForm):
    """What to export: for whom, what, which dates, in which format."""

    class Meta:
        csrf = True

    program = SelectField(_l("Program"), coerce=int, validators=[Optional()])
    dataset = RadioField(_l("What"), validators=[DataRequired(_l("Choose what to export."))])
    start = DateField(_l("From"), validators=[DataRequired(_l("Enter the first day."))])
    end = DateField(_l("To (included)"), validators=[DataRequired(_l("Enter the last day."))])
    file_format = RadioField(_l("Format"), default="csv",
                             validators=[DataRequired(_l("Choose a format."))])
