"""Medication reminders: at each dose time and a follow-up while unmarked, DST-safe, quiet
hours not applied; marking cancels the follow-up; "Taken" and "Remind me in 30 min" from the
notification; the payload never names a medication."""

import json
import uuid
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from app.database import utcnow
from app.medications import doses as dose_marks
from app.medications import reminders
from app.medications.schedule import dose_key
from app.models import MedicationDose, Reminder, ReminderStatus
from app.push import planner
from tests.push.conftest import pending

NY = ZoneInfo("America/New_York")
DAY = date(2027, 6, 2)


def at(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=NY).astimezone(UTC)


def _rows(db, kind="dose"):
    db.session.expire_all()
    return {r.dedupe_key: r for r in db.session.scalars(
        sa.select(Reminder).where(Reminder.kind == kind))}


def _setup(world, add_medication, make_device, times=("08:00", "20:00")):
    person = world.participant_a
    medication = add_medication(person, times=times, start_on=DAY - timedelta(days=3),
                                today=DAY - timedelta(days=3))
    device = make_device(person)
    return person, medication, device


def test_planned_at_each_dose_time_with_a_follow_up(world, db, add_medication, make_device):
    person, medication, _device = _setup(world, add_medication, make_device)
    add_medication(person, name="propranolol", times=("08:00",), start_on=DAY, today=DAY)
    add_medication(person, name="hydroxyzine", as_needed=True, today=DAY)
    planner.plan_person(person, at(DAY, 7))
    rows = _rows(db)
    u = person.id
    assert set(rows) == {f"med:{u}:20270602:0800", f"med-again:{u}:20270602:0800:30",
                         f"med:{u}:20270602:2000", f"med-again:{u}:20270602:2000:30",
                         f"med:{u}:20270603:0800", f"med-again:{u}:20270603:0800:30"}
    morning = rows[f"med:{u}:20270602:0800"]
    assert morning.due_at == at(DAY, 8) and morning.stale_at == at(DAY, 12)
    assert len(morning.context["doses"].split(",")) == 2  # both 08:00 doses: one reminder
    assert rows[f"med-again:{u}:20270602:0800:30"].due_at == at(DAY, 8, 30)
    assert "sertraline" not in json.dumps([r.context for r in rows.values()])

    reminders.save_settings(person, True, 0)
    db.session.commit()
    planner.plan_person(person, at(DAY, 7))
    assert not [r for r in pending(db, "dose") if r.dedupe_key.startswith("med-again")]
    reminders.save_settings(person, False, 30)
    db.session.commit()
    planner.plan_person(person, at(DAY, 7))
    assert pending(db, "dose") == []


def test_quiet_hours_do_not_move_a_bedtime_dose_and_dst_days_plan_once(
        world, db, add_medication, make_device):
    person = world.participant_a
    add_medication(person, times=("02:30", "22:00"), start_on=date(2027, 3, 1),
                   today=date(2027, 3, 1))
    make_device(person)
    planner.plan_person(person, at(DAY, 12))
    bedtime = _rows(db)[f"med:{person.id}:20270602:2200"]
    assert bedtime.due_at == at(DAY, 22)  # inside the default quiet hours, still at 22:00

    spring = date(2027, 3, 14)
    db.session.execute(sa.delete(Reminder))
    db.session.commit()
    planner.plan_person(person, datetime(2027, 3, 14, 5, 0, tzinfo=UTC))  # 00:00 EST
    rows = [r for r in _rows(db).values() if r.dedupe_key.startswith("med:")
            and r.context["day"] == spring.isoformat()]
    assert [r.due_at for r in rows if r.context["at"] == "02:30"] == [
        datetime(2027, 3, 14, 7, 30, tzinfo=UTC)]  # 03:30 EDT, once


def test_marking_the_dose_cancels_its_follow_up_and_nothing_more_is_sent(
        world, db, add_medication, make_device, dispatcher, clock, fake_push):
    person, medication, device = _setup(world, add_medication, make_device)
    clock.now = at(DAY, 7, 59)
    worker = dispatcher()
    worker.run_once()
    clock.now = at(DAY, 8, 1)
    worker.run_once()
    [first] = fake_push.for_endpoint(device.endpoint)
    note = first.message["notification"]
    assert note["body"] == "You have a reminder" and note["tag"] == "trellis-dose"
    assert [a["action"] for a in note["actions"]] == ["taken", "snooze-30"]
    assert [a["title"] for a in note["actions"]] == ["Taken", "Remind me in 30 min"]
    key = dose_key(medication.current.id, DAY, time(8))
    assert note["data"]["dose"] == key and note["data"]["dose_token"]
    assert "sertraline" not in json.dumps(first.message).lower()

    dose_marks.record(person, {"client_uuid": str(uuid.uuid4()), "dose": key},
                      source="api", now=at(DAY, 8, 10))
    follow_up = _rows(db)[f"med-again:{person.id}:20270602:0800:30"]
    assert follow_up.status == ReminderStatus.CANCELLED
    clock.now = at(DAY, 8, 31)
    worker.run_once()
    assert len(fake_push.for_endpoint(device.endpoint)) == 1


def test_the_sender_drops_a_follow_up_for_a_dose_marked_since_planning(
        world, db, add_medication, make_device, dispatcher, clock, fake_push):
    person, medication, device = _setup(world, add_medication, make_device)
    clock.now = at(DAY, 8, 1)
    worker = dispatcher()
    worker.run_once()  # the 08:00 reminder
    # Marked by a path that did not cancel the rows (another process, a replayed upload).
    db.session.add(MedicationDose(participant_id=person.id, medication_id=medication.id,
                                  entry_id=medication.current.id, client_uuid=str(uuid.uuid4()),
                                  content_hash="x", status="taken", due_on=DAY, due_time=time(8),
                                  taken_at=at(DAY, 8, 5), recorded_at=at(DAY, 8, 5)))
    db.session.commit()
    clock.now = at(DAY, 8, 31)
    worker.run_once(plan=False)
    assert len(fake_push.for_endpoint(device.endpoint)) == 1
    follow_up = _rows(db)[f"med-again:{person.id}:20270602:0800:30"]
    assert follow_up.status in (ReminderStatus.CANCELLED, ReminderStatus.DROPPED)


def _sent_data(fake_push, device):
    return fake_push.for_endpoint(device.endpoint)[-1].message["notification"]["data"]


def test_taken_from_the_notification_marks_the_doses_once(
        world, db, client, add_medication, make_device, dispatcher, clock, fake_push):
    # Today's 08:00 doses, by the real clock: the endpoint marks them on the real day.
    person = world.participant_a
    today = datetime.now(NY).date()
    for name in ("sertraline", "propranolol"):
        add_medication(person, name=name, times=("08:00",), start_on=today, today=today)
    device = make_device(person)
    reminders_due = at(today, 8)
    clock.now = reminders_due - timedelta(minutes=1)
    worker = dispatcher()
    worker.run_once()
    clock.now = reminders_due + timedelta(minutes=1)
    worker.run_once()
    data = _sent_data(fake_push, device)
    names = data["dose"].split(",")
    assert len(names) == 2

    url = "/medications/taken-from-notification"
    body = {"dose": data["dose"], "token": data["dose_token"], "client_uuid": str(uuid.uuid4())}
    first = client.post(url, json=body)  # no session, no CSRF token: the signed token
    assert first.status_code == 201, first.get_json()
    assert {d["dose"] for d in first.get_json()["doses"]} == set(names)
    assert client.post(url, json=body).status_code == 200  # the worker retried: a replay
    marks = db.session.scalars(sa.select(MedicationDose)).all()
    assert len(marks) == 2 and {m.source for m in marks} == {"notification"}
    assert all(r.status != ReminderStatus.PENDING for r in _rows(db).values()
               if r.context.get("doses") == data["dose"])

    forged = client.post(url, json={**body, "token": body["token"][:-2] + "xx"})
    other_doses = client.post(url, json={**body, "dose": names[0]})
    form_post = client.post(url, data=body)
    assert (forged.status_code, other_doses.status_code, form_post.status_code) == (400, 400, 415)


def test_remind_me_in_30_minutes_from_the_notification(
        world, db, client, add_medication, make_device, dispatcher, clock, fake_push):
    person, medication, device = _setup(world, add_medication, make_device)
    reminders.save_settings(person, True, 0)  # no follow-up: only the snooze comes back
    db.session.commit()
    clock.now = at(DAY, 8, 1)
    worker = dispatcher()
    worker.run_once()
    data = _sent_data(fake_push, device)
    snoozed = client.post("/push/snooze", json={"token": data["snooze"], "minutes": 30})
    assert snoozed.status_code == 204
    [row] = [r for r in pending(db, "dose") if r.dedupe_key.startswith("snooze:")]
    assert abs(row.due_at - (utcnow() + timedelta(minutes=30))) < timedelta(minutes=1)
    assert row.context["doses"] == data["dose"]
    clock.now = row.due_at + timedelta(minutes=1)
    worker.run_once(plan=False)
    assert len(fake_push.for_endpoint(device.endpoint)) == 2
