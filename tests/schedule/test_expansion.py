"""Expanding series into occurrences: DST, exceptions, step-down, bounded windows, rules."""

import random
import time as clock
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr

from app.care import enrolments
from app.models import SessionKind
from app.schedule import recurrence
from app.schedule import series as session_series
from app.schedule.recurrence import WEEKDAYS, ScheduleError, normalise_recurrence
from app.schedule.service import find_occurrence, participant_occurrences, program_occurrences

NEW_YORK = ZoneInfo("America/New_York")


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def _local_starts(occurrences, zone=NEW_YORK):
    return [o.start_at.astimezone(zone) for o in occurrences]


def test_weekly_nine_am_in_new_york_stays_nine_local_across_spring_forward(make_series, world):
    series = make_series(world.iop, start_date=date(2027, 3, 1))  # Mondays, 09:00
    found = program_occurrences([world.iop.id], utc(2027, 3, 1), utc(2027, 3, 16))
    assert [o.series.id for o in found] == [series.id] * 3
    assert [(d.date(), d.hour, d.minute) for d in _local_starts(found)] == [
        (date(2027, 3, 1), 9, 0), (date(2027, 3, 8), 9, 0), (date(2027, 3, 15), 9, 0)]
    # Before 2027-03-14 New York is UTC-5, after it UTC-4: the UTC hour moves, 09:00 does not.
    assert [o.start_at.hour for o in found] == [14, 14, 13]
    assert all(o.end_at - o.start_at == timedelta(minutes=90) for o in found)


def test_weekly_nine_am_in_new_york_stays_nine_local_across_fall_back(make_series, world):
    make_series(world.iop, start_date=date(2027, 10, 25))
    found = program_occurrences([world.iop.id], utc(2027, 10, 25), utc(2027, 11, 16))
    assert [(d.date(), d.hour) for d in _local_starts(found)] == [
        (date(2027, 10, 25), 9), (date(2027, 11, 1), 9), (date(2027, 11, 8), 9),
        (date(2027, 11, 15), 9)]
    assert [o.start_at.hour for o in found] == [13, 13, 14, 14]  # UTC-4, then UTC-5 from 11-07


def test_sessions_on_the_change_days_themselves_are_at_nine_local(make_series, world):
    make_series(world.iop, start_date=date(2027, 3, 7), recurrence="FREQ=WEEKLY;BYDAY=SU")
    spring = program_occurrences([world.iop.id], utc(2027, 3, 14), utc(2027, 3, 15))
    autumn = program_occurrences([world.iop.id], utc(2027, 11, 7), utc(2027, 11, 8))
    assert [o.start_at for o in spring] == [utc(2027, 3, 14, 13)]  # 09:00 EDT
    assert [o.start_at for o in autumn] == [utc(2027, 11, 7, 14)]  # 09:00 EST


def test_a_participant_in_los_angeles_gets_the_same_instant_which_is_six_there(make_series,
                                                                               world):
    make_series(world.iop, start_date=date(2027, 3, 1))
    los_angeles = ZoneInfo("America/Los_Angeles")
    found = program_occurrences([world.iop.id], utc(2027, 3, 1), utc(2027, 3, 16))
    assert [o.start_at.astimezone(los_angeles).hour for o in found] == [6, 6, 6]


def test_a_local_time_that_does_not_exist_moves_an_hour_later(make_series, world):
    """02:30 on spring-forward day is skipped by the clocks: the session is at 03:30 EDT."""
    make_series(world.iop, start_date=date(2027, 3, 14), start_time=time(2, 30),
                recurrence="FREQ=DAILY")
    found = program_occurrences([world.iop.id], utc(2027, 3, 14), utc(2027, 3, 15))
    assert [o.start_at for o in found] == [utc(2027, 3, 14, 7, 30)]
    assert found[0].start_at.astimezone(NEW_YORK).strftime("%H:%M") == "03:30"


def _future_monday() -> date:
    """A Monday two to three weeks ahead: changes are refused once a session has ended."""
    today = date.today()
    return today + timedelta(days=14 + (7 - today.weekday()) % 7)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=NEW_YORK)


def test_cancelled_occurrence_stays_listed_as_cancelled_and_the_rest_is_untouched(
    make_series, world, db
):
    monday = _future_monday()
    series = make_series(world.iop, start_date=monday - timedelta(weeks=1))
    occurrence = find_occurrence(series, datetime.combine(monday, time(9)))
    session_series.cancel_occurrence(occurrence, world.clinician_a, "Facilitator ill")
    db.session.commit()
    found = program_occurrences([world.iop.id], _midnight(monday - timedelta(weeks=1)),
                                _midnight(monday + timedelta(weeks=1, days=1)))
    assert [o.is_cancelled for o in found] == [False, True, False]
    assert found[1].record.change_note == "Facilitator ill"
    assert found[1].record.changed_at is not None  # for the reminder planner


def test_moved_occurrence_keeps_its_identity_and_shows_at_its_new_time(make_series, world, db):
    monday = _future_monday()
    series = make_series(world.iop, start_date=monday - timedelta(weeks=1))
    occurrence = find_occurrence(series, datetime.combine(monday, time(9)))
    tuesday = monday + timedelta(days=1)
    session_series.move_occurrence(occurrence, datetime.combine(tuesday, time(13, 30)), 60,
                                   world.clinician_a, None)
    db.session.commit()
    found = program_occurrences([world.iop.id], _midnight(monday - timedelta(weeks=1)),
                                _midnight(monday + timedelta(weeks=1, days=1)))
    moved = [o for o in found if o.is_moved]
    assert len(found) == 3 and len(moved) == 1
    assert moved[0].key == f"{monday:%Y%m%d}T0900"  # identity: the original local start
    assert moved[0].start_at == datetime.combine(tuesday, time(13, 30), tzinfo=NEW_YORK)
    assert moved[0].end_at - moved[0].start_at == timedelta(minutes=60)


def test_an_occurrence_moved_into_a_window_from_outside_it_is_found(make_series, world, db):
    monday = _future_monday()
    series = make_series(world.iop, start_date=monday)
    occurrence = find_occurrence(series, datetime.combine(monday, time(9)))
    saturday = monday + timedelta(days=5)
    session_series.move_occurrence(occurrence, datetime.combine(saturday, time(10)), 90,
                                   world.clinician_a, None)
    db.session.commit()
    found = program_occurrences([world.iop.id], _midnight(saturday),
                                _midnight(saturday + timedelta(days=1)))
    assert [(o.key, o.start_at) for o in found] == [
        (f"{monday:%Y%m%d}T0900", datetime.combine(saturday, time(10), tzinfo=NEW_YORK))]
    assert program_occurrences([world.iop.id], _midnight(monday),
                               _midnight(monday + timedelta(days=1))) == []


def test_step_down_switches_the_participant_to_the_new_programs_sessions_on_its_date(
    make_program, make_participant, make_series, world, db
):
    php = make_program(name="Harbor PHP")
    iop = make_program(name="Harbor IOP")
    make_series(php, title="PHP day", recurrence="FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR",
                start_date=date(2027, 3, 1))
    make_series(iop, title="IOP group", recurrence="FREQ=WEEKLY;BYDAY=MO,WE,TH",
                start_date=date(2027, 3, 1))
    person = make_participant(php)
    enrolment = enrolments.current_enrolment(person)
    enrolment.start_date = date(2027, 2, 1)
    enrolments.transition(enrolment, date(2027, 3, 10), world.admin, to_program=iop)
    db.session.commit()
    found = participant_occurrences(person, utc(2027, 3, 8), utc(2027, 3, 13))
    assert [(o.start_at.astimezone(NEW_YORK).date().day, o.series.title) for o in found] == [
        (8, "PHP day"), (9, "PHP day"), (10, "IOP group"), (11, "IOP group")]


def test_program_sessions_start_with_the_enrolment(make_participant, make_series, world, db):
    make_series(world.iop, recurrence="FREQ=DAILY", start_date=date(2027, 3, 1))
    person = make_participant(world.iop)
    enrolments.current_enrolment(person).start_date = date(2027, 3, 4)
    db.session.commit()
    found = participant_occurrences(person, utc(2027, 3, 1), utc(2027, 3, 6))
    assert [o.start_at.astimezone(NEW_YORK).day for o in found] == [4, 5]


def test_an_appointment_is_only_its_participants(make_series, world):
    make_series(world.iop, participant=world.participant_a, kind=SessionKind.PSYCHIATRY,
                title="Medication review", recurrence=None, start_date=date(2027, 3, 3))
    mine = participant_occurrences(world.participant_a, utc(2027, 3, 1), utc(2027, 3, 8))
    assert [o.series.title for o in mine] == ["Medication review"]
    others = participant_occurrences(world.participant_b, utc(2027, 3, 1), utc(2027, 3, 8))
    assert others == []


def test_expansion_gives_what_a_full_walk_of_the_rule_gives(world):
    """Rebasing DTSTART near the window must never change which sessions a rule gives."""
    rng = random.Random(20270314)
    checked = 0
    for _ in range(400):
        freq = rng.choice(["DAILY", "WEEKLY", "MONTHLY", "YEARLY"])
        parts = [f"FREQ={freq}", f"INTERVAL={rng.randint(1, 4)}"]
        if rng.random() < 0.3:
            parts.append(f"WKST={rng.choice(WEEKDAYS)}")
        if freq in ("DAILY", "WEEKLY") and rng.random() < 0.7:
            parts.append("BYDAY=" + ",".join(rng.sample(WEEKDAYS, rng.randint(1, 3))))
        if freq in ("MONTHLY", "YEARLY") and rng.random() < 0.5:
            parts.append(rng.choice(["BYDAY=1MO", "BYDAY=-1FR", "BYMONTHDAY=31",
                                     "BYMONTHDAY=-1", "BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1"]))
        anchor = date(2019, 1, 1) + timedelta(days=rng.randint(0, 2500))
        start = time(rng.randint(0, 23), rng.choice([0, 15, 30, 45]))
        text = ";".join(parts)
        try:
            stored, _end = normalise_recurrence(text, anchor, anchor, start, "UTC", None)
        except ScheduleError:
            continue
        first = anchor + timedelta(days=rng.randint(-20, 3000))
        last = first + timedelta(days=rng.randint(0, 100))
        walked = rrulestr(text, dtstart=datetime.combine(anchor, start)).between(
            datetime.combine(first, time.min), datetime.combine(last, time.max), inc=True)
        assert list(recurrence.iter_local(stored, anchor, start, first, last)) == walked, text
        checked += 1
    assert checked > 300


@pytest.mark.parametrize("rule, interval_days", [
    ("FREQ=DAILY;INTERVAL=3", 3), ("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", 14),
    ("FREQ=MONTHLY;BYMONTHDAY=15", 31), ("FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=1", 366),
])
def test_expansion_starts_one_period_before_the_window_not_at_the_series_start(
    rule, interval_days
):
    """A series from 1990 expands a week of 2027 without walking 37 years of days."""
    parts = recurrence.split_rule(rule)
    start = recurrence._period_start(parts["FREQ"], int(parts.get("INTERVAL", "1")), 0,
                                   date(1990, 1, 3), date(2027, 3, 10))
    assert date(2027, 3, 10) - timedelta(days=interval_days) <= start <= date(2027, 3, 10)


def test_a_rule_that_never_occurs_is_refused_quickly():
    started = clock.monotonic()
    with pytest.raises(ScheduleError, match="never gives a session"):
        normalise_recurrence("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", date(2027, 1, 4),
                             date(2027, 1, 4), time(9), "UTC", None)
    assert clock.monotonic() - started < 1.5


def test_a_rule_that_occurs_only_after_the_end_date_is_refused():
    with pytest.raises(ScheduleError, match="never gives a session"):
        normalise_recurrence("FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=25", date(2027, 1, 4),
                             date(2027, 1, 4), time(9), "UTC", date(2027, 6, 1))


@pytest.mark.parametrize("text", ["", "FREQ=SOMETIMES", "FREQ=WEEKLY;BYDAY=XX", "nonsense",
                                  "FREQ=HOURLY", "FREQ=WEEKLY;BYHOUR=9",
                                  "DTSTART:20270101T090000\nRRULE:FREQ=DAILY",
                                  "FREQ=DAILY;INTERVAL=0", "FREQ=DAILY;COUNT=5;UNTIL=20270301",
                                  "FREQ=MONTHLY;BYDAY=9MO"])
def test_rules_that_do_not_parse_are_refused(text):
    with pytest.raises(ScheduleError) as refused:
        normalise_recurrence(text, date(2027, 1, 4), date(2027, 1, 4), time(9), "UTC", None)
    assert refused.value.field == "recurrence"


def test_count_and_until_become_the_end_date():
    rule, end = normalise_recurrence("RRULE:FREQ=WEEKLY;BYDAY=MO,WE;COUNT=3", date(2027, 1, 4),
                                     date(2027, 1, 4), time(9), "UTC", None)
    assert (rule, end) == ("FREQ=WEEKLY;BYDAY=MO,WE", date(2027, 1, 11))
    rule, end = normalise_recurrence("FREQ=DAILY;UNTIL=20270110", date(2027, 1, 4),
                                     date(2027, 1, 4), time(9), "UTC", None)
    assert (rule, end) == ("FREQ=DAILY", date(2027, 1, 10))


def test_parts_dateutil_would_take_from_the_start_date_are_written_out():
    rule, _ = normalise_recurrence("freq=monthly", date(2027, 1, 31), date(2027, 1, 31),
                                   time(9), "UTC", None)
    assert rule == "FREQ=MONTHLY;BYMONTHDAY=31"
    rule, _ = normalise_recurrence("FREQ=WEEKLY;INTERVAL=2", date(2027, 1, 6), date(2027, 1, 6),
                                   time(9), "UTC", None)
    assert rule == "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE"
