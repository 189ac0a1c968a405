"""The schedule in a real browser: Today on a phone and a desktop, the one-tap roster.

Each page is checked with axe-core; every test also fails on a request to another origin or a
Content Security Policy violation (see conftest.py).
"""

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.extensions import db
from app.models import Attendance, AttendanceStatus, SessionKind
from app.schedule import series as session_series
from app.schedule.series import SeriesDetails
from tests.browser.fixtures import settle

pytestmark = pytest.mark.browser

NEW_YORK = ZoneInfo("America/New_York")


def _session_in(program, minutes: int, title: str, **fields):
    """A single session starting `minutes` from now (negative: it has started)."""
    start = (datetime.now(UTC) + timedelta(minutes=minutes)).astimezone(NEW_YORK)
    start = start.replace(second=0, microsecond=0, tzinfo=None)
    series = session_series.create_series(program, SeriesDetails(
        kind=fields.pop("kind", SessionKind.GROUP_THERAPY), title=title,
        time_zone=program.time_zone, start_time=start.time(), duration_minutes=90,
        start_date=start.date(), **fields), None)
    db.session.commit()
    return series, start


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_today_shows_the_next_session_and_is_accessible(
    device, open_page, sign_in, check_a11y, make_program, make_participant
):
    program = make_program(name="Harbor IOP")
    participant = make_participant(program, display_name="Robin")
    _session_in(program, 20, "Morning process group", location="Room 2",
                telehealth_url="https://video.example.org/room/2")
    page = open_page(device)
    sign_in(page, participant, lands_on="/today")

    card = page.locator("section", has=page.get_by_role("heading", name="Next session"))
    expect(card).to_be_visible()
    expect(card.locator(".session-live")).to_have_text(
        re.compile(r"Starts in (19|20|21) min"))
    expect(card).to_contain_text("Morning process group")
    expect(card).to_contain_text("Room 2")
    join = card.get_by_role("link", name="Join online")
    expect(join).to_have_attribute("rel", "noopener noreferrer")
    expect(join).to_have_attribute("target", "_blank")
    check_a11y(page)

    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Schedule", exact=True).click()
    page.wait_for_url("**/schedule")
    settle(page)
    expect(page.get_by_text("Morning process group").first).to_be_visible()
    check_a11y(page)
    page.get_by_role("link", name="Morning process group").first.click()
    page.wait_for_url("**/sessions/**")
    settle(page)
    expect(page.get_by_role("button", name="I'm running late")).to_be_visible()
    check_a11y(page)


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_the_roster_takes_attendance_with_one_tap_and_no_reload(
    device, open_page, sign_in, check_a11y, make_program, make_clinician, make_participant
):
    program = make_program(name="Harbor IOP")
    clinician = make_clinician(program, display_name="Dr Lane")
    robin = make_participant(program, clinician, display_name="Robin Ash")
    make_participant(program, clinician, display_name="Sky Park")
    series, start = _session_in(program, -15, "Morning process group")
    page = open_page(device)
    sign_in(page, clinician, lands_on="/clinician/")
    page.goto(f"/clinician/sessions/series/{series.id}/{start:%Y%m%dT%H%M}")
    settle(page)
    check_a11y(page)

    page.evaluate("window.__sameDocument = true")
    row = page.locator(f"#roster-{robin.id}")
    row.get_by_role("button", name="present Robin Ash").click()
    expect(page.locator(f"#roster-{robin.id}").get_by_role(
        "button", name="present Robin Ash")).to_have_attribute("aria-pressed", "true")
    settle(page)
    assert page.evaluate("window.__sameDocument") is True, "the page reloaded"
    db.session.expire_all()
    saved = db.session.scalar(sa.select(Attendance.status)
                              .where(Attendance.participant_id == robin.id))
    assert saved == AttendanceStatus.PRESENT
    check_a11y(page)

    page.locator(f"#roster-{robin.id}").get_by_role("button", name="late Robin Ash").click()
    expect(page.locator(f"#roster-{robin.id}").get_by_role(
        "button", name="late Robin Ash")).to_have_attribute("aria-pressed", "true")
    expect(page.locator(f"#roster-{robin.id}").get_by_role(
        "button", name="present Robin Ash")).to_have_attribute("aria-pressed", "false")
