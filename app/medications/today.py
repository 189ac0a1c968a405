"""What Today shows of medications: today's doses by part of the day, yesterday's still open,
"as needed" medications with what was logged today, and the weekly side-effect questions."""

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l

from app.care.team import participant_zone
from app.database import utcnow
from app.medications import adherence, side_effects
from app.medications import doses as marks
from app.medications.listing import medications_of, split
from app.medications.schedule import Dose, day_start, local_today
from app.models import DoseStatus, Medication, MedicationDose, User

#: Parts of the day, by the hour each begins.
PARTS = ((time(0), _l("Night")), (time(5), _l("Morning")), (time(12), _l("Afternoon")),
         (time(17), _l("Evening")), (time(21), _l("Night")))


def part_of_day(at: time):
    """"Morning", "Afternoon", "Evening" or "Night" for a time of day."""
    label = PARTS[0][1]
    for begins, name in PARTS:
        if at >= begins:
            label = name
    return label


@dataclass
class DoseRow:
    """One dose on Today: its latest mark, and fresh client UUIDs for its two forms."""

    dose: Dose
    mark: MedicationDose | None
    zone: str
    today: date
    error: str | None = None
    taken_uuid: str = field(default_factory=lambda: str(uuid.uuid4()))
    skip_uuid: str = field(default_factory=lambda: str(uuid.uuid4()))

    @property
    def state(self) -> str:
        if self.mark is None:
            return "open"
        return "taken" if self.mark.status == DoseStatus.TAKEN else "skipped"

    @property
    def is_yesterday(self) -> bool:
        return self.dose.day < self.today

    @property
    def part(self):
        return part_of_day(self.dose.at)


@dataclass
class AsNeeded:
    medication: Medication
    logged: list[MedicationDose]
    zone: str
    client_uuid: str = field(default_factory=lambda: str(uuid.uuid4()))
    error: str | None = None


@dataclass
class TodayMedications:
    zone: str
    today: date
    has_any: bool
    groups: list[tuple[object, list[DoseRow]]]
    yesterday: list[DoseRow]  #: yesterday's doses still unmarked (they can still be marked)
    as_needed: list[AsNeeded]
    questions: list


def dose_row(participant: User, dose: Dose, now: datetime | None = None,
             error: str | None = None) -> DoseRow:
    """One dose as Today shows it (after marking it, or with an error)."""
    latest = marks.latest_marks(participant.id, dose.day, dose.day)
    zone = participant_zone(participant)
    return DoseRow(dose, latest.get(dose.slot), zone, local_today(zone, now or utcnow()), error)


def as_needed_row(participant: User, medication: Medication, now: datetime | None = None,
                  error: str | None = None) -> AsNeeded:
    now = now or utcnow()
    zone = participant_zone(participant)
    start = day_start(local_today(zone, now), zone)
    logged = [m for m in marks.as_needed_doses(participant.id, start, now + timedelta(days=1))
              if m.medication_id == medication.id]
    return AsNeeded(medication, logged, zone, error=error)


def today_context(participant: User, now: datetime | None = None) -> dict:
    """`medications_today` for templates/medications/_today.html."""
    now = now or utcnow()
    zone = participant_zone(participant)
    today = local_today(zone, now)
    medications = medications_of(participant.id)
    current, _stopped = split(medications, today)
    entries = [e for m in medications for e in m.entries]
    outcomes = adherence.outcomes(participant.id, entries, today - timedelta(days=1), today,
                                  zone, now)
    groups: list[tuple[object, list[DoseRow]]] = []
    yesterday = []
    for outcome in outcomes:
        row = DoseRow(outcome.dose, outcome.mark, zone, today)
        if outcome.dose.day < today:
            if outcome.mark is None:
                yesterday.append(row)
            continue
        if groups and str(groups[-1][0]) == str(row.part):
            groups[-1][1].append(row)
        else:
            groups.append((row.part, [row]))
    start = day_start(today, zone)
    logged = marks.as_needed_doses(participant.id, start, now + timedelta(days=1))
    as_needed = [AsNeeded(m, [d for d in logged if d.medication_id == m.id], zone)
                 for m in current if m.current.is_as_needed and m.current.start_on <= today]
    return {"medications_today": TodayMedications(
        zone=zone, today=today, has_any=bool(current), groups=groups, yesterday=yesterday,
        as_needed=as_needed,
        questions=side_effects.due_questions(participant, now, medications))}
