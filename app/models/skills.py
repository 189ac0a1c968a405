"""Coping skills: the library (Trellis's catalogue and each program's versions), favourites,
practices and homework.

A skill's text lives in versions. Trellis's catalogue text has `program_id` None; a program's
copy (an edit of a catalogue skill) and a program's own skill have the program's id. An edit
adds a version and marks it current; old versions stay, so a practice keeps pointing at the
exact text the participant used.
"""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import UTCDateTime, utcnow
from app.extensions import db
from app.models.user import User


class Skill(db.Model):
    """A coping skill's identity: its key, and who wrote it."""

    __tablename__ = "skills"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stable and unique, used in URLs and the API ("paced-breathing").
    key: Mapped[str] = mapped_column(sa.String(80), unique=True)
    #: The program that wrote this skill; None for a skill of Trellis's catalogue.
    program_id: Mapped[int | None] = mapped_column(sa.ForeignKey("programs.id"), index=True)
    #: A catalogue skill no longer in the catalogue file: kept for the history, shown to nobody.
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SkillVersion(db.Model):
    """One version of a skill's text, as Trellis or one program wrote it. Never changed."""

    __tablename__ = "skill_versions"
    __table_args__ = (
        sa.UniqueConstraint("skill_id", "program_id", "number",
                            name="uq_skill_versions_skill_program_number"),
        sa.Index("ix_skill_versions_current", "is_current", "program_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    skill_id: Mapped[int] = mapped_column(sa.ForeignKey("skills.id"), index=True)
    #: Whose text: None for Trellis's catalogue, else the program whose version this is.
    program_id: Mapped[int | None] = mapped_column(sa.ForeignKey("programs.id"))
    #: 1, 2, 3… counted separately for Trellis's text and each program's.
    number: Mapped[int]
    #: The latest version for its (skill, program); False once a newer one exists or the
    #: program went back to Trellis's text.
    is_current: Mapped[bool] = mapped_column(default=True)
    #: A key of app.skills.categories.CATEGORIES.
    category: Mapped[str] = mapped_column(sa.String(40))
    name: Mapped[str] = mapped_column(sa.String(120))
    #: One line: "Use it when …".
    use_when: Mapped[str] = mapped_column(sa.String(300))
    #: Three to six short steps, in order.
    steps: Mapped[list] = mapped_column(sa.JSON)
    #: About how long it takes.
    minutes: Mapped[int]
    #: A guided mode, e.g. {"mode": "breathing", "in": 4, "hold": 0, "out": 6, "rest": 0}
    #: or {"mode": "steps"}; None: no guided mode.
    guided: Mapped[dict | None] = mapped_column(sa.JSON)
    #: Trellis's text in other languages, {"es": {"name", "use_when", "steps"}}; None for a
    #: program's own text (shown as its staff wrote it). Read through `local_*` below.
    translations: Mapped[dict | None] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: The staff member who wrote this version; None for the catalogue.
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))

    skill: Mapped[Skill] = relationship()
    created_by: Mapped[User | None] = relationship()

    @property
    def local_name(self) -> str:
        """The name in the reader's language where Trellis's catalogue has it."""
        from app.skills.content import localized

        return localized(self, "name")

    @property
    def local_use_when(self) -> str:
        """"Use it when…" in the reader's language where Trellis's catalogue has it."""
        from app.skills.content import localized

        return localized(self, "use_when")

    @property
    def local_steps(self) -> list[str]:
        """The steps in the reader's language where Trellis's catalogue has them."""
        from app.skills.content import localized

        return localized(self, "steps")


class ProgramSkillSetting(db.Model):
    """A program's choice about one skill. No row: shown to its participants."""

    __tablename__ = "program_skill_settings"

    program_id: Mapped[int] = mapped_column(sa.ForeignKey("programs.id", ondelete="CASCADE"),
                                            primary_key=True)
    skill_id: Mapped[int] = mapped_column(sa.ForeignKey("skills.id"), primary_key=True)
    is_hidden: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))


class SkillFavourite(db.Model):
    """A skill the participant starred: it comes first in their lists."""

    __tablename__ = "skill_favourites"

    participant_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"),
                                                primary_key=True)
    skill_id: Mapped[int] = mapped_column(sa.ForeignKey("skills.id"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SkillPractice(db.Model):
    """One logged practice of a skill, with optional ratings.

    Editable until the end of the local day after it was logged. Deleting keeps a tombstone
    (client UUID and content hash, answers cleared) so a replayed upload is still recognised.
    """

    __tablename__ = "skill_practices"
    __table_args__ = (
        sa.UniqueConstraint("participant_id", "client_uuid",
                            name="uq_skill_practices_participant_client_uuid"),
        sa.CheckConstraint("distress_before BETWEEN 0 AND 10", name="distress_before_range"),
        sa.CheckConstraint("distress_after BETWEEN 0 AND 10", name="distress_after_range"),
        sa.CheckConstraint("helpful BETWEEN 1 AND 5", name="helpful_range"),
        sa.CheckConstraint("minutes BETWEEN 1 AND 240", name="minutes_range"),
        sa.Index("ix_skill_practices_participant_practised", "participant_id", "practised_at"),
        sa.Index("ix_skill_practices_program_practised", "program_id", "practised_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    #: The program the participant was in when they logged it (None when not enrolled).
    program_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("programs.id", ondelete="SET NULL"))
    skill_id: Mapped[int] = mapped_column(sa.ForeignKey("skills.id"), index=True)
    #: The exact text the participant had in front of them.
    skill_version_id: Mapped[int] = mapped_column(sa.ForeignKey("skill_versions.id"))
    #: Generated by the client (the form or the offline queue): sending twice is harmless.
    client_uuid: Mapped[str] = mapped_column(sa.String(36))
    #: SHA-256 of the canonical JSON of what was first submitted: a replay must match it.
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    #: "form" or "api".
    source: Mapped[str] = mapped_column(sa.String(10), default="form")
    #: When the participant practised (now, or earlier today or yesterday).
    practised_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: When the server received it; the edit window runs from here.
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    client_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    client_time_zone: Mapped[str | None] = mapped_column(sa.String(64))
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    #: 0 (calm) to 10 (the most upset), before and after; each optional.
    distress_before: Mapped[int | None]
    distress_after: Mapped[int | None]
    #: 1 (not at all) to 5 (a lot).
    helpful: Mapped[int | None]
    minutes: Mapped[int | None]
    note: Mapped[str | None] = mapped_column(sa.Text)

    participant: Mapped[User] = relationship()
    skill: Mapped[Skill] = relationship()
    version: Mapped[SkillVersion] = relationship()

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def distress_change(self) -> int | None:
        """After minus before; None unless both were given."""
        if self.distress_before is None or self.distress_after is None:
            return None
        return self.distress_after - self.distress_before


class SkillHomework(db.Model):
    """A skill a clinician asked a participant to practise: `target_count` times between the
    start of `starts_on` and the end of `due_on`, local days in the participant's zone.

    Progress is the practices of the skill in that window; there is no separate "done" step.
    """

    __tablename__ = "skill_homework"
    __table_args__ = (
        sa.CheckConstraint("target_count BETWEEN 1 AND 50", name="target_count_range"),
        sa.Index("ix_skill_homework_participant_due", "participant_id", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    program_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("programs.id", ondelete="SET NULL"))
    skill_id: Mapped[int] = mapped_column(sa.ForeignKey("skills.id"))
    assigned_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))
    target_count: Mapped[int]
    starts_on: Mapped[date]
    due_on: Mapped[date]
    note: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Set when a clinician ends it early; it then counts for nothing and shows nowhere.
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))

    skill: Mapped[Skill] = relationship()
    assigned_by: Mapped[User | None] = relationship(foreign_keys=[assigned_by_id])
