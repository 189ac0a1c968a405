"""Before a group: each attendee since their last session; sessions whose attendance was not
taken; series rules in words."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from app.models import AttendanceStatus
from app.schedule import attendance, prep
from app.schedule.rule_words import rule_words, series_words
from app.schedule.service import find_occurrence, series_occurrences
from tests.schedule.conftest import page_text, roster_url


@pytest.mark.parametrize(("rule", "words"), [
    (None, "Once"),
    ("FREQ=DAILY", "Every day"),
    ("FREQ=DAILY;INTERVAL=3", "Every 3 days"),
    ("FREQ=WEEKLY;BYDAY=MO,WE,TH", "Every Mon, Wed, and Thu"),
    ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "Every weekday"),
    ("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", "Every other week on Tue"),
    ("FREQ=WEEKLY;INTERVAL=3;BYDAY=FR", "Every 3 weeks on Fri"),
    ("FREQ=MONTHLY;BYMONTHDAY=15", "Every month on day 15"),
    ("FREQ=MONTHLY;BYDAY=1MO", "Every month on the first Monday"),
    ("FREQ=MONTHLY;BYDAY=FR;BYSETPOS=-1", "Every month on the last Friday"),
    ("FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=14", "Every year on March 14"),
    ("FREQ=WEEKLY;BYDAY=MO;BYWEEKNO=2", "Custom rule: FREQ=WEEKLY;BYDAY=MO;BYWEEKNO=2"),
])
def test_rules_in_words(app, rule, words):
    with app.test_request_context():
        assert rule_words(rule) == words


def test_a_series_in_words_has_its_times(app, world, make_series):
    series = make_series(world.iop, recurrence="FREQ=WEEKLY;BYDAY=MO,WE,TH",
                         start_time=time(9, 0), duration_minutes=90)
    with app.test_request_context():
        assert series_words(series).replace("\u202f", " ") == (
            "Every Mon, Wed, and Thu, 9:00 AM – 10:30 AM")


def _past_daily(make_series, program, days=6):
    series = make_series(program, recurrence="FREQ=DAILY",
                         start_date=date.today() - timedelta(days=days), start_time=time(0, 5),
                         duration_minutes=30, time_zone="UTC")
    now = datetime.now(UTC)
    past = [o for o in series_occurrences(series, now - timedelta(days=days + 1), now)
            if o.has_ended(now)]
    return series, past


def test_the_summary_covers_each_attendee_since_the_session_they_last_attended(
        app, world, make_series, make_participant, make_checkin, db):
    quiet = make_participant(world.iop, world.clinician_a, display_name="Quiet")
    series, past = _past_daily(make_series, world.iop)
    attended = past[-3]
    attendance.mark(find_occurrence(series, attended.original_start_local), world.participant_a,
                    AttendanceStatus.PRESENT, world.clinician_a)
    db.session.commit()
    make_checkin(world.participant_a, days_ago=(datetime.now(UTC) - attended.start_at).days + 1,
                 mood=1, program_id=world.iop.id)  # before that session: not counted
    make_checkin(world.participant_a, days_ago=1.2, mood=2, program_id=world.iop.id)
    make_checkin(world.participant_a, days_ago=0.5, mood=4, craving=9, program_id=world.iop.id)
    now = datetime.now(UTC)
    upcoming = find_occurrence(series, datetime.combine(date.today() + timedelta(days=1),
                                                        time(0, 5)))
    with app.test_request_context():
        found = prep.prep_for(world.clinician_a, upcoming, [world.participant_a.id, quiet.id],
                              now)
    mine = found[world.participant_a.id]
    assert mine.had_session and mine.since == attended.start_at
    assert (mine.checkins, mine.lowest_mood) == (2, 2)
    assert [h.flag.key for h in mine.hits] == ["craving_use"]
    theirs = found[quiet.id]
    assert not theirs.had_session and theirs.checkins == 0 and theirs.lowest_mood is None


def test_the_roster_shows_the_summary(client, world, make_series, make_checkin, login_as):
    series, past = _past_daily(make_series, world.iop)
    make_checkin(world.participant_a, days_ago=0.5, mood=2, craving=9, program_id=world.iop.id)
    login_as(world.clinician_a)
    tomorrow = datetime.combine(date.today() + timedelta(days=1), time(0, 5))
    text = page_text(client.get(roster_url(series, tomorrow)))
    assert "Before the group" in text and "Craving or use" in text and "2 · Low" in text


def test_past_sessions_without_attendance_are_listed(client, app, world, make_series, db,
                                                     login_as):
    series, past = _past_daily(make_series, world.iop, days=3)
    taken = past[-1]
    attendance.mark(find_occurrence(series, taken.original_start_local), world.participant_a,
                    AttendanceStatus.ABSENT, world.clinician_a)
    db.session.commit()
    with app.test_request_context():
        missing = prep.untaken(world.clinician_a, [world.iop.id])
    assert [o.key for o in missing] == [o.key for o in reversed(past[:-1])]
    login_as(world.clinician_a)
    page = page_text(client.get("/clinician/sessions/"))
    section = page[page.index("Attendance not taken"):page.index('id="untaken-heading"') + 2000]
    section = section[:section.index("</section>")]
    assert roster_url(series, past[0].original_start_local) in section
    assert roster_url(series, taken.original_start_local) not in section
