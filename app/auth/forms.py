"""Forms for signing in and setting a password."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from app.security.passwords import MAX_LENGTH


class SignInForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(_l("Enter your email."))])
    password = PasswordField(
        _l("Password"), validators=[DataRequired(_l("Enter your password.")), Length(max=1024)]
    )
    keep_signed_in = BooleanField(_l("Keep me signed in on this device"))


class SetPasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(_l("Choose a password.")), Length(max=MAX_LENGTH)],
        description=_l("At least 12 characters. A few unrelated words are easy to remember."),
    )
    confirm = PasswordField(
        _l("Type it again"),
        validators=[
            DataRequired(_l("Type the password again.")),
            EqualTo("password", _l("The two passwords are not the same.")),
        ],
    )


class ChangePasswordForm(SetPasswordForm):
    current = PasswordField(
        _l("Current password"), validators=[DataRequired(_l("Enter your current password."))]
    )


class SecondFactorForm(FlaskForm):
    code = StringField(
        _l("Code"),
        validators=[DataRequired(_l("Enter the 6-digit code, or a recovery code.")),
                    Length(max=32)],
        description=_l("From your authenticator app. Lost your phone? Use a recovery code."),
    )


class EnrolSecondFactorForm(FlaskForm):
    code = StringField(
        _l("6-digit code from the app"),
        validators=[DataRequired(_l("Enter the 6-digit code your app shows.")), Length(max=12)],
    )


class JoinProgramForm(FlaskForm):
    """Someone who already has an account accepts an invite to another program."""


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(_l("Enter your email.")),
                                                Length(max=254)])


class IssueResetForm(FlaskForm):
    """Staff: confirm giving someone a reset link (a button; CSRF only)."""
