"""The homework reminder: off unless the participant turns it on, discreet by default, on days
with practice still to do, never once they practised that day."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from app.models import Reminder, ReminderPreference, ReminderStatus, SkillHomework
from app.push import kinds, planner
from app.push.preferences import preferences_for, save_preferences
from app.skills import library
from tests.conftest import post_form
from tests.push.conftest import pending
from tests.skills.helpers import add_practice

NY = ZoneInfo("America/New_York")
#: Monday 11 January 2027, 07:00 in New York.
MONDAY_7AM = datetime(2027, 1, 11, 12, 0, tzinfo=UTC)
MONDAY = date(2027, 1, 11)


def _homework(db, world, key="paced-breathing", target=2, due_on=MONDAY + timedelta(days=4)):
    db.session.add(SkillHomework(
        participant_id=world.participant_a.id, assigned_by_id=world.clinician_a.id,
        skill_id=library.get_skill_for_program(world.iop, key).skill.id,
        target_count=target, starts_on=MONDAY, due_on=due_on))
    db.session.commit()


def _only_homework(db, user, **choices):
    save_preferences(user, is_checkin_on=False, is_scale_on=False, session_lead_minutes=0,
                     **choices)
    db.session.commit()


def test_it_is_off_by_default_and_discreet(db, world):
    _homework(db, world)
    assert preferences_for(world.participant_a).is_homework_on is False
    _only_homework(db, world.participant_a)
    planner.plan_person(world.participant_a, MONDAY_7AM)
    assert pending(db, "homework") == []
    kind = kinds.KINDS["homework"]
    assert str(kind.discreet) == "You have a reminder" and kind.quiet_hours
    assert "homework" in [k.key for k in kinds.participant_detail_kinds()]


def test_turned_on_it_comes_at_the_chosen_local_time_on_days_with_practice_to_do(db, world):
    _homework(db, world)
    _only_homework(db, world.participant_a, is_homework_on=True, homework_time=time(16, 30))
    planner.plan_person(world.participant_a, MONDAY_7AM)
    rows = sorted(pending(db, "homework"), key=lambda r: r.due_at)
    assert [r.due_at.astimezone(NY) for r in rows] == [
        datetime(2027, 1, 11, 16, 30, tzinfo=NY), datetime(2027, 1, 12, 16, 30, tzinfo=NY)]
    assert rows[0].stale_at == datetime(2027, 1, 12, 0, 0, tzinfo=NY)
    assert rows[0].context["path"] == "/skills"


def test_practising_that_day_cancels_it_and_finishing_stops_them(db, world):
    _homework(db, world)
    _only_homework(db, world.participant_a, is_homework_on=True)
    planner.plan_person(world.participant_a, MONDAY_7AM)
    add_practice(world.participant_a, "paced-breathing", datetime(2027, 1, 11, 9, 0, tzinfo=NY))
    [today, tomorrow] = sorted(pending(db, "homework"), key=lambda r: r.due_at)
    assert kinds.KINDS["homework"].unwanted([today, tomorrow]) == {today.id}
    planner.plan_person(world.participant_a, MONDAY_7AM + timedelta(hours=3))
    assert [r.context["day"] for r in pending(db, "homework")] == ["2027-01-12"]
    # A practice of another skill does not count as homework.
    add_practice(world.participant_a, "halt", datetime(2027, 1, 12, 9, 0, tzinfo=NY))
    assert kinds.KINDS["homework"].unwanted(pending(db, "homework")) == set()
    # The second practice completes it: nothing more to remind of.
    add_practice(world.participant_a, "paced-breathing", datetime(2027, 1, 11, 10, 0, tzinfo=NY))
    planner.plan_person(world.participant_a, MONDAY_7AM + timedelta(hours=4))
    assert pending(db, "homework") == []
    assert db.session.scalar(sa.select(sa.func.count(Reminder.id)).where(
        Reminder.kind == "homework", Reminder.status == ReminderStatus.CANCELLED)) == 2


def test_no_reminder_without_homework_or_after_the_due_day(db, world):
    _only_homework(db, world.participant_a, is_homework_on=True)
    planner.plan_person(world.participant_a, MONDAY_7AM)
    assert pending(db, "homework") == []
    _homework(db, world, due_on=MONDAY)
    planner.plan_person(world.participant_a, MONDAY_7AM)
    assert [r.context["day"] for r in pending(db, "homework")] == ["2027-01-11"]


def test_the_choice_is_on_me_reminders(participant_client, db, world):
    page = participant_client.get("/me/reminders").get_data(as_text=True)
    assert "Skills practice from your care team" in page
    assert post_form(participant_client, "/me/reminders", {
        "session_lead": "60", "checkin_time": "18:00", "homework_on": "y", "homework_time": "18:45",
        "quiet_on": "y", "quiet_start": "21:00", "quiet_end": "08:00"}).status_code == 302
    prefs = db.session.get(ReminderPreference, world.participant_a.id)
    assert prefs.is_homework_on and prefs.homework_time == time(18, 45)
    refused = post_form(participant_client, "/me/reminders", {
        "session_lead": "60", "checkin_time": "18:00", "homework_on": "y", "homework_time": "22:00",
        "quiet_on": "y", "quiet_start": "21:00", "quiet_end": "08:00"})
    assert refused.status_code == 400
    assert "This time is in your quiet hours" in refused.get_data(as_text=True)
    missing = post_form(participant_client, "/me/reminders", {
        "session_lead": "60", "checkin_time": "18:00", "homework_on": "y", "homework_time": ""})
    assert missing.status_code == 400
    db.session.refresh(prefs)
    assert prefs.homework_time == time(18, 45)
