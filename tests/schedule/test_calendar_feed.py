"""The calendar subscription: secret link from Me, discreet events, revocable, parsed back."""

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from icalendar import Calendar

from app.models import CalendarFeed
from app.schedule import calendar_feed
from app.schedule import series as session_series
from app.schedule import service as schedule
from tests.conftest import csrf_token, post_form

NEW_YORK = ZoneInfo("America/New_York")
LINK = re.compile(r'value="(http://[^"]+/calendar/([^"]+)\.ics)"')


def _make_link(client) -> tuple[str, str]:
    """Press "Turn on calendar link" on Me; returns (https URL path, token)."""
    html = post_form(client, "/me/calendar").get_data(as_text=True)
    url, token = LINK.search(html).groups()
    return url.split("localhost", 1)[-1], token


def _events(response) -> list:
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    return Calendar.from_ical(response.data).walk("VEVENT")


def _monday() -> date:
    today = date.today()
    return today + timedelta(days=7 + (7 - today.weekday()) % 7)


def test_the_feed_holds_only_the_participants_sessions_discreetly_in_utc(
    app, client, world, login_as, make_series
):
    monday = _monday()
    make_series(world.iop, start_date=monday, end_date=monday + timedelta(weeks=2),
                title="Relapse prevention group", location="Riverside, Room 2")
    make_series(world.php, start_date=monday, title="PHP only")
    login_as(world.participant_a)
    path, _token = _make_link(client)
    events = _events(app.test_client().get(path))  # a phone calendar: no cookies
    assert len(events) == 3
    starts = sorted(e.decoded("DTSTART") for e in events)
    expected = [datetime.combine(monday + timedelta(weeks=n), time(9), tzinfo=NEW_YORK)
                for n in range(3)]
    assert starts == expected
    for event in events:
        assert event.decoded("DTSTART").utcoffset() == timedelta(0)  # written in UTC
        assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(minutes=90)
        assert str(event["SUMMARY"]) == "Trellis session"
        assert "LOCATION" not in event
    body = app.test_client().get(path).data
    assert b"Relapse prevention" not in body and b"Riverside" not in body
    assert b"PHP only" not in body


def test_full_titles_when_the_participant_chooses_them(app, client, world, login_as,
                                                       make_series, db):
    monday = _monday()
    make_series(world.iop, start_date=monday, end_date=monday, title="DBT skills",
                location="Room 4", facilitator="Priya Shah")
    login_as(world.participant_a)
    path, _token = _make_link(client)
    saved = post_form(client, "/me/calendar/titles", {"full_titles": "y"})
    assert saved.status_code == 200
    assert db.session.scalar(sa.select(CalendarFeed.is_discreet)) is False
    (event,) = _events(app.test_client().get(path))
    assert str(event["SUMMARY"]) == "DBT skills" and str(event["LOCATION"]) == "Room 4"
    assert "Priya Shah" in str(event["DESCRIPTION"])
    post_form(client, "/me/calendar/titles", {})
    (event,) = _events(app.test_client().get(path))
    assert str(event["SUMMARY"]) == "Trellis session"


def test_cancelled_and_moved_sessions_keep_their_uid(app, client, world, login_as, make_series,
                                                     db):
    monday = _monday()
    series = make_series(world.iop, start_date=monday, end_date=monday + timedelta(weeks=1))
    first = schedule.find_occurrence(series, datetime.combine(monday, time(9)))
    second = schedule.find_occurrence(series, datetime.combine(monday + timedelta(weeks=1),
                                                               time(9)))
    session_series.cancel_occurrence(first, world.clinician_a, None)
    session_series.move_occurrence(second, datetime.combine(monday + timedelta(days=8),
                                                            time(11)), 90, world.clinician_a,
                                   None)
    db.session.commit()
    login_as(world.participant_a)
    path, _token = _make_link(client)
    events = {str(e["UID"]).split("@")[0]: e for e in _events(app.test_client().get(path))}
    cancelled = events[f"session-{series.id}-{monday:%Y%m%d}T0900"]
    moved = events[f"session-{series.id}-{monday + timedelta(weeks=1):%Y%m%d}T0900"]
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert moved.decoded("DTSTART") == datetime.combine(monday + timedelta(days=8), time(11),
                                                        tzinfo=NEW_YORK)
    assert moved.decoded("SEQUENCE") > 0


def test_unknown_revoked_and_replaced_links_are_404(app, client, world, login_as, db):
    feed = app.test_client()
    assert feed.get("/calendar/not-a-real-token.ics").status_code == 404
    login_as(world.participant_a)
    old_path, old_token = _make_link(client)
    assert feed.get(old_path).status_code == 200
    new_path, new_token = _make_link(client)  # "Make a new link"
    assert new_token != old_token
    assert feed.get(old_path).status_code == 404
    assert feed.get(new_path).status_code == 200
    off = post_form(client, "/me/calendar/off")
    assert off.status_code == 200 and "link is off" in off.get_data(as_text=True)
    assert feed.get(new_path).status_code == 404


def test_only_a_hash_of_the_token_is_stored(client, world, login_as, db):
    login_as(world.participant_a)
    _path, token = _make_link(client)
    row = db.session.scalar(sa.select(CalendarFeed))
    assert row.token_hash != token and len(row.token_hash) == 64
    assert token not in str(db.session.execute(sa.select(CalendarFeed.__table__)).all())


def test_a_deactivated_participants_link_stops_working(app, client, world, login_as, db):
    login_as(world.participant_a)
    path, _token = _make_link(client)
    world.participant_a.is_active = False
    db.session.commit()
    assert app.test_client().get(path).status_code == 404


def test_the_feed_is_not_cached_and_needs_no_sign_in(app, client, world, login_as):
    login_as(world.participant_a)
    path, _token = _make_link(client)
    response = app.test_client().get(path)
    assert "no-store" in response.headers["Cache-Control"]
    assert "Set-Cookie" not in response.headers


def test_me_shows_the_calendar_card_and_it_works_over_htmx(client, world, login_as):
    login_as(world.participant_a)
    html = client.get("/me").get_data(as_text=True)
    assert 'id="calendar"' in html and "Turn on calendar link" in html
    response = client.post("/me/calendar", headers={"HX-Request": "true",
                                                    "X-CSRFToken": csrf_token(client)})
    fragment = response.get_data(as_text=True)
    assert fragment.lstrip().startswith('<section class="card" id="calendar"')
    assert 'href="webcal://' in fragment and "shown only now" in fragment
    # Shown once: Me afterwards says the link is on but cannot show it again.
    html = client.get("/me").get_data(as_text=True)
    card = html.split('id="calendar"')[1].split("</section>")[0]
    assert "Your calendar link is on." in card and ".ics" not in card and "webcal" not in card


def test_calendar_link_pages_are_the_participants_own(app, world, login_as):
    anonymous = app.test_client()
    for url in ("/me/calendar", "/me/calendar/off", "/me/calendar/titles"):
        response = anonymous.post(url, data={"csrf_token": csrf_token(anonymous)})
        assert response.status_code == 302 and response.headers["Location"].startswith(
            "/signin")
    staff = app.test_client()
    login_as(world.clinician_a, on=staff)
    for url in ("/me/calendar", "/me/calendar/off"):
        assert staff.post(url, data={"csrf_token": csrf_token(staff)}).status_code == 404


def test_feed_window_is_bounded(world, make_series, db):
    make_series(world.iop, recurrence="FREQ=DAILY", start_date=date(2020, 1, 1))
    occurrences = calendar_feed.feed_occurrences(world.participant_a)
    now = datetime.now(UTC)
    assert occurrences
    assert all(now - timedelta(days=31) < o.start_at < now + timedelta(days=181)
               for o in occurrences)


def test_a_feed_never_holds_another_participants_appointment(app, world, login_as,
                                                            make_series):
    monday = _monday()
    make_series(world.iop, participant=world.participant_a, recurrence=None, start_date=monday,
                title="Medication review")
    make_series(world.php, start_date=monday, end_date=monday, title="PHP group")
    links = {}
    for person in (world.participant_a, world.participant_b):
        browser = app.test_client()
        login_as(person, on=browser)
        post_form(browser, "/me/calendar/titles", {"full_titles": "y"})
        links[person.id] = _make_link(browser)[0]
    phone = app.test_client()
    titles_a = [str(e["SUMMARY"]) for e in _events(phone.get(links[world.participant_a.id]))]
    titles_b = [str(e["SUMMARY"]) for e in _events(phone.get(links[world.participant_b.id]))]
    assert titles_a == ["Medication review"]
    assert titles_b == ["PHP group"]
