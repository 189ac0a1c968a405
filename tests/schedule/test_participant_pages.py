"""Participant pages: Today, Schedule, a session, notices, attendance history, time zone."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from app.models import Attendance, AttendanceStatus, NoticeKind, SessionKind
from app.schedule import attendance
from app.schedule import service as schedule
from tests.conftest import csrf_token, post_form
from tests.schedule.conftest import page_text, session_url, visible_text, visible_text_of

NEW_YORK = ZoneInfo("America/New_York")


def _one_off_in(make_series, program, minutes: int, **fields):
    """A single session starting `minutes` from now (negative: already started)."""
    start = (datetime.now(UTC) + timedelta(minutes=minutes)).astimezone(NEW_YORK)
    start = start.replace(second=0, microsecond=0, tzinfo=None)
    if minutes > 0:
        start += timedelta(minutes=1)  # whole minutes: never less than `minutes` away
    series = make_series(program, recurrence=None, start_date=start.date(),
                         start_time=start.time(), **fields)
    return series, start


def _future_monday() -> date:
    today = date.today()
    return today + timedelta(days=14 + (7 - today.weekday()) % 7)


def test_today_shows_the_next_session_with_starts_in_place_and_safe_link(
    client, world, login_as, make_series
):
    series, _start = _one_off_in(make_series, world.iop, 25, title="Process group",
                                 location="Room 2",
                                 telehealth_url="https://video.example.org/room/2")
    login_as(world.participant_a)
    html = page_text(client.get("/today"))
    card = html.split('id="next-heading"')[1].split("</section>")[0]
    assert "Starts in 26 min" in card or "Starts in 25 min" in card
    assert "Process group" in card and "Room 2" in card
    assert ('href="https://video.example.org/room/2" rel="noopener noreferrer" '
            'target="_blank"') in card
    # kept live by session-status.js, in each plural form of the reader's language
    assert 'data-text-soon-other="Starts in {minutes} min"' in card
    assert 'data-text-soon-one="Starts in {minutes} min"' in card
    assert "/static/js/session-status.js" in html


def test_today_says_now_during_a_session_and_lists_the_rest_of_today(client, world, login_as,
                                                                     make_series):
    _one_off_in(make_series, world.iop, -5, title="Happening now")
    later = (datetime.now(UTC) + timedelta(minutes=30)).astimezone(NEW_YORK)
    if later.date() == datetime.now(UTC).astimezone(NEW_YORK).date():
        _one_off_in(make_series, world.iop, 29, title="Later today")
    login_as(world.participant_a)
    html = page_text(client.get("/today"))
    card = html.split('id="next-heading"')[1].split("</section>")[0]
    assert "Happening now" in card and ">Now<" in card
    if later.date() == datetime.now(UTC).astimezone(NEW_YORK).date():
        assert "Later today" in html.split('id="today-heading"')[1]


def test_with_nothing_today_it_says_when_the_next_session_is(client, world, login_as,
                                                             make_series):
    monday = _future_monday()
    make_series(world.iop, start_date=monday)
    login_as(world.participant_a)
    html = page_text(client.get("/today"))
    card = visible_text_of(html.split('id="next-heading"')[1].split("</section>")[0])
    # first that today is free, then the next session: its day, time and title
    assert card.index("Nothing scheduled today.") < card.index(monday.strftime("%B"))
    assert card.index("Nothing scheduled today.") < card.index("Morning group")
    assert "9:00 AM" in card and "Your next session is on" not in card


def test_a_telehealth_link_must_be_https(make_series, world, db):
    import pytest

    from app.schedule.recurrence import ScheduleError

    for url in ("http://video.example.org", "javascript:alert(1)", "https://user@host.example",
                "ftp://files.example.org"):
        with pytest.raises(ScheduleError) as refused:
            make_series(world.iop, telehealth_url=url)
        assert refused.value.field == "telehealth_url"
        db.session.rollback()


def test_schedule_shows_this_week_and_the_next_four_grouped_by_day(client, world, login_as,
                                                                   make_series):
    make_series(world.iop, recurrence="FREQ=WEEKLY;BYDAY=MO,TH",
                start_date=date.today() - timedelta(days=30))
    login_as(world.participant_a)
    response = client.get("/schedule")
    html = page_text(response)
    today = date.today()
    monday = today - timedelta(days=today.weekday())
    days = [monday + timedelta(days=n) for n in range(35)]
    expected = [d for d in days if d.weekday() in (0, 3)]
    for d in expected:
        assert f'id="day-{d.isoformat()}"' in html
    assert html.count('class="card day"') == len(expected) == 10
    assert f'id="day-{(monday + timedelta(days=35)).isoformat()}"' not in html
    assert "9:00 AM – 10:30 AM" in visible_text(response)


def test_a_session_page_shows_everything_the_program_wrote(client, world, login_as,
                                                          make_series):
    monday = _future_monday()
    series = make_series(world.iop, start_date=monday, kind=SessionKind.SKILLS_GROUP,
                         title="DBT skills", facilitator="Priya Shah, PhD", location="Room 4",
                         telehealth_url="https://video.example.org/dbt",
                         what_to_bring="Your diary card <b>and</b> binder")
    login_as(world.participant_a)
    response = client.get(session_url(series, datetime.combine(monday, time(9))))
    html = page_text(response)
    for text in ("Skills group", "DBT skills", "Priya Shah, PhD", "Room 4",
                 "Your diary card &lt;b&gt;and&lt;/b&gt; binder",
                 'rel="noopener noreferrer" target="_blank"', "Add to calendar"):
        assert text in html, text
    assert "9:00 AM – 10:30 AM" in visible_text(response)
    assert "(Eastern Time)" not in html  # the participant is in the program's zone


def test_a_participant_in_los_angeles_sees_the_new_york_nine_am_session_at_six(
    client, world, login_as, make_series, db
):
    series = make_series(world.iop, start_date=date(2027, 3, 1))
    world.participant_a.time_zone = "America/Los_Angeles"
    db.session.commit()
    login_as(world.participant_a)
    for day in (date(2027, 3, 8), date(2027, 3, 15), date(2027, 11, 1), date(2027, 11, 8)):
        response = client.get(session_url(series, datetime.combine(day, time(9))))
        assert "6:00 AM – 7:30 AM (Pacific Time)" in visible_text(response), day


def test_me_saves_a_time_zone_and_refuses_an_unknown_one(client, world, login_as, db):
    login_as(world.participant_a)
    me = client.get("/me").get_data(as_text=True)
    select = me.split('id="profile-time_zone" name="profile-time_zone">')[1].split("</select>")[0]
    # a list by region, cities by name, the program's zone as the default (no free text)
    assert '<option selected value="">My program&#39;s time zone (Eastern Time)</option>' in select
    assert '<optgroup label="Americas">' in select and '<optgroup label="Europe">' in select
    assert '<option value="America/Chicago">Chicago (Central Time)</option>' in select
    assert "America/Buenos_Aires" not in select  # old aliases are left out of the list
    assert 'data-time-zone' in me  # static/js/time-zone.js offers the phone's own zone
    data = {"profile-display_name": "Participant A", "profile-language": "en"}
    bad = post_form(client, "/me/profile", {**data, "profile-time_zone": "Pacific/Nowhere"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 400
    assert "Choose a time zone from the list." in html.split(
        'id="profile-time_zone-error"')[1]
    ok = post_form(client, "/me/profile", {**data, "profile-time_zone": "America/Chicago"})
    assert ok.status_code == 302
    db.session.refresh(world.participant_a)
    assert world.participant_a.time_zone == "America/Chicago"
    me = client.get("/me").get_data(as_text=True)
    assert '<option selected value="America/Chicago">' in me
    post_form(client, "/me/profile", {**data, "profile-time_zone": ""})
    db.session.refresh(world.participant_a)
    assert world.participant_a.time_zone is None  # back to the program's


def test_running_late_shows_on_the_roster_and_can_change_until_the_start(
    client, world, login_as, db, make_series
):
    series, start = _one_off_in(make_series, world.iop, 45)
    url = session_url(series, start) + "/notice"
    login_as(world.participant_a)
    response = post_form(client, url, {"notice": "running_late", "reason": "Bus is late"})
    assert response.status_code == 200 and "Sent." in response.get_data(as_text=True)
    staff = client.application.test_client()
    login_as(world.clinician_a, on=staff)
    roster = staff.get(f"/clinician/sessions/series/{series.id}/{start:%Y%m%dT%H%M}")
    assert "Running late" in roster.get_data(as_text=True)
    assert "Bus is late" in roster.get_data(as_text=True)

    post_form(client, url, {"notice": "cannot_attend", "reason": ""})
    row = db.session.scalar(sa.select(Attendance))
    assert (row.notice, row.notice_reason) == (NoticeKind.CANNOT_ATTEND, None)
    post_form(client, url, {"notice": "withdraw"})
    db.session.refresh(row)
    assert row.notice is None


def test_a_notice_cannot_change_once_the_session_has_started(client, world, login_as, db,
                                                            make_series):
    series, start = _one_off_in(make_series, world.iop, -5)
    login_as(world.participant_a)
    response = post_form(client, session_url(series, start) + "/notice",
                         {"notice": "running_late", "reason": "Traffic"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "has started" in html
    assert db.session.scalar(sa.select(sa.func.count(Attendance.id))) == 0


def test_a_notice_over_htmx_returns_only_its_card(client, world, login_as, make_series):
    series, start = _one_off_in(make_series, world.iop, 60)
    login_as(world.participant_a)
    response = client.post(session_url(series, start) + "/notice",
                           data={"notice": "cannot_attend", "reason": "<img src=x>"},
                           headers={"HX-Request": "true", "X-CSRFToken": csrf_token(client)})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith('<section class="card" id="notice"')
    assert "<html" not in html and "&lt;img src=x&gt;" in html and "<img src=x>" not in html
    bad = client.post(session_url(series, start) + "/notice", data={"notice": "maybe"},
                      headers={"HX-Request": "true", "X-CSRFToken": csrf_token(client)})
    assert bad.status_code == 400 and "<html" not in bad.get_data(as_text=True)


def test_attendance_history_lists_every_past_session_including_not_recorded(
    client, world, login_as, db, make_series, monkeypatch
):
    # Daily at 9:00 from Monday 2027-01-04; "now" is Sunday 2027-01-10, noon in New York.
    monkeypatch.setattr(attendance, "utcnow", lambda: datetime(2027, 1, 10, 17, 0, tzinfo=UTC))
    series = make_series(world.iop, recurrence="FREQ=DAILY", start_date=date(2027, 1, 4),
                         title="Daily group")
    marks = {5: AttendanceStatus.PRESENT, 6: AttendanceStatus.LATE, 7: AttendanceStatus.ABSENT,
             8: AttendanceStatus.EXCUSED}
    for day, status in marks.items():
        record = schedule.ensure_record(
            schedule.find_occurrence(series, datetime(2027, 1, day, 9, 0)))
        db.session.add(Attendance(occurrence_id=record.id, participant_id=world.participant_a.id,
                                  status=status))
    db.session.commit()
    login_as(world.participant_a)
    text = visible_text(client.get("/attendance"))
    assert "Attended: 2 sessions (1 of them late)" in text
    assert "Missed: 1 session " in text and "Excused: 1 session " in text
    # the 4th, the 9th and this morning's (over by noon) were not marked: listed, not lost
    assert "Not recorded: 3 sessions" in text
    assert text.count("Daily group") == 7
    assert text.count("Daily group Not recorded") == 3
    assert "Attended, late" in text and "Missed" in text and "Excused" in text
    first = text.index("Sunday, January 10, 2027")
    assert first < text.index("Monday, January 4, 2027")  # newest first
    assert 'href="/attendance"' in client.get("/schedule").get_data(as_text=True)
    other = client.application.test_client()
    login_as(world.participant_b, on=other)
    assert "Daily group" not in other.get("/attendance").get_data(as_text=True)


def test_a_past_session_says_it_is_over_not_that_it_has_started(client, world, login_as,
                                                                 make_series):
    series = make_series(world.iop, recurrence=None, start_date=date.today() - timedelta(days=2),
                         title="Two days ago")
    login_as(world.participant_a)
    start = datetime.combine(date.today() - timedelta(days=2), time(9))
    text = visible_text(client.get(session_url(series, start)))
    assert "has started" not in text
    assert "I'm running late" not in text  # nothing left to tell the team
    assert "Attendance Not recorded" in text


def test_a_participant_cannot_open_another_participants_session(client, world, login_as,
                                                                make_series):
    monday = _future_monday()
    local = datetime.combine(monday, time(9))
    group = make_series(world.iop, start_date=monday)
    appointment = make_series(world.iop, participant=world.participant_a, recurrence=None,
                              start_date=monday, kind=SessionKind.PSYCHIATRY)
    login_as(world.participant_b)
    for series in (group, appointment):
        url = session_url(series, local)
        assert client.get(url).status_code == 404
        assert client.get(url + "/calendar.ics").status_code == 404
        assert post_form(client, url + "/notice", {"notice": "running_late"}).status_code == 404
    owner = client.application.test_client()
    login_as(world.participant_a, on=owner)
    assert owner.get(session_url(appointment, local)).status_code == 200


def test_a_session_before_the_enrolment_is_not_the_participants(client, world, login_as,
                                                                make_series):
    series = make_series(world.iop, recurrence="FREQ=DAILY",
                         start_date=date.today() - timedelta(days=30))
    login_as(world.participant_a)  # enrolled a week ago
    before = datetime.combine(date.today() - timedelta(days=20), time(9))
    assert client.get(session_url(series, before)).status_code == 404


def test_add_to_calendar_gives_one_discreet_event(client, world, login_as, make_series):
    from icalendar import Calendar

    monday = _future_monday()
    series = make_series(world.iop, start_date=monday, title="Relapse prevention")
    login_as(world.participant_a)
    response = client.get(session_url(series, datetime.combine(monday, time(9)))
                          + "/calendar.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert "attachment" in response.headers["Content-Disposition"]
    events = Calendar.from_ical(response.data).walk("VEVENT")
    assert len(events) == 1
    assert str(events[0]["SUMMARY"]) == "Trellis session"
    assert events[0].decoded("DTSTART") == datetime.combine(monday, time(9), tzinfo=NEW_YORK)
    assert b"Relapse prevention" not in response.data


def test_notice_helpers_refuse_a_cancelled_session(world, db, make_series):
    import pytest

    from app.schedule import series as session_series
    from app.schedule.recurrence import ScheduleError

    monday = _future_monday()
    series = make_series(world.iop, start_date=monday)
    occurrence = schedule.find_occurrence(series, datetime.combine(monday, time(9)))
    session_series.cancel_occurrence(occurrence, world.clinician_a, None)
    with pytest.raises(ScheduleError, match="cancelled"):
        attendance.set_notice(occurrence, world.participant_a, NoticeKind.RUNNING_LATE, None)


def test_after_todays_sessions_end_today_lists_them_as_earlier(client, world, login_as,
                                                                make_series, monkeypatch):
    from app.schedule import pages

    # Wednesday 2027-01-06, 16:00 in New York: the morning group is over, the next is Monday.
    monkeypatch.setattr(pages, "utcnow", lambda: datetime(2027, 1, 6, 21, 0, tzinfo=UTC))
    make_series(world.iop, recurrence=None, start_date=date(2027, 1, 6), start_time=time(9, 0),
                title="Morning group")
    make_series(world.iop, recurrence=None, start_date=date(2027, 1, 11), start_time=time(9, 0),
                title="Monday group")
    login_as(world.participant_a)
    html = page_text(client.get("/today"))
    assert "Nothing scheduled today" not in html
    next_card = html.split('id="next-heading"')[1].split("</section>")[0]
    assert next_card.index("No more sessions today.") < next_card.index("Monday group")
    earlier = html.split('id="earlier-heading"')[1].split("</section>")[0]
    assert "Morning group" in earlier
    assert 'id="today-heading"' not in html  # nothing later today
