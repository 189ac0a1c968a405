"""Due doses per local day: daylight-saving days in New York, other zones, the marking window."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.medications.schedule import (
    can_still_mark,
    dose_key,
    doses_between,
    doses_on,
    marking_closes_at,
    parse_dose_key,
)
from app.models import MedicationEntry

SPRING = date(2027, 3, 14)  # America/New_York springs forward at 02:00
FALL = date(2027, 11, 7)  # and falls back at 02:00


def entry(times, start=date(2027, 1, 1), stop=None, as_needed=False, entry_id=1):
    return MedicationEntry(id=entry_id, medication_id=1, name="sertraline", times=list(times),
                           is_as_needed=as_needed, start_on=start, stop_on=stop,
                           tracked_from=start)


def utc(*parts):
    return datetime(*parts, tzinfo=UTC)


def test_spring_forward_a_dose_at_a_time_that_does_not_exist_happens_once_an_hour_later():
    doses = doses_on([entry(["01:30", "02:30", "08:00"])], SPRING, "America/New_York")
    assert [d.due_at for d in doses] == [
        utc(2027, 3, 14, 6, 30),  # 01:30 EST
        utc(2027, 3, 14, 7, 30),  # 02:30 does not exist: 03:30 EDT
        utc(2027, 3, 14, 12, 0),  # 08:00 EDT
    ]
    assert len({d.key for d in doses}) == 3


def test_fall_back_a_dose_at_a_time_that_happens_twice_is_due_once_at_its_first_instance():
    doses = doses_on([entry(["01:30"])], FALL, "America/New_York")
    assert [d.due_at for d in doses] == [utc(2027, 11, 7, 5, 30)]  # 01:30 EDT, not 01:30 EST


def test_each_day_around_the_changes_has_exactly_its_doses_and_a_day_is_never_doubled():
    first, last = SPRING - timedelta(days=1), FALL + timedelta(days=1)
    doses = doses_between([entry(["08:00", "20:00"])], first, last, "America/New_York")
    assert len(doses) == 2 * ((last - first).days + 1)
    for day in (SPRING, FALL):
        local = [d.due_at.astimezone(ZoneInfo("America/New_York")) for d in doses
                 if d.day == day]
        assert [(t.hour, t.minute) for t in local] == [(8, 0), (20, 0)]


@pytest.mark.parametrize("zone, expected", [
    ("America/Los_Angeles", utc(2027, 6, 1, 15, 0)),
    ("Asia/Tokyo", utc(2027, 5, 31, 23, 0)),
    ("Europe/London", utc(2027, 6, 1, 7, 0)),
    ("Australia/Adelaide", utc(2027, 5, 31, 22, 30)),
])
def test_the_same_local_time_in_other_zones(zone, expected):
    [dose] = doses_on([entry(["08:00"])], date(2027, 6, 1), zone)
    assert dose.due_at == expected
    assert dose.key == "1-20270601-0800"


def test_start_stop_tracking_and_as_needed_bound_the_doses():
    doses = doses_between([entry(["09:00"], start=date(2027, 2, 3), stop=date(2027, 2, 5)),
                           entry([], as_needed=True, entry_id=2)],
                          date(2027, 2, 1), date(2027, 2, 10), "UTC")
    assert [d.day.day for d in doses] == [3, 4, 5]
    late = entry(["09:00"], start=date(2027, 2, 1))
    late.tracked_from = date(2027, 2, 8)  # put on the list a week after it started
    assert [d.day.day for d in doses_between([late], date(2027, 2, 1), date(2027, 2, 9), "UTC")] \
        == [8, 9]


def test_marking_closes_at_the_end_of_the_next_local_day_across_the_change():
    # A dose of Saturday 13 March can be marked until Monday 00:00 EDT (04:00 UTC).
    assert marking_closes_at(date(2027, 3, 13), "America/New_York") == utc(2027, 3, 15, 4, 0)
    assert marking_closes_at(date(2027, 11, 6), "America/New_York") == utc(2027, 11, 8, 5, 0)
    today = date(2027, 3, 15)
    assert can_still_mark(today, today) and can_still_mark(today - timedelta(days=1), today)
    assert not can_still_mark(today - timedelta(days=2), today)
    assert not can_still_mark(today + timedelta(days=1), today)


def test_dose_names_round_trip_and_carry_no_medication_name():
    key = dose_key(12, date(2027, 3, 14), time(8, 0))
    assert key == "12-20270314-0800"
    assert parse_dose_key(key) == (12, date(2027, 3, 14), time(8, 0))
    for bad in ("", "12", "x-20270314-0800", "12-20271314-0800", "12-20270314-2500",
                "12-20270314-0800-1", None, "<b>"):
        assert parse_dose_key(bad) is None
