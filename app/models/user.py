"""People who sign in: participants, clinicians and admins."""

import enum
import secrets
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import UTCDateTime, enum_column, utcnow
from app.extensions import db

clinician_programs = sa.Table(
    "clinician_programs",
    db.metadata,
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("program_id", sa.ForeignKey("programs.id", ondelete="CASCADE"), primary_key=True),
)


class Role(enum.StrEnum):
    """What a person does in Trellis; it decides which pages they can reach."""

    PARTICIPANT = "participant"
    CLINICIAN = "clinician"
    ADMIN = "admin"


def new_session_token() -> str:
    """A random token; changing a user's token signs out every session they have."""
    return secrets.token_urlsafe(24)


class User(UserMixin, db.Model):
    """An account. Emails are stored lower-cased so uniqueness ignores case."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    #: The name the person wants to be called; shown to staff, never in notifications.
    display_name: Mapped[str] = mapped_column(sa.String(120))
    role: Mapped[Role] = mapped_column(enum_column(Role))
    #: argon2id hash; None until the person sets a password through their invite.
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    is_active: Mapped[bool] = mapped_column(default=True)
    language: Mapped[str] = mapped_column(sa.String(10), default="en")
    #: A participant's own IANA zone for showing times; None: their program's zone.
    time_zone: Mapped[str | None] = mapped_column(sa.String(64))
    #: Part of the login cookie; rotated on sign-out and password change to revoke sessions.
    session_token: Mapped[str] = mapped_column(sa.String(64), default=new_session_token)
    #: Staff second factor: base32 TOTP secret, set once enrolment is confirmed.
    totp_secret: Mapped[str | None] = mapped_column(sa.String(64))
    #: The secret shown while enrolling, until a code confirms it (kept out of the cookie).
    totp_pending_secret: Mapped[str | None] = mapped_column(sa.String(64))
    #: The last TOTP time step accepted, so a code cannot be used twice.
    totp_last_step: Mapped[int | None] = mapped_column(sa.BigInteger)
    mfa_enrolled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: App lock for shared phones: argon2 hash of a 4-6 digit PIN, asked after idle minutes.
    app_lock_pin_hash: Mapped[str | None] = mapped_column(sa.String(255))
    app_lock_after_minutes: Mapped[int | None]
    #: Set by Quick exit: every session of this person opened before it asks for the PIN.
    app_locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    programs: Mapped[list["Program"]] = relationship(  # noqa: F821
        secondary=clinician_programs, back_populates="clinicians", order_by="Program.name"
    )

    def get_id(self) -> str:
        """Flask-Login stores this in the cookie: the id plus the current session token."""
        return f"{self.id}:{self.session_token}"

    def revoke_sessions(self) -> None:
        """Invalidate every session this user has, on every device."""
        self.session_token = new_session_token()

    @property
    def has_mfa(self) -> bool:
        """True once a second factor is enrolled."""
        return self.totp_secret is not None

    @property
    def is_staff(self) -> bool:
        """Clinicians and admins."""
        return self.role in (Role.CLINICIAN, Role.ADMIN)

    @property
    def is_participant(self) -> bool:
        return self.role == Role.PARTICIPANT

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"
