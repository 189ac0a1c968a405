"""Accounts: create, authenticate, change password, deactivate."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.database import utcnow
from app.extensions import db
from app.models import Role, User
from app.security import throttle
from app.security.passwords import hash_password, needs_rehash, password_problem, verify_password


class AccountError(ValueError):
    """A request about an account that cannot be done; the message is for the person."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def normalise_email(email: str) -> str:
    """Emails compare case-insensitively; store them trimmed and lower-cased."""
    return email.strip().lower()


def find_by_email(email: str) -> User | None:
    """The account with this email, whatever its case."""
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def create_user(
    email: str,
    display_name: str,
    role: Role,
    password: str | None = None,
) -> User:
    """Create an account; without a password it can only be opened through an invite."""
    email = normalise_email(email)
    if find_by_email(email) is not None:
        raise AccountError("email", _l("An account with this email already exists."))
    if password is not None:
        problem = password_problem(password, email)
        if problem:
            raise AccountError("password", problem)
    user = User(
        email=email,
        display_name=display_name.strip(),
        role=role,
        password_hash=hash_password(password) if password else None,
    )
    db.session.add(user)
    return user


class SignInResult:
    """The outcome of a sign-in attempt."""

    def __init__(self, user: User | None = None, retry_at=None, known_user: User | None = None):
        self.user = user
        self.retry_at = retry_at
        #: On failure, the account the email belongs to (for the audit trail only).
        self.known_user = known_user


def authenticate(email: str, password: str, ip: str,
                 device_nonce_for=lambda user_id: None) -> SignInResult:
    """Check credentials, throttling failures without locking the person out.

    A browser that signed in to this account before (`device_nonce_for(user_id)` gives its
    device cookie's nonce) is throttled on its own; any other attempt counts for the account
    and the address (app.security.throttle). Unknown emails, wrong passwords and deactivated
    accounts fail the same way, so the answer reveals nothing about who has an account.
    """
    email = normalise_email(email)
    user = find_by_email(email)
    nonce = device_nonce_for(user.id) if user is not None else None
    scopes = throttle.signin_scopes(email, ip, user.id if user else None, nonce)
    retry_at = throttle.blocked_until(scopes)
    if retry_at is not None:
        return SignInResult(retry_at=retry_at, known_user=user)
    ok = verify_password(user.password_hash if user else None, password)
    if not ok or user is None or not user.is_active:
        throttle.record_failure(scopes)
        return SignInResult(known_user=user)
    throttle.clear(scopes)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return SignInResult(user=user)


def set_password(user: User, password: str) -> None:
    """Set a new password and end every other session of this user."""
    problem = password_problem(password, user.email)
    if problem:
        raise AccountError("password", problem)
    user.password_hash = hash_password(password)
    user.revoke_sessions()


def change_own_password(user: User, current: str, new: str) -> None:
    """A signed-in person changes their password: the current one first. Every session of
    theirs ends (the caller starts this one again) and so do their device tokens."""
    if not verify_password(user.password_hash, current):
        raise AccountError("current", _l("That is not your current password."))
    set_password(user, new)


def deactivate(user: User) -> None:
    """Close an account: it cannot sign in, its open sessions end at once, and its devices get
    no more reminders (their tokens end with them)."""
    from app.push import subscriptions

    user.is_active = False
    user.deactivated_at = utcnow()
    user.revoke_sessions()
    subscriptions.remove_all(user)
