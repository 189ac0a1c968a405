"""Sign-in, sign-out and invite acceptance."""

import math

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.auth import accounts, bp, invites
from app.auth.accounts import AccountError
from app.auth.forms import JoinProgramForm, SetPasswordForm, SignInForm
from app.database import utcnow
from app.extensions import db
from app.security import audit, device_cookie
from app.security.access import Rule, access
from app.security.audit import Action
from app.security.redirects import home_for, safe_next
from app.security.sessions import end_session, mfa_verified, start_session


def _retry_message(retry_at) -> str:
    """How long to wait, in words. No clock time: before sign-in the person's zone is unknown,
    and a UTC time would be a third format to read."""
    seconds = max(1, math.ceil((retry_at - utcnow()).total_seconds()))
    if seconds < 60:
        return ngettext("Too many attempts. Please try again in %(num)d second.",
                        "Too many attempts. Please try again in %(num)d seconds.", seconds)
    return ngettext("Too many attempts. Please try again in %(num)d minute.",
                    "Too many attempts. Please try again in %(num)d minutes.",
                    math.ceil(seconds / 60))


@bp.route("/signin", methods=["GET", "POST"])
@access(Rule.ANONYMOUS_OR_ANY)
def login():
    """Sign in with email and password."""
    if current_user.is_authenticated and (not current_user.is_staff or mfa_verified()):
        return redirect(home_for(current_user))
    form = SignInForm()
    status = 200
    if form.validate_on_submit():
        result = accounts.authenticate(form.email.data, form.password.data, request.remote_addr,
                                       device_nonce_for=device_cookie.nonce_for)
        if result.user is not None:
            start_session(result.user, keep_signed_in=form.keep_signed_in.data)
            audit.record(Action.SIGN_IN, actor=result.user)
            db.session.commit()
            target = safe_next(request.args.get("next"))
            if result.user.is_staff:
                response = redirect(url_for("auth.mfa_verify", next=target))
            else:
                response = redirect(target or home_for(result.user))
            device_cookie.remember(response, result.user.id)  # this browser is known now
            return response
        audit.record(Action.SIGN_IN_FAILED, actor=result.known_user)
        db.session.commit()
        if result.retry_at is not None:
            form.form_errors.append(_retry_message(result.retry_at))
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
    """Sign out of every device and clear what this browser stored for Trellis (its cache and
    storage: app.security.site_data)."""
    audit.record(Action.SIGN_OUT)
    end_session(current_user._get_current_object())
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/invite/<token>", methods=["GET", "POST"])
@access(Rule.ANONYMOUS_OR_ANY)
def accept_invite(token: str):
    """Open an invite link: set a password and land in the app, or sign in with an existing
    account and join the program with it. Never stored by caches.

    The page looks the same whether or not the email has an account (the inviter holds the
    link too); only the signed-in owner of an existing account is offered "Accept and join".
    """
    invite = invites.find_invite(token)
    if invite is None:
        abort(404)
    state = invite.status()
    if state != "pending":
        return _no_store(render_template("auth/invite_closed.html", state=state), 410)
    existing = invites.existing_account(invite)
    if current_user.is_authenticated:
        if existing is not None and existing.id == current_user.id:
            return _no_store(*_join(invite, existing))
        return _no_store(render_template("auth/invite_other_account.html", invite=invite), 409)
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            if existing is not None:
                raise AccountError("password", _(
                    "This email already has a Trellis account: sign in with it to accept."))
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
            response = redirect(home_for(user))
            device_cookie.remember(response, user.id)  # this browser is known from now on
            return response
    return _no_store(render_template("auth/invite.html", form=form, invite=invite),
                     400 if form.errors else 200)


def _no_store(body, status: int = 200):
    """The invite page names the invitee: no cache may keep it."""
    response = make_response(body, status)
    response.headers["Cache-Control"] = "no-store"
    return response


def _join(invite, person):
    """The owner of an existing account, signed in: accept to join the program."""
    form = JoinProgramForm()
    if form.validate_on_submit():
        try:
            invites.join(invite, person)
            audit.record(Action.INVITE_ACCEPT, subject=person, target=f"invite:{invite.id}")
            db.session.commit()
        except AccountError as error:
            db.session.rollback()
            form.form_errors.append(error.message)
        else:
            flash(_("You joined %(program)s.", program=invite.program.name), "success")
            return redirect(home_for(person)), 302
    return render_template("auth/invite_join.html", invite=invite, form=form), (
        400 if form.form_errors else 200)
