"""Adherence against a hand-computed example, and the missed-doses flag."""

import uuid
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from app.medications import adherence
from app.medications.review import record_for
from app.medications.schedule import local_to_utc
from app.models import MedicationDose

NY = "America/New_York"
NOW = datetime(2027, 3, 16, 12, 0, tzinfo=ZoneInfo(NY)).astimezone(UTC)  # Tue 16 Mar, noon


def mark(db, participant, medication, day, at, status="taken", reason=None, minutes=5,
         taken_at=None):
    """A mark saved `minutes` after the dose's time (scheduled), or an as-needed dose."""
    entry = medication.current
    when = taken_at or local_to_utc(day, at, NY) + timedelta(minutes=minutes)
    db.session.add(MedicationDose(
        participant_id=participant.id, medication_id=medication.id, entry_id=entry.id,
        client_uuid=str(uuid.uuid4()), content_hash="test", status=status, skip_reason=reason,
        due_on=None if taken_at else day, due_time=None if taken_at else at,
        taken_at=when if status == "taken" else None, recorded_at=when))
    db.session.commit()


def d(day):
    return date(2027, 3, day)


AM, PM = time(8), time(20)


def test_adherence_over_7_and_30_days_matches_the_hand_count(world, db, add_medication):
    person = world.participant_a
    twice = add_medication(person, times=("08:00", "20:00"), start_on=d(1), today=d(1))
    prn = add_medication(person, name="hydroxyzine", as_needed=True, start_on=date(2027, 1, 1),
                         today=date(2027, 1, 1))
    mark(db, person, twice, date(2027, 2, 28), AM)  # before it started: not a dose
    mark(db, person, twice, d(10), AM)
    mark(db, person, twice, d(10), PM)
    mark(db, person, twice, d(11), AM, "skipped", "forgot")
    mark(db, person, twice, d(11), PM)
    mark(db, person, twice, d(12), PM)                     # 12 AM: missed
    mark(db, person, twice, d(13), AM)
    mark(db, person, twice, d(13), AM, minutes=30)         # marked twice: one dose
    mark(db, person, twice, d(13), PM, "skipped", "side_effects")
    mark(db, person, twice, d(13), PM, minutes=60)         # then taken after all: taken
    mark(db, person, twice, d(14), PM, "skipped")          # 14 AM: missed (the DST day)
    mark(db, person, twice, d(15), AM)                     # 15 PM: open (until tonight)
    mark(db, person, twice, d(16), AM, "skipped", "ran_out")  # 16 PM: open
    for days_ago in (0, 2, 6, 20, 40):
        mark(db, person, prn, None, None,
             taken_at=NOW - timedelta(days=days_ago, hours=1))

    week, month = (adherence.adherence(person, days, NOW, [twice, prn]) for days in (7, 30))
    seven = week[0]
    # Days 10-16: 14 doses; 7 taken, 3 skipped, 2 missed, 2 still open.
    assert (seven.taken, seven.skipped, seven.missed, seven.open) == (7, 3, 2, 2)
    assert seven.rate == 58  # 7 of 12 counted
    assert {(r.value if r else None): n for r, n in seven.reasons.items()} == {
        "forgot": 1, None: 1, "ran_out": 1}
    thirty = month[0]
    # From 1 March (the start): 9 more days of unmarked doses, all missed.
    assert (thirty.taken, thirty.skipped, thirty.missed, thirty.open) == (7, 3, 20, 2)
    assert thirty.rate == 23  # 7 of 30
    assert (week[1].as_needed, month[1].as_needed, week[1].rate) == (3, 4, None)

    record = record_for(world.clinician_a, person, NOW)
    [chart] = [f.chart for f in record.figures if f.chart is not None]
    seven_row = chart.rows[0]
    widths = {s.state: s.width for s in seven_row.segments}
    span = chart.bar_right - chart.bar_left
    assert abs(widths["taken"] - span * 7 / 12) < 0.1
    assert abs(sum(widths.values()) - span) < 0.3


def _daily(db, person, add_medication, name="lithium"):
    return add_medication(person, name=name, times=("09:00",), start_on=d(1), today=d(1))


def test_three_scheduled_doses_missed_in_a_row_raise_the_flag(world, db, add_medication):
    person = world.participant_a
    medication = _daily(db, person, add_medication)
    for day in range(1, 12):
        mark(db, person, medication, d(day), time(9))
    # 12, 13, 14 missed; 15 and 16 still open: the flag is up.
    assert adherence.missed_runs(person, NOW) == {medication.id: 3}
    assert adherence.MISSED_IN_A_ROW == 3
    assert adherence.has_missed_doses_flag(person, NOW)
    page = record_for(world.clinician_a, person, NOW)
    assert page.missed_runs == [(medication, 3)]

    # Marking a later dose (taken today) ends the run.
    mark(db, person, medication, d(16), time(9))
    assert adherence.missed_runs(person, NOW) == {}


def test_two_missed_or_a_skip_between_does_not_raise_the_flag(world, db, add_medication):
    person = world.participant_a
    medication = _daily(db, person, add_medication)
    for day in range(1, 16):
        if day not in (12, 14, 13):
            mark(db, person, medication, d(day), time(9))
    mark(db, person, medication, d(13), time(9), "skipped", "ran_out")
    assert not adherence.has_missed_doses_flag(person, NOW)  # missed, skipped, missed


def test_the_caseload_flags_missed_doses_for_many_people_in_the_same_queries(
        world, db, add_medication, make_participant):
    """The rule is one of the caseload's flags (app.review.flags), computed for everyone at once:
    a second flagged person adds no query."""
    from sqlalchemy import event

    from app.review import flags

    people = [world.participant_a, make_participant(world.iop, world.clinician_a)]
    for person in people:
        _daily(db, person, add_medication)
    zones = {p.id: NY for p in people}
    statements = []

    def count(*_args):
        statements.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        ctx = flags.FlagContext(staff=world.clinician_a, participant_ids=[people[0].id],
                                now=NOW, zones={people[0].id: NY})
        one = flags.FLAGS["missed_doses"].evaluate(ctx)
        alone = len(statements)
        statements.clear()
        ctx = flags.FlagContext(staff=world.clinician_a, participant_ids=list(zones), now=NOW,
                                zones=zones)
        both = flags.FLAGS["missed_doses"].evaluate(ctx)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(statements) == alone == 2
    assert set(one) == {people[0].id} and set(both) == set(zones)
    # nothing marked: 2–14 March are missed within the 14-day look-back; 15 and 16 still open
    assert both[people[0].id] == "13 doses missed in a row"
