"""A participant's acceptance of their program's privacy notice, per notice version."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.database import UTCDateTime, utcnow
from app.extensions import db


class Consent(db.Model):
    """One acceptance. A new notice version asks again; old rows stay as the record."""

    __tablename__ = "consents"
    __table_args__ = (sa.UniqueConstraint("participant_id", "program_id", "notice_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    program_id: Mapped[int] = mapped_column(sa.ForeignKey("programs.id", ondelete="CASCADE"))
    notice_version: Mapped[int]
    accepted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
