"""Safety alerts: the primary clinician's devices at once, at high urgency; the program's other
clinicians after its escalation time while the alert is still open."""

from datetime import timedelta

import sqlalchemy as sa

from app.models import Reminder, ReminderStatus, SafetyAlert
from app.push import planner
from app.safety import alerts as safety


def _raise_alert(check_in, participant, clock):
    result = check_in(participant, safety_thoughts="yes")
    alert = result.alert
    assert alert is not None
    clock.now = alert.created_at + timedelta(seconds=1)
    return alert


def _received_by(fake_push, devices):
    return [r for device in devices for r in fake_push.for_endpoint(device.endpoint)]


def test_an_alert_goes_to_every_device_of_the_primary_clinician_at_once(
        db, world, make_device, make_clinician, dispatcher, fake_push, clock, check_in):
    other = make_clinician(world.iop, display_name="Clinician C")
    primary_devices = [make_device(world.clinician_a), make_device(world.clinician_a)]
    other_device = make_device(other)
    alert = _raise_alert(check_in, world.participant_a, clock)
    worker = dispatcher()
    worker.run_once()
    received = _received_by(fake_push, primary_devices)
    assert len(received) == 2
    assert {r.urgency for r in received} == {"high"}
    assert {r.message["notification"]["data"]["url"] for r in received} == {
        f"/clinician/alerts/{alert.id}"}
    assert _received_by(fake_push, [other_device]) == []
    db.session.refresh(alert)
    assert alert.notified_at is not None
    assert fake_push.errors == []


def test_an_open_alert_escalates_after_the_programs_time(
        db, world, make_device, make_clinician, dispatcher, fake_push, clock, check_in):
    world.iop.alert_escalation_minutes = 10
    db.session.commit()
    other = make_clinician(world.iop, display_name="Clinician C")
    make_device(world.clinician_a)
    other_device = make_device(other)
    outsider_device = make_device(world.clinician_b)  # another program's clinician
    alert = _raise_alert(check_in, world.participant_a, clock)
    worker = dispatcher()
    worker.run_once()
    clock.now = alert.created_at + timedelta(minutes=9, seconds=50)
    worker.run_once()
    assert _received_by(fake_push, [other_device]) == []
    clock.now = alert.created_at + timedelta(minutes=10)
    worker.run_once()
    [escalated] = _received_by(fake_push, [other_device])
    assert escalated.urgency == "high"
    assert _received_by(fake_push, [outsider_device]) == []


def test_an_acknowledged_alert_does_not_escalate(
        db, world, make_device, make_clinician, dispatcher, fake_push, clock, check_in):
    other = make_clinician(world.iop, display_name="Clinician C")
    make_device(world.clinician_a)
    other_device = make_device(other)
    alert = _raise_alert(check_in, world.participant_a, clock)
    worker = dispatcher()
    worker.run_once()
    assert safety.acknowledge(alert, world.clinician_a, "Called the participant; safe.")
    db.session.commit()
    clock.now = alert.created_at + timedelta(minutes=31)
    worker.run_once()
    assert _received_by(fake_push, [other_device]) == []
    statuses = db.session.scalars(sa.select(Reminder.status).where(
        Reminder.kind == "safety_alert", Reminder.user_id == other.id)).all()
    assert statuses == [ReminderStatus.CANCELLED]


def test_acknowledged_between_planning_and_sending_is_not_sent(
        db, world, make_device, make_clinician, dispatcher, fake_push, clock, check_in):
    make_device(world.clinician_a)
    alert = _raise_alert(check_in, world.participant_a, clock)
    planner.plan_everyone(clock())
    safety.acknowledge(alert, world.clinician_a, "Seen in group.")
    db.session.commit()
    dispatcher().run_once(plan=False)
    assert fake_push.requests == 0
    assert db.session.scalar(sa.select(Reminder.status)) == ReminderStatus.CANCELLED


def test_without_a_reachable_primary_the_other_clinicians_are_told_at_once(
        db, world, make_device, make_clinician, dispatcher, fake_push, clock, check_in):
    other = make_clinician(world.iop, display_name="Clinician C")
    other_device = make_device(other)  # the primary clinician has no device
    alert = _raise_alert(check_in, world.participant_a, clock)
    dispatcher().run_once()
    assert len(_received_by(fake_push, [other_device])) == 1
    db.session.refresh(alert)
    assert alert.notified_at is None  # the primary clinician has not been reached


def test_alert_rows_are_planned_once(db, world, make_clinician, clock, check_in):
    make_clinician(world.iop)
    _raise_alert(check_in, world.participant_a, clock)
    planner.plan_everyone(clock())
    counts = planner.plan_everyone(clock())
    assert counts == {"added": 0, "updated": 0, "cancelled": 0, "revived": 0}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Reminder)) == 2
    assert db.session.scalar(sa.select(SafetyAlert.notified_at)) is None


def test_admins_set_a_programs_escalation_time(client, db, world, login_as):
    from tests.conftest import post_form

    world.admin.programs = [world.iop]
    db.session.commit()
    login_as(world.admin)
    form = {"name": world.iop.name, "level_of_care": "iop", "time_zone": "America/New_York",
            "app_icon": "leaf"}
    page = client.get(f"/admin/programs/{world.iop.id}/edit").get_data(as_text=True)
    assert "Safety alert escalation (minutes)" in page and 'value="30"' in page
    bad = post_form(client, f"/admin/programs/{world.iop.id}/edit",
                    {**form, "alert_escalation_minutes": "2"})
    assert bad.status_code == 400 and "from 5 to 1440" in bad.get_data(as_text=True)
    ok = post_form(client, f"/admin/programs/{world.iop.id}/edit",
                   {**form, "alert_escalation_minutes": "15"})
    assert ok.status_code == 302
    db.session.refresh(world.iop)
    assert world.iop.alert_escalation_minutes == 15
