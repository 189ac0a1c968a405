"""Break-glass: an admin's time-limited, audited access to one participant outside their care."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import UTCDateTime, utcnow
from app.extensions import db
from app.models.user import User


class BreakGlassGrant(db.Model):
    """Emergency access. The reason is shown to the participant's clinicians, not audited text."""

    __tablename__ = "break_glass_grants"

    id: Mapped[int] = mapped_column(primary_key=True)
    admin_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    participant_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    #: Why access was needed, in the admin's words (required, at least 20 characters).
    reason: Mapped[str] = mapped_column(sa.Text)
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: At most four hours after granted_at.
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)

    admin: Mapped[User] = relationship(foreign_keys=[admin_id])
    participant: Mapped[User] = relationship(foreign_keys=[participant_id])

    def is_active(self, now: datetime | None = None) -> bool:
        """True until it expires."""
        return (now or utcnow()) < self.expires_at
