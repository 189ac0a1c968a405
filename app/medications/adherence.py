"""Adherence: what became of each scheduled dose, per medication, over 7 and 30 days; and the
caseload flag for missed doses in a row.

Each scheduled dose since the medication was put on the list is, by its latest mark: taken,
skipped (with the reason given), missed (unmarked after the end of the next local day), or
still open (unmarked, and can still be marked). Open doses are not counted. The rate is
taken / (taken + skipped + missed). "As needed" doses are counted, never rated.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from app.care.team import participant_zone
from app.medications import doses as marks
from app.medications.schedule import (
    Dose,
    day_start,
    doses_between,
    entries_of_many,
    local_today,
    marking_closes_at,
)
from app.models import DoseStatus, Medication, MedicationDose, User

WINDOWS = (7, 30)
#: The caseload flag: this many scheduled doses of one medication missed one after another.
MISSED_IN_A_ROW = 3
#: How far back the flag looks for a run of missed doses.
FLAG_LOOKBACK_DAYS = 14

TAKEN, SKIPPED, MISSED, OPEN = "taken", "skipped", "missed", "open"


@dataclass(frozen=True)
class Outcome:
    """What became of one scheduled dose."""

    dose: Dose
    state: str  #: TAKEN, SKIPPED, MISSED or OPEN
    mark: MedicationDose | None


def outcomes(participant_id: int, entries, first: date, last: date, zone: str,
             now: datetime, latest: dict | None = None) -> list[Outcome]:
    """Every scheduled dose from `first` to `last` with its outcome, in time order (`latest`:
    the marks already loaded, as `doses.latest_marks` gives them)."""
    if latest is None:
        latest = marks.latest_marks(participant_id, first, last)
    result = []
    for dose in doses_between(entries, first, last, zone):
        mark = latest.get(dose.slot)
        if mark is not None:
            state = TAKEN if mark.status == DoseStatus.TAKEN else SKIPPED
        else:
            state = MISSED if now >= marking_closes_at(dose.day, zone) else OPEN
        result.append(Outcome(dose, state, mark))
    return result


@dataclass
class Adherence:
    """One medication's doses over a window of days."""

    medication: Medication
    days: int
    taken: int = 0
    skipped: int = 0
    missed: int = 0
    open: int = 0
    as_needed: int = 0  #: as-needed doses taken
    reasons: Counter = field(default_factory=Counter)  #: skip reasons (None: none given)

    @property
    def counted(self) -> int:
        return self.taken + self.skipped + self.missed

    @property
    def rate(self) -> int | None:
        """Percent taken of the counted doses (None when none counted)."""
        return round(100 * self.taken / self.counted) if self.counted else None

    @property
    def is_as_needed(self) -> bool:
        return self.medication.current.is_as_needed


def adherence(participant: User, days: int, now: datetime,
              medications: list[Medication]) -> list[Adherence]:
    """Each medication's figures over the `days` local days ending today."""
    zone = participant_zone(participant)
    today = local_today(zone, now)
    first = today - timedelta(days=days - 1)
    figures = {m.id: Adherence(m, days) for m in medications}
    entries = [e for m in medications for e in m.entries]
    for outcome in outcomes(participant.id, entries, first, today, zone, now):
        figure = figures[outcome.dose.medication_id]
        setattr(figure, outcome.state, getattr(figure, outcome.state) + 1)
        if outcome.state == SKIPPED:
            figure.reasons[outcome.mark.skip_reason] += 1
    for mark in marks.as_needed_doses(participant.id, day_start(first, zone), now):
        if mark.medication_id in figures:
            figures[mark.medication_id].as_needed += 1
    return [figures[m.id] for m in medications]


def _runs(items: list[Outcome]) -> int:
    """How many of the latest counted doses were missed one after another."""
    while items and items[-1].state == OPEN:
        items.pop()
    run = 0
    for item in reversed(items):
        if item.state != MISSED:
            break
        run += 1
    return run


def missed_runs_for(zones: dict[int, str], now: datetime) -> dict[int, dict[int, int]]:
    """For many participants at once (participant id → IANA zone): their medications (id → run
    length) whose latest counted doses are `MISSED_IN_A_ROW` or more missed in a row. Open doses
    at the end do not break or extend a run; a dose taken or skipped after the misses does.
    Two queries, whatever the number of participants (the caseload's flag)."""
    if not zones:
        return {}
    oldest = min(local_today(zone, now) for zone in zones.values()) \
        - timedelta(days=FLAG_LOOKBACK_DAYS)
    entries = entries_of_many(list(zones))
    latest = marks.latest_marks_of_many(list(zones), oldest)
    found = {}
    for participant_id, zone in zones.items():
        today = local_today(zone, now)
        by_medication: dict[int, list[Outcome]] = {}
        for outcome in outcomes(participant_id, entries.get(participant_id, []),
                                today - timedelta(days=FLAG_LOOKBACK_DAYS), today, zone, now,
                                latest.get(participant_id, {})):
            by_medication.setdefault(outcome.dose.medication_id, []).append(outcome)
        runs = {medication_id: run for medication_id, items in by_medication.items()
                if (run := _runs(items)) >= MISSED_IN_A_ROW}
        if runs:
            found[participant_id] = runs
    return found


def missed_runs(participant: User, now: datetime) -> dict[int, int]:
    """One participant's medications with `MISSED_IN_A_ROW` or more doses missed in a row."""
    return missed_runs_for({participant.id: participant_zone(participant)}, now).get(
        participant.id, {})


def has_missed_doses_flag(participant: User, now: datetime) -> bool:
    """The caseload flag: three (MISSED_IN_A_ROW) scheduled doses in a row missed."""
    return bool(missed_runs(participant, now))
