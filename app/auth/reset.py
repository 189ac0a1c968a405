"""Password recovery: one-time reset links, sent by e-mail or handed over by the care team.

A link works once, for PASSWORD_RESET_EMAIL_LIFETIME (30 minutes) when it was e-mailed and
PASSWORD_RESET_STAFF_LIFETIME when a clinician or admin issued it; only a hash of its token is
stored, and a new link withdraws the person's older ones. Using it sets the password and rotates
the person's session token, so every other session ends; staff still pass their second factor.

Asking by e-mail answers the same whether or not the address has an account, is throttled per
address and per IP address, and sends in the background so the answer takes as long either way.
"""

import hashlib
import secrets
import threading

import sqlalchemy as sa
from flask import abort, current_app
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_mailman import EmailMessage

from app.auth import accounts
from app.auth.accounts import AccountError
from app.database import utcnow
from app.extensions import db, mail
from app.i18n import locale_for
from app.models import PasswordReset, User
from app.security import audit, throttle
from app.security.audit import Action
from app.templating import discreet_app_name
from app.urls import external_url


def mail_configured() -> bool:
    """Whether Trellis can send e-mail (MAIL_SERVER and MAIL_DEFAULT_SENDER are set)."""
    cfg = current_app.config
    return bool(cfg.get("MAIL_SERVER") and cfg.get("MAIL_DEFAULT_SENDER"))


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(user: User, created_by: User | None = None) -> tuple[PasswordReset, str]:
    """A new reset link for `user`; earlier unused links of theirs stop working.

    Returns the row and the token, which exists only in the link and is never stored.
    """
    now = utcnow()
    db.session.execute(
        sa.update(PasswordReset)
        .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None),
               PasswordReset.withdrawn_at.is_(None))
        .values(withdrawn_at=now))
    lifetime = current_app.config["PASSWORD_RESET_EMAIL_LIFETIME" if created_by is None
                                  else "PASSWORD_RESET_STAFF_LIFETIME"]
    token = secrets.token_urlsafe(32)
    reset = PasswordReset(user=user, token_hash=_token_hash(token), created_by=created_by,
                          created_at=now, expires_at=now + lifetime)
    db.session.add(reset)
    return reset, token


def get_person_for_reset(staff: User, user_id: int) -> User:
    """Whom a staff member may give a reset link, or 404: an admin, anyone else's account; a
    clinician, a participant they may write for (enrolled now in one of their programs).

    Their own password is not changed this way (that needs the current one)."""
    from app.care import scope

    if user_id == staff.id:
        abort(404)
    if staff.is_admin:
        person = db.session.get(User, user_id)
        if person is None or not person.is_active:
            abort(404)
        return person
    return scope.get_participant_for_staff(staff, user_id, for_writing=True)


def may_reset(staff: User, person: User) -> bool:
    """Whether get_person_for_reset would give `person` to `staff` (to show the button)."""
    from app.care import scope

    if person.id == staff.id or not person.is_active:
        return False
    if staff.is_admin:
        return True
    return db.session.scalar(scope.current_participants_for_staff(staff)
                             .where(User.id == person.id)) is not None


def staff_lifetime():
    """How long a link a clinician or admin issues lasts."""
    return current_app.config["PASSWORD_RESET_STAFF_LIFETIME"]


def reset_url(token: str) -> str:
    """The absolute link, built from TRELLIS_BASE_URL (never from the request's Host)."""
    return external_url("auth.reset_password", reset_token=token)


def find(token: str) -> PasswordReset | None:
    """The reset behind a link's token, whatever its state."""
    return db.session.scalar(
        sa.select(PasswordReset).where(PasswordReset.token_hash == _token_hash(token)))


def complete(reset: PasswordReset, password: str) -> User:
    """Use a link: set the new password, end every session, mark the link used (flushed)."""
    user = reset.user
    if reset.status() != "pending" or not user.is_active:
        raise AccountError("password", _l("This link can no longer be used."))
    accounts.set_password(user, password)  # rotates the session token: every session ends
    reset.used_at = utcnow()
    db.session.flush()
    return user


def request_by_email(email: str, ip: str) -> None:
    """Send a reset link to an active account with this address, if any and not throttled.

    Says nothing about whether it did: the caller shows one answer for every address.
    """
    email = accounts.normalise_email(email)
    if not mail_configured() or not throttle.reset_request_allowed(email, ip):
        return
    user = accounts.find_by_email(email)
    if user is None or not user.is_active:
        return
    reset, token = issue(user)
    db.session.flush()
    # Asked by someone not signed in: no actor; the event ties the link to its account.
    audit.record(Action.PASSWORD_RESET_EMAIL, subject=user if user.is_participant else None,
                 target=f"password_reset:{reset.id}")
    db.session.commit()
    message = _message(user, reset_url(token))
    app = current_app._get_current_object()
    threading.Thread(target=_send, args=(app, message), name="password-reset-mail",
                     daemon=True).start()


def _message(user: User, url: str) -> EmailMessage:
    """The e-mail, in the person's language, under the program's neutral app name; it names
    no program, clinician or anything clinical."""
    from app.care.team import care_enrolment

    app_name = discreet_app_name(care_enrolment(user) if user.is_participant else None)
    minutes = int(current_app.config["PASSWORD_RESET_EMAIL_LIFETIME"].total_seconds() // 60)
    with force_locale(locale_for(user.language)):
        subject = _("Your %(app)s password", app=app_name)
        body = "\n\n".join((
            _("Hello,"),
            ngettext("Someone asked to reset the password of your %(app)s account. To choose a "
                     "new password, open this link within %(num)s minute:",
                     "Someone asked to reset the password of your %(app)s account. To choose a "
                     "new password, open this link within %(num)s minutes:", minutes,
                     app=app_name),
            url,
            _("The link works once. If you did not ask for it, you can ignore this message: "
              "your password stays as it is."),
        )) + "\n"
    return EmailMessage(subject=subject, body=body, to=[user.email],
                        from_email=current_app.config["MAIL_DEFAULT_SENDER"])


def _connection():
    """An SMTP connection from the current settings (read at send time, not at start-up)."""
    cfg = current_app.config
    return mail.get_connection(
        backend=cfg.get("MAIL_BACKEND") or "smtp", host=cfg["MAIL_SERVER"],
        port=cfg["MAIL_PORT"], username=cfg.get("MAIL_USERNAME"),
        password=cfg.get("MAIL_PASSWORD"), use_ssl=cfg.get("MAIL_USE_SSL", False),
        use_tls=cfg.get("MAIL_USE_TLS", False) and not cfg.get("MAIL_USE_SSL", False),
        timeout=cfg.get("MAIL_TIMEOUT"))


def _send(app, message: EmailMessage) -> None:
    """Send one message; a failure is logged without the address (the person can ask again)."""
    with app.app_context():
        try:
            message.connection = _connection()
            message.send()
        except Exception as error:  # any SMTP or network failure
            app.logger.warning("password reset e-mail not sent: %s", type(error).__name__)
