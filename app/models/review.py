"""Clinician review: which check-ins were reviewed, private clinical notes, and messages to the
participant.

Notes and messages are two tables on purpose: a participant's pages read only
`care_messages`, so no forgotten filter can ever show them a private note.
"""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import UTCDateTime, utcnow
from app.extensions import db
from app.models.checkin import Checkin
from app.models.program import Program
from app.models.user import User


class CheckinReview(db.Model):
    """A clinician marked a check-in as reviewed. One row per check-in: the first review stands,
    so reviewing it again (two clinicians at once, a double click) changes nothing."""

    __tablename__ = "checkin_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    checkin_id: Mapped[int] = mapped_column(
        sa.ForeignKey("checkins.id", ondelete="CASCADE"), unique=True
    )
    reviewed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    reviewed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    checkin: Mapped[Checkin] = relationship()
    reviewed_by: Mapped[User | None] = relationship()


class ClinicalNote(db.Model):
    """A private note by staff about a participant. Never shown to the participant."""

    __tablename__ = "clinical_notes"
    __table_args__ = (
        sa.Index("ix_clinical_notes_participant_created", "participant_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    #: The program the participant was in when the note was written.
    program_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("programs.id", ondelete="SET NULL")
    )
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    participant: Mapped[User] = relationship(foreign_keys=[participant_id])
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    program: Mapped[Program | None] = relationship()


class CareMessage(db.Model):
    """A message from staff to a participant: shown on their Today page and in Messages, and
    announced by a discreet push. Read once the participant opens it."""

    __tablename__ = "care_messages"
    __table_args__ = (
        sa.Index("ix_care_messages_participant_created", "participant_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    program_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("programs.id", ondelete="SET NULL")
    )
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: When the participant first opened it; None while unread.
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    participant: Mapped[User] = relationship(foreign_keys=[participant_id])
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    program: Mapped[Program | None] = relationship()

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
