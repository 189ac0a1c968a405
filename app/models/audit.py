"""The append-only audit trail."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.database import UTCDateTime, utcnow
from app.extensions import db


class AuditEvent(db.Model):
    """Who did what, to whose record, when, from where. Never holds answers, notes or names.

    Rows are only ever inserted; the ORM refuses updates and deletes (see app.security.audit),
    and only the retention purge removes rows older than the retention period.
    """

    __tablename__ = "audit_events"
    #: "Who looked at this participant's record, newest first".
    __table_args__ = (sa.Index("ix_audit_events_subject_at", "subject_participant_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: None for anonymous events such as a failed sign-in for an unknown email.
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    actor_role: Mapped[str | None] = mapped_column(sa.String(20))
    #: A code from app.security.audit.Action, e.g. "participant.view".
    action: Mapped[str] = mapped_column(sa.String(64), index=True)
    #: The participant whose information was touched, if any.
    subject_participant_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id"), index=True
    )
    #: What else the action was about, as "type:id" (e.g. "program:3"); never free text.
    target: Mapped[str | None] = mapped_column(sa.String(64))
    ip: Mapped[str | None] = mapped_column(sa.String(45))
    request_id: Mapped[str | None] = mapped_column(sa.String(36))
