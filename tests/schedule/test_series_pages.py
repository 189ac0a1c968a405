"""Staff pages: series and appointments, cancel or move one session, edit from a date on."""

import re
from datetime import date, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from app.models import Attendance, AttendanceStatus, SessionOccurrence, SessionSeries
from app.schedule import service as schedule
from tests.conftest import post_form
from tests.schedule.conftest import key, page_text, roster_url

GOOD = {
    "program_id": None, "participant_id": "0", "kind": "group_therapy",
    "title": "Morning process group", "facilitator": "Jordan Reyes, LCSW", "location": "Room 2",
    "telehealth_url": "", "what_to_bring": "Your diary card", "time_zone": "America/New_York",
    "start_time": "09:00", "duration_minutes": "90", "repeat": "weekly", "days": ["MO", "WE"],
    "rule": "", "start_date": "2027-03-01", "end_date": "",
}


def _form(world, **changes) -> dict:
    return {**GOOD, "program_id": str(world.iop.id), **changes}


def _series_count(db) -> int:
    return db.session.scalar(sa.select(sa.func.count(SessionSeries.id)))


def _future_monday() -> date:
    today = date.today()
    return today + timedelta(days=14 + (7 - today.weekday()) % 7)


def test_clinician_creates_a_weekly_series_that_its_participants_see(client, world, login_as,
                                                                    db):
    login_as(world.clinician_a)
    assert client.get("/clinician/sessions/series/new").status_code == 200
    response = post_form(client, "/clinician/sessions/series/new", _form(world))
    assert response.status_code == 302
    series = db.session.scalar(sa.select(SessionSeries))
    assert (series.program_id, series.recurrence, series.start_time, series.duration_minutes,
            series.time_zone) == (world.iop.id, "FREQ=WEEKLY;BYDAY=MO,WE", time(9), 90,
                                  "America/New_York")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Morning process group" in page and "FREQ=WEEKLY;BYDAY=MO,WE" in page


def test_a_custom_rule_and_an_appointment_for_one_participant(client, world, login_as, db):
    login_as(world.clinician_a)
    post_form(client, "/clinician/sessions/series/new", _form(
        world, repeat="rule", rule="FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", title="Family group",
        kind="family_therapy"))
    post_form(client, "/clinician/sessions/series/new", _form(
        world, repeat="once", participant_id=str(world.participant_a.id), kind="psychiatry",
        title="Medication review", telehealth_url="https://video.example.org/room/7"))
    rows = {s.title: s for s in db.session.scalars(sa.select(SessionSeries))}
    assert rows["Family group"].recurrence == "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"
    review = rows["Medication review"]
    assert (review.recurrence, review.end_date, review.participant_id) == (
        None, date(2027, 3, 1), world.participant_a.id)


@pytest.mark.parametrize("changes, field, message", [
    ({"end_date": "2027-02-01"}, "end_date", "The end date must be on or after the start date."),
    ({"duration_minutes": "0"}, "duration_minutes", "A session must last at least 1 minute."),
    ({"duration_minutes": "721"}, "duration_minutes", "at most 12 hours"),
    ({"repeat": "rule", "rule": "FREQ=SOMETIMES"}, "rule", "Start the rule with FREQ="),
    ({"repeat": "rule", "rule": "every tuesday"}, "rule", "could not be read"),
    ({"repeat": "rule", "rule": "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30"}, "rule",
     "never gives a session"),
    ({"telehealth_url": "http://video.example.org/room"}, "telehealth_url",
     "Enter a secure link that starts with https://"),
    ({"time_zone": "Mars/Olympus_Mons"}, "time_zone", "Choose a time zone from the list."),
    ({"repeat": "weekly", "days": []}, "days", "Choose at least one day."),
    ({"start_date": "9999-12-31"}, "start_date", "Enter a date between 2000 and 2100."),
])
def test_bad_input_gets_a_message_by_its_field_keeps_what_was_typed_and_saves_nothing(
    client, world, login_as, db, changes, field, message
):
    login_as(world.clinician_a)
    response = post_form(client, "/clinician/sessions/series/new", _form(world, **changes))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    error = html.split(f'id="{field}-error"')[1].split("</p>")[0]
    assert message in error.replace("&#39;", "'")
    assert 'value="Morning process group"' in html and 'value="Room 2"' in html
    assert _series_count(db) == 0


def test_an_appointment_for_someone_not_in_the_program_is_refused(client, world, login_as, db,
                                                                  make_clinician):
    both = make_clinician(world.iop, world.php)
    login_as(both)
    response = post_form(client, "/clinician/sessions/series/new", _form(
        world, repeat="once", participant_id=str(world.participant_b.id)))
    assert response.status_code == 400
    assert "not enrolled in the chosen program" in response.get_data(as_text=True)
    assert _series_count(db) == 0


def test_cancelling_one_session_shows_as_cancelled_to_participants(client, world, login_as, db,
                                                                   make_series):
    monday = _future_monday()
    series = make_series(world.iop, start_date=monday - timedelta(weeks=1))
    login_as(world.clinician_a)
    local = datetime.combine(monday, time(9))
    url = f"/clinician/sessions/series/{series.id}/{key(local)}/cancel"
    assert client.get(url).status_code == 200
    assert post_form(client, url, {"note": "Facilitator ill"}).status_code == 302
    record = db.session.scalar(sa.select(SessionOccurrence))
    assert record.cancelled_at is not None and record.changed_at is not None
    assert record.changed_by_id == world.clinician_a.id
    # The rest of the series is untouched.
    assert schedule.find_occurrence(series, local + timedelta(weeks=1)).record is None

    participant = world.participant_a
    other = client.application.test_client()
    login_as(participant, on=other)
    page = other.get(f"/sessions/{series.id}/{key(local)}").get_data(as_text=True)
    assert "Cancelled" in page and "Facilitator ill" in page


def test_moving_one_session_shows_the_new_time_to_participants(client, world, login_as, db,
                                                               make_series):
    monday = _future_monday()
    series = make_series(world.iop, start_date=monday)
    login_as(world.clinician_a)
    local = datetime.combine(monday, time(9))
    url = f"/clinician/sessions/series/{series.id}/{key(local)}/move"
    assert 'value="09:00"' in client.get(url).get_data(as_text=True)
    response = post_form(client, url, {"new_date": (monday + timedelta(days=1)).isoformat(),
                                       "new_time": "14:00", "duration_minutes": "60"})
    assert response.status_code == 302
    record = db.session.scalar(sa.select(SessionOccurrence))
    assert record.moved_start_at is not None and record.changed_at is not None

    other = client.application.test_client()
    login_as(world.participant_a, on=other)
    page = page_text(other.get(f"/sessions/{series.id}/{key(local)}"))
    assert "2:00 PM" in page and "3:00 PM" in page and "New time (was" in page


def test_a_cancelled_session_cannot_be_moved_or_cancelled_again(client, world, login_as, db,
                                                                make_series):
    monday = _future_monday()
    series = make_series(world.iop, start_date=monday)
    login_as(world.clinician_a)
    base = f"/clinician/sessions/series/{series.id}/{monday:%Y%m%d}T0900"
    post_form(client, base + "/cancel", {})
    moved = post_form(client, base + "/move", {"new_date": monday.isoformat(),
                                               "new_time": "11:00", "duration_minutes": "90",
                                               "note": "kept"})
    html = moved.get_data(as_text=True)
    assert moved.status_code == 400
    assert "This session was cancelled, so it cannot be changed." in html
    assert 'value="11:00"' in html and 'value="kept"' in html
    again = post_form(client, base + "/cancel", {})
    assert again.status_code == 400
    assert "already cancelled" in again.get_data(as_text=True)
    record = db.session.scalar(sa.select(SessionOccurrence))
    assert record.moved_start_at is None


def test_a_move_with_a_bad_length_is_refused_by_its_field(client, world, login_as, make_series):
    monday = _future_monday()
    series = make_series(world.iop, start_date=monday)
    login_as(world.clinician_a)
    url = f"/clinician/sessions/series/{series.id}/{monday:%Y%m%d}T0900/move"
    response = post_form(client, url, {"new_date": monday.isoformat(), "new_time": "11:00",
                                       "duration_minutes": "0"})
    assert response.status_code == 400
    assert 'id="duration_minutes-error"' in response.get_data(as_text=True)


def _edit(client, series, from_day: date, **changes):
    data = {**GOOD, "effective_from": from_day.isoformat(), **changes}
    data.pop("program_id"), data.pop("participant_id"), data.pop("start_date")
    return post_form(client, f"/clinician/sessions/series/{series.id}/edit", data)


def test_editing_from_a_date_onwards_keeps_earlier_sessions(client, world, login_as, db,
                                                          make_series):
    monday = _future_monday()
    series = make_series(world.iop, start_date=monday - timedelta(weeks=4),
                         recurrence="FREQ=WEEKLY;BYDAY=MO,WE")
    cancelled = schedule.find_occurrence(series, datetime.combine(monday + timedelta(weeks=1),
                                                                  time(9)))
    from app.schedule import series as session_series

    session_series.cancel_occurrence(cancelled, world.clinician_a, None)
    db.session.commit()
    login_as(world.clinician_a)
    assert client.get(f"/clinician/sessions/series/{series.id}/edit").status_code == 200
    response = _edit(client, series, monday, start_time="10:30", title="Later group")
    assert response.status_code == 302
    old, new = db.session.scalars(sa.select(SessionSeries).order_by(SessionSeries.id)).all()
    assert old.end_date == monday - timedelta(days=1) and old.start_time == time(9)
    assert (new.start_date, new.start_time, new.title, new.split_from_id) == (
        monday, time(10, 30), "Later group", old.id)
    assert new.anchor_date == old.anchor_date  # same weekly rhythm
    # The cancellation follows its day into the new series, at the new time.
    record = db.session.scalar(sa.select(SessionOccurrence))
    assert (record.series_id, record.original_start_local) == (
        new.id, datetime.combine(monday + timedelta(weeks=1), time(10, 30)))


def test_editing_cannot_start_in_the_past_or_over_recorded_attendance(client, world, login_as,
                                                                      db, make_series):
    series = make_series(world.iop, recurrence="FREQ=DAILY",
                         start_date=date.today() - timedelta(days=10))
    login_as(world.clinician_a)
    past = _edit(client, series, date.today() - timedelta(days=2), title="Typed title")
    assert past.status_code == 400
    html = past.get_data(as_text=True)
    assert "Changes can start today at the earliest" in html and 'value="Typed title"' in html

    tomorrow = date.today() + timedelta(days=1)
    occurrence = schedule.find_occurrence(series, datetime.combine(tomorrow, time(9)))
    record = schedule.ensure_record(occurrence)
    db.session.add(Attendance(occurrence_id=record.id, participant_id=world.participant_a.id,
                              status=AttendanceStatus.EXCUSED))
    db.session.commit()
    blocked = _edit(client, series, date.today())
    assert blocked.status_code == 400
    assert "Attendance is already recorded" in blocked.get_data(as_text=True)
    assert _series_count(db) == 1
    db.session.refresh(series)
    assert series.end_date is None


def test_editing_a_series_that_has_not_started_changes_it_in_place(client, world, login_as, db,
                                                                  make_series):
    monday = _future_monday()
    series = make_series(world.iop, start_date=monday)
    login_as(world.clinician_a)
    assert _edit(client, series, monday, duration_minutes="120").status_code == 302
    assert _series_count(db) == 1
    db.session.refresh(series)
    assert series.duration_minutes == 120


def test_a_clinician_of_another_program_gets_404_everywhere(client, world, login_as,
                                                            make_series):
    monday = _future_monday()
    series = make_series(world.iop, start_date=monday)
    login_as(world.clinician_b)
    base = f"/clinician/sessions/series/{series.id}"
    for url in (base, base + "/edit", roster_url(series, datetime.combine(monday, time(9))),
                f"{base}/{monday:%Y%m%d}T0900/cancel", f"{base}/{monday:%Y%m%d}T0900/move"):
        assert client.get(url).status_code == 404, url
    assert "Morning group" not in client.get("/clinician/sessions/").get_data(as_text=True)


def test_appointments_and_rosters_are_hidden_from_admins_outside_the_program(
    client, world, login_as, make_series
):
    monday = _future_monday()
    group = make_series(world.iop, start_date=monday)
    appointment = make_series(world.iop, participant=world.participant_a, recurrence=None,
                              start_date=monday, title="Individual session")
    login_as(world.admin)
    assert client.get(f"/clinician/sessions/series/{group.id}").status_code == 200
    assert client.get(f"/clinician/sessions/series/{appointment.id}").status_code == 404
    assert client.get(roster_url(group, datetime.combine(monday, time(9)))).status_code == 404
    overview = client.get(f"/clinician/sessions/?week={monday.isoformat()}")
    html = overview.get_data(as_text=True)
    assert "Morning group" in html and "Individual session" not in html


def test_an_occurrence_key_the_series_does_not_give_is_404(client, world, login_as,
                                                          make_series):
    monday = _future_monday()
    series = make_series(world.iop, start_date=monday)
    login_as(world.clinician_a)
    base = f"/clinician/sessions/series/{series.id}"
    for bad in (f"{monday:%Y%m%d}T1000", f"{monday + timedelta(days=1):%Y%m%d}T0900",
                "not-a-date", "20271340T0900", "99991231T0900"):
        assert client.get(f"{base}/{bad}").status_code == 404, bad


def test_overview_lists_the_weeks_sessions_with_rosters(client, world, login_as, make_series):
    monday = _future_monday()
    make_series(world.iop, start_date=monday - timedelta(weeks=2))
    login_as(world.clinician_a)
    html = client.get(f"/clinician/sessions/?week={monday.isoformat()}").get_data(as_text=True)
    assert "Morning group" in html and f"{monday:%Y%m%d}T0900" in html
    assert client.get("/clinician/sessions/?week=9999-12-31").status_code == 200
    assert 'aria-current="page"' in html.split("Schedule</a>")[0].rsplit("<a", 1)[1]


def test_new_appointment_from_a_participants_page_is_prefilled(client, world, login_as):
    login_as(world.clinician_a)
    page = client.get(f"/clinician/participants/{world.participant_a.id}").get_data(
        as_text=True)
    link = f"/clinician/sessions/series/new?participant={world.participant_a.id}"
    assert f'href="{link}"' in page
    form = client.get(link).get_data(as_text=True)
    assert f'<option selected value="{world.participant_a.id}">' in form
    assert '<option selected value="once">' in form
    assert client.get(f"/clinician/sessions/series/new?participant={world.participant_b.id}"
                      ).status_code == 404


def test_an_empty_time_zone_means_the_programs(client, world, login_as, db, make_program):
    pacific = make_program(name="Coast IOP", time_zone="America/Los_Angeles")
    world.clinician_a.programs.append(pacific)
    db.session.commit()
    login_as(world.clinician_a)
    post_form(client, "/clinician/sessions/series/new",
              _form(world, program_id=str(pacific.id), time_zone=""))
    assert db.session.scalar(sa.select(SessionSeries.time_zone)) == "America/Los_Angeles"


def test_every_other_week_stays_on_the_same_weeks_after_an_edit(client, world, login_as, db,
                                                                make_series):
    monday = _future_monday()
    series = make_series(world.iop, start_date=monday - timedelta(weeks=4),
                         recurrence="FREQ=WEEKLY;INTERVAL=2;BYDAY=MO")
    login_as(world.clinician_a)
    off_week = monday + timedelta(weeks=1) if (monday - series.start_date).days % 14 == 0 \
        else monday
    response = _edit(client, series, off_week, repeat="rule",
                     rule="FREQ=WEEKLY;INTERVAL=2;BYDAY=MO", start_time="11:00")
    assert response.status_code == 302
    new = db.session.scalars(sa.select(SessionSeries).order_by(SessionSeries.id.desc())).first()
    starts = schedule.local_starts(new, off_week, off_week + timedelta(weeks=6))
    assert [(d.date() - series.start_date).days % 14 for d in starts] == [0, 0, 0]
    assert all(d.time() == time(11) for d in starts)


def test_the_week_says_whether_past_sessions_had_attendance_taken(client, world, login_as, db,
                                                                    make_series):
    last_week = date.today() - timedelta(days=date.today().weekday() + 7)  # last week's Monday
    make_series(world.iop, start_date=last_week, title="Monday group")
    taken = make_series(world.iop, start_date=last_week, start_time=time(13, 0),
                        title="Afternoon group")
    record = schedule.ensure_record(
        schedule.find_occurrence(taken, datetime.combine(last_week, time(13, 0))))
    db.session.add(Attendance(occurrence_id=record.id, participant_id=world.participant_a.id,
                              status=AttendanceStatus.PRESENT))
    db.session.commit()
    login_as(world.clinician_a)
    html = client.get(f"/clinician/sessions/?week={last_week.isoformat()}").get_data(as_text=True)
    week = html.split("</table>")[0]  # the week's sessions, not the list of series below
    rows = {title: re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row))
            for row in week.split("<tr>")[1:]
            for title in ("Monday group", "Afternoon group") if title in row}
    assert "Ended · attendance not taken" in rows["Monday group"]
    assert "Ended · 1 marked" in rows["Afternoon group"]
