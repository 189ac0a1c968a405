"""Each caseload flag at the edges of its threshold, computed for many participants at once."""

from datetime import UTC, datetime, timedelta

import pytest

from app.models import AttendanceStatus
from app.review import flags
from app.review.flags import FlagContext


def _flags(staff, people, **context):
    ctx = FlagContext(staff=staff, participant_ids=[p.id for p in people], **context)
    return {pid: {h.flag.key: h.detail for h in hits}
            for pid, hits in flags.evaluate(ctx).items()}


@pytest.fixture
def three(world, make_participant):
    """Three participants of program A (clinician A's)."""
    return [make_participant(world.iop, world.clinician_a, display_name=f"P{n}")
            for n in range(3)]


def test_the_registry_orders_flags_riskiest_first_and_every_flag_has_an_icon_and_words():
    keys = [f.key for f in flags.ordered()]
    assert keys[0] == "open_alert"
    assert {"phq9", "gad7", "low_mood", "craving_use", "no_checkin",
            "missed_sessions"} <= set(keys)
    for flag in flags.ordered():
        assert flag.icon and str(flag.label) and str(flag.rule)


def test_open_alert_flags_only_unacknowledged_alerts_of_the_staff_members_programs(
        world, three, make_alert, make_participant):
    a, b, c = three
    make_alert(a, world.iop, hours_ago=26)
    done = make_alert(b, world.iop)
    done.acknowledged_at = datetime.now(UTC)
    other = make_participant(world.php, world.clinician_b)
    make_alert(other, world.php)
    found = _flags(world.clinician_a, [a, b, c, other])
    assert "waiting 26 h" in found[a.id]["open_alert"]
    assert "open_alert" not in found.get(b.id, {})
    assert other.id not in found  # another program's alert is not clinician A's to see


@pytest.mark.parametrize(("totals", "flagged"), [
    ((19,), False), ((20,), True),  # PHQ9_SEVERE
    ((10, 14), False), ((10, 15), True),  # PHQ9_RISE: up 4 is not enough, up 5 is
    ((20, 14), False),  # going down from severe is not a rise, and 14 is not severe
])
def test_phq9_at_20_or_up_5(world, three, make_score, totals, flagged):
    person = three[0]
    for index, total in enumerate(totals):
        make_score(person, "phq9", total, days_ago=len(totals) - index)
    assert ("phq9" in _flags(world.clinician_a, three).get(person.id, {})) is flagged


def test_an_old_phq9_no_longer_flags(world, three, make_score):
    make_score(three[0], "phq9", 24, days_ago=flags.SCALE_CURRENT_DAYS + 1)
    assert "phq9" not in _flags(world.clinician_a, three).get(three[0].id, {})


@pytest.mark.parametrize(("total", "flagged"), [(14, False), (15, True)])
def test_gad7_at_15(world, three, make_score, total, flagged):
    make_score(three[0], "gad7", total)
    assert ("gad7" in _flags(world.clinician_a, three).get(three[0].id, {})) is flagged


@pytest.mark.parametrize(("moods", "flagged"), [
    ([2, 2, 2], True), ([1, 2, 1], True),
    ([3, 2, 2], False),  # the oldest of the three was okay
    ([2, 2], False),  # only two check-ins
    ([2, 2, 2, 3], False),  # the latest one is okay: not three in a row any more
])
def test_low_mood_on_three_check_ins_in_a_row(world, three, make_checkin, moods, flagged):
    for index, mood in enumerate(moods):
        make_checkin(three[0], days_ago=len(moods) - index, mood=mood)
    assert ("low_mood" in _flags(world.clinician_a, three).get(three[0].id, {})) is flagged


def test_deleted_check_ins_do_not_count(world, three, make_checkin, db):
    for days in (3, 2, 1):
        row = make_checkin(three[0], days_ago=days, mood=1)
    row.deleted_at = datetime.now(UTC)
    db.session.commit()
    assert "low_mood" not in _flags(world.clinician_a, three).get(three[0].id, {})


@pytest.mark.parametrize(("answers", "days_ago", "flagged"), [
    ({"craving": 7}, 0, False), ({"craving": 8}, 0, True),
    ({"used_substances": True}, 2.9, True), ({"used_substances": True}, 3.1, False),
    ({"craving": 10}, 3.1, False),
])
def test_craving_8_or_use_in_the_last_3_days(world, three, make_checkin, answers, days_ago,
                                              flagged):
    make_checkin(three[0], days_ago=days_ago, mood=3, **answers)
    found = _flags(world.clinician_a, three).get(three[0].id, {})
    assert ("craving_use" in found) is flagged


def test_no_check_in_for_two_days_counts_from_the_enrolment_for_a_newcomer(
        world, three, make_checkin):
    a, b, c = three
    now = datetime.now(UTC)
    make_checkin(a, days_ago=1.9, mood=3)
    make_checkin(b, days_ago=2.1, mood=3)
    found = _flags(world.clinician_a, three, now=now,
                   enrolled_since={a.id: now - timedelta(days=30), b.id: now - timedelta(days=30),
                                   c.id: now - timedelta(days=1)})
    assert "no_checkin" not in found.get(a.id, {})
    assert found[b.id]["no_checkin"] == "None for 2 days"
    assert "no_checkin" not in found.get(c.id, {})  # started yesterday: not missing yet


@pytest.mark.parametrize(("statuses", "flagged"), [
    ([AttendanceStatus.ABSENT, AttendanceStatus.ABSENT], True),
    ([AttendanceStatus.ABSENT, AttendanceStatus.PRESENT], False),
    ([AttendanceStatus.PRESENT, AttendanceStatus.ABSENT], False),
    ([AttendanceStatus.ABSENT, AttendanceStatus.EXCUSED], False),  # excused is not missed
    ([AttendanceStatus.ABSENT], False),
])
def test_two_missed_sessions_in_a_row(world, three, make_attendance, statuses, flagged):
    make_attendance(three[0], world.iop, statuses)
    found = _flags(world.clinician_a, three).get(three[0].id, {})
    assert ("missed_sessions" in found) is flagged


def test_a_capability_adds_its_own_flag(world, three):
    extra = flags.register(flags.Flag(
        "test_doses", "Doses missed", "pill", 35, "Three doses missed in a row.",
        lambda ctx: {ctx.participant_ids[0]: "3 in a row"}))
    try:
        found = _flags(world.clinician_a, three)
        assert found[three[0].id]["test_doses"] == "3 in a row"
        assert [f.key for f in flags.ordered()].index("test_doses") < \
            [f.key for f in flags.ordered()].index("gad7")
    finally:
        flags.FLAGS.pop(extra.key)


def test_missed_sessions_counts_only_its_own_window_when_the_attendance_tally_is_wider(
        world, three, make_attendance):
    # Absent yesterday and the day before; seen from 26.5 days on, only yesterday's absence
    # is inside the rule's 28 days, while a 40-day tally (asked in the same query) has both.
    make_attendance(three[0], world.iop, [AttendanceStatus.ABSENT, AttendanceStatus.ABSENT])
    later = datetime.now(UTC) + timedelta(days=26, hours=12)
    ctx = FlagContext(staff=world.clinician_a, participant_ids=[p.id for p in three],
                      now=later, attendance_days=40)
    assert flags.MISSED_LOOKBACK_DAYS == 28
    assert "missed_sessions" not in {h.flag.key for h in flags.evaluate(ctx).get(three[0].id, [])}
    assert flags.attendance_marks(ctx)[three[0].id].counts == {"absent": 2}
    ctx = FlagContext(staff=world.clinician_a, participant_ids=[p.id for p in three],
                      now=later - timedelta(days=1), attendance_days=40)
    assert "missed_sessions" in {h.flag.key for h in flags.evaluate(ctx)[three[0].id]}
