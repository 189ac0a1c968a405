"""Sign-in, sign-out and invite acceptance."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.auth import accounts, bp, invites
from app.auth.accounts import AccountError
from app.auth.forms import SetPasswordForm, SignInForm
from app.database import utcnow
from app.extensions import db
from app.security import audit
from app.security.access import Rule, access
from app.security.audit import Action
from app.security.redirects import home_for, safe_next
from app.security.sessions import end_session, mfa_verified, start_session


@bp.route("/signin", methods=["GET", "POST"])
@access(Rule.ANONYMOUS_OR_ANY)
def login():
    """Sign in with email and password."""
    if current_user.is_authenticated and (not current_user.is_staff or mfa_verified()):
        return redirect(home_for(current_user))
    form = SignInForm()
    status = 200
    if form.validate_on_submit():
        result = accounts.authenticate(form.email.data, form.password.data, request.remote_addr)
        if result.user is not None:
            start_session(result.user, keep_signed_in=form.keep_signed_in.data)
            audit.record(Action.SIGN_IN, actor=result.user)
            db.session.commit()
            target = safe_next(request.args.get("next"))
            if result.user.is_staff:
                return redirect(url_for("auth.mfa_verify", next=target))
            return redirect(target or home_for(result.user))
        audit.record(Action.SIGN_IN_FAILED, actor=result.known_user)
        db.session.commit()
        if result.retry_at is not None:
            minutes = max(1, round((result.retry_at - utcnow()).total_seconds() / 60))
            form.form_errors.append(ngettext(
                "Too many attempts. Please try again in %(num)d minute.",
                "Too many attempts. Please try again in %(num)d minutes.", minutes))
            status = 429
        else:
            form.form_errors.append(_("That email and password do not match an account."))
            status = 401
    elif request.method == "POST":
        status = 400
    form.password.data = ""
    return render_template("auth/login.html", form=form), status


@bp.route("/signout", methods=["POST"])
@access(Rule.SIGNED_IN)
def logout():
    """Sign out of every device and clear what this browser stored for Trellis."""
    audit.record(Action.SIGN_OUT)
    end_session(current_user._get_current_object())
    response = redirect(url_for("auth.login"))
    response.headers["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    flash(_("You are signed out."), "info")
    return response


@bp.route("/invite/<token>", methods=["GET", "POST"])
@access(Rule.ANONYMOUS_OR_ANY)
def accept_invite(token: str):
    """Open an invite link: set a password and land in the app."""
    invite = invites.find_invite(token)
    if invite is None:
        abort(404)
    state = invite.status()
    if state != "pending":
        return render_template("auth/invite_closed.html", state=state), 410
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            user = invites.accept(invite, form.password.data)
            db.session.flush()
            start_session(user)  # staff go on to enrol their second factor
            audit.record(Action.INVITE_ACCEPT, subject=user if user.is_participant else None,
                         target=f"invite:{invite.id}", actor=user)
            db.session.commit()
        except AccountError as error:
            db.session.rollback()
            getattr(form, error.field, form.password).errors.append(error.message)
        else:
            flash(_("Welcome to Trellis. Your password is set."), "success")
            return redirect(home_for(user))
    return render_template("auth/invite.html", form=form, invite=invite), (
        400 if form.errors else 200
    )
