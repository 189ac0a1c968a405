"""Medications: a participant's list (with every change kept), the doses they mark, the
weekly side-effect question, their reminder choices and each program's list of names.

Trellis records what the care team and the participant say the plan is, and whether doses
were taken; it does not prescribe or dispense. See app/medications and docs/medications.md.
"""

import enum
from datetime import date, datetime, time

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import UTCDateTime, enum_column, utcnow
from app.extensions import db
from app.models.user import User


class MedicationSource(enum.StrEnum):
    """Who put a medication on the list."""

    CARE_TEAM = "care_team"  #: shown to the participant as "from your care team"
    PARTICIPANT = "participant"  #: shown as "added by me"


class Medication(db.Model):
    """One medication on a participant's list, across its dose changes (its entries)."""

    __tablename__ = "medications"

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    source: Mapped[MedicationSource] = mapped_column(enum_column(MedicationSource))
    added_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    participant: Mapped[User] = relationship(foreign_keys=[participant_id])
    entries: Mapped[list["MedicationEntry"]] = relationship(
        back_populates="medication", order_by="MedicationEntry.start_on, MedicationEntry.id",
        cascade="all, delete-orphan")

    @property
    def current(self) -> "MedicationEntry":
        """The latest entry: what the plan is now (or was when it stopped)."""
        return self.entries[-1]


class MedicationEntry(db.Model):
    """What the plan for a medication was from one date. A changed dose (strength, form,
    amount or times) ends this entry the day before and starts a new one from its date; other
    edits change the entry in place. Either way the change log keeps the old values."""

    __tablename__ = "medication_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    medication_id: Mapped[int] = mapped_column(
        sa.ForeignKey("medications.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    #: As written by whoever entered it: "50 mg", "tablet".
    strength: Mapped[str | None] = mapped_column(sa.String(60))
    form: Mapped[str | None] = mapped_column(sa.String(60))
    #: How to take it: "1 tablet", "2 puffs".
    amount: Mapped[str | None] = mapped_column(sa.String(120))
    #: Local times of day it is due, "HH:MM", sorted; empty when taken as needed.
    times: Mapped[list] = mapped_column(sa.JSON, default=list)
    is_as_needed: Mapped[bool] = mapped_column(default=False)
    start_on: Mapped[date] = mapped_column(sa.Date)
    #: The last day of this entry (inclusive): stopped, or the day before a dose change.
    stop_on: Mapped[date | None] = mapped_column(sa.Date)
    #: The first local day whose doses count (the day it was put on the list, or its start if
    #: later): doses before Trellis knew about the medication are neither taken nor missed.
    tracked_from: Mapped[date] = mapped_column(sa.Date)
    prescriber: Mapped[str | None] = mapped_column(sa.String(120))
    note: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))

    medication: Mapped[Medication] = relationship(back_populates="entries")

    def due_times(self) -> list[time]:
        """The times of day as `time` objects."""
        return [time.fromisoformat(t) for t in self.times or ()]

    def covers(self, day: date) -> bool:
        """Whether this entry is the plan on a local day."""
        return self.start_on <= day and (self.stop_on is None or day <= self.stop_on)


class ChangeAction(enum.StrEnum):
    """What a change to the list did."""

    ADDED = "added"
    EDITED = "edited"  #: changed in place (name, prescriber, note; or an entry not yet begun)
    DOSE_CHANGED = "dose_changed"  #: a new entry from a date
    STOPPED = "stopped"


class MedicationChange(db.Model):
    """One change to a participant's list: who, when, and what changed (old and new values)."""

    __tablename__ = "medication_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    medication_id: Mapped[int] = mapped_column(
        sa.ForeignKey("medications.id", ondelete="CASCADE"), index=True)
    #: The entry the change made or changed.
    entry_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("medication_entries.id", ondelete="SET NULL"))
    action: Mapped[ChangeAction] = mapped_column(enum_column(ChangeAction))
    #: {field: [old, new]} for every field that changed (dates as ISO strings).
    changes: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    #: The date the change applies from (a dose change or a stop).
    effective_on: Mapped[date | None] = mapped_column(sa.Date)
    changed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))
    #: True when a member of the care team made it (their role at the time).
    is_by_care_team: Mapped[bool] = mapped_column(default=False)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    medication: Mapped[Medication] = relationship()
    changed_by: Mapped[User | None] = relationship()


class DoseStatus(enum.StrEnum):
    TAKEN = "taken"
    SKIPPED = "skipped"


class SkipReason(enum.StrEnum):
    FORGOT = "forgot"
    SIDE_EFFECTS = "side_effects"
    RAN_OUT = "ran_out"
    CHOSE_NOT_TO = "chose_not_to"


class MedicationDose(db.Model):
    """One mark the participant made: a dose taken or skipped.

    Every submission is its own row, idempotent on the client's UUID (app.submissions); a dose
    marked again (twice, or changed from skipped to taken) is read from its latest mark, so a
    second tap is harmless. A scheduled dose is named by its entry, local day and time; an "as
    needed" dose has no due time, only when it was taken.
    """

    __tablename__ = "medication_doses"
    __table_args__ = (
        sa.UniqueConstraint("participant_id", "client_uuid",
                            name="uq_medication_doses_participant_client_uuid"),
        sa.Index("ix_medication_doses_entry_due", "entry_id", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    medication_id: Mapped[int] = mapped_column(
        sa.ForeignKey("medications.id", ondelete="CASCADE"), index=True)
    entry_id: Mapped[int] = mapped_column(
        sa.ForeignKey("medication_entries.id", ondelete="CASCADE"))
    client_uuid: Mapped[str] = mapped_column(sa.String(36))
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    status: Mapped[DoseStatus] = mapped_column(enum_column(DoseStatus))
    skip_reason: Mapped[SkipReason | None] = mapped_column(enum_column(SkipReason))
    #: The scheduled dose's local day and time (None for an "as needed" dose).
    due_on: Mapped[date | None] = mapped_column(sa.Date)
    due_time: Mapped[time | None] = mapped_column(sa.Time)
    #: When it was taken (taken doses), as the participant said or when they tapped.
    taken_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: "form", "api" or "notification".
    source: Mapped[str] = mapped_column(sa.String(12), default="form")


class SideEffectAnswer(enum.StrEnum):
    NONE = "none"
    MILD = "mild"
    BOTHERSOME = "bothersome"
    NOT_NOW = "not_now"  #: the participant chose not to answer this week


class SideEffectReport(db.Model):
    """An answer to the weekly "Any side effects?" for a medication in its first six weeks."""

    __tablename__ = "medication_side_effects"
    __table_args__ = (
        sa.UniqueConstraint("participant_id", "client_uuid",
                            name="uq_medication_side_effects_participant_client_uuid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    medication_id: Mapped[int] = mapped_column(
        sa.ForeignKey("medications.id", ondelete="CASCADE"), index=True)
    #: 1 to 6: the week since the medication started.
    week: Mapped[int]
    answer: Mapped[SideEffectAnswer] = mapped_column(enum_column(SideEffectAnswer))
    note: Mapped[str | None] = mapped_column(sa.Text)
    client_uuid: Mapped[str] = mapped_column(sa.String(36))
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    medication: Mapped[Medication] = relationship()


class MedicationReminderSettings(db.Model):
    """A participant's medication reminder choices. No row: the defaults."""

    __tablename__ = "medication_reminder_settings"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    is_on: Mapped[bool] = mapped_column(default=True)
    #: Minutes after the due time for a second reminder while the dose is unmarked; 0: none.
    follow_up_minutes: Mapped[int] = mapped_column(default=30)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ProgramMedicationList(db.Model):
    """The names a program suggests when someone types a medication (its own list)."""

    __tablename__ = "program_medication_lists"

    program_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programs.id", ondelete="CASCADE"), primary_key=True)
    names: Mapped[list] = mapped_column(sa.JSON, default=list)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
