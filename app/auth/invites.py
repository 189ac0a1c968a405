"""Invites: one-time, 7-day links that let a person set a password and land in the app."""

import hashlib
import secrets
from datetime import date

import segno
import sqlalchemy as sa
from flask import abort, current_app
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from app.auth import accounts
from app.auth.accounts import AccountError
from app.care import enrolments
from app.care.scope import programs_for_staff
from app.database import utcnow
from app.extensions import db
from app.models import Enrolment, Invite, Program, Role, User
from app.urls import external_url


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_invite(**fields) -> tuple[Invite, str]:
    token = secrets.token_urlsafe(32)
    invite = Invite(
        token_hash=_token_hash(token),
        expires_at=utcnow() + current_app.config["INVITE_LIFETIME"],
        **fields,
    )
    db.session.add(invite)
    return invite, token


def invite_participant(
    email: str,
    display_name: str,
    program: Program,
    start_date: date,
    primary_clinician: User | None,
    created_by: User,
) -> tuple[Invite, str]:
    """Invite a participant; the enrolment is created when they accept.

    The answer is the same whether or not the email already has an account, so inviting
    reveals nothing about who uses Trellis: someone who has an account accepts by signing in
    with it (`join`), anyone else sets a password (`accept`).
    Returns the invite and the token, which exists only in the link and is never stored.
    """
    email = accounts.normalise_email(email)
    if primary_clinician is not None and program not in primary_clinician.programs:
        raise AccountError(
            "primary_clinician", _l("The primary clinician must work in this program.")
        )
    return _new_invite(
        email=email,
        display_name=display_name.strip(),
        role=Role.PARTICIPANT,
        program=program,
        start_date=start_date,
        primary_clinician=primary_clinician,
        created_by=created_by,
    )


def invite_staff(user: User, created_by: User) -> tuple[Invite, str]:
    """A link for a staff account an admin created, so its owner sets their own password."""
    return _new_invite(
        email=user.email,
        display_name=user.display_name,
        role=user.role,
        user=user,
        created_by=created_by,
    )


def find_invite(token: str) -> Invite | None:
    """The invite behind a link's token, whatever its state."""
    return db.session.scalar(sa.select(Invite).where(Invite.token_hash == _token_hash(token)))


def accept(invite: Invite, password: str) -> User:
    """Use an invite: set the password, create the enrolment, and mark the link used."""
    if invite.status() != "pending":
        raise AccountError("token", _l("This link can no longer be used."))
    if invite.user is not None:
        user = invite.user
        accounts.set_password(user, password)
    else:
        user = accounts.create_user(invite.email, invite.display_name, invite.role, password)
        db.session.flush()
        enrolments.enrol(user, invite.program, invite.start_date, invite.primary_clinician)
    invite.used_at = utcnow()
    return user


def existing_account(invite: Invite) -> User | None:
    """For a participant invite: the account its email already has, if any."""
    if invite.user_id is not None or invite.role != Role.PARTICIPANT:
        return None
    return accounts.find_by_email(invite.email)


def join(invite: Invite, user: User) -> Enrolment:
    """Someone who already has an account accepts: they join the program with their own
    sign-in (the caller commits). Raises AccountError with a message for that person."""
    if invite.status() != "pending":
        raise AccountError("token", _l("This link can no longer be used."))
    if not user.is_participant or existing_account(invite) != user:
        raise AccountError("token", _l("This invitation is for another account."))
    try:
        enrolment = enrolments.enrol(user, invite.program, invite.start_date,
                                     invite.primary_clinician)
    except enrolments.EnrolmentError:
        raise AccountError("token", _l(
            "You are still enrolled in another program. Ask your care team there to record "
            "your move or discharge, then open this link again.")) from None
    invite.used_at = utcnow()
    return enrolment


def invite_url(token: str) -> str:
    """The absolute link to put in the invite."""
    return external_url("auth.accept_invite", token=token)


def qr_code_svg(url: str) -> Markup:
    """The link as an inline SVG QR code, for enrolment in person.

    Markup is safe here: segno builds the SVG from our own URL, never from user text.
    """
    svg = segno.make(url, error="m").svg_inline(scale=5, dark="#000", light="#fff", title="QR")
    return Markup(svg)  # noqa: S704


def get_invite_for_staff(staff: User, invite_id: int) -> Invite:
    """A participant invite to one of the staff member's programs, or 404."""
    invite = db.session.get(Invite, invite_id)
    if (
        invite is None
        or invite.role != Role.PARTICIPANT
        or invite.program not in programs_for_staff(staff)
    ):
        abort(404)
    return invite
