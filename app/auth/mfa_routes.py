"""The staff second factor: enrol (QR code + confirm) and verify at each sign-in."""

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.auth import bp, mfa
from app.auth.forms import EnrolSecondFactorForm, SecondFactorForm
from app.database import utcnow
from app.extensions import db
from app.security import audit, throttle
from app.security.access import Rule, access
from app.security.audit import Action
from app.security.redirects import home_for, safe_next
from app.security.sessions import end_session, mfa_verified, start_session


def _done():
    return redirect(safe_next(request.args.get("next")) or home_for(current_user))


@bp.route("/mfa", methods=["GET", "POST"])
@access(Rule.SIGNED_IN)
def mfa_verify():
    """Second step of a staff sign-in: a code from the authenticator, or a recovery code."""
    user = current_user._get_current_object()
    if not user.is_staff or mfa_verified():
        return _done()
    if not user.has_mfa:
        return redirect(url_for("auth.mfa_enrol", next=request.args.get("next")))
    form = SecondFactorForm()
    status = 200
    if form.validate_on_submit():
        retry_at = throttle.second_step_blocked_until("mfa", user.id)
        code = form.code.data.strip()
        if retry_at is not None:
            minutes = max(1, round((retry_at - utcnow()).total_seconds() / 60))
            form.code.errors.append(ngettext("Too many wrong codes. Try again in %(num)d minute.",
                                             "Too many wrong codes. Try again in %(num)d minutes.",
                                             minutes))
            status = 429
        elif mfa.verify(user, code) or (len(code) > 8 and mfa.use_recovery_code(user, code)):
            used_recovery = len(code) > 8
            throttle.second_step_passed("mfa", user.id)
            start_session(user, mfa_verified=True)
            audit.record(Action.MFA_RECOVERY_USED if used_recovery else Action.MFA_VERIFY)
            db.session.commit()
            return _done()
        else:
            throttle.second_step_failed("mfa", user.id)
            audit.record(Action.MFA_FAILED)
            db.session.commit()
            form.code.errors.append(_("That code did not work. Check the time on your phone "
                                      "and try the newest code."))
            status = 401
    elif request.method == "POST":
        status = 400
    form.code.data = ""
    return render_template("auth/mfa_verify.html", form=form), status


@bp.route("/mfa/enrol", methods=["GET", "POST"])
@access(Rule.SIGNED_IN)
def mfa_enrol():
    """Set up the authenticator app: scan the QR code, confirm with one code."""
    user = current_user._get_current_object()
    if not user.is_staff or user.has_mfa:
        return redirect(url_for("auth.mfa_verify", next=request.args.get("next")))
    secret = mfa.pending_secret(user)  # kept on the server: the cookie is signed, not secret
    form = EnrolSecondFactorForm()
    if form.validate_on_submit():
        if mfa.check_code(secret, form.code.data):
            codes = mfa.enrol(user, secret)
            mfa.verify(user, form.code.data)  # spend this code
            start_session(user, mfa_verified=True)
            audit.record(Action.MFA_ENROL)
            db.session.commit()
            return render_template("auth/mfa_codes.html", codes=codes,
                                   next=safe_next(request.args.get("next")) or home_for(user))
        form.code.errors.append(_("That code did not match. Scan the code again or type the "
                                  "key, then enter the newest code."))
    uri = mfa.provisioning_uri(user, secret)
    return render_template("auth/mfa_enrol.html", form=form, secret=secret,
                           qr=mfa.qr_code_svg(uri)), (400 if form.errors else 200)


@bp.route("/mfa/cancel", methods=["POST"])
@access(Rule.SIGNED_IN)
def mfa_cancel():
    """Leave the second step: sign out."""
    end_session(current_user._get_current_object())
    return redirect(url_for("auth.login"))
