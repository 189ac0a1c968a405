"""Session schedule: recurring series, their occurrences, attendance and calendar feeds.

A series is kept the way a program thinks of it: a local start time in an IANA zone and a
recurrence rule. Occurrences are computed from it (see `app.schedule.service`); a row in
`session_occurrences` exists only for an occurrence something happened to (cancelled, moved,
attendance taken, a participant's "running late").
"""

import enum
from datetime import date, datetime, time

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import UTCDateTime, enum_column, utcnow
from app.extensions import db
from app.models.program import Program
from app.models.user import User


class SessionKind(enum.StrEnum):
    """What a session is, as participants and clinicians name it."""

    GROUP_THERAPY = "group_therapy"
    INDIVIDUAL_THERAPY = "individual_therapy"
    FAMILY_THERAPY = "family_therapy"
    PSYCHOEDUCATION = "psychoeducation"
    PSYCHIATRY = "psychiatry"  #: psychiatry / medication management
    SKILLS_GROUP = "skills_group"
    OTHER = "other"


class AttendanceStatus(enum.StrEnum):
    """What staff recorded for one participant at one occurrence."""

    PRESENT = "present"
    LATE = "late"
    ABSENT = "absent"
    EXCUSED = "excused"


class NoticeKind(enum.StrEnum):
    """What a participant told the program before a session."""

    RUNNING_LATE = "running_late"
    CANNOT_ATTEND = "cannot_attend"


class SessionSeries(db.Model):
    """Sessions of a program that repeat (or happen once), in the program's local time."""

    __tablename__ = "session_series"

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(sa.ForeignKey("programs.id"), index=True)
    #: Set for an appointment with one participant (individual, family, psychiatry);
    #: None for a program session that every enrolled participant attends.
    participant_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[SessionKind] = mapped_column(enum_column(SessionKind))
    title: Mapped[str] = mapped_column(sa.String(120))
    facilitator: Mapped[str | None] = mapped_column(sa.String(120))
    location: Mapped[str | None] = mapped_column(sa.String(200))
    #: Always https (checked by the service).
    telehealth_url: Mapped[str | None] = mapped_column(sa.String(500))
    what_to_bring: Mapped[str | None] = mapped_column(sa.String(1000))
    #: IANA zone the start time is local to (the program's when the series was made).
    time_zone: Mapped[str] = mapped_column(sa.String(64))
    start_time: Mapped[time]
    duration_minutes: Mapped[int]
    #: RRULE text without DTSTART, COUNT or UNTIL (dates have their own columns), with every
    #: part that dateutil would otherwise take from DTSTART written out; None: happens once.
    recurrence: Mapped[str | None] = mapped_column(sa.String(500))
    #: The RRULE's DTSTART date. A series split from an earlier one keeps the earlier anchor,
    #: so "every other week" stays on the same weeks.
    anchor_date: Mapped[date]
    #: First and last (inclusive) local dates with sessions; end None: no end yet.
    start_date: Mapped[date]
    end_date: Mapped[date | None]
    #: The series this one continues after an "edit from this date onwards".
    split_from_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("session_series.id", ondelete="SET NULL")
    )
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Last change to the series itself; a reminder planner compares it with what it sent.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    program: Mapped[Program] = relationship()
    participant: Mapped[User | None] = relationship(foreign_keys=[participant_id])

    def __repr__(self) -> str:
        return f"<SessionSeries {self.id}>"


class SessionOccurrence(db.Model):
    """One occurrence of a series that has a record: a change, attendance or notices.

    Its identity is the series plus the local start the series gave it (`original_start_local`),
    which does not change when the occurrence is moved. Rows are created when first needed.
    """

    __tablename__ = "session_occurrences"
    __table_args__ = (sa.UniqueConstraint("series_id", "original_start_local"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Indexed by the unique key, whose first column it is.
    series_id: Mapped[int] = mapped_column(
        sa.ForeignKey("session_series.id", ondelete="CASCADE")
    )
    #: Naive local time in the series' zone, as the series generates it.
    original_start_local: Mapped[datetime] = mapped_column(sa.DateTime)
    #: The same instant in UTC, for finding rows in a window.
    original_start_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: New start when moved (UTC); None: at its original time.
    moved_start_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    moved_duration_minutes: Mapped[int | None]
    #: The program's short note about the change, shown to participants.
    change_note: Mapped[str | None] = mapped_column(sa.String(200))
    #: When it was last cancelled or moved: a reminder planner finds changes to announce by it.
    changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    changed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    series: Mapped[SessionSeries] = relationship()

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None


class Attendance(db.Model):
    """One participant at one occurrence: what staff recorded and what the participant said."""

    __tablename__ = "session_attendance"
    __table_args__ = (sa.UniqueConstraint("occurrence_id", "participant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Indexed by the unique key, whose first column it is.
    occurrence_id: Mapped[int] = mapped_column(
        sa.ForeignKey("session_occurrences.id", ondelete="CASCADE")
    )
    participant_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[AttendanceStatus | None] = mapped_column(enum_column(AttendanceStatus))
    status_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status_recorded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    #: "Running late" or "can't make it", from the participant; None: nothing said.
    notice: Mapped[NoticeKind | None] = mapped_column(enum_column(NoticeKind))
    notice_reason: Mapped[str | None] = mapped_column(sa.String(200))
    notice_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    occurrence: Mapped[SessionOccurrence] = relationship()
    participant: Mapped[User] = relationship(foreign_keys=[participant_id])


class CalendarFeed(db.Model):
    """A participant's calendar subscription. Only a hash of the link's token is stored."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), unique=True
    )
    #: SHA-256 of the token in the link; None when the participant turned the link off.
    token_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    token_created_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Events say only "Trellis session" unless the participant chose full titles.
    is_discreet: Mapped[bool] = mapped_column(default=True)
