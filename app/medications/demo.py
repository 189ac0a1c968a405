"""Demo medications. Idempotent: the lists are made once, and every dose mark has a fixed
client UUID, so running the seed again adds only the marks of days that have passed since.

- Sam (PHP): sertraline once a day, its dose raised from 50 to 100 mg a week ago (two
  entries), a weekly side-effect answer for each week so far; propranolol twice a day, not
  marked for the last three days (four doses missed: the caseload's flag; yesterday's open).
- Alex (IOP): hydroxyzine as needed, taken now and then.
- Both programs: a list of names to suggest.
"""

import uuid
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from app.care.team import participant_zone
from app.database import utcnow
from app.extensions import db
from app.medications import listing
from app.medications.schedule import doses_between, local_to_utc, local_today
from app.models import (
    ChangeAction,
    Medication,
    MedicationChange,
    MedicationDose,
    Program,
    ProgramMedicationList,
    SideEffectReport,
    SkipReason,
    User,
)

_NAMESPACE = uuid.UUID("6b0d8f8e-5f0b-4f43-9a55-0d8a6a7c2e91")
NAMES = ["aripiprazole", "bupropion", "buprenorphine and naloxone", "citalopram", "clonidine",
         "duloxetine", "escitalopram", "fluoxetine", "gabapentin", "hydroxyzine", "lamotrigine",
         "lithium", "mirtazapine", "naltrexone", "olanzapine", "prazosin", "propranolol",
         "quetiapine", "sertraline", "trazodone", "venlafaxine"]
#: Sam's sertraline: (days ago) skipped, and why; every other dose is taken.
SERTRALINE_SKIPS = {12: SkipReason.SIDE_EFFECTS, 5: SkipReason.FORGOT}
#: Sam's propranolol: doses (days ago, hour) left unmarked: yesterday's (still open) and the
#: four before them (missed: the caseload flag).
PROPRANOLOL_UNMARKED = {(9, 20), (3, 8), (3, 20), (2, 8), (2, 20), (1, 8), (1, 20)}
PROPRANOLOL_SKIPS = {(15, 20): SkipReason.RAN_OUT, (6, 8): SkipReason.CHOSE_NOT_TO}
#: Alex's hydroxyzine: (days ago, hour, minute) taken.
HYDROXYZINE_TAKEN = [(19, 22, 10), (16, 14, 30), (12, 23, 5), (9, 21, 40), (5, 15, 0),
                     (2, 22, 15)]


def _uuid(*parts) -> str:
    return str(uuid.uuid5(_NAMESPACE, ":".join(map(str, parts))))


def _names(programs) -> None:
    for program in programs:
        if db.session.get(ProgramMedicationList, program.id) is None:
            db.session.add(ProgramMedicationList(program_id=program.id, names=NAMES))


def _has_list(participant: User) -> bool:
    return db.session.scalar(sa.select(Medication.id).where(
        Medication.participant_id == participant.id).limit(1)) is not None


def _details(name, strength, amount, times=(), as_needed=False, note=None):
    return listing.Details(name=name, strength=strength, form="tablet", amount=amount,
                           times=list(times), is_as_needed=as_needed, prescriber="Dr Rivera",
                           note=note)


def _backdate(medication: Medication, day: date, zone: str) -> None:
    """Demo lists were "entered" weeks ago, so their past doses count."""
    for entry in medication.entries:
        entry.tracked_from = max(entry.start_on, day)
    medication.created_at = local_to_utc(day, time(9), zone)
    for change in db.session.scalars(sa.select(MedicationChange).where(
            MedicationChange.medication_id == medication.id)):
        if change.action == ChangeAction.ADDED:
            change.changed_at = medication.created_at
        elif change.action == ChangeAction.DOSE_CHANGED:
            change.effective_on = medication.current.start_on
            change.changed_at = local_to_utc(medication.current.start_on, time(10), zone)


def _mark(participant: User, medication: Medication, key: str, **values) -> None:
    client_uuid = _uuid(participant.email, key)
    if db.session.scalar(sa.select(MedicationDose.id).where(
            MedicationDose.participant_id == participant.id,
            MedicationDose.client_uuid == client_uuid)) is not None:
        return
    db.session.add(MedicationDose(participant_id=participant.id, medication_id=medication.id,
                                  client_uuid=client_uuid, content_hash="demo", **values))


def _sam(sam: User, clinician: User, today: date, zone: str) -> None:
    if not _has_list(sam):
        sertraline = listing.add(sam, _details("sertraline", "50 mg", "1 tablet", ["08:00"],
                                               note="Take with breakfast."),
                                 today - timedelta(days=20), clinician, today)
        listing.change(sertraline, _details("sertraline", "100 mg", "1 tablet", ["08:00"],
                                            note="Take with breakfast."),
                       today, clinician, today)
        sertraline.current.start_on = today - timedelta(days=7)
        sertraline.entries[0].stop_on = today - timedelta(days=8)
        _backdate(sertraline, today - timedelta(days=20), zone)
        propranolol = listing.add(sam, _details("propranolol", "10 mg", "1 tablet",
                                                ["08:00", "20:00"]),
                                  today - timedelta(days=60), clinician, today)
        _backdate(propranolol, today - timedelta(days=28), zone)
        db.session.commit()
    medications = {m.current.name: m for m in listing.medications_of(sam.id)}
    entries = [e for m in medications.values() for e in m.entries]
    now = utcnow()
    for dose in doses_between(entries, today - timedelta(days=28), today - timedelta(days=1),
                              zone):
        days_ago = (today - dose.day).days
        name = dose.entry.name
        if name == "propranolol" and (days_ago, dose.at.hour) in PROPRANOLOL_UNMARKED:
            continue
        reason = (SERTRALINE_SKIPS.get(days_ago) if name == "sertraline"
                  else PROPRANOLOL_SKIPS.get((days_ago, dose.at.hour)))
        taken_at = min(dose.due_at + timedelta(minutes=7 + days_ago % 5 * 6), now)
        _mark(sam, dose.entry.medication, f"dose:{dose.key}", entry_id=dose.entry.id,
              status="skipped" if reason else "taken", skip_reason=reason,
              due_on=dose.day, due_time=dose.at, taken_at=None if reason else taken_at,
              recorded_at=taken_at, source="form")
    sertraline = medications.get("sertraline")
    if sertraline is not None:
        answers = [("none", None), ("mild", "A bit queasy in the mornings."),
                   ("none", None)]
        for week, (answer, note) in enumerate(answers, start=1):
            client_uuid = _uuid(sam.email, "side-effects", week)
            if db.session.scalar(sa.select(SideEffectReport.id).where(
                    SideEffectReport.client_uuid == client_uuid)) is None:
                db.session.add(SideEffectReport(
                    participant_id=sam.id, medication_id=sertraline.id, week=week,
                    answer=answer, note=note, client_uuid=client_uuid, content_hash="demo",
                    created_at=local_to_utc(today - timedelta(days=20 - 7 * (week - 1)),
                                            time(19), zone)))


def _alex(alex: User, clinician: User, today: date, zone: str) -> None:
    if not _has_list(alex):
        hydroxyzine = listing.add(alex, _details("hydroxyzine", "25 mg", "1 tablet",
                                                 as_needed=True,
                                                 note="For anxiety at night; at most 3 a day."),
                                  today - timedelta(days=35), clinician, today)
        _backdate(hydroxyzine, today - timedelta(days=21), zone)
        db.session.commit()
    [hydroxyzine] = listing.medications_of(alex.id)
    for days_ago, hour, minute in HYDROXYZINE_TAKEN:
        taken_at = local_to_utc(today - timedelta(days=days_ago), time(hour, minute), zone)
        _mark(alex, hydroxyzine, f"prn:{days_ago}", entry_id=hydroxyzine.current.id,
              status="taken", taken_at=taken_at, recorded_at=taken_at, source="form")


def seed_medications(programs: list[Program], alex: User, sam: User, clinician: User,
                     now: datetime | None = None) -> None:
    """Demo lists, a few weeks of doses and the programs' name lists."""
    _names(programs)
    for person, seed in ((sam, _sam), (alex, _alex)):
        zone = participant_zone(person)
        seed(person, clinician, local_today(zone, now or utcnow()), zone)
    db.session.flush()
