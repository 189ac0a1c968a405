"""No PHI in push payloads: every kind, planned and sent for real, decrypted at the push service.

Discreet mode (the default) must say exactly "You have a reminder" under a neutral title, and
nothing anywhere in the payload may name the person, their program, their clinician, a session
title, a scale, or carry words such as therapy, IOP, PHP, recovery or substance. Detailed mode
may say "Group at 10:00" but still never names anyone or anything clinical.
"""

import json
import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from app.medications import listing, reminders
from app.models import LevelOfCare, Reminder, SafetyAlert, SessionKind
from app.push import actions, kinds, payload
from app.push.preferences import save_preferences
from app.review import notes
from app.schedule import series as session_series
from app.schedule.service import find_occurrence
from app.skills import catalogue as skill_catalogue
from app.skills import homework as skill_homework

NY = ZoneInfo("America/New_York")
PHI_WORDS = ["therapy", "iop", "php", "recovery", "substance", "opioid", "alcohol", "suicid",
             "depress", "anxiety", "phq", "gad", "mood", "craving", "self-harm", "diagnos",
             "dbt", "psychiatr", "medication", "relapse", "intensive", "hospital"]
NAMES = ["Jordan", "Alvarez", "Riley", "Okafor", "Moreno", "Casey", "Riverside",
         "Skills for Opioid Recovery", "Medication review", "jordan@", "riley@", "Urge surfing",
         "555 010 7788", "5550107788", "Sam Alvarez", "555 010 9911", "Rough week",
         "Sertraline", "50 mg", "Dr Patel"]


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z][a-z-]+", text.lower()))


def _world(db, make_program, make_clinician, make_participant, make_session, make_device):
    program = make_program(name="Riverside Opioid Recovery IOP",
                           level_of_care=LevelOfCare.IOP)
    primary = make_clinician(program, display_name="Dr Casey Moreno")
    other = make_clinician(program, display_name="Dr Sam Okafor")
    discreet = make_participant(program, primary, display_name="Jordan Alvarez",
                                email="jordan@example.org", phone="+1 555 010 7788",
                                emergency_contact_name="Sam Alvarez",
                                emergency_contact_phone="+1 555 010 9911")
    detailed = make_participant(program, primary, display_name="Riley Okafor",
                                email="riley@example.org", phone="+1 555 010 7788")
    save_preferences(detailed, is_session_evening_before=True, is_homework_on=True,
                     detailed_kinds=[k.choice_key for k in kinds.participant_detail_kinds()])
    save_preferences(discreet, is_session_evening_before=True, is_homework_on=True)
    save_preferences(primary, detailed_kinds=["safety_alert"])
    db.session.commit()
    devices = {who: make_device(who) for who in (discreet, detailed, primary, other)}
    return program, primary, other, discreet, detailed, devices


def test_every_kind_discreet_and_detailed_carries_no_phi(
        db, world, make_program, make_clinician, make_participant, make_session, make_device,
        dispatcher, fake_push, clock, check_in):
    program, primary, other, discreet, detailed, devices = _world(
        db, make_program, make_clinician, make_participant, make_session, make_device)
    today = datetime.now(NY).date()
    day = today + timedelta(days=2)
    make_session(program, day, time(10, 0), title="DBT Skills for Opioid Recovery")
    for person in (discreet, detailed):
        make_session(program, day, time(15, 0), participant=person, title="Medication review",
                     kind=SessionKind.PSYCHIATRY)
    cancelled = make_session(program, day, time(12, 0), title="Relapse prevention therapy")
    # Noon the day before the sessions: everything is within the planning horizon.
    clock.now = datetime.combine(day - timedelta(days=1), time(12, 0), tzinfo=NY)
    session_series.cancel_occurrence(find_occurrence(cancelled, datetime.combine(day, time(12))),
                                     primary, "Facilitator ill")
    db.session.execute(sa.text("UPDATE session_occurrences SET changed_at = :t"),
                       {"t": clock.now.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)})
    skill_catalogue.sync()
    for person in (discreet, detailed):  # skills homework, with its reminder turned on
        skill_homework.assign(primary, person, {
            "skills": ["urge-surfing"], "target": "3", "due_on": (today + timedelta(days=5))
            .isoformat(), "note": "Relapse prevention: urge surfing before bed"})
    alert = check_in(discreet, safety_thoughts="yes", note="Jordan: very low mood").alert
    alert.created_at = clock.now
    for person in (discreet, detailed):
        actions.send_test(person, now=clock.now)
        notes.send_message(primary, person, "Rough week? Call me, Jordan: 555 010 7788")
        listing.add(person, listing.Details(name="Sertraline", strength="50 mg", form="tablet",
                                            amount="1 tablet", times=["18:00"],
                                            prescriber="Dr Patel", note="Sertraline at 18:00"),
                    today, primary, today)
        db.session.flush()
    db.session.execute(sa.text("UPDATE care_messages SET created_at = :t"),
                       {"t": clock.now.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)})
    db.session.commit()

    worker = dispatcher()
    for when in (time(12, 0), time(12, 31), time(18, 1), time(19, 1)):
        clock.now = datetime.combine(day - timedelta(days=1), when, tzinfo=NY)
        worker.run_once()
    for when in (time(9, 1), time(14, 1)):
        clock.now = datetime.combine(day, when, tzinfo=NY)
        worker.run_once()
    assert fake_push.errors == []

    sent = {}
    for who, device in devices.items():
        for received in fake_push.for_endpoint(device.endpoint):
            kind = received.message["notification"]["data"]["kind"]
            sent.setdefault((who.id, kind), []).append(received.message)
    participant_kinds = {"session", "session_evening", "session_change", "checkin", "scale",
                         "homework", "message", "test", "dose"}
    for person in (discreet, detailed):
        assert {kind for who, kind in sent if who == person.id} == participant_kinds
    assert (primary.id, "safety_alert") in sent and (other.id, "safety_alert") in sent
    assert set(kinds.KINDS) == participant_kinds | {"safety_alert"}  # every kind covered

    for (who, kind), messages in sent.items():
        is_detailed = who in (detailed.id,) or (who == primary.id and kind == "safety_alert")
        for message in messages:
            data = message["notification"]["data"]
            if kind == "dose":  # the "Taken" token names only the person and the doses
                assert reminders.read_token(data["dose_token"], data["dose"]) == who
            # Signed tokens are base64 whose letters could spell "php" by chance, so each is
            # checked by what it carries (signed, not encrypted: anyone can read it) instead.
            readable = {**message, "notification": {**message["notification"], "data": {
                k: v for k, v in data.items() if k not in ("snooze", "dose_token")}}}
            if "snooze" in data:
                readable["snooze_carries"] = payload.snooze_serializer().loads(data["snooze"])
            if "dose_token" in data:
                readable["dose_token_carries"] = reminders._serializer().loads(
                    data["dose_token"])
            text = json.dumps(readable, ensure_ascii=False)
            for name in NAMES:
                assert name.lower() not in text.lower(), (kind, name, text)
            assert not _words(text) & {w for w in PHI_WORDS if " " not in w}, (kind, text)
            assert not [w for w in PHI_WORDS if w in text.lower()], (kind, text)
            note = message["notification"]
            assert note["title"] == "Trellis"
            if not is_detailed:
                assert note["body"] == str(kinds.KINDS[kind].discreet), (kind, text)
            else:
                assert note["body"] != "You have a reminder" or kind == "test"
    detailed_bodies = {kind: messages[0]["notification"]["body"]
                       for (who, kind), messages in sent.items() if who == detailed.id}
    assert detailed_bodies["session"] in ("Group at 10:00\u202fAM — tap to see",
                                          "Appointment at 3:00\u202fPM — tap to see")
    assert "cancelled" in detailed_bodies["session_change"]
    assert sent[(primary.id, "safety_alert")][0]["notification"]["body"] == (
        "A safety alert needs attention — tap to see")
    assert sent[(other.id, "safety_alert")][0]["notification"]["body"] == "You have a reminder"
    assert db.session.scalar(sa.select(SafetyAlert.notified_at)) is not None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Reminder)) > 10
