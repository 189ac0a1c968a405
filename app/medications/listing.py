"""The medication list: adding, changing and stopping, with every change kept.

Each change is one transaction: the entry (or a new entry) and a `MedicationChange` row saying
who, when and what changed (old and new values), plus an audit event when staff made it.

- A changed dose (strength, form, amount, times or "as needed") from a date after the entry
  began ends the entry the day before and starts a new entry from that date: past doses keep
  the plan they were due under. Other edits (name, prescriber, note), and any edit to an entry
  that begins on or after the change's date, change the entry in place.
- Stopping sets the entry's last day; the medication and its history stay.

The care team (staff who may edit the participant: a current enrolment in one of their
programs) may change everything; a participant may change what they added, and only the times
of a medication from their care team (when they take it is theirs to choose).
"""

from dataclasses import asdict, dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from flask import abort
from flask_babel import gettext as _

from app.care.team import care_enrolment
from app.database import utcnow
from app.extensions import db
from app.formatting import format_day
from app.models import (
    ChangeAction,
    Medication,
    MedicationChange,
    MedicationEntry,
    MedicationSource,
    ProgramMedicationList,
    User,
)
from app.security import audit
from app.security.audit import Action

#: Fields whose change is a change of dose: a new entry from its date.
DOSE_FIELDS = ("strength", "form", "amount", "times", "is_as_needed")
IN_PLACE_FIELDS = ("name", "prescriber", "note")
FIELDS = IN_PLACE_FIELDS[:1] + DOSE_FIELDS + IN_PLACE_FIELDS[1:]
#: What a participant may change on a medication their care team entered.
PARTICIPANT_FIELDS_ON_CARE_TEAM = ("times",)


class Refused(ValueError):
    """A change that cannot be made, with the field it is about and what to do."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("medication change refused")
        self.errors = errors


@dataclass
class Details:
    """What a medication form says."""

    name: str
    strength: str | None = None
    form: str | None = None
    amount: str | None = None
    times: list[str] = field(default_factory=list)
    is_as_needed: bool = False
    prescriber: str | None = None
    note: str | None = None

    @classmethod
    def of(cls, entry: MedicationEntry) -> "Details":
        return cls(**{name: getattr(entry, name) for name in FIELDS})


def _audit(by: User, participant: User, medication: Medication) -> None:
    if by.is_staff:
        audit.record(Action.PARTICIPANT_EDIT, subject=participant,
                     target=f"medication:{medication.id}")


def _record(medication: Medication, entry: MedicationEntry | None, action: ChangeAction,
            changes: dict, by: User, effective_on: date | None) -> MedicationChange:
    change = MedicationChange(medication=medication, entry_id=entry.id if entry else None,
                              action=action, changes=changes, effective_on=effective_on,
                              changed_by_id=by.id, is_by_care_team=by.is_staff,
                              changed_at=utcnow())
    db.session.add(change)
    return change


def add(participant: User, details: Details, start_on: date, by: User,
        today: date) -> Medication:
    """Put a medication on the participant's list; commits."""
    source = MedicationSource.CARE_TEAM if by.is_staff else MedicationSource.PARTICIPANT
    medication = Medication(participant_id=participant.id, source=source, added_by_id=by.id)
    entry = MedicationEntry(start_on=start_on, tracked_from=max(start_on, today),
                            created_by_id=by.id, **asdict(details))
    medication.entries.append(entry)
    db.session.add(medication)
    db.session.flush()
    given = {k: [None, v] for k, v in asdict(details).items() if v not in (None, "", [], False)}
    given["start_on"] = [None, start_on.isoformat()]
    _record(medication, entry, ChangeAction.ADDED, given, by, start_on)
    _audit(by, participant, medication)
    db.session.commit()
    return medication


def is_stopped(medication: Medication, today: date) -> bool:
    """Stopped: its last entry ended before today."""
    stop = medication.current.stop_on
    return stop is not None and stop < today


def may_change(by: User, medication: Medication) -> tuple[str, ...]:
    """The fields `by` may change (the caller has checked they may see the participant)."""
    if by.is_staff or medication.source == MedicationSource.PARTICIPANT:
        return FIELDS
    return PARTICIPANT_FIELDS_ON_CARE_TEAM


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value


def change(medication: Medication, details: Details, effective_on: date, by: User,
           today: date) -> ChangeAction | None:
    """Change a medication from `effective_on`; commits. None when nothing changed.

    Raises Refused for a stopped medication, a date in the past, or a field `by` may not
    change.
    """
    current = medication.current
    if is_stopped(medication, today):
        raise Refused({"name": _("This medication is stopped; its history stays as it was.")})
    if effective_on < today:
        raise Refused({"effective_on": _("Choose today or a later date. Doses that were "
                                         "already due stay as they are.")})
    if current.stop_on is not None and effective_on > current.stop_on:
        raise Refused({"effective_on": _("This medication stops on %(date)s: choose that day "
                                         "or earlier.", date=format_day(current.stop_on))})
    diff = {name: [_plain(getattr(current, name)), _plain(getattr(details, name))]
            for name in FIELDS if getattr(current, name) != getattr(details, name)}
    if not diff:
        return None
    allowed = may_change(by, medication)
    if any(name not in allowed for name in diff):
        raise Refused({"name": _("Only your care team can change this, apart from the times "
                                 "you take it.")})
    if any(name in DOSE_FIELDS for name in diff) and effective_on > current.start_on:
        entry = MedicationEntry(start_on=effective_on, stop_on=current.stop_on,
                                tracked_from=max(effective_on, current.tracked_from),
                                created_by_id=by.id, **asdict(details))
        current.stop_on = effective_on - timedelta(days=1)
        medication.entries.append(entry)
        action = ChangeAction.DOSE_CHANGED
    else:
        entry = current
        for name in diff:
            setattr(entry, name, getattr(details, name))
        action = ChangeAction.EDITED
    db.session.flush()
    _record(medication, entry, action, diff, by, effective_on)
    _audit(by, medication.participant, medication)
    db.session.commit()
    return action


def stop(medication: Medication, stop_on: date, by: User, today: date) -> None:
    """Stop a medication after `stop_on` (its last day); commits. Raises Refused."""
    current = medication.current
    if not by.is_staff and medication.source == MedicationSource.CARE_TEAM:
        raise Refused({"stop_on": _("Only your care team can stop a medication they added. "
                                    "Talk to them about it.")})
    if is_stopped(medication, today):
        raise Refused({"stop_on": _("This medication is already stopped.")})
    if stop_on < current.start_on:
        raise Refused({"stop_on": _("The stop date cannot be before the start date (%(date)s).",
                                    date=format_day(current.start_on))})
    old = current.stop_on
    current.stop_on = stop_on
    _record(medication, current, ChangeAction.STOPPED,
            {"stop_on": [_plain(old), stop_on.isoformat()]}, by, stop_on)
    _audit(by, medication.participant, medication)
    db.session.commit()


# --- reading ---------------------------------------------------------------------------------

def medications_of(participant_id: int) -> list[Medication]:
    """The participant's medications with their entries, by name."""
    medications = list(db.session.scalars(
        sa.select(Medication).where(Medication.participant_id == participant_id)
        .options(sa.orm.selectinload(Medication.entries))))
    return sorted(medications, key=lambda m: (m.current.name.lower(), m.id))


def split(medications: list[Medication], today: date) -> tuple[list, list]:
    """(current, stopped) medications."""
    current = [m for m in medications if not is_stopped(m, today)]
    return current, [m for m in medications if is_stopped(m, today)]


def changes_of(participant_id: int, limit: int = 50) -> list[MedicationChange]:
    """The latest changes to the participant's list, newest first."""
    return list(db.session.scalars(
        sa.select(MedicationChange).join(Medication)
        .where(Medication.participant_id == participant_id)
        .options(sa.orm.joinedload(MedicationChange.changed_by),
                 sa.orm.joinedload(MedicationChange.medication))
        .order_by(MedicationChange.changed_at.desc(), MedicationChange.id.desc()).limit(limit)))


def get_own_medication(participant: User, medication_id: int) -> Medication:
    """One of the participant's own medications, or 404."""
    medication = db.session.get(Medication, medication_id)
    if medication is None or medication.participant_id != participant.id:
        abort(404)
    return medication


def get_medication_of(participant: User, medication_id: int) -> Medication:
    """A medication of a participant the caller was already allowed to see, or 404."""
    return get_own_medication(participant, medication_id)


def name_suggestions(participant: User) -> list[str]:
    """The names the participant's program suggests (its own list)."""
    enrolment = care_enrolment(participant)
    if enrolment is None:
        return []
    saved = db.session.get(ProgramMedicationList, enrolment.program_id)
    return list(saved.names) if saved else []
