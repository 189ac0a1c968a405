"""My account for clinicians and admins: who they are, and changing their password."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth import account_bp as bp
from app.auth import accounts
from app.auth.forms import ChangePasswordForm
from app.extensions import db
from app.security import audit
from app.security.audit import Action
from app.security.sessions import start_session


def _page(form: ChangePasswordForm, status: int = 200):
    return render_template("auth/staff/account.html", form=form), status


@bp.route("")
def index():
    """Name, email, role and programs, and the change-password form."""
    return _page(ChangePasswordForm())


@bp.route("/password", methods=["POST"])
def change_password():
    """Change password: other sessions end; this one stays, second factor still passed."""
    form = ChangePasswordForm()
    if not form.validate_on_submit():
        return _page(form, 400)
    user = current_user._get_current_object()
    try:
        accounts.change_own_password(user, form.current.data, form.password.data)
    except accounts.AccountError as error:
        db.session.rollback()
        getattr(form, error.field).errors.append(error.message)
        return _page(form, 400)
    start_session(user, mfa_verified=True)  # this browser keeps going with the new token
    audit.record(Action.PASSWORD_CHANGE)
    db.session.commit()
    flash(_("Your password is changed. Your other devices are signed out."), "success")
    return redirect(url_for("account.index"))
