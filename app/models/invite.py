"""One-time links that let a participant or staff member set their password."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import UTCDateTime, enum_column, utcnow
from app.extensions import db
from app.models.program import Program
from app.models.user import Role, User


class Invite(db.Model):
    """An invitation. Only a hash of the link's token is stored, so a database leak opens nothing.

    A participant invite carries the enrolment to create on acceptance; a staff invite points at
    the account an admin already created and only sets its password.
    """

    __tablename__ = "invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: SHA-256 of the token in the link.
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    email: Mapped[str] = mapped_column(sa.String(254), index=True)
    display_name: Mapped[str] = mapped_column(sa.String(120))
    role: Mapped[Role] = mapped_column(enum_column(Role))
    #: Staff invites only: the account whose password the link sets.
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    program_id: Mapped[int | None] = mapped_column(sa.ForeignKey("programs.id"))
    start_date: Mapped[date | None]
    primary_clinician_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    program: Mapped[Program | None] = relationship()
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    primary_clinician: Mapped[User | None] = relationship(foreign_keys=[primary_clinician_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

    def status(self, now: datetime | None = None) -> str:
        """One of pending, used, revoked, expired."""
        now = now or utcnow()
        if self.used_at:
            return "used"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= now:
            return "expired"
        return "pending"
