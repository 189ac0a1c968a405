"""What the care team sees on a participant's record: the current list, its changes,
adherence over 7 and 30 days per medication (a small server-drawn chart and a table), the
side effects reported, and the missed-doses flag."""

from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext, ngettext

from app.care import scope
from app.care.team import participant_zone
from app.database import utcnow
from app.medications import adherence, side_effects
from app.medications.listing import changes_of, medications_of, split
from app.medications.schedule import local_today
from app.models import Medication, MedicationChange, SideEffectReport, User

#: Chart geometry, in SVG user units (CSS scales the chart to the page).
WIDTH, ROW, GAP, LABEL, RATE = 320, 18, 8, 62, 44
SEGMENTS = (adherence.TAKEN, adherence.SKIPPED, adherence.MISSED)


@dataclass(frozen=True)
class Segment:
    state: str
    x: float
    width: float


@dataclass
class BarRow:
    label: str
    y: float
    text_y: float
    figure: adherence.Adherence
    segments: list[Segment] = field(default_factory=list)


@dataclass
class Chart:
    """Two bars (7 and 30 days) for one medication: taken, skipped and missed side by side."""

    key: str
    rows: list[BarRow]
    width: int = WIDTH
    bar_left: int = LABEL
    bar_right: int = WIDTH - RATE

    @property
    def height(self) -> int:
        return len(self.rows) * (ROW + GAP) + GAP


def _chart(medication: Medication, figures: list[adherence.Adherence], labels) -> Chart:
    span = WIDTH - RATE - LABEL
    rows = []
    for index, figure in enumerate(figures):
        y = GAP + index * (ROW + GAP)
        row = BarRow(str(labels[figure.days]), y, y + ROW * 0.7, figure)
        x = float(LABEL)
        for state in SEGMENTS:
            count = getattr(figure, state)
            if count and figure.counted:
                width = round(span * count / figure.counted, 1)
                row.segments.append(Segment(state, round(x, 1), width))
                x += width
        rows.append(row)
    return Chart(f"medication-{medication.id}", rows)


@dataclass
class MedicationFigures:
    medication: Medication
    windows: list[adherence.Adherence]  #: 7 days, then 30 days
    chart: Chart | None  #: None for "as needed" medications


@dataclass
class Record:
    zone: str
    today: date
    can_edit: bool
    current: list[Medication]
    stopped: list[Medication]
    changes: list[MedicationChange]
    figures: list[MedicationFigures]
    side_effects: list[SideEffectReport]
    missed_runs: list[tuple[Medication, int]]

    @property
    def is_empty(self) -> bool:
        return not (self.current or self.stopped)


def can_edit(staff: User, participant: User) -> bool:
    """Whether the staff member may change the participant's list (a current enrolment in one
    of their programs; the same rule as scope.get_participant_for_staff(for_writing=True))."""
    return scope.care_access(staff, participant.id).can_write


def seen_until(staff: User, participant: User) -> datetime | None:
    """For a former program's staff (read-only during the handover): the end of their
    enrolment, after which they see nothing recorded; None for the current care team.

    Medications belong to the participant rather than to one program, so what a former
    program's staff see is cut by time: the list as it was made by then, its changes, side
    effects and adherence up to that moment (scope.care_access's rule)."""
    access = scope.care_access(staff, participant.id)
    if access.can_write or not access.periods:
        return None
    return max(p.ends_at for p in access.periods if p.ends_at is not None)


def record_for(staff: User, participant: User, now: datetime | None = None,
               window_labels: dict | None = None) -> Record:
    """Everything the record's medication section shows. The caller has already checked that
    the staff member may see this participant."""
    from flask_babel import lazy_gettext as _l

    now = now or utcnow()
    cutoff = seen_until(staff, participant)
    if cutoff is not None:
        now = min(now, cutoff)
    zone = participant_zone(participant)
    today = local_today(zone, now)
    medications = [m for m in medications_of(participant.id)
                   if cutoff is None or m.created_at < cutoff]
    current, stopped = split(medications, today)
    labels = window_labels or {7: _l("7 days"), 30: _l("30 days")}
    by_window = {days: {f.medication.id: f for f in
                        adherence.adherence(participant, days, now, medications)}
                 for days in adherence.WINDOWS}
    figures = []
    for medication in medications:
        windows = [by_window[days][medication.id] for days in adherence.WINDOWS]
        if not any(w.counted or w.open or w.as_needed for w in windows) and \
                medication not in current:
            continue
        chart = None if medication.current.is_as_needed else _chart(medication, windows, labels)
        figures.append(MedicationFigures(medication, windows, chart))
    runs = adherence.missed_runs(participant, now)
    by_id = {m.id: m for m in medications}
    return Record(
        zone=zone, today=today, can_edit=can_edit(staff, participant), current=current,
        stopped=stopped,
        changes=[c for c in changes_of(participant.id, limit=30)
                 if cutoff is None or c.changed_at < cutoff],
        side_effects=[r for r in side_effects.reports_of(participant.id)
                      if cutoff is None or r.created_at < cutoff],
        figures=figures,
        missed_runs=[(by_id[mid], run) for mid, run in runs.items() if mid in by_id])


def missed_doses_flag(ctx) -> dict[int, str]:
    """The caseload flag (app.review.flags): `adherence.MISSED_IN_A_ROW` scheduled doses of one
    medication missed in a row, for the whole caseload in two queries. The detail names no
    medication: the caseload may be on a screen others can see."""
    runs = adherence.missed_runs_for(ctx.zones, ctx.now)
    return {participant_id: ngettext("%(num)s dose missed in a row",
                                     "%(num)s doses missed in a row", max(found.values()))
            for participant_id, found in runs.items()}


def register_with_review() -> None:
    """Add the missed-doses flag to the caseload's registry."""
    from app.review import flags

    flags.register(flags.Flag(
        "missed_doses", _l("Missed medication"), "pill", 45,
        lazy_ngettext("%(num)s scheduled dose of one medication missed in a row.",
                      "%(num)s scheduled doses of one medication missed in a row.",
                      adherence.MISSED_IN_A_ROW),
        missed_doses_flag))
