"""Marking doses: the one validation-and-save path shared by Today's buttons, the JSON API and
the notification's "Taken" action.

Every mark is saved once per client UUID (app.submissions): a resend answers with the first
save, the same UUID with other content is a Conflict. A dose marked again with a new UUID is
kept as a new mark and read from the latest one, so a second tap is harmless. Marking a dose
cancels its pending reminders (the follow-up) in the same transaction.
"""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import gettext as _

from app import submissions
from app.care.team import participant_zone
from app.database import utcnow
from app.extensions import db
from app.formatting import format_day
from app.medications import reminders
from app.medications.schedule import (
    Dose,
    can_still_mark,
    dose_key,
    entry_on,
    is_scheduled_on,
    local_to_utc,
    local_today,
    parse_dose_key,
)
from app.models import DoseStatus, Medication, MedicationDose, MedicationEntry, SkipReason, User
from app.submissions import Conflict

__all__ = ["Conflict", "Invalid", "Marked", "latest_marks", "record"]

#: A phone's clock may run a little fast: times this far ahead still count as now.
CLOCK_SKEW = timedelta(minutes=5)
#: The fields a mark is made of (the form's names and the API's), hashed for replays.
FIELDS = ("dose", "medication_id", "status", "reason", "taken_at")


class Invalid(ValueError):
    """Field errors ({"dose": "..."}); nothing was saved."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("invalid dose")
        self.errors = errors


@dataclass
class Marked:
    dose: MedicationDose
    created: bool  #: False when this was a replay of an earlier request


def _text(raw: Mapping, name: str) -> str:
    value = raw.get(name)
    return "" if value is None else str(value).strip()


def content(raw: Mapping) -> dict:
    """What identifies a submission's content (delivery details such as the client's clock
    are left out, so a resend with a new timestamp is still a replay)."""
    return {name: _text(raw, name) or None for name in FIELDS}


def _parse_instant(text: str, zone: str, now: datetime) -> datetime:
    """An ISO 8601 instant; without an offset it is local to the participant, and a time of
    day alone ("08:30", as the form's time field sends it) is today's."""
    if len(text) == 5 and text[2] == ":":
        return datetime.combine(local_today(zone, now), time.fromisoformat(text),
                                tzinfo=ZoneInfo(zone))
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(zone))
    return moment


def own_entry(participant: User, entry_id: int) -> MedicationEntry | None:
    """An entry of one of the participant's medications, or None."""
    return db.session.scalar(
        sa.select(MedicationEntry).join(Medication)
        .where(MedicationEntry.id == entry_id, Medication.participant_id == participant.id))


def own_medication(participant: User, medication_id: str) -> Medication | None:
    """One of the participant's medications by its id as sent, or None."""
    if not medication_id.isdigit():
        return None
    return db.session.scalar(sa.select(Medication).where(
        Medication.id == int(medication_id), Medication.participant_id == participant.id))


def _stopped_message(medication: Medication) -> str:
    return _("This medication was stopped on %(date)s.",
             date=format_day(medication.current.stop_on))


def _scheduled(participant: User, key: str, today: date, errors: dict) -> Dose | None:
    parsed = parse_dose_key(key)
    entry = own_entry(participant, parsed[0]) if parsed else None
    if entry is None:
        errors["dose"] = _("We could not find this dose on your medication list.")
        return None
    _entry_id, day, at = parsed
    if day > today:
        errors["dose"] = _("This dose is not due yet.")
    elif not can_still_mark(day, today):
        errors["dose"] = _("Doses can be marked until the end of the next day; this one can "
                           "no longer be changed.")
    elif not (is_scheduled_on(entry, day) and at.strftime("%H:%M") in entry.times):
        stopped = entry.medication.current.stop_on
        errors["dose"] = (_stopped_message(entry.medication) if stopped and day > stopped
                          else _("This dose is not on your plan for that day."))
    if "dose" in errors:
        return None
    return Dose(entry, day, at, local_to_utc(day, at, participant_zone(participant)))


def _as_needed(participant: User, medication_id: str, day: date,
               errors: dict) -> MedicationEntry | None:
    medication = own_medication(participant, medication_id)
    if medication is None:
        errors["medication_id"] = _("We could not find this medication on your list.")
        return None
    entry = entry_on(medication, day)
    if entry is None:
        stopped = medication.current.stop_on
        errors["medication_id"] = (_stopped_message(medication) if stopped and day > stopped
                                   else _("This medication had not started on that day."))
    elif not entry.is_as_needed:
        errors["dose"] = _("This medication has set times: choose which dose you took.")
    return None if errors else entry


def _clean(participant: User, raw: Mapping, zone: str, now: datetime, strict: bool):
    errors: dict[str, str] = {}
    today = local_today(zone, now)
    client_uuid = submissions.parse_client_uuid(raw.get("client_uuid"))
    if client_uuid is None and (strict or _text(raw, "client_uuid")):
        errors["client_uuid"] = _("Send a client_uuid (a UUID) with every dose.")
    status = _text(raw, "status") or DoseStatus.TAKEN.value
    if status not in {s.value for s in DoseStatus}:
        errors["status"] = _("Choose Taken or Skip.")
    reason = _text(raw, "reason") or None
    if reason and status != DoseStatus.SKIPPED:
        errors["reason"] = _("A reason goes with a skipped dose.")
    elif reason and reason not in {r.value for r in SkipReason}:
        errors["reason"] = _("Choose one of the reasons, or none.")
    taken_at = None
    if _text(raw, "taken_at"):
        try:
            taken_at = _parse_instant(_text(raw, "taken_at"), zone, now)
        except ValueError:
            errors["taken_at"] = _("Enter a date and time such as 2027-03-14T08:30.")
        else:
            if status == DoseStatus.SKIPPED:
                errors["taken_at"] = _("A skipped dose has no time taken.")
            elif taken_at > now + CLOCK_SKEW:
                errors["taken_at"] = _("That time is in the future.")
            elif not can_still_mark(local_today(zone, taken_at), today):
                errors["taken_at"] = _("Doses can be logged until the end of the next day.")
    values = {"client_uuid": client_uuid, "status": status, "reason": reason,
              "taken_at": taken_at, "dose": None, "entry": None}
    if _text(raw, "dose"):
        values["dose"] = _scheduled(participant, _text(raw, "dose"), today, errors)
    elif _text(raw, "medication_id"):
        if status != DoseStatus.TAKEN:
            errors["status"] = _("An as-needed dose is logged when it is taken.")
        day = local_today(zone, taken_at) if taken_at and "taken_at" not in errors else today
        values["entry"] = _as_needed(participant, _text(raw, "medication_id"), day, errors)
    else:
        errors["dose"] = _("Choose a dose.")
    return values, errors


def _default_taken_at(raw: Mapping, now: datetime) -> datetime:
    """When the participant tapped, as the offline queue reports it; else now."""
    try:
        sent = datetime.fromisoformat(_text(raw, "client_timestamp").replace("Z", "+00:00"))
    except ValueError:
        return now
    if sent.tzinfo is None or sent > now or sent < now - timedelta(days=2):
        return now
    return sent


def record(participant: User, raw: Mapping, source: str = "form",
           now: datetime | None = None) -> Marked:
    """Validate and save one mark (or recognise a replay); commits. Raises Invalid/Conflict.

    `raw` has `client_uuid` and either `dose` (a scheduled dose's name) or `medication_id`
    (an as-needed medication), `status` (taken, the default, or skipped), an optional skip
    `reason` and an optional `taken_at` (ISO 8601; without an offset it is local time).
    """
    now = now or utcnow()
    digest = submissions.content_hash(content(raw))
    known = submissions.parse_client_uuid(raw.get("client_uuid"))
    if known is not None:
        existing = submissions.find(MedicationDose, participant.id, known)
        if existing is not None:  # a resend: answered from the first save, even days later
            if existing.content_hash != digest:
                raise Conflict(existing)
            return Marked(existing, created=False)
    zone = participant_zone(participant)
    values, errors = _clean(participant, raw, zone, now, strict=source != "form")
    if errors:
        raise Invalid(errors)
    client_uuid = values["client_uuid"] or str(uuid.uuid4())
    dose: Dose | None = values["dose"]
    entry = dose.entry if dose else values["entry"]
    taken = values["status"] == DoseStatus.TAKEN
    taken_at = (values["taken_at"] or _default_taken_at(raw, now)) if taken else None

    def create() -> MedicationDose:
        mark = MedicationDose(
            participant_id=participant.id, medication_id=entry.medication_id,
            entry_id=entry.id, client_uuid=client_uuid, content_hash=digest,
            status=values["status"], skip_reason=values["reason"],
            due_on=dose.day if dose else None, due_time=dose.at if dose else None,
            taken_at=taken_at, recorded_at=now, source=source)
        db.session.add(mark)
        if dose is not None:
            reminders.cancel_pending(participant.id, dose)
        return mark

    saved = submissions.save_once(MedicationDose, participant.id, client_uuid, digest, create)
    return Marked(saved.record, saved.created)


def latest_marks(participant_id: int, first: date,
                 last: date) -> dict[tuple[int, date, time], MedicationDose]:
    """The latest mark of each scheduled dose due from `first` to `last`, in one query."""
    latest: dict[tuple[int, date, time], MedicationDose] = {}
    for mark in db.session.scalars(
            sa.select(MedicationDose).where(
                MedicationDose.participant_id == participant_id,
                MedicationDose.due_on.is_not(None),
                MedicationDose.due_on >= first, MedicationDose.due_on <= last)
            .order_by(MedicationDose.recorded_at, MedicationDose.id)):
        latest[(mark.entry_id, mark.due_on, mark.due_time)] = mark
    return latest


def latest_marks_of_many(participant_ids: list[int], first: date
                         ) -> dict[int, dict[tuple[int, date, time], MedicationDose]]:
    """`latest_marks` from `first` on, for many participants in one query."""
    latest: dict[int, dict[tuple[int, date, time], MedicationDose]] = {}
    for mark in db.session.scalars(
            sa.select(MedicationDose).where(
                MedicationDose.participant_id.in_(participant_ids),
                MedicationDose.due_on.is_not(None), MedicationDose.due_on >= first)
            .order_by(MedicationDose.recorded_at, MedicationDose.id)):
        latest.setdefault(mark.participant_id, {})[
            (mark.entry_id, mark.due_on, mark.due_time)] = mark
    return latest


def as_needed_doses(participant_id: int, start: datetime, end: datetime) -> list[MedicationDose]:
    """As-needed doses taken between two instants, oldest first."""
    return list(db.session.scalars(
        sa.select(MedicationDose).where(
            MedicationDose.participant_id == participant_id, MedicationDose.due_on.is_(None),
            MedicationDose.status == DoseStatus.TAKEN,
            MedicationDose.taken_at >= start, MedicationDose.taken_at < end)
        .order_by(MedicationDose.taken_at, MedicationDose.id)))


def key_of(mark: MedicationDose) -> str | None:
    """The name of the scheduled dose a mark is about."""
    if mark.due_on is None:
        return None
    return dose_key(mark.entry_id, mark.due_on, mark.due_time)
