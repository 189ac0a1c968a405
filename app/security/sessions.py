"""Sign-in sessions: loading the user from the cookie, idle and absolute timeouts.

The cookie holds the user id and the user's session token. Rotating the token (sign-out,
password change, deactivation) makes every cookie issued before it worthless.
"""

from datetime import timedelta

from flask import current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from app.database import utcnow
from app.extensions import db, login_manager
from app.models import User
from app.security import site_data
from app.security.ids import parse_id

#: Session key of the push device this browser turned on (app.push.routes sets it).
DEVICE_KEY = "push_device_id"


@login_manager.user_loader
def load_user(cookie_id: str) -> User | None:
    """Return the user only while the cookie's session token is still theirs."""
    user_id, _sep, token = cookie_id.partition(":")
    number = parse_id(user_id)
    if number is None or not token:
        return None
    user = db.session.get(User, number)
    if user is None or not user.is_active or user.session_token != token:
        return None
    return user


def start_session(user: User, keep_signed_in: bool = False, mfa_verified: bool = False) -> None:
    """Sign a user in with a fresh session, so nothing from before sign-in carries over.

    Called again after the second factor, so the session changes at that step too.
    """
    session.clear()  # a new session: no fixation of an earlier one
    keep = keep_signed_in and user.is_participant
    session.permanent = keep
    session["keep_signed_in"] = keep
    session["mfa"] = mfa_verified
    now = utcnow().timestamp()
    session["signed_in_at"] = now
    session["last_seen"] = now
    login_user(user, remember=False, fresh=True)
    user.last_sign_in_at = utcnow()


def _forget_this_browser(user_id: int | None, device_id, keep_unsent: bool = False) -> None:
    """A session ended on purpose: this browser's push device goes (its token with it), and
    the next response tells the browser what to erase: cache and storage, or with
    `keep_unsent` only the cache (app.security.site_data)."""
    from app.push.subscriptions import end_device

    if user_id is not None and isinstance(device_id, int):
        end_device(user_id, device_id)
    site_data.clear_on_next_response(site_data.CACHE if keep_unsent else
                                     site_data.CACHE_AND_STORAGE)


def end_session(user: User | None, keep_unsent: bool = False) -> None:
    """Sign out here and everywhere: the user's token changes, so other cookies stop working.

    Sign-out (after the page warned about unsent answers) clears this browser's cache and
    storage. Quick exit and too many wrong PINs pass `keep_unsent`: they happen in a hurry or
    by someone else's hand, and must not destroy answers still waiting on the phone (a positive
    safety answer among them); those stay bound to their owner and go only after that same
    person signs in again, while the service worker drops its page copies.
    """
    device_id = session.get(DEVICE_KEY)
    user_id = None
    if user is not None and user.is_authenticated:
        user.revoke_sessions()
        user_id = user.id
    logout_user()
    session.clear()
    _forget_this_browser(user_id, device_id, keep_unsent)
    db.session.commit()


def notice_revoked_session() -> None:
    """before_request: a session whose account was signed out elsewhere, changed its password,
    lost its second factor or was deactivated ends here too, protectively."""
    if request.endpoint == "static" or current_user.is_authenticated:
        return
    cookie_id = session.get("_user_id")
    if cookie_id is None:
        return
    device_id = session.get(DEVICE_KEY)
    session.clear()
    _forget_this_browser(parse_id(str(cookie_id).partition(":")[0]), device_id)
    db.session.commit()


def _limits_for(user: User) -> tuple[timedelta, timedelta | None]:
    cfg = current_app.config
    if user.is_staff:
        return cfg["STAFF_IDLE_TIMEOUT"], cfg["STAFF_ABSOLUTE_TIMEOUT"]
    if session.get("keep_signed_in"):
        return cfg["REMEMBER_ME_IDLE"], None
    return cfg["PARTICIPANT_IDLE_TIMEOUT"], None


def enforce_timeouts() -> object | None:
    """before_request hook: sign out sessions idle too long or, for staff, open too long."""
    if request.endpoint == "static" or not current_user.is_authenticated:
        return None
    now = utcnow().timestamp()
    idle, absolute = _limits_for(current_user)
    last_seen = session.get("last_seen", 0)
    signed_in_at = session.get("signed_in_at", 0)
    expired = now - last_seen > idle.total_seconds() or (
        absolute is not None and now - signed_in_at > absolute.total_seconds()
    )
    if expired:
        from app.security import audit

        audit.record(audit.Action.SESSION_TIMEOUT)
        db.session.commit()
        logout_user()
        session.clear()
        # Involuntary: cached pages go, the offline queue stays (app.security.site_data).
        site_data.clear_on_next_response(site_data.CACHE)
        flash(_("You were signed out to keep your information private. Please sign in again."),
              "info")
        return redirect(url_for("auth.login"))
    user = current_user
    if (
        user.is_participant
        and user.app_lock_pin_hash
        and user.app_lock_after_minutes
        and now - last_seen > user.app_lock_after_minutes * 60
    ):
        session["locked"] = True  # the app lock asks for the PIN before anything else
    session["last_seen"] = now
    return None


def mfa_verified() -> bool:
    """True when this session passed the second factor."""
    return bool(session.get("mfa"))
