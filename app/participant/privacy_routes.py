"""Consent to the privacy notice, the app lock for shared phones, and quick exit."""

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.care import consent
from app.care.enrolments import current_enrolment
from app.database import utcnow
from app.extensions import db
from app.participant import bp
from app.participant.privacy_forms import AppLockForm, ConsentForm, UnlockForm
from app.security import audit, site_data, throttle
from app.security.access import Rule, access, locked_by_quick_exit
from app.security.audit import Action
from app.security.passwords import hash_password, verify_password
from app.security.redirects import safe_next
from app.security.sessions import end_session


def _back():
    return redirect(safe_next(request.args.get("next")) or url_for("participant.today"))


@bp.route("/consent", methods=["GET", "POST"], endpoint="consent")
@access(Rule.PARTICIPANT, before_consent=True)
def consent_page():
    """The program's privacy notice: who sees what, and how to get help in a crisis."""
    user = current_user._get_current_object()
    if not consent.needs_consent(user):
        return _back()
    form = ConsentForm()
    if form.validate_on_submit():
        consent.accept(user)
        audit.record(Action.CONSENT_ACCEPT)
        db.session.commit()
        return _back()
    enrolment = current_enrolment(user)
    return render_template("participant/consent.html", form=form,
                           program=enrolment.program), (400 if form.errors else 200)


@bp.route("/unlock", methods=["GET", "POST"])
@access(Rule.PARTICIPANT, before_consent=True)
def unlock():
    """The app lock: the PIN opens the app again; five wrong PINs mean a full sign-in."""
    user = current_user._get_current_object()
    if not session.get("locked") and not locked_by_quick_exit():
        return _back()
    form = UnlockForm()
    if form.validate_on_submit():
        if verify_password(user.app_lock_pin_hash, form.pin.data):
            throttle.second_step_passed("pin", user.id)
            session.pop("locked", None)
            session["unlocked_at"] = session["last_seen"] = utcnow().timestamp()
            return _back()
        left = throttle.second_step_failed("pin", user.id)
        audit.record(Action.APP_LOCK_FAILED)
        db.session.commit()
        if left <= 0:
            throttle.second_step_passed("pin", user.id)
            end_session(user, keep_unsent=True)
            flash(_("That PIN was wrong too many times. Please sign in with your password."),
                  "info")
            return redirect(url_for("auth.login"))
        form.pin.errors.append(ngettext("That PIN is not right. %(num)d try left.",
                                          "That PIN is not right. %(num)d tries left.", left))
    return render_template("participant/unlock.html", form=form), (400 if form.errors else 200)


@bp.route("/me/app-lock", methods=["GET", "POST"])
def app_lock():
    """Set, change or remove the PIN that locks the app on a shared phone."""
    user = current_user._get_current_object()
    form = AppLockForm(after_minutes=user.app_lock_after_minutes or 5)
    if form.validate_on_submit():
        user.app_lock_pin_hash = hash_password(form.pin.data)
        user.app_lock_after_minutes = form.after_minutes.data
        audit.record(Action.APP_LOCK_SET)
        db.session.commit()
        flash(_("App lock is on."), "success")
        return redirect(url_for("participant.me"))
    return render_template("participant/app_lock.html", form=form), (400 if form.errors else 200)


@bp.route("/me/app-lock/remove", methods=["POST"])
def app_lock_remove():
    """Turn the app lock off."""
    user = current_user._get_current_object()
    user.app_lock_pin_hash = None
    user.app_lock_after_minutes = None
    audit.record(Action.APP_LOCK_SET, target="removed")
    db.session.commit()
    flash(_("App lock is off."), "success")
    return redirect(url_for("participant.me"))


@bp.route("/quick-exit", methods=["POST"])
@access(Rule.PARTICIPANT, before_consent=True)
def quick_exit():
    """Called by the Quick exit button as it leaves: lock the app, or sign out without a PIN.

    Either way, pressing Back later shows the lock or sign-in page, not the last page seen.
    Without JavaScript the button is a plain link to the neutral site, and this is not called.
    """
    user = current_user._get_current_object()
    if user.app_lock_pin_hash:
        # Locked, not signed out: reminders keep coming to this phone and unsent answers stay;
        # the saved pages go (the service worker drops its copies as the page leaves).
        user.app_locked_at = utcnow()
        site_data.clear_on_next_response(site_data.CACHE)
        db.session.commit()
    else:
        end_session(user, keep_unsent=True)
    return "", 204


def quick_exit_url() -> str:
    """Where Quick exit goes: a neutral site (QUICK_EXIT_URL)."""
    return current_app.config["QUICK_EXIT_URL"]
