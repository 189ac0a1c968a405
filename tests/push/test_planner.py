"""Planning: reminders come from the schedule, check-ins and scales, idempotently."""

import uuid
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from app.database import utcnow
from app.models import Checkin, Enrolment, EnrolmentStatus, Reminder, ReminderStatus
from app.push import planner
from app.push.preferences import save_preferences
from app.schedule import series as session_series
from app.schedule.service import find_occurrence
from tests.push.conftest import pending

NY = ZoneInfo("America/New_York")
#: Monday 11 January 2027, 07:00 in New York.
MONDAY_7AM = datetime(2027, 1, 11, 12, 0, tzinfo=UTC)
MONDAY = date(2027, 1, 11)


def _quiet_only_sessions(db, user, **choices):
    """Only session reminders (no check-in or scale rows in the way)."""
    save_preferences(user, is_checkin_on=False, is_scale_on=False, **choices)
    db.session.commit()


def test_session_reminder_is_planned_60_minutes_before_and_stale_at_the_start(
        db, world, make_session):
    _quiet_only_sessions(db, world.participant_a)
    make_session(world.iop, MONDAY, time(10, 0))
    planner.plan_person(world.participant_a, MONDAY_7AM)
    [row] = pending(db)
    assert row.kind == "session"
    assert row.due_at == datetime(2027, 1, 11, 14, 0, tzinfo=UTC)  # 09:00 New York
    assert row.stale_at == datetime(2027, 1, 11, 15, 0, tzinfo=UTC)
    assert row.context["what"] == "group" and row.context["at"] == "10:00"
    assert row.context["path"].startswith("/sessions/")


def test_planning_the_same_reminders_twice_adds_and_changes_nothing(
        db, world, make_session):
    make_session(world.iop, MONDAY, time(10, 0))
    make_session(world.iop, MONDAY + timedelta(days=1), time(14, 0),
                 participant=world.participant_a, title="Individual")
    first = planner.plan_person(world.participant_a, MONDAY_7AM)
    rows = {r.dedupe_key: r.updated_at for r in db.session.scalars(sa.select(Reminder))}
    second = planner.plan_person(world.participant_a, MONDAY_7AM + timedelta(minutes=1))
    assert first["added"] >= 3  # two sessions, check-ins, scales
    assert second == {"added": 0, "updated": 0, "cancelled": 0, "revived": 0}
    db.session.expire_all()
    assert {r.dedupe_key: r.updated_at for r in db.session.scalars(sa.select(Reminder))} == rows


def test_changing_the_lead_time_replaces_the_pending_reminder(db, world, make_session):
    _quiet_only_sessions(db, world.participant_a)
    make_session(world.iop, MONDAY, time(10, 0))
    planner.plan_person(world.participant_a, MONDAY_7AM)
    _quiet_only_sessions(db, world.participant_a, session_lead_minutes=30)
    counts = planner.plan_person(world.participant_a, MONDAY_7AM)
    assert counts["added"] == 1 and counts["cancelled"] == 1
    [row] = pending(db)
    assert row.due_at == datetime(2027, 1, 11, 14, 30, tzinfo=UTC)


def test_turning_session_reminders_off_cancels_them(db, world, make_session):
    _quiet_only_sessions(db, world.participant_a)
    make_session(world.iop, MONDAY, time(10, 0))
    planner.plan_person(world.participant_a, MONDAY_7AM)
    _quiet_only_sessions(db, world.participant_a, session_lead_minutes=0)
    planner.plan_person(world.participant_a, MONDAY_7AM)
    assert pending(db) == []
    assert db.session.scalar(sa.select(Reminder.status)) == ReminderStatus.CANCELLED


def test_evening_before_reminder_at_19_local_when_chosen(db, world, make_session):
    _quiet_only_sessions(db, world.participant_a, session_lead_minutes=0,
                         is_session_evening_before=True)
    make_session(world.iop, MONDAY + timedelta(days=1), time(9, 0))
    planner.plan_person(world.participant_a, MONDAY_7AM)
    [row] = pending(db)
    assert row.kind == "session_evening"
    assert row.due_at == datetime(2027, 1, 12, 0, 0, tzinfo=UTC)  # 19:00 New York


def test_quiet_hours_move_a_reminder_to_their_end(db, world, make_session):
    _quiet_only_sessions(db, world.participant_a)
    make_session(world.iop, MONDAY, time(8, 30))  # 60 min before is 07:30, in quiet hours
    planner.plan_person(world.participant_a, MONDAY_7AM - timedelta(hours=6))
    [row] = pending(db)
    assert row.due_at.astimezone(NY).time() == time(8, 0)
    assert row.stale_at.astimezone(NY).time() == time(8, 30)


def test_a_reminder_stale_by_the_end_of_quiet_hours_is_dropped(db, world, make_session):
    _quiet_only_sessions(db, world.participant_a)
    make_session(world.iop, MONDAY, time(8, 0))  # due 07:00, quiet until 08:00 = its start
    planner.plan_person(world.participant_a, MONDAY_7AM - timedelta(hours=6))
    assert pending(db) == []


def test_quiet_hours_can_be_turned_off(db, world, make_session):
    _quiet_only_sessions(db, world.participant_a, quiet_start=time(0), quiet_end=time(0))
    make_session(world.iop, MONDAY, time(8, 0))
    planner.plan_person(world.participant_a, MONDAY_7AM - timedelta(hours=6))
    [row] = pending(db)
    assert row.due_at.astimezone(NY).time() == time(7, 0)


def _session_in_two_days(make_session, program, at=time(10, 0)):
    day = utcnow().astimezone(NY).date() + timedelta(days=2)
    series = make_session(program, day, at)
    return series, datetime.combine(day, at)


def test_a_moved_session_moves_its_reminder_and_is_announced(db, world, make_session):
    _quiet_only_sessions(db, world.participant_a, quiet_start=time(0), quiet_end=time(0))
    series, local = _session_in_two_days(make_session, world.iop)
    now = utcnow()
    planner.plan_person(world.participant_a, now + timedelta(days=1))
    [before] = pending(db, "session")
    session_series.move_occurrence(find_occurrence(series, local), local + timedelta(hours=3),
                                   90, world.clinician_a, "Room change")
    db.session.commit()
    planner.plan_person(world.participant_a, now + timedelta(days=1))
    db.session.refresh(before)
    assert before.status == ReminderStatus.CANCELLED
    [after] = pending(db, "session")
    assert after.context["at"] == "13:00"
    [notice] = pending(db, "session_change")
    assert notice.context["change"] == "moved"
    assert notice.stale_at == after.stale_at  # the later of the old and the new start


def test_a_cancelled_session_cancels_its_reminder_and_is_announced(db, world, make_session):
    _quiet_only_sessions(db, world.participant_a, quiet_start=time(0), quiet_end=time(0))
    series, local = _session_in_two_days(make_session, world.iop)
    planner.plan_person(world.participant_a, utcnow())
    session_series.cancel_occurrence(find_occurrence(series, local), world.clinician_a, None)
    db.session.commit()
    planner.plan_person(world.participant_a, utcnow())
    assert pending(db, "session") == []
    [notice] = pending(db, "session_change")
    assert notice.context["change"] == "cancelled"
    assert notice.due_at <= utcnow()


def _checkin(db, participant, at: datetime):
    db.session.add(Checkin(participant_id=participant.id, client_uuid=str(uuid.uuid4()),
                           content_hash="0" * 64, occurred_at=at, received_at=at, mood=3))
    db.session.commit()


def test_daily_checkin_reminder_at_the_chosen_local_time(db, world):
    save_preferences(world.participant_a, checkin_time=time(18, 30), is_scale_on=False)
    db.session.commit()
    planner.plan_person(world.participant_a, MONDAY_7AM)
    rows = pending(db, "checkin")
    assert [r.due_at.astimezone(NY) for r in rows] == [
        datetime(2027, 1, 11, 18, 30, tzinfo=NY), datetime(2027, 1, 12, 18, 30, tzinfo=NY)]
    assert rows[0].stale_at == datetime(2027, 1, 12, 0, 0, tzinfo=NY)


def test_checking_in_cancels_that_days_reminder_and_deleting_it_brings_it_back(db, world):
    save_preferences(world.participant_a, is_scale_on=False)
    db.session.commit()
    planner.plan_person(world.participant_a, MONDAY_7AM)
    _checkin(db, world.participant_a, MONDAY_7AM + timedelta(hours=1))
    planner.plan_person(world.participant_a, MONDAY_7AM + timedelta(hours=2))
    assert [r.context["day"] for r in pending(db, "checkin")] == ["2027-01-12"]
    checkin = db.session.scalar(sa.select(Checkin))
    checkin.deleted_at = MONDAY_7AM + timedelta(hours=3)
    db.session.commit()
    counts = planner.plan_person(world.participant_a, MONDAY_7AM + timedelta(hours=3))
    assert counts["revived"] == 1
    assert [r.context["day"] for r in pending(db, "checkin")] == ["2027-01-11", "2027-01-12"]


def _fire_daily_reminder_around(db, world, make_device, dispatcher, fake_push, clock,
                                at: time, first: datetime) -> list:
    """Plan and send every 30 minutes for two days; the check-in reminders that arrived."""
    save_preferences(world.participant_a, checkin_time=at, is_scale_on=False,
                     quiet_start=time(0), quiet_end=time(0))
    db.session.commit()
    make_device(world.participant_a)
    clock.now = first
    worker = dispatcher()
    while clock.now < first + timedelta(days=2):
        worker.run_once()
        clock.advance(minutes=30)
    assert fake_push.errors == []
    rows = db.session.scalars(sa.select(Reminder).where(Reminder.kind == "checkin")
                              .order_by(Reminder.due_at))
    return [(r.context["day"], r.sent_at) for r in rows if r.status == ReminderStatus.SENT]


def test_a_0230_reminder_on_the_spring_forward_day_fires_once(
        db, world, make_device, dispatcher, fake_push, clock):
    sent = _fire_daily_reminder_around(db, world, make_device, dispatcher, fake_push, clock,
                                       time(2, 30), datetime(2027, 3, 13, 5, 0, tzinfo=UTC))
    days = [day for day, _sent in sent]
    assert days == ["2027-03-13", "2027-03-14"]
    assert len([r for r in fake_push.received if r.message["notification"]["tag"]
                == "trellis-checkin"]) == 2
    # 02:30 does not exist on 14 March: it is 03:30 EDT (07:30 UTC), once.
    spring = dict(sent)["2027-03-14"]
    assert datetime(2027, 3, 14, 7, 30, tzinfo=UTC) <= spring < datetime(2027, 3, 14, 8, 0,
                                                                        tzinfo=UTC)


def test_a_0130_reminder_on_the_fall_back_day_fires_once(
        db, world, make_device, dispatcher, fake_push, clock):
    sent = _fire_daily_reminder_around(db, world, make_device, dispatcher, fake_push, clock,
                                       time(1, 30), datetime(2027, 11, 6, 4, 0, tzinfo=UTC))
    assert [day for day, _sent in sent] == ["2027-11-06", "2027-11-07"]
    # 01:30 happens twice on 7 November: the first (EDT, 05:30 UTC), and only that one.
    fall = dict(sent)["2027-11-07"]
    assert datetime(2027, 11, 7, 5, 30, tzinfo=UTC) <= fall < datetime(2027, 11, 7, 6, 0,
                                                                      tzinfo=UTC)


def test_a_due_scale_is_reminded_once_per_cycle(db, world):
    save_preferences(world.participant_a, is_checkin_on=False, checkin_time=time(18, 0))
    db.session.commit()
    planner.plan_person(world.participant_a, MONDAY_7AM)
    rows = pending(db, "scale")
    assert sorted(r.context["scale"] for r in rows) == ["gad7", "phq9"]
    assert {r.due_at.astimezone(NY) for r in rows} == {datetime(2027, 1, 11, 18, 0, tzinfo=NY)}
    planner.plan_person(world.participant_a, MONDAY_7AM + timedelta(days=1))
    assert len(pending(db, "scale")) == 2  # the same two rows: keyed on the due cycle


def test_a_discharged_participant_gets_no_more_program_reminders(db, world, make_session):
    make_session(world.iop, MONDAY, time(10, 0))
    planner.plan_person(world.participant_a, MONDAY_7AM)
    assert pending(db)
    enrolment = db.session.scalar(sa.select(Enrolment).where(
        Enrolment.participant_id == world.participant_a.id))
    enrolment.status = EnrolmentStatus.DISCHARGED
    db.session.commit()
    planner.plan_person(world.participant_a, MONDAY_7AM)
    assert pending(db) == []


def test_plan_all_plans_participants_with_a_device(db, world, make_device):
    make_device(world.participant_a)
    totals = planner.plan_all(MONDAY_7AM)
    assert totals["errors"] == 0
    assert {r.user_id for r in pending(db)} == {world.participant_a.id}


def test_plan_all_skips_people_with_nothing_to_plan_and_tidies_the_discharged(
        db, world, make_device, make_session):
    from app.models import Role, User

    make_session(world.iop, MONDAY, time(10, 0))
    make_device(world.participant_a)
    make_device(world.participant_b)
    unenrolled = User(email="left@example.org", display_name="Left", role=Role.PARTICIPANT)
    db.session.add(unenrolled)
    db.session.commit()
    make_device(unenrolled)
    planner.plan_all(MONDAY_7AM)
    assert world.participant_a.id in planner.people_to_plan()
    assert unenrolled.id not in planner.people_to_plan()  # no program: nothing to remind of
    enrolment = db.session.scalar(sa.select(Enrolment).where(
        Enrolment.participant_id == world.participant_a.id))
    enrolment.status = EnrolmentStatus.DISCHARGED
    db.session.commit()
    assert world.participant_a.id in planner.people_to_plan()  # pending rows to cancel
    planner.plan_all(MONDAY_7AM)
    assert world.participant_a.id not in {r.user_id for r in pending(db)}
    assert world.participant_a.id not in planner.people_to_plan()
