"""A participant's timeline: entries from every capability over a range, newest first.

Each capability contributes a `Source` (`register_source`): a function that loads its entries
for one participant in [start, end), filtered by what the staff member may read
(`query.records(program_column, time_column)`). Skills adds practices and homework the same
way.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy.orm import joinedload

from app.care.scope import CareAccess
from app.checkins.items import FEELINGS, MOOD_LABELS
from app.extensions import db
from app.formatting import format_instant
from app.models import (
    Attendance,
    CareMessage,
    Checkin,
    ClinicalNote,
    SafetyAlert,
    ScaleResponse,
    SessionOccurrence,
    SessionSeries,
    User,
)
from app.review import queue
from app.safety.alerts import describe, visible_alerts
from app.scales.registry import SCALES


@dataclass
class TimelineQuery:
    """One participant, a range, and what the staff member may read."""

    staff: User
    participant: User
    access: CareAccess
    start: datetime
    end: datetime
    zone: str

    def records(self, program_column, time_column):
        """SQL: in the range, and readable by the staff member."""
        return sa.and_(time_column >= self.start, time_column < self.end,
                       self.access.records(program_column, time_column))


@dataclass
class Entry:
    """One thing that happened, as a line or two of text."""

    at: datetime
    source: str  #: the Source key ("checkin", "scale", ...)
    title: str
    #: Facts in our own words (never user text).
    details: list[str] = field(default_factory=list)
    #: What the participant or staff wrote, shown inert (hx-disable, pre-line).
    user_text: str | None = None
    #: Why it needs attention, in words (shown as flags: text with an icon).
    reasons: list[str] = field(default_factory=list)
    #: A danger sign (safety answer, open alert): the alert icon and a red mark.
    urgent: bool = False
    reviewed: str | None = None

    @property
    def flagged(self) -> bool:
        return bool(self.reasons) or self.urgent

    def local_day(self, zone: str) -> date:
        return self.at.astimezone(ZoneInfo(zone)).date()


@dataclass(frozen=True)
class Source:
    key: str
    label: object
    load: Callable[[TimelineQuery], list[Entry]]


SOURCES: dict[str, Source] = {}


def register_source(source: Source) -> Source:
    """Add a kind of timeline entry (a capability's records)."""
    SOURCES[source.key] = source
    return source


def entries(query: TimelineQuery, kinds: set[str] | None = None) -> list[Entry]:
    """Every entry in the range (of the chosen sources), newest first."""
    found = []
    for source in SOURCES.values():
        if kinds is None or source.key in kinds:
            found.extend(source.load(query))
    return sorted(found, key=lambda e: e.at, reverse=True)


# --- the core sources --------------------------------------------------------------------------

def _checkin_details(c: Checkin) -> list[str]:
    parts = []
    if c.mood is not None:
        parts.append(str(_l("Mood %(value)s (%(label)s)", value=c.mood,
                            label=MOOD_LABELS[c.mood])))
    if c.anxiety is not None:
        parts.append(str(_l("anxiety %(value)s/10", value=c.anxiety)))
    if c.craving is not None:
        parts.append(str(_l("craving %(value)s/10", value=c.craving)))
    if c.sleep_hours is not None:
        parts.append(str(_l("hours slept: %(hours)s", hours=f"{c.sleep_hours:g}")))
    if c.used_substances is True:
        parts.append(str(_l("reported use")))
    if c.took_medications is False:
        parts.append(str(_l("medications not taken as prescribed")))
    if c.self_harm_urge:
        parts.append(str(_l("urge to self-harm %(value)s/5", value=c.self_harm_urge)))
    if c.safety_thoughts is True:
        parts.append(str(_l("YES to the safety question")))
    lines = [", ".join(parts)] if parts else []
    if c.feelings:
        lines.append(str(_l("Feelings: %(list)s",
                            list=", ".join(str(FEELINGS.get(f, f)) for f in c.feelings))))
    return lines


def _checkins(query: TimelineQuery) -> list[Entry]:
    rows = list(db.session.scalars(sa.select(Checkin).where(
        Checkin.participant_id == query.participant.id, Checkin.deleted_at.is_(None),
        query.records(Checkin.program_id, Checkin.occurred_at))))
    reviews = queue.reviews_of([c.id for c in rows])
    found = []
    for c in rows:
        risk, reasons = queue.risk_of(c)
        review = reviews.get(c.id)
        found.append(Entry(
            c.occurred_at, "checkin", str(_l("Check-in")), _checkin_details(c), c.note,
            reasons=reasons, urgent=risk >= queue.URGENT_RISK,
            reviewed=str(_l("Reviewed by %(who)s", who=review.reviewed_by.display_name))
            if review and review.reviewed_by else (str(_l("Reviewed")) if review else None)))
    return found


def _scales(query: TimelineQuery) -> list[Entry]:
    found = []
    for r in db.session.scalars(sa.select(ScaleResponse).where(
            ScaleResponse.participant_id == query.participant.id,
            query.records(ScaleResponse.program_id, ScaleResponse.submitted_at))):
        scale = SCALES.get(r.scale)
        if scale is None:
            continue
        band = scale.band(r.band)
        safety_answer = bool(scale.safety_item and r.answers.get(scale.safety_item, 0)
                             >= scale.safety_threshold)
        found.append(Entry(r.submitted_at, "scale", scale.name, [str(_l(
            "%(total)s of %(max)s, %(band)s", total=r.total, max=scale.max_total,
            band=band.label if band else r.band))],
            reasons=[str(_l("Item %(number)s answered", number=scale.safety_item.lstrip("q")))]
            if safety_answer else [], urgent=safety_answer))
    return found


STATUS_WORDS = {"present": _l("Present"), "late": _l("Late"), "absent": _l("Absent"),
                "excused": _l("Excused")}
NOTICE_WORDS = {"running_late": _l("said they were running late"),
                "cannot_attend": _l("said they could not come")}


def attendance_words(row: Attendance) -> str:
    """"Absent", "Late (said they were running late)", "Not recorded (said ...)"."""
    status = str(STATUS_WORDS[row.status.value]) if row.status else str(_l("Not recorded"))
    if row.notice:
        return f"{status} ({NOTICE_WORDS[row.notice.value]})"
    return status


def _attendance(query: TimelineQuery) -> list[Entry]:
    start = sa.func.coalesce(SessionOccurrence.moved_start_at,
                             SessionOccurrence.original_start_at)
    found = []
    for row, occurrence, series in db.session.execute(
            sa.select(Attendance, SessionOccurrence, SessionSeries)
            .join(SessionOccurrence, Attendance.occurrence_id == SessionOccurrence.id)
            .join(SessionSeries, SessionOccurrence.series_id == SessionSeries.id)
            .where(Attendance.participant_id == query.participant.id,
                   sa.or_(Attendance.status.is_not(None), Attendance.notice.is_not(None)),
                   query.records(SessionSeries.program_id, start))).tuples():
        at = occurrence.moved_start_at or occurrence.original_start_at
        details = [attendance_words(row)]
        found.append(Entry(at, "attendance", series.title, details,
                           row.notice_reason if row.notice else None,
                           reasons=[str(_l("Absent"))] if row.status is not None
                           and row.status.value == "absent" else []))
    return found


def _alerts(query: TimelineQuery) -> list[Entry]:
    found = []
    for alert in db.session.scalars(
            sa.select(SafetyAlert).where(
                SafetyAlert.participant_id == query.participant.id,
                visible_alerts(query.staff),
                SafetyAlert.created_at >= query.start, SafetyAlert.created_at < query.end)):
        state = (str(_l("open")) if alert.is_open else
                 str(_l("acknowledged %(when)s",
                        when=format_instant(alert.acknowledged_at, query.zone))))
        found.append(Entry(alert.created_at, "alert", str(_l("Safety alert (%(state)s)",
                                                             state=state)),
                           [describe(t) for t in alert.triggers], urgent=alert.is_open))
    return found


def _notes(query: TimelineQuery) -> list[Entry]:
    return [Entry(n.created_at, "note", str(_l("Private note by %(who)s",
                                               who=n.author.display_name if n.author else "—")),
                  [], n.body)
            for n in db.session.scalars(
                sa.select(ClinicalNote).options(joinedload(ClinicalNote.author)).where(
                    ClinicalNote.participant_id == query.participant.id,
                    query.records(ClinicalNote.program_id, ClinicalNote.created_at)))]


def _messages(query: TimelineQuery) -> list[Entry]:
    found = []
    for m in db.session.scalars(
            sa.select(CareMessage).options(joinedload(CareMessage.author)).where(
                CareMessage.participant_id == query.participant.id,
                query.records(CareMessage.program_id, CareMessage.created_at))):
        read = str(_l("read")) if m.read_at else str(_l("not read yet"))
        found.append(Entry(m.created_at, "message", str(_l(
            "Message to the participant by %(who)s", who=m.author.display_name
            if m.author else "—")), [read], m.body))
    return found


register_source(Source("checkin", _l("Check-ins"), _checkins))
register_source(Source("scale", _l("Questionnaires"), _scales))
register_source(Source("attendance", _l("Attendance"), _attendance))
register_source(Source("alert", _l("Safety alerts"), _alerts))
register_source(Source("note", _l("Private notes"), _notes))
register_source(Source("message", _l("Messages"), _messages))


def count_text(entries_: list[Entry]) -> str:
    """"12 entries"."""
    return ngettext("%(num)s entry", "%(num)s entries", len(entries_))
