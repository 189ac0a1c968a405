"""Calendar files: one session (.ics) and a participant's subscription feed.

The feed is reached by a secret token in its URL, since phone calendars cannot sign in. Only a
SHA-256 of the token is stored; turning the link off or making a new one makes the old URL a
404. Events are discreet by default: the title is "Trellis session" and nothing else about the
session (kind, place, link) is written, unless the participant chose full titles.
"""

import hashlib
import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from icalendar import Calendar, Event

from app.database import utcnow
from app.extensions import db
from app.models import CalendarFeed, Role, User
from app.schedule.service import Occurrence, participant_occurrences

#: What the feed covers around now: recent history and the months ahead, nothing older.
FEED_PAST = timedelta(days=30)
FEED_FUTURE = timedelta(days=180)
#: How often calendar apps are asked to refresh the subscription.
REFRESH = timedelta(hours=1)
EPOCH = datetime(2020, 1, 1, tzinfo=UTC)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def feed_of(participant: User) -> CalendarFeed | None:
    """The participant's feed settings, if they ever made a link or chose a preference."""
    return db.session.scalar(
        sa.select(CalendarFeed).where(CalendarFeed.participant_id == participant.id))


def _feed_row(participant: User) -> CalendarFeed:
    feed = feed_of(participant)
    if feed is None:
        feed = CalendarFeed(participant_id=participant.id, is_discreet=True)
        db.session.add(feed)
    return feed


def new_link(participant: User) -> str:
    """Make (or remake) the participant's link; returns the token, which is never stored."""
    token = secrets.token_urlsafe(32)
    feed = _feed_row(participant)
    feed.token_hash = _hash(token)
    feed.token_created_at = utcnow()
    return token


def turn_off(participant: User) -> None:
    """Stop the participant's link from working."""
    feed = feed_of(participant)
    if feed is not None:
        feed.token_hash = None
        feed.token_created_at = None


def set_discreet(participant: User, is_discreet: bool) -> None:
    """Choose between "Trellis session" and the sessions' own titles in calendars."""
    _feed_row(participant).is_discreet = is_discreet


def is_discreet(participant: User) -> bool:
    """The participant's choice; discreet until they choose otherwise."""
    feed = feed_of(participant)
    return feed is None or feed.is_discreet


def participant_for_token(token: str) -> tuple[User, CalendarFeed] | None:
    """The active participant whose live link holds this token, or None."""
    if not token or len(token) > 100:
        return None
    row = db.session.execute(
        sa.select(User, CalendarFeed).join(CalendarFeed, CalendarFeed.participant_id == User.id)
        .where(CalendarFeed.token_hash == _hash(token))).first()
    if row is None or not row[0].is_active or row[0].role != Role.PARTICIPANT:
        return None
    return row[0], row[1]


def feed_occurrences(participant: User) -> list[Occurrence]:
    """The sessions a feed holds: the participant's own, in a bounded window around now."""
    now = utcnow()
    return participant_occurrences(participant, now - FEED_PAST, now + FEED_FUTURE)


def calendar(
    occurrences: list[Occurrence], discreet: bool, link_for: Callable[[Occurrence], str],
    host: str,
) -> bytes:
    """An iCalendar file of these occurrences, in UTC, one event each with a stable UID."""
    cal = Calendar()
    cal.add("prodid", "-//Trellis//Session schedule//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", "Trellis")
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", REFRESH)
    stamp = utcnow().replace(microsecond=0)
    for occurrence in occurrences:
        cal.add_component(_event(occurrence, discreet, link_for(occurrence), host, stamp))
    return cal.to_ical()


def _event(occurrence: Occurrence, discreet: bool, link: str, host: str, stamp: datetime) -> Event:
    series, record = occurrence.series, occurrence.record
    changed = max(filter(None, (series.updated_at, record and record.changed_at)))
    event = Event()
    event.add("uid", f"session-{series.id}-{occurrence.key}@{host}")
    event.add("dtstamp", stamp)
    event.add("dtstart", occurrence.start_at)
    event.add("dtend", occurrence.end_at)
    event.add("last-modified", changed.replace(microsecond=0))
    #: Later changes must carry a higher SEQUENCE for calendars to take them.
    event.add("sequence", max(0, int((changed - EPOCH).total_seconds() // 60)))
    event.add("status", "CANCELLED" if occurrence.is_cancelled else "CONFIRMED")
    event.add("url", link)
    if discreet:
        event.add("summary", _("Trellis session"))
        event.add("description", _("Details in Trellis: %(link)s", link=link))
        return event
    event.add("summary", series.title)
    lines = [line for line in (
        series.facilitator and _("With %(name)s", name=series.facilitator),
        series.what_to_bring and _("Bring: %(what)s", what=series.what_to_bring),
        series.telehealth_url and _("Join online: %(link)s", link=series.telehealth_url),
        record and record.change_note,
        _("Details in Trellis: %(link)s", link=link),
    ) if line]
    event.add("description", "\n".join(lines))
    if series.location:
        event.add("location", series.location)
    if series.telehealth_url and not series.location:
        event.add("location", series.telehealth_url)
    return event
