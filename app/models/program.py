"""Treatment programs: an IOP or PHP with its own time zone, phone line and crisis text."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import UTCDateTime, enum_column, utcnow
from app.extensions import db
from app.models.user import User, clinician_programs


class LevelOfCare(enum.StrEnum):
    """ASAM-style levels of care that Trellis tracks."""

    PHP = "php"  #: partial hospitalization: every weekday, 6-8 hours
    IOP = "iop"  #: intensive outpatient: 3-5 days a week, a few hours
    OUTPATIENT = "outpatient"  #: after step-down; no program sessions in Trellis


class Program(db.Model):
    """A program participants are enrolled in and clinicians work in."""

    __tablename__ = "programs"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    level_of_care: Mapped[LevelOfCare] = mapped_column(
        enum_column(LevelOfCare)
    )
    #: IANA zone name, e.g. America/New_York; session times are local to it.
    time_zone: Mapped[str] = mapped_column(sa.String(64))
    #: Shown as a "Call us" tel: link on every participant page and the crisis page.
    phone: Mapped[str | None] = mapped_column(sa.String(32))
    #: The program's own words at the top of the crisis page; a default is used when empty.
    crisis_text: Mapped[str | None] = mapped_column(sa.Text)
    #: The program's own words added to Trellis's privacy notice; editing it bumps the version.
    privacy_notice: Mapped[str | None] = mapped_column(sa.Text)
    #: Participants accept each version once, at their next sign-in after it changes.
    privacy_notice_version: Mapped[int] = mapped_column(default=1, server_default="1")
    #: Discreet mode: the name and icon the installed app shows on the participant's phone.
    app_name: Mapped[str | None] = mapped_column(sa.String(30))
    app_icon: Mapped[str] = mapped_column(sa.String(20), default="leaf", server_default="leaf")
    #: Minutes a safety alert may stay unacknowledged before the other clinicians are pushed it.
    alert_escalation_minutes: Mapped[int] = mapped_column(default=30, server_default="30")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    clinicians: Mapped[list[User]] = relationship(
        secondary=clinician_programs, back_populates="programs", order_by=User.display_name
    )

    def __repr__(self) -> str:
        return f"<Program {self.id}>"
