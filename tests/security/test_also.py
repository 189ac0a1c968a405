"""Issue 11, "Also": the configured base URL for links that leave the browser, the TOTP
enrolment secret kept off the cookie, and staff changing their own password."""

import base64
import json
import re
import zlib
from datetime import date, time

import pyotp
import pytest
import sqlalchemy as sa
from icalendar import Calendar

from app import create_app
from app.models import AuditEvent, User
from config import ProductionConfig
from tests.conftest import PASSWORD, pass_second_step, post_form

BASE = "https://trellis.example.org"


@pytest.mark.parametrize("value", [None, "", "http://trellis.example.org",
                                   "https://trellis.example.org/app", "trellis.example.org"])
def test_production_refuses_to_start_without_a_proper_base_url(monkeypatch, value):
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    with pytest.raises(RuntimeError, match="TRELLIS_BASE_URL must be set in production"):
        create_app(ProductionConfig, {"SQLALCHEMY_DATABASE_URI": "sqlite://",
                                      "BASE_URL": value})


def test_production_starts_with_an_https_origin(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    app = create_app(ProductionConfig, {"SQLALCHEMY_DATABASE_URI": "sqlite://",
                                        "BASE_URL": BASE + "/",
                                        "VAPID_SUBJECT": "mailto:ops@riverside-health.org"})
    assert app.config["BASE_URL"] == BASE + "/"


@pytest.fixture
def based(app):
    app.config["BASE_URL"] = BASE
    yield BASE
    app.config["BASE_URL"] = ""


def test_calendar_events_and_feed_links_use_the_base_url_not_the_host_header(
        client, world, login_as, make_series_for_feed, based):
    series = make_series_for_feed()
    login_as(world.participant_a)
    # the test client's requests say "Host: localhost": none of it may reach a link
    html = post_form(client, "/me/calendar").get_data(as_text=True)
    link = re.search(r'value="(https://[^"]+\.ics)"', html).group(1)
    assert link.startswith(f"{BASE}/calendar/") and "localhost" not in link
    forged = {"Host": "evil.example"}
    feed = client.get(link.removeprefix(BASE), headers=forged)
    [event, *_rest] = Calendar.from_ical(feed.data).walk("VEVENT")
    assert str(event["uid"]).endswith("@trellis.example.org")
    assert str(event["url"]).startswith(f"{BASE}/sessions/{series.id}/")
    key = re.search(r"/sessions/\d+/(\w+)", str(event["url"])).group(1)
    one = client.get(f"/sessions/{series.id}/{key}/calendar.ics")
    [single] = Calendar.from_ical(one.data).walk("VEVENT")
    assert "localhost" not in one.get_data(as_text=True)
    assert str(single["uid"]).endswith("@trellis.example.org")


@pytest.fixture
def make_series_for_feed(db, world):
    from app.models import SessionKind
    from app.schedule import series as session_series
    from app.schedule.series import SeriesDetails

    def make():
        series = session_series.create_series(world.iop, SeriesDetails(
            kind=SessionKind.GROUP_THERAPY, title="Morning group", time_zone="America/New_York",
            start_time=time(9, 0), duration_minutes=60, start_date=date.today(),
            recurrence="FREQ=DAILY"), None)
        db.session.commit()
        return series

    return make


def test_invite_links_use_the_base_url(client, world, login_as, based):
    login_as(world.clinician_a)
    html = post_form(client, "/clinician/invites/new", {
        "display_name": "Jordan", "email": "jordan@example.org", "program_id": world.iop.id,
        "start_date": date.today().isoformat(), "primary_clinician_id": 0}
    ).get_data(as_text=True)
    assert f'value="{BASE}/invite/' in html and "http://localhost/invite" not in html


def _session_payload(client) -> dict:
    """What the signed session cookie says: anyone holding the cookie can read it."""
    value = client.get_cookie("trellis_session").value
    compressed = value.startswith(".")
    data = value.lstrip(".").split(".")[0]
    raw = base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))
    return json.loads(zlib.decompress(raw) if compressed else raw)


def test_the_totp_secret_being_enrolled_never_enters_the_cookie(client, world, db):
    world.clinician_a.totp_secret = None
    db.session.commit()
    post_form(client, "/signin", {"email": world.clinician_a.email, "password": PASSWORD})
    page = client.get("/mfa/enrol").get_data(as_text=True)
    secret = db.session.scalar(sa.select(User.totp_pending_secret).where(
        User.id == world.clinician_a.id))
    assert secret and secret in page  # shown to the person on the page, once per enrolment
    assert secret not in json.dumps(_session_payload(client))
    assert client.get("/mfa/enrol").get_data(as_text=True).count(secret) >= 1  # same QR
    done = post_form(client, "/mfa/enrol", {"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200
    db.session.refresh(world.clinician_a)
    assert world.clinician_a.totp_secret == secret
    assert world.clinician_a.totp_pending_secret is None


def test_staff_change_their_own_password_and_other_sessions_end(app, client, world, login_as,
                                                                db):
    login_as(world.clinician_a)
    laptop = app.test_client()
    login_as(world.clinician_a, on=laptop)
    assert 'href="/clinician/account"' in client.get("/clinician/").get_data(as_text=True)
    page = client.get("/clinician/account")
    assert page.status_code == 200 and "Change password" in page.get_data(as_text=True)
    wrong = post_form(client, "/clinician/account/password", {
        "current": "not my password", "password": "a new long passphrase",
        "confirm": "a new long passphrase"})
    assert wrong.status_code == 400 and "not your current password" in wrong.get_data(
        as_text=True)
    weak = post_form(client, "/clinician/account/password", {
        "current": PASSWORD, "password": "short", "confirm": "short"})
    assert weak.status_code == 400 and "at least 12 characters" in weak.get_data(as_text=True)
    done = post_form(client, "/clinician/account/password", {
        "current": PASSWORD, "password": "a new long passphrase",
        "confirm": "a new long passphrase"})
    assert done.status_code == 302
    assert client.get("/clinician/").status_code == 200  # still past the second factor here
    assert laptop.get("/clinician/").headers["Location"].startswith("/signin")
    fresh = app.test_client()
    assert post_form(fresh, "/signin", {"email": world.clinician_a.email,
                                        "password": "a new long passphrase"}).status_code == 302
    assert pass_second_step(fresh, world.clinician_a).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(
        AuditEvent.action == "auth.password_change")) == 1


def test_the_account_page_is_for_staff_only(participant_client, client):
    assert participant_client.get("/clinician/account").status_code == 404
    assert client.get("/clinician/account").headers["Location"].startswith("/signin")
