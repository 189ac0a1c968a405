"""When doses are due: each scheduled entry's times of day on each local day, in the
participant's zone, and how long a dose may still be marked.

A dose is named by its entry, local day and time ("12-20270314-0800"): one name per local
date and time, so a daylight-saving change can neither double nor drop a dose. A local time
that does not exist (02:30 on the spring-forward day) is due an hour later in the new offset;
an ambiguous one (01:30 on the fall-back day) is due at its first instance. The name carries
no medication name: it is safe in a notification and a URL.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from app.extensions import db
from app.models import Medication, MedicationEntry

_KEY = re.compile(r"^(\d{1,12})-(\d{8})-(\d{4})$")


def local_to_utc(day: date, at: time, zone: str) -> datetime:
    """A local wall-clock time as a UTC instant (fold=0: see the module's docstring)."""
    return datetime.combine(day, at, tzinfo=ZoneInfo(zone)).astimezone(UTC)


def local_today(zone: str, now: datetime) -> date:
    """The participant's calendar day at `now`."""
    return now.astimezone(ZoneInfo(zone)).date()


def day_start(day: date, zone: str) -> datetime:
    """Local midnight at the start of `day`, as a UTC instant."""
    return local_to_utc(day, time(0), zone)


def marking_closes_at(day: date, zone: str) -> datetime:
    """A dose of `day` can be marked until the end of the next local day; then it is missed."""
    return day_start(day + timedelta(days=2), zone)


def can_still_mark(day: date, today: date) -> bool:
    """Whether a dose due on `day` can be marked today (its own day or the next)."""
    return today - timedelta(days=1) <= day <= today


def dose_key(entry_id: int, day: date, at: time) -> str:
    """The name of one scheduled dose."""
    return f"{entry_id}-{day:%Y%m%d}-{at:%H%M}"


def parse_dose_key(text) -> tuple[int, date, time] | None:
    """(entry id, day, time) from a dose's name, or None when it is not one."""
    match = _KEY.match(str(text or "").strip())
    if match is None:
        return None
    try:
        day = datetime.strptime(match.group(2), "%Y%m%d").date()
        at = datetime.strptime(match.group(3), "%H%M").time()
    except ValueError:
        return None
    return int(match.group(1)), day, at


@dataclass(frozen=True)
class Dose:
    """One scheduled dose: an entry's time on a local day."""

    entry: MedicationEntry
    day: date
    at: time
    due_at: datetime  #: UTC

    @property
    def key(self) -> str:
        return dose_key(self.entry.id, self.day, self.at)

    @property
    def slot(self) -> tuple[int, date, time]:
        """What a mark of this dose records (entry, due_on, due_time)."""
        return self.entry.id, self.day, self.at

    @property
    def medication_id(self) -> int:
        return self.entry.medication_id


def is_scheduled_on(entry: MedicationEntry, day: date) -> bool:
    """Whether an entry has doses that count on a local day."""
    return not entry.is_as_needed and entry.covers(day) and day >= entry.tracked_from


def doses_between(entries: Iterable[MedicationEntry], first: date, last: date,
                  zone: str) -> list[Dose]:
    """Every scheduled dose from `first` to `last` (local days, inclusive), in time order."""
    doses = []
    for entry in entries:
        if entry.is_as_needed:
            continue
        times = entry.due_times()
        day = max(first, entry.start_on, entry.tracked_from)
        end = min(last, entry.stop_on) if entry.stop_on else last
        while day <= end:
            doses.extend(Dose(entry, day, at, local_to_utc(day, at, zone)) for at in times)
            day += timedelta(days=1)
    doses.sort(key=lambda d: (d.due_at, d.entry.name.lower(), d.entry.id))
    return doses


def doses_on(entries: Iterable[MedicationEntry], day: date, zone: str) -> list[Dose]:
    """The scheduled doses of one local day."""
    return doses_between(entries, day, day, zone)


def entries_of(participant_id: int) -> list[MedicationEntry]:
    """Every entry of a participant's medications (stopped ones too), loaded in one query."""
    return list(db.session.scalars(
        sa.select(MedicationEntry).join(Medication)
        .where(Medication.participant_id == participant_id)
        .options(sa.orm.contains_eager(MedicationEntry.medication))
        .order_by(MedicationEntry.start_on, MedicationEntry.id)))


def entries_of_many(participant_ids: list[int]) -> dict[int, list[MedicationEntry]]:
    """`entries_of` for many participants, in one query (participant id → entries)."""
    found: dict[int, list[MedicationEntry]] = {}
    for entry in db.session.scalars(
            sa.select(MedicationEntry).join(Medication)
            .where(Medication.participant_id.in_(participant_ids))
            .options(sa.orm.contains_eager(MedicationEntry.medication))
            .order_by(MedicationEntry.start_on, MedicationEntry.id)):
        found.setdefault(entry.medication.participant_id, []).append(entry)
    return found


def entry_on(medication: Medication, day: date) -> MedicationEntry | None:
    """The medication's entry in force on a local day, if any."""
    for entry in reversed(medication.entries):
        if entry.covers(day):
            return entry
    return None


def format_time_of_day(value) -> str:
    """A time of day ("08:00" or a `time`) in the reader's locale: "8:00 AM"."""
    from babel.dates import format_time
    from flask_babel import get_locale

    at = time.fromisoformat(value) if isinstance(value, str) else value
    return format_time(at, "short", locale=get_locale())


def format_change_value(value, name: str) -> str:
    """A value from the change log as a person reads it: times and dates in the reader's
    locale, yes/no, a dash for nothing."""
    from flask_babel import gettext as _

    from app.formatting import format_day

    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if name == "times" and isinstance(value, list):
        return ", ".join(format_time_of_day(t) for t in value)
    if name in ("start_on", "stop_on") and isinstance(value, str):
        return format_day(date.fromisoformat(value))
    return str(value)
