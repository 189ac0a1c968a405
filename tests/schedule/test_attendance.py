"""Rosters: who is expected, their notices, one-tap attendance with and without htmx."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from app.models import Attendance, AttendanceStatus, SessionKind, SessionOccurrence
from app.schedule import attendance
from app.schedule import service as schedule
from tests.conftest import csrf_token, post_form
from tests.schedule.conftest import roster_url

NEW_YORK = ZoneInfo("America/New_York")


def _started_session(make_series, program, **fields):
    """A one-off session that began ten minutes ago; returns (series, original local start)."""
    start = (datetime.now(UTC) - timedelta(minutes=10)).astimezone(NEW_YORK)
    start = start.replace(second=0, microsecond=0, tzinfo=None)
    series = make_series(program, recurrence=None, start_date=start.date(),
                         start_time=start.time(), duration_minutes=90, **fields)
    return series, start


def _later_session(make_series, program):
    monday = date.today() + timedelta(days=14 + (7 - date.today().weekday()) % 7)
    series = make_series(program, start_date=monday)
    return series, datetime.combine(monday, time(9))


def _mark_url(series, local, person) -> str:
    return f"{roster_url(series, local)}/attendance/{person.id}"


def _status(db, person) -> AttendanceStatus | None:
    return db.session.scalar(sa.select(Attendance.status)
                             .where(Attendance.participant_id == person.id))


def test_roster_lists_enrolled_participants_with_their_notices(client, world, login_as, db,
                                                               make_series, make_participant):
    series, local = _later_session(make_series, world.iop)
    late = make_participant(world.iop, display_name="Robin Ash")
    make_participant(world.php, display_name="Not On This Roster")
    occurrence = schedule.find_occurrence(series, local)
    attendance.set_notice(occurrence, late, attendance.NoticeKind.RUNNING_LATE, "Bus is late")
    db.session.commit()
    login_as(world.clinician_a)
    html = client.get(roster_url(series, local)).get_data(as_text=True)
    assert "Participant A" in html and "Robin Ash" in html
    assert "Not On This Roster" not in html
    row = html.split(f'id="roster-{late.id}"')[1].split("</tr>")[0]
    assert "Running late" in row and "Bus is late" in row
    assert "hx-disable" in row  # the participant's words cannot carry htmx attributes


def test_one_tap_over_htmx_saves_at_once_and_returns_only_the_row(client, world, login_as, db,
                                                                  make_series):
    series, local = _started_session(make_series, world.iop)
    login_as(world.clinician_a)
    response = client.post(_mark_url(series, local, world.participant_a),
                           data={"status": "late"},
                           headers={"HX-Request": "true", "X-CSRFToken": csrf_token(client)})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<tr id="roster-{world.participant_a.id}"')
    assert "<html" not in html
    assert 'value="late" aria-pressed="true"' in html
    assert _status(db, world.participant_a) == AttendanceStatus.LATE
    row = db.session.scalar(sa.select(Attendance))
    assert row.status_recorded_by_id == world.clinician_a.id


def test_without_javascript_the_form_posts_and_comes_back_to_the_roster(client, world,
                                                                       login_as, db,
                                                                       make_series):
    series, local = _started_session(make_series, world.iop)
    login_as(world.clinician_a)
    page = client.get(roster_url(series, local)).get_data(as_text=True)
    assert f'action="{_mark_url(series, local, world.participant_a)}"' in page
    response = post_form(client, _mark_url(series, local, world.participant_a),
                         {"status": "present"})
    assert response.status_code == 302
    assert response.headers["Location"] == roster_url(series, local)
    assert _status(db, world.participant_a) == AttendanceStatus.PRESENT
    assert "Attendance saved for Participant A" in client.get(
        response.headers["Location"]).get_data(as_text=True)


def test_attendance_for_someone_not_enrolled_is_refused_with_a_message(
    client, world, login_as, db, make_series, make_clinician
):
    series, local = _started_session(make_series, world.iop)
    both = make_clinician(world.iop, world.php)
    login_as(both)
    response = post_form(client, _mark_url(series, local, world.participant_b),
                         {"status": "present"})
    assert response.status_code == 400
    assert "Participant B is not enrolled in this program on" in response.get_data(as_text=True)
    htmx = client.post(_mark_url(series, local, world.participant_b), data={"status": "present"},
                       headers={"HX-Request": "true", "X-CSRFToken": csrf_token(client)})
    assert htmx.status_code == 400 and 'role="alert"' in htmx.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Attendance.id))) == 0


def test_present_waits_for_the_start_but_excused_can_be_given_ahead(client, world, login_as,
                                                                   db, make_series):
    series, local = _later_session(make_series, world.iop)
    login_as(world.clinician_a)
    early = post_form(client, _mark_url(series, local, world.participant_a),
                      {"status": "present"})
    assert early.status_code == 400
    assert "once the session has started" in early.get_data(as_text=True)
    assert _status(db, world.participant_a) is None
    excused = post_form(client, _mark_url(series, local, world.participant_a),
                        {"status": "excused"})
    assert excused.status_code == 302
    assert _status(db, world.participant_a) == AttendanceStatus.EXCUSED


def test_no_attendance_on_a_cancelled_session_and_no_unknown_status(client, world, login_as, db,
                                                                   make_series):
    series, local = _later_session(make_series, world.iop)
    login_as(world.clinician_a)
    assert post_form(client, _mark_url(series, local, world.participant_a),
                     {"status": "asleep"}).status_code == 400
    post_form(client, f"{roster_url(series, local)}/cancel", {})
    refused = post_form(client, _mark_url(series, local, world.participant_a),
                        {"status": "excused"})
    assert refused.status_code == 400
    assert "cancelled, so attendance cannot be taken" in refused.get_data(as_text=True)
    assert _status(db, world.participant_a) is None


def test_an_appointments_roster_is_its_participant(client, world, login_as, make_series,
                                                   make_participant):
    make_participant(world.iop, display_name="Someone Else")
    series, local = _started_session(make_series, world.iop, participant=world.participant_a,
                                     kind=SessionKind.INDIVIDUAL_THERAPY)
    login_as(world.clinician_a)
    html = client.get(roster_url(series, local)).get_data(as_text=True)
    assert "Participant A" in html and "Someone Else" not in html


def test_the_roster_page_runs_the_same_number_of_queries_for_1_or_20_participants(
    client, world, login_as, make_series, make_participant, count_queries, db
):
    series, local = _started_session(make_series, world.iop)
    login_as(world.clinician_a)
    client.get(roster_url(series, local))
    post_form(client, _mark_url(series, local, world.participant_a), {"status": "present"})
    with count_queries() as one:
        assert client.get(roster_url(series, local)).status_code == 200
    for n in range(19):
        person = make_participant(world.iop, display_name=f"Person {n:02}")
        post_form(client, _mark_url(series, local, person), {"status": "late"})
    with count_queries() as twenty:
        html = client.get(roster_url(series, local)).get_data(as_text=True)
    assert html.count('aria-pressed="true"') == 20
    assert twenty["n"] == one["n"]


def test_two_people_recording_the_first_thing_at_once_both_succeed(world, db, make_series):
    """The occurrence row is created on first use; a lost race is retried, not a 500."""
    series, local = _later_session(make_series, world.iop)
    stale = schedule.find_occurrence(series, local)  # read before the other request wrote
    other = schedule.find_occurrence(series, local)
    schedule.ensure_record(other)
    db.session.commit()
    attempts = []

    def save():
        occurrence = stale if not attempts else schedule.find_occurrence(series, local)
        attempts.append(occurrence)
        attendance.set_notice(occurrence, world.participant_a,
                              attendance.NoticeKind.RUNNING_LATE, None)

    schedule.commit_with_retry(save)
    assert len(attempts) == 2
    assert db.session.scalar(sa.select(sa.func.count(SessionOccurrence.id))) == 1
    assert db.session.scalar(sa.select(Attendance.notice)) == attendance.NoticeKind.RUNNING_LATE


def test_roster_views_and_attendance_marks_are_audited(client, world, login_as, db,
                                                       make_series):
    from app.models import AuditEvent

    series, local = _started_session(make_series, world.iop)
    login_as(world.clinician_a)
    client.get(roster_url(series, local))
    post_form(client, _mark_url(series, local, world.participant_a), {"status": "present"})
    events = {e.action: e for e in db.session.scalars(sa.select(AuditEvent))}
    view = events["roster.view"]
    assert view.actor_id == world.clinician_a.id and view.subject_participant_id is None
    assert view.target == f"session:{series.id}:{local.strftime('%Y%m%dT%H%M')}"
    edit = events["participant.edit"]
    assert edit.subject_participant_id == world.participant_a.id
    assert edit.target.startswith(f"attendance:{series.id}:")
