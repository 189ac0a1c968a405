"""Forms for consent and the app lock."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField
from wtforms.validators import DataRequired, EqualTo, Regexp

from app.forms import options

#: Minutes of inactivity after which the PIN is asked (participants are signed out at 30
#: unless they chose to stay signed in).
LOCK_AFTER_CHOICES = [1, 5, 15]


class ConsentForm(FlaskForm):
    accept = BooleanField(
        _l("I have read this and agree"),
        validators=[DataRequired(_l("Please tick the box to go on."))],
    )


class AppLockForm(FlaskForm):
    pin = PasswordField(
        _l("PIN (4 to 6 digits)"),
        validators=[DataRequired(_l("Enter a PIN.")),
                    Regexp(r"^\d{4,6}$", message=_l("Use 4 to 6 digits."))],
    )
    confirm = PasswordField(
        _l("Type the PIN again"),
        validators=[DataRequired(_l("Type the PIN again.")),
                    EqualTo("pin", _l("The two PINs are not the same."))],
    )
    after_minutes = SelectField(_l("Ask for it after"), coerce=int)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.after_minutes.choices = options(
            [(m, lazy_ngettext("%(num)d minute without use", "%(num)d minutes without use", m))
             for m in LOCK_AFTER_CHOICES]
        )


class UnlockForm(FlaskForm):
    pin = PasswordField(_l("PIN"), validators=[DataRequired(_l("Enter your PIN."))])
