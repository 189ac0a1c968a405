"""Enrolment of a participant in a program, and the dated transitions between levels of care."""

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import UTCDateTime, enum_column, utcnow
from app.extensions import db
from app.models.program import LevelOfCare, Program
from app.models.user import User


class EnrolmentStatus(enum.StrEnum):
    ACTIVE = "active"
    STEPPED_DOWN = "stepped_down"
    DISCHARGED = "discharged"


class TransitionKind(enum.StrEnum):
    STEP_DOWN = "step_down"
    STEP_UP = "step_up"
    DISCHARGE = "discharge"


class Enrolment(db.Model):
    """One stay of a participant in one program; a step-down closes it and opens the next."""

    __tablename__ = "enrolments"
    #: The caseload: a program's enrolments by status, and a clinician's own participants.
    __table_args__ = (
        sa.Index("ix_enrolments_program_status", "program_id", "status"),
        sa.Index("ix_enrolments_primary_clinician", "primary_clinician_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    program_id: Mapped[int] = mapped_column(sa.ForeignKey("programs.id"), index=True)
    level_of_care: Mapped[LevelOfCare] = mapped_column(
        enum_column(LevelOfCare)
    )
    start_date: Mapped[date]
    #: Last day in this program (inclusive); None while the stay goes on.
    end_date: Mapped[date | None]
    status: Mapped[EnrolmentStatus] = mapped_column(
        enum_column(EnrolmentStatus), default=EnrolmentStatus.ACTIVE
    )
    primary_clinician_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    participant: Mapped[User] = relationship(foreign_keys=[participant_id])
    program: Mapped[Program] = relationship()
    primary_clinician: Mapped[User | None] = relationship(foreign_keys=[primary_clinician_id])

    @property
    def is_active(self) -> bool:
        return self.status == EnrolmentStatus.ACTIVE


class EnrolmentTransition(db.Model):
    """A dated change of level of care (PHP to IOP, IOP to outpatient) or a discharge."""

    __tablename__ = "enrolment_transitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    from_enrolment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrolments.id"))
    #: The enrolment that starts on effective_date; None for outpatient or discharge.
    to_enrolment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("enrolments.id"))
    kind: Mapped[TransitionKind] = mapped_column(
        enum_column(TransitionKind)
    )
    from_level: Mapped[LevelOfCare] = mapped_column(
        enum_column(LevelOfCare)
    )
    #: None for a discharge.
    to_level: Mapped[LevelOfCare | None] = mapped_column(
        enum_column(LevelOfCare)
    )
    #: First day at the new level (the old enrolment ends the day before).
    effective_date: Mapped[date]
    recorded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    from_enrolment: Mapped[Enrolment] = relationship(foreign_keys=[from_enrolment_id])
    to_enrolment: Mapped[Enrolment | None] = relationship(foreign_keys=[to_enrolment_id])
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])
