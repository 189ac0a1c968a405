"""The caseload: who needs attention first, its columns, filters, query count and audit."""

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from app.models import AuditEvent, CheckinReview, LevelOfCare
from tests.review.conftest import text_of


def _order(client, query: str = "") -> list[str]:
    html = client.get(f"/clinician/{query}").get_data(as_text=True)
    return re.findall(r'class="caseload__name"[^>]*>([^<]+)<', html)


def test_open_alerts_first_then_flags_then_the_rest_by_latest_check_in(
        app, world, make_participant, make_checkin, make_alert, make_score, login_as):
    quiet_recent = make_participant(world.iop, world.clinician_a, display_name="Quiet recent")
    quiet_older = make_participant(world.iop, world.clinician_a, display_name="Quiet older")
    one_flag = make_participant(world.iop, world.clinician_a, display_name="One flag")
    two_flags = make_participant(world.iop, world.clinician_a, display_name="Two flags")
    alerted = make_participant(world.iop, world.clinician_a, display_name="Alerted")
    make_checkin(quiet_recent, days_ago=0.1, mood=4)
    make_checkin(quiet_older, days_ago=1, mood=4)
    make_checkin(one_flag, days_ago=0.2, mood=3, craving=9)
    make_checkin(two_flags, days_ago=0.5, mood=3, craving=9)
    make_score(two_flags, "gad7", 18)
    make_checkin(alerted, days_ago=0.3, mood=4)
    make_alert(alerted, world.iop)
    make_checkin(world.participant_a, days_ago=0.05, mood=4)
    client = app.test_client()
    login_as(world.clinician_a, on=client)
    assert _order(client) == ["Alerted", "Two flags", "One flag", "Participant A",
                              "Quiet recent", "Quiet older"]


def test_each_row_shows_program_last_check_in_mood_attendance_and_unreviewed(
        app, world, make_checkin, make_attendance, login_as, db):
    from app.models import AttendanceStatus

    make_checkin(world.participant_a, days_ago=3, mood=2)
    latest = make_checkin(world.participant_a, days_ago=0.125, mood=4)
    reviewed = make_checkin(world.participant_a, days_ago=5, mood=3)
    db.session.add(CheckinReview(checkin_id=reviewed.id, reviewed_by_id=world.clinician_a.id))
    db.session.commit()
    make_attendance(world.participant_a, world.iop, [
        AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.ABSENT,
        AttendanceStatus.EXCUSED])
    client = app.test_client()
    login_as(world.clinician_a, on=client)
    response = client.get("/clinician/")
    html, text = response.get_data(as_text=True), text_of(response)
    assert "North IOP · IOP · yours" in text
    assert "3h ago" in text and latest.occurred_at.isoformat() in html  # local time on focus
    assert "EST" in text or "EDT" in text
    assert 'role="img"' in html and ("Mood, last 14 days: answered on 3 days; lowest 2, "
                                     "latest 4") in html
    assert "2 of 4 (1 excused)" in text
    assert "2 check-ins" in text  # the reviewed one is not waiting


def test_filters_by_program_level_flag_name_and_my_participants(
        app, world, make_program, make_clinician, make_participant, make_checkin, login_as,
        db):
    php = world.php
    world.clinician_a.programs = [world.iop, php]
    db.session.commit()
    mine = make_participant(php, world.clinician_a, display_name="Robin Mine")
    make_participant(php, world.clinician_b, display_name="Sky Theirs")
    make_checkin(mine, days_ago=0.1, mood=3, craving=9)
    client = app.test_client()
    login_as(world.clinician_a, on=client)
    shown = _order(client, f"?program={php.id}")
    assert shown[0] == "Robin Mine"  # flagged first
    assert set(shown) == {"Robin Mine", "Participant B", "Sky Theirs"}
    assert set(_order(client, f"?level={LevelOfCare.IOP.value}")) == {"Participant A"}
    assert _order(client, "?flag=craving_use") == ["Robin Mine"]
    assert _order(client, "?q=sky") == ["Sky Theirs"]
    assert set(_order(client, "?mine=1")) == {"Participant A", "Robin Mine"}
    # Values outside the allowlists are ignored, not errors.
    assert len(_order(client, "?program=99999&level=nonsense&flag=%3Cb%3E")) == 4
    assert _order(client, "?q=%25") == []  # a % is a character, not a wildcard


def test_an_htmx_filter_change_returns_only_the_rows(app, world, login_as):
    client = app.test_client()
    login_as(world.clinician_a, on=client)
    response = client.get("/clinician/?q=Participant", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith('<div id="caseload-results">')


def test_the_caseload_shows_only_the_staff_members_programs(app, world, login_as):
    client = app.test_client()
    login_as(world.clinician_b, on=client)
    assert _order(client) == ["Participant B"]
    admin = app.test_client()
    login_as(world.admin, on=admin)  # works in no program: nobody without break-glass
    assert _order(admin) == []


def test_opening_the_caseload_is_audited(app, world, login_as, db):
    client = app.test_client()
    login_as(world.clinician_a, on=client)
    client.get("/clinician/")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "caseload.view", AuditEvent.actor_id == world.clinician_a.id)) == 1


def _caseload_of(count, world, make_participant, make_checkin, make_score, make_alert,
                 make_attendance, start: int):
    from app.models import AttendanceStatus

    for n in range(start, start + count):
        person = make_participant(world.iop, world.clinician_a, display_name=f"Person {n:03}")
        make_checkin(person, days_ago=n % 5, mood=1 + n % 5, craving=n % 11)
        make_checkin(person, days_ago=1 + n % 3, mood=2)
        if n % 7 == 0:
            make_score(person, "phq9", 21)
            make_alert(person, world.iop)
        if n % 11 == 0:
            make_attendance(person, world.iop, [AttendanceStatus.ABSENT] * 2)


def test_the_caseload_costs_the_same_number_of_queries_for_5_or_200_participants(
        app, world, make_participant, make_checkin, make_score, make_alert, make_attendance,
        login_as, count_queries):
    client = app.test_client()
    login_as(world.clinician_a, on=client)
    args = (world, make_participant, make_checkin, make_score, make_alert, make_attendance)
    _caseload_of(5, *args, start=0)
    client.get("/clinician/")  # warm up (session, caches)
    with count_queries() as few:
        small = client.get("/clinician/")
    _caseload_of(195, *args, start=5)
    with count_queries() as many:
        large = client.get("/clinician/")
    assert small.status_code == large.status_code == 200
    assert large.get_data(as_text=True).count('class="caseload__name"') == 201
    assert many["n"] == few["n"], (few["n"], many["n"])
    assert few["n"] < 40
    # Nor does a statement grow a condition per person (only IN lists get longer).
    conditions = [" OR ", " AND "]
    assert [sum(s.count(c) for s in few["sql"]) for c in conditions] == [
        sum(s.count(c) for s in many["sql"]) for c in conditions]


def test_the_check_in_index_the_caseload_needs_exists(db):
    indexes = {i["name"] for i in sa.inspect(db.engine).get_indexes("checkins")}
    assert "ix_checkins_participant_occurred" in indexes
    assert {"ix_enrolments_program_status", "ix_enrolments_primary_clinician"} <= {
        i["name"] for i in sa.inspect(db.engine).get_indexes("enrolments")}
    assert "ix_safety_alerts_program_open" in {
        i["name"] for i in sa.inspect(db.engine).get_indexes("safety_alerts")}
    assert "ix_audit_events_subject_at" in {
        i["name"] for i in sa.inspect(db.engine).get_indexes("audit_events")}


def test_the_review_badge_and_the_to_review_column_share_one_count(
        app, world, make_participant, make_checkin, login_as, db):
    other = make_participant(world.iop, world.clinician_a, display_name="Other")
    for days_ago in (0.1, 1, 2):
        make_checkin(world.participant_a, days_ago=days_ago, mood=3)
    make_checkin(other, days_ago=0.5, mood=3)
    client = app.test_client()
    login_as(world.clinician_a, on=client)
    statements = []

    def seen(_conn, _cursor, statement, *_args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", seen)
    try:
        response = client.get("/clinician/")
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", seen)
    html, text = response.get_data(as_text=True), text_of(response)
    assert re.search(r'class="badge unreviewed-count">4<', html)
    assert "3 check-ins" in text and "1 check-in" in text
    assert len([s for s in statements if "checkin_reviews" in s]) == 1


@pytest.mark.parametrize("zone", ["America/New_York", "Europe/London", "Australia/Lord_Howe",
                                  "America/Santiago", "Asia/Kathmandu", "UTC"])
@pytest.mark.parametrize("now", [
    datetime(2026, 3, 9, 2, 30, tzinfo=UTC),  # New York moved its clocks yesterday
    datetime(2026, 4, 6, 14, 5, tzinfo=UTC),  # Santiago and Lord Howe moved theirs
    datetime(2026, 3, 29, 1, 0, tzinfo=UTC),  # London's clocks move at this very instant
    datetime(2026, 7, 1, 23, 59, tzinfo=UTC),  # no clock change anywhere near
])
def test_mood_answers_fall_on_the_participants_local_day_across_clock_changes(zone, now):
    from app.review.caseload import local_day_finder

    find = local_day_finder(zone, now, 14)
    local = ZoneInfo(zone)
    today = now.astimezone(local).date()
    instant = now - timedelta(days=16)
    while instant <= now + timedelta(hours=30):
        day = instant.astimezone(local).date()
        expected = day if today - timedelta(days=13) <= day <= today else None
        assert find(instant.replace(tzinfo=None)) == expected, instant
        instant += timedelta(minutes=7, seconds=30)
