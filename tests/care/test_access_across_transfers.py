"""Access ends with care: after a transfer or discharge the former program's staff read what was
recorded in their program, read-only, for the handover (30 days); then nothing. Records are
filtered by the enrolment they belong to, in every view that shows them to staff."""

import uuid
from datetime import UTC, date, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from app.care import enrolments
from app.models import (
    Checkin,
    Enrolment,
    LevelOfCare,
    SafetyAlert,
    ScaleResponse,
    SessionKind,
    SessionSeries,
)
from app.schedule import series as session_series
from app.schedule.series import SeriesDetails
from tests.conftest import post_form

NOW = datetime.now(UTC)


class Moved:
    """Riverside IOP's clinician, Summit PHP's clinician, and a participant who moved from
    Riverside to Summit `moved_days_ago` days ago (enrolled in Riverside 100 days before)."""


def _checkin(db, person, program, at: datetime, note: str) -> Checkin:
    row = Checkin(participant_id=person.id, program_id=program.id if program else None,
                  client_uuid=str(uuid.uuid4()), content_hash="0" * 64, occurred_at=at,
                  received_at=at, mood=3, note=note, feelings=[])
    db.session.add(row)
    db.session.commit()
    return row


def _scale(db, person, program, at: datetime, total: int) -> ScaleResponse:
    row = ScaleResponse(participant_id=person.id, program_id=program.id, scale="phq9",
                        client_uuid=str(uuid.uuid4()), content_hash="0" * 64,
                        answers={}, total=total, band="mild", submitted_at=at)
    db.session.add(row)
    db.session.commit()
    return row


def _alert(db, person, program, at: datetime, acknowledged: bool) -> SafetyAlert:
    row = SafetyAlert(participant_id=person.id, program_id=program.id,
                      triggers=[{"code": "safety_question", "value": True}], created_at=at)
    if acknowledged:
        row.acknowledged_at, row.action_taken = at + timedelta(minutes=5), "Called them."
    db.session.add(row)
    db.session.commit()
    return row


@pytest.fixture
def moved_factory(app, db, make_program, make_clinician, make_user, login_as):
    from app.models import Role

    def build(moved_days_ago: int, discharge: bool = False) -> Moved:
        w = Moved()
        w.riverside = make_program(name="Riverside IOP")
        w.summit = make_program(name="Summit PHP", level_of_care=LevelOfCare.PHP)
        w.riverside_clinician = make_clinician(w.riverside, display_name="Rita Riverside")
        w.summit_clinician = make_clinician(w.summit, display_name="Sam Summit")
        w.person = make_user(Role.PARTICIPANT, display_name="Pat Moved")
        start = date.today() - timedelta(days=100)
        enrolment = Enrolment(participant=w.person, program=w.riverside,
                              level_of_care=LevelOfCare.IOP, start_date=start,
                              primary_clinician=w.riverside_clinician,
                              created_at=NOW - timedelta(days=100))
        db.session.add(enrolment)
        db.session.commit()
        w.moved_on = date.today() - timedelta(days=moved_days_ago)
        w.in_riverside = NOW - timedelta(days=moved_days_ago + 2)
        w.in_summit = NOW - timedelta(days=max(moved_days_ago - 1, 0), hours=1)
        w.riverside_checkin = _checkin(db, w.person, w.riverside, w.in_riverside,
                                       "riverside-note")
        with app.test_request_context():
            enrolments.transition(enrolment, w.moved_on, w.riverside_clinician,
                                  to_program=None if discharge else w.summit,
                                  discharge=discharge)
            db.session.commit()
        if not discharge:
            w.summit_checkin = _checkin(db, w.person, w.summit, w.in_summit, "summit-note")
        w.riverside_client = app.test_client()
        login_as(w.riverside_clinician, on=w.riverside_client)
        w.summit_client = app.test_client()
        login_as(w.summit_clinician, on=w.summit_client)
        return w

    return build


def _page(client, person) -> tuple[int, str]:
    response = client.get(f"/clinician/participants/{person.id}")
    return response.status_code, response.get_data(as_text=True)


def test_the_former_program_reads_its_own_records_read_only_during_the_handover(moved_factory):
    w = moved_factory(moved_days_ago=5)
    status, html = _page(w.riverside_client, w.person)
    assert status == 200
    assert "riverside-note" in html and "summit-note" not in html
    assert "Read-only" in html and "New appointment" not in html
    assert "Summit PHP" not in html  # not even where they went


def test_the_new_program_sees_only_what_was_recorded_with_it(moved_factory):
    w = moved_factory(moved_days_ago=5)
    status, html = _page(w.summit_client, w.person)
    assert status == 200
    assert "summit-note" in html and "riverside-note" not in html
    assert "Riverside IOP" not in html
    assert "Read-only" not in html and "New appointment" in html


def test_after_the_handover_the_former_program_sees_nothing(moved_factory):
    w = moved_factory(moved_days_ago=31)
    assert _page(w.riverside_client, w.person)[0] == 404
    assert w.riverside_client.get(
        f"/clinician/participants/{w.person.id}/safety-plan").status_code == 404
    assert "Pat Moved" not in w.riverside_client.get("/clinician/").get_data(as_text=True)


def test_the_handover_lasts_the_configured_days(app, moved_factory):
    w = moved_factory(moved_days_ago=10)
    app.config["HANDOVER_DAYS"] = 7
    try:
        assert _page(w.riverside_client, w.person)[0] == 404
    finally:
        app.config["HANDOVER_DAYS"] = 30
    assert _page(w.riverside_client, w.person)[0] == 200


def test_a_discharge_ends_access_the_same_way(moved_factory):
    w = moved_factory(moved_days_ago=3, discharge=True)
    status, html = _page(w.riverside_client, w.person)
    assert status == 200 and "riverside-note" in html and "Read-only" in html


def test_the_caseload_lists_the_handover_with_its_end(moved_factory):
    w = moved_factory(moved_days_ago=5)
    html = w.riverside_client.get("/clinician/").get_data(as_text=True)
    assert "Recently moved on" in html and "Pat Moved" in html
    until = w.moved_on - timedelta(days=1) + timedelta(days=30)
    assert str(until.day) in html


def test_the_former_program_cannot_edit_the_safety_plan(moved_factory, db):
    from app.models import SafetyPlan

    w = moved_factory(moved_days_ago=5)
    url = f"/clinician/participants/{w.person.id}/safety-plan"
    page = w.riverside_client.get(url)
    assert page.status_code == 200 and "<textarea" not in page.get_data(as_text=True)
    response = post_form(w.riverside_client, url, {"version": "0", "warning_signs": "theirs"})
    assert response.status_code == 404
    assert db.session.scalar(sa.select(sa.func.count(SafetyPlan.id))) == 0
    assert post_form(w.summit_client, url, {"version": "0",
                                            "warning_signs": "ours"}).status_code == 302


def test_the_former_program_cannot_book_an_appointment(moved_factory, db):
    w = moved_factory(moved_days_ago=5)
    assert w.riverside_client.get(
        f"/clinician/sessions/series/new?participant={w.person.id}").status_code == 404
    form = w.riverside_client.get("/clinician/sessions/series/new").get_data(as_text=True)
    assert "Pat Moved" not in form
    response = post_form(w.riverside_client, "/clinician/sessions/series/new", {
        "program_id": w.riverside.id, "participant_id": w.person.id,
        "kind": "individual_therapy", "title": "Check-in", "time_zone": "America/New_York",
        "start_time": "10:00", "duration_minutes": 50,
        "start_date": (date.today() + timedelta(days=2)).isoformat(), "repeat": "once"})
    assert response.status_code in (400, 404)
    assert db.session.scalar(sa.select(sa.func.count(SessionSeries.id))) == 0


def test_scale_scores_follow_the_enrolment(moved_factory, db):
    w = moved_factory(moved_days_ago=5)
    _scale(db, w.person, w.riverside, w.in_riverside, total=17)
    _scale(db, w.person, w.summit, w.in_summit, total=4)
    riverside = _page(w.riverside_client, w.person)[1]
    summit = _page(w.summit_client, w.person)[1]
    assert "17 / 27" in riverside and "4 / 27" not in riverside
    assert "4 / 27" in summit and "17 / 27" not in summit


def test_alerts_follow_the_enrolment_but_an_open_one_stays_with_its_program(moved_factory, db):
    w = moved_factory(moved_days_ago=40)
    closed = _alert(db, w.person, w.riverside, w.in_riverside, acknowledged=True)
    still_open = _alert(db, w.person, w.riverside, w.in_riverside, acknowledged=False)
    # after the handover: the acknowledged alert is gone, the open one must still be handled
    assert w.riverside_client.get(f"/clinician/alerts/{closed.id}").status_code == 404
    assert w.riverside_client.get(f"/clinician/alerts/{still_open.id}").status_code == 200
    assert f"/clinician/alerts/{still_open.id}" in w.riverside_client.get(
        "/clinician/").get_data(as_text=True)
    response = post_form(w.riverside_client, f"/clinician/alerts/{still_open.id}",
                         {f"alert-{still_open.id}-action_taken": "Reached them by phone."})
    assert response.status_code == 302
    # the new program does not see the old program's alerts
    assert w.summit_client.get(f"/clinician/alerts/{closed.id}").status_code == 404


def test_acknowledged_alerts_are_readable_during_the_handover_only(moved_factory, db):
    w = moved_factory(moved_days_ago=5)
    closed = _alert(db, w.person, w.riverside, w.in_riverside, acknowledged=True)
    theirs = _alert(db, w.person, w.summit, w.in_summit, acknowledged=True)
    assert w.riverside_client.get(f"/clinician/alerts/{closed.id}").status_code == 200
    assert w.riverside_client.get(f"/clinician/alerts/{theirs.id}").status_code == 404
    assert w.summit_client.get(f"/clinician/alerts/{theirs.id}").status_code == 200


def _appointment(db, program, person, creator, start_day: date) -> SessionSeries:
    series = session_series.create_series(program, SeriesDetails(
        kind=SessionKind.INDIVIDUAL_THERAPY, title="One to one",
        time_zone=program.time_zone, start_time=time(10, 0), duration_minutes=50,
        start_date=start_day, recurrence="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU"),
        creator, person)
    db.session.commit()
    return series


def test_appointments_are_read_only_in_the_handover_and_gone_after(moved_factory, db):
    w = moved_factory(moved_days_ago=5)
    series = _appointment(db, w.riverside, w.person, w.riverside_clinician,
                          date.today() - timedelta(days=20))
    url = f"/clinician/sessions/series/{series.id}"
    assert w.riverside_client.get(url).status_code == 200
    assert "One to one" in w.riverside_client.get("/clinician/sessions/").get_data(as_text=True)
    assert w.riverside_client.get(f"{url}/edit").status_code == 404
    key = (datetime.combine(date.today() + timedelta(days=1), time(10))).strftime("%Y%m%dT%H%M")
    assert w.riverside_client.get(f"{url}/{key}/cancel").status_code == 404


def test_appointments_of_a_participant_gone_past_the_handover_are_404(moved_factory, db):
    w = moved_factory(moved_days_ago=35)
    series = _appointment(db, w.riverside, w.person, w.riverside_clinician,
                          date.today() - timedelta(days=60))
    assert w.riverside_client.get(f"/clinician/sessions/series/{series.id}").status_code == 404
    assert "One to one" not in w.riverside_client.get(
        "/clinician/sessions/").get_data(as_text=True)


def _group(db, program, creator, start_day: date) -> SessionSeries:
    series = session_series.create_series(program, SeriesDetails(
        kind=SessionKind.GROUP_THERAPY, title="Daily group", time_zone=program.time_zone,
        start_time=time(9, 0), duration_minutes=60, start_date=start_day,
        recurrence="FREQ=DAILY"), creator)
    db.session.commit()
    return series


def test_rosters_and_attendance_follow_the_rule(moved_factory, db):
    w = moved_factory(moved_days_ago=5)
    group = _group(db, w.riverside, w.riverside_clinician, date.today() - timedelta(days=50))
    day_in_riverside = w.moved_on - timedelta(days=2)
    key = datetime.combine(day_in_riverside, time(9)).strftime("%Y%m%dT%H%M")
    roster = f"/clinician/sessions/series/{group.id}/{key}"
    assert "Pat Moved" in w.riverside_client.get(roster).get_data(as_text=True)
    response = post_form(w.riverside_client, f"{roster}/attendance/{w.person.id}",
                         {"status": "present"})
    assert response.status_code == 404  # a mark is a write: it needs a current enrolment


def test_rosters_drop_a_participant_after_the_handover(moved_factory, db):
    w = moved_factory(moved_days_ago=35)
    group = _group(db, w.riverside, w.riverside_clinician, date.today() - timedelta(days=80))
    day_in_riverside = w.moved_on - timedelta(days=2)
    key = datetime.combine(day_in_riverside, time(9)).strftime("%Y%m%dT%H%M")
    page = w.riverside_client.get(f"/clinician/sessions/series/{group.id}/{key}")
    assert page.status_code == 200 and "Pat Moved" not in page.get_data(as_text=True)


def test_a_return_to_the_same_program_shows_only_the_new_stay(app, moved_factory, db):
    w = moved_factory(moved_days_ago=60)
    _scale(db, w.person, w.riverside, w.in_riverside, total=17)
    summit = db.session.scalar(sa.select(Enrolment).where(Enrolment.program_id == w.summit.id))
    with app.test_request_context():
        enrolments.transition(summit, date.today() - timedelta(days=2), w.summit_clinician,
                              to_program=w.riverside)
        db.session.commit()
    _checkin(db, w.person, w.riverside, NOW - timedelta(hours=3), "back-again-note")
    _scale(db, w.person, w.riverside, NOW - timedelta(hours=2), total=6)
    status, html = _page(w.riverside_client, w.person)
    assert status == 200 and "back-again-note" in html and "6 / 27" in html
    assert "17 / 27" not in html  # the first stay ended past the handover


def test_many_participants_at_once_follows_the_same_rule_at_every_edge(app, moved_factory, db,
                                                                        make_participant):
    """The bulk filter (caseload flags, review queue, exports) reads exactly the records the
    one-participant rule reads: each period's program only, from its first instant, up to
    (not including) its end, and only for the participant the period belongs to; the newest
    readable record per person (the caseload's last check-in) follows the same rule."""
    from app.care.scope import care_access, latest_readable, records_for_staff

    w = moved_factory(moved_days_ago=5)
    # Enrolled in Riverside a week ago: nothing of theirs from before that is Riverside's.
    newcomer = make_participant(w.riverside, w.riverside_clinician)
    micro = timedelta(microseconds=1)
    with app.test_request_context():
        edges = {at for staff in (w.riverside_clinician, w.summit_clinician)
                 for p in care_access(staff, w.person.id).periods
                 for instant in (p.starts_at, p.ends_at) if instant is not None
                 for at in (instant - micro, instant, instant + micro)}
        riverside_end = care_access(w.riverside_clinician, w.person.id).periods[0].ends_at
    edges |= {NOW - timedelta(days=2), NOW - timedelta(days=20)}
    for at in sorted(edges):
        for person in (w.person, newcomer):
            for program in (w.riverside, w.summit, None):
                if program is w.riverside and at == riverside_end - micro:
                    continue  # so the newest record in Riverside's period is another program's
                _checkin(db, person, program, at, f"edge {at.isoformat()}")
    _checkin(db, w.person, None, NOW - timedelta(hours=1), "newest, of no program")
    rows = db.session.execute(sa.select(Checkin.id, Checkin.participant_id, Checkin.program_id,
                                         Checkin.occurred_at)).all()
    with app.test_request_context():
        for staff in (w.riverside_clinician, w.summit_clinician):
            expected = {checkin_id for checkin_id, pid, program_id, at in rows
                        if care_access(staff, pid).holds(program_id, at)}
            found = set(db.session.scalars(sa.select(Checkin.id).where(records_for_staff(
                staff, Checkin.participant_id, Checkin.program_id, Checkin.occurred_at))))
            assert found == expected, staff.display_name
            assert expected  # each has something to read, and something not to
            assert len(expected) < len(rows)
            newest: dict[int, datetime] = {}
            for checkin_id, pid, _program_id, at in rows:
                if checkin_id in expected:
                    newest[pid] = max(newest.get(pid, at), at)
            latest: dict[int, datetime] = {}
            for pid, at in db.session.execute(latest_readable(
                    staff, [w.person.id, newcomer.id], Checkin, Checkin.occurred_at)):
                if at is not None:
                    latest[pid] = max(latest.get(pid, at), at)
            assert latest == newest, staff.display_name


def test_break_glass_reads_everything_of_that_one_person_in_bulk_too(app, moved_factory, db,
                                                                     make_user,
                                                                     make_participant):
    from app.care import break_glass
    from app.care.scope import latest_readable, records_for_staff
    from app.models import Role

    w = moved_factory(moved_days_ago=5)
    admin = make_user(Role.ADMIN, display_name="Ada Admin")
    bystander = make_participant(w.summit, w.summit_clinician)
    unfiled = _checkin(db, w.person, None, NOW - timedelta(minutes=30), "of no program")
    _checkin(db, bystander, w.summit, NOW - timedelta(minutes=10), "someone else")
    with app.test_request_context():
        break_glass.grant(admin, w.person, "Crisis line asked about this person.", 1)
        db.session.commit()
        seen = set(db.session.scalars(sa.select(Checkin.note).where(records_for_staff(
            admin, Checkin.participant_id, Checkin.program_id, Checkin.occurred_at))))
        latest = dict(db.session.execute(latest_readable(
            admin, [w.person.id, bystander.id], Checkin, Checkin.occurred_at)).tuples().all())
    assert seen == {"riverside-note", "summit-note", "of no program"}
    assert list(latest) == [w.person.id]
    assert latest[w.person.id].replace(tzinfo=UTC) == unfiled.occurred_at.replace(tzinfo=UTC)
