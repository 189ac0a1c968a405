"""Forgot password: ask for a link by e-mail (or learn to ask the care team), and use a link."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth import bp, reset
from app.auth.accounts import AccountError
from app.auth.forms import ForgotPasswordForm, SetPasswordForm
from app.extensions import db
from app.security import audit
from app.security.access import Rule, access
from app.security.audit import Action
from app.security.redirects import home_for
from app.security.sessions import start_session


@bp.route("/forgot-password", methods=["GET", "POST"])
@access(Rule.ANONYMOUS_OR_ANY)
def forgot_password():
    """Ask for a reset link by e-mail where Trellis sends mail; else ask the care team."""
    form = ForgotPasswordForm()
    if reset.mail_configured() and form.validate_on_submit():
        reset.request_by_email(form.email.data, request.remote_addr)
        # The same answer whether or not the address has an account (or was throttled).
        return render_template("auth/forgot_sent.html", minutes=_minutes())
    status = 400 if form.errors else 200
    return render_template("auth/forgot.html", form=form, mail=reset.mail_configured(),
                           minutes=_minutes()), status


def _minutes() -> int:
    return int(current_app.config["PASSWORD_RESET_EMAIL_LIFETIME"].total_seconds() // 60)


@bp.route("/reset/<reset_token>", methods=["GET", "POST"])
@access(Rule.ANONYMOUS_OR_ANY)
def reset_password(reset_token: str):
    """Open a reset link: choose a new password; every other session of the person ends."""
    link = reset.find(reset_token)
    if link is None:
        abort(404)
    state = link.status() if link.user.is_active else "withdrawn"
    if state != "pending":
        return render_template("auth/reset_closed.html", state=state), 410
    if current_user.is_authenticated and current_user.id != link.user_id:
        # Someone else is signed in on this browser (a clinician checking the link they
        # issued): the link is not used here.
        return render_template("auth/reset_other_account.html"), 409
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            user = reset.complete(link, form.password.data)
        except AccountError as error:
            db.session.rollback()
            form.password.errors.append(error.message)
        else:
            start_session(user)  # this device, with the new token; staff: second factor next
            audit.record(Action.PASSWORD_RESET, actor=user,
                         subject=user if user.is_participant else None,
                         target=f"password_reset:{link.id}")
            db.session.commit()
            flash(_("Your password is changed. Any other device you used is signed out."),
                  "success")
            if user.is_staff:
                return redirect(url_for("auth.mfa_verify"))
            return redirect(home_for(user))
    return render_template("auth/reset.html", form=form, person=link.user), (
        400 if form.errors else 200)
