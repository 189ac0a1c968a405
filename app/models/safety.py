"""Safety alerts for the care team, and each participant's safety plan."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import UTCDateTime, utcnow
from app.extensions import db
from app.models.checkin import Checkin, ScaleResponse
from app.models.program import Program
from app.models.user import User


class SafetyAlert(db.Model):
    """A check-in or scale answer that triggered the crisis safety flow.

    Saved in the same transaction as the answer. It stays open until a clinician acknowledges
    it (recording who, when and what was done) and is never deleted. `notified_at` stays None
    until the reminders dispatcher has pushed it to the primary clinician.
    """

    __tablename__ = "safety_alerts"

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    #: The program whose clinicians see the alert (the participant's program at the time).
    program_id: Mapped[int | None] = mapped_column(sa.ForeignKey("programs.id"), index=True)
    #: Who should be told first, as it was when the alert was raised.
    primary_clinician_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    checkin_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("checkins.id", ondelete="SET NULL")
    )
    scale_response_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("scale_responses.id", ondelete="SET NULL")
    )
    #: What triggered it: [{"code": "safety_question", "value": true}, ...]. A copy, so the
    #: alert still says why after the participant deletes the check-in.
    triggers: Mapped[list] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: When the participant answered, by the phone's clock, if the answer came from the offline
    #: queue (`created_at` is when the server received it): staff see the delay.
    client_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Set by the push dispatcher once the primary clinician has been sent the alert.
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    acknowledged_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    #: What the clinician did, in their words (required to acknowledge).
    action_taken: Mapped[str | None] = mapped_column(sa.Text)

    participant: Mapped[User] = relationship(foreign_keys=[participant_id])
    program: Mapped[Program | None] = relationship()
    primary_clinician: Mapped[User | None] = relationship(foreign_keys=[primary_clinician_id])
    acknowledged_by: Mapped[User | None] = relationship(foreign_keys=[acknowledged_by_id])
    checkin: Mapped[Checkin | None] = relationship()
    scale_response: Mapped[ScaleResponse | None] = relationship()

    @property
    def is_open(self) -> bool:
        return self.acknowledged_at is None


class AlertsAreNeverDeleted(RuntimeError):
    """Raised when code tries to delete a safety alert."""


@event.listens_for(SafetyAlert, "before_delete")
def _refuse_delete(_mapper, _connection, _target) -> None:
    raise AlertsAreNeverDeleted("safety alerts are kept for the record; acknowledge instead")


class SafetyPlan(db.Model):
    """A participant's own safety plan, in the sections of evidence-based safety planning.

    Each section is the participant's free text (one idea per line). 988 and the program's phone
    are always shown in the professionals section, so they never need typing or go stale.
    """

    __tablename__ = "safety_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), unique=True
    )
    warning_signs: Mapped[str | None] = mapped_column(sa.Text)
    coping_on_my_own: Mapped[str | None] = mapped_column(sa.Text)
    people_and_places: Mapped[str | None] = mapped_column(sa.Text)
    people_to_ask: Mapped[str | None] = mapped_column(sa.Text)
    professionals: Mapped[str | None] = mapped_column(sa.Text)
    safer_surroundings: Mapped[str | None] = mapped_column(sa.Text)
    reasons_for_living: Mapped[str | None] = mapped_column(sa.Text)
    #: Bumped by SQLAlchemy on every save (optimistic locking), so two people editing at once
    #: do not overwrite each other unseen.
    version: Mapped[int] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    participant: Mapped[User] = relationship(foreign_keys=[participant_id])
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])

    __mapper_args__ = {"version_id_col": version}
