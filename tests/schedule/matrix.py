"""Access expectations for the session schedule's routes."""

from datetime import date, time, timedelta

from app.models import SessionKind
from app.schedule import calendar_feed
from app.schedule import series as session_series
from app.schedule.series import SeriesDetails
from app.security.access import Rule

EXPECTED = {
    "schedule.session": (Rule.PARTICIPANT, "program_a"),
    "schedule.notice": (Rule.PARTICIPANT, "program_a"),
    "schedule.session_ics": (Rule.PARTICIPANT, "program_a"),
    "schedule.attendance_history": (Rule.PARTICIPANT, None),
    "schedule.calendar_link": (Rule.PARTICIPANT, None),
    "schedule.calendar_link_off": (Rule.PARTICIPANT, None),
    "schedule.calendar_titles": (Rule.PARTICIPANT, None),
    "schedule.feed": (Rule.PUBLIC, None),
    "sessions.overview": (Rule.STAFF, None),
    "sessions.series_new": (Rule.STAFF, None),
    # A program's group series is administrative: admins manage every program's.
    "sessions.series": (Rule.STAFF, "program_a_admin"),
    "sessions.series_edit": (Rule.STAFF, "program_a_admin"),
    "sessions.cancel": (Rule.STAFF, "program_a_admin"),
    "sessions.move": (Rule.STAFF, "program_a_admin"),
    # Rosters name participants and their messages: only the program's own staff.
    "sessions.roster": (Rule.STAFF, "program_a"),
    "sessions.mark": (Rule.STAFF, "program_a"),
}

#: A new link or turning it off would change participant A's feed token mid-walk;
#: tests/schedule/test_calendar_feed.py covers who may use them.
SKIPPED_IN_WALK = {"schedule.calendar_link", "schedule.calendar_link_off"}


def url_values(app, world, db) -> dict:
    """A daily group series of program A, tomorrow's session in it, and A's feed token."""
    start = date.today() - timedelta(days=3)
    with app.test_request_context():
        series = session_series.create_series(world.iop, SeriesDetails(
            kind=SessionKind.GROUP_THERAPY, title="Morning group", time_zone="America/New_York",
            start_time=time(9, 0), duration_minutes=90, start_date=start,
            recurrence="FREQ=DAILY"), world.clinician_a)
        token = calendar_feed.new_link(world.participant_a)
        db.session.commit()
    tomorrow = date.today() + timedelta(days=1)
    return {"series_id": series.id, "occurrence_key": f"{tomorrow:%Y%m%d}T0900",
            "attendee_id": world.participant_a.id, "feed_token": token}
