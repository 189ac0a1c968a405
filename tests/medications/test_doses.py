"""Marking doses: the API's contract, the form on Today, and every kind of bad input."""

import uuid
from datetime import timedelta

import sqlalchemy as sa

from app.database import utcnow
from app.medications.schedule import dose_key, local_today
from app.models import DoseStatus, MedicationDose
from tests.conftest import post_form
from tests.medications.conftest import backdate, today_in

API = "/api/v1/medication-doses"


def _key(medication, day=None, at="08:00"):
    from datetime import time

    return dose_key(medication.current.id, day or today_in(), time.fromisoformat(at))


def _post(client, body):
    return client.post(API, json=body, headers={"X-CSRFToken": _token(client)})


def _token(client):
    from tests.conftest import csrf_token

    return csrf_token(client)


def _marks(db):
    db.session.expire_all()
    return db.session.scalars(sa.select(MedicationDose).order_by(MedicationDose.id)).all()


def test_api_created_replayed_conflicting_and_invalid(world, db, participant_client,
                                                       add_medication):
    medication = add_medication(world.participant_a)
    body = {"client_uuid": str(uuid.uuid4()), "dose": _key(medication), "status": "taken"}
    first = _post(participant_client, body)
    assert first.status_code == 201, first.get_json()
    answer = first.get_json()
    assert answer["dose"] == body["dose"] and answer["status"] == "taken"
    assert "sertraline" not in first.get_data(as_text=True)  # no name in the answer either

    again = _post(participant_client, {**body, "client_timestamp": utcnow().isoformat()})
    assert again.status_code == 200 and again.get_json()["id"] == answer["id"]

    changed = _post(participant_client, {**body, "status": "skipped"})
    assert changed.status_code == 409
    assert changed.get_json()["id"] == answer["id"]
    assert "client_uuid" in changed.get_json()["errors"]

    invalid = _post(participant_client, {"client_uuid": str(uuid.uuid4()), "dose": body["dose"],
                                         "status": "maybe", "reason": "bored"})
    assert invalid.status_code == 422
    assert set(invalid.get_json()["errors"]) == {"status", "reason"}
    assert len(_marks(db)) == 1


def test_api_needs_a_client_uuid_and_json(world, participant_client, add_medication):
    medication = add_medication(world.participant_a)
    missing = _post(participant_client, {"dose": _key(medication)})
    assert missing.status_code == 422 and "client_uuid" in missing.get_json()["errors"]
    not_json = participant_client.post(API, data={"dose": "x"},
                                       headers={"X-CSRFToken": _token(participant_client)})
    assert not_json.status_code == 415


def test_api_refuses_anonymous_and_staff(client, clinician_client):
    anonymous = client.post(API, json={}, headers={"X-CSRFToken": _token(client)})
    assert anonymous.status_code == 401 and anonymous.get_json()["error"] == "sign_in_required"
    assert clinician_client.post(API, json={},
                                 headers={"X-CSRFToken": _token(clinician_client)}).status_code \
        == 404


def test_a_dose_marked_twice_is_harmless_and_the_latest_mark_counts(world, db, participant_client,
                                                                    add_medication):
    from app.medications.doses import latest_marks

    medication = add_medication(world.participant_a)
    key = _key(medication)
    for status in ("taken", "taken", "skipped"):
        response = _post(participant_client, {"client_uuid": str(uuid.uuid4()), "dose": key,
                                              "status": status})
        assert response.status_code == 201
    today = today_in()
    latest = latest_marks(world.participant_a.id, today, today)
    assert len(latest) == 1
    assert next(iter(latest.values())).status == DoseStatus.SKIPPED


def test_skip_keeps_its_reason_and_as_needed_doses_are_logged_with_a_time(
        world, db, participant_client, add_medication):
    scheduled = add_medication(world.participant_a)
    prn = add_medication(world.participant_a, name="hydroxyzine", as_needed=True)
    skipped = _post(participant_client, {"client_uuid": str(uuid.uuid4()), "dose": _key(scheduled),
                                         "status": "skipped", "reason": "ran_out"})
    assert skipped.status_code == 201
    earlier = (utcnow() - timedelta(hours=1)).replace(microsecond=0)
    logged = _post(participant_client, {"client_uuid": str(uuid.uuid4()),
                                        "medication_id": prn.id, "taken_at": earlier.isoformat()})
    assert logged.status_code == 201, logged.get_json()
    now_logged = _post(participant_client, {"client_uuid": str(uuid.uuid4()),
                                            "medication_id": prn.id})
    assert now_logged.status_code == 201
    skip, at_time, at_now = _marks(db)
    assert skip.skip_reason.value == "ran_out" and skip.taken_at is None
    assert at_time.taken_at == earlier and at_time.due_on is None
    assert abs(at_now.taken_at - utcnow()) < timedelta(minutes=1)


def test_bad_input_is_refused_with_a_message_for_its_field(world, db, participant_client,
                                                           add_medication, make_participant):
    medication = add_medication(world.participant_a)
    prn = add_medication(world.participant_a, name="hydroxyzine", as_needed=True)
    stopped = add_medication(world.participant_a, name="lithium")
    from app.medications import listing

    today = today_in()
    listing.stop(stopped, today - timedelta(days=1), world.participant_a, today)
    other = add_medication(world.participant_b)
    future = (utcnow() + timedelta(hours=2)).isoformat()
    cases = [
        ({"dose": "not-a-dose"}, "dose", "could not find"),
        ({"dose": _key(other)}, "dose", "could not find"),  # another participant's
        ({"dose": _key(medication, at="09:15")}, "dose", "not on your plan"),
        ({"dose": _key(medication, today + timedelta(days=1))}, "dose", "not due yet"),
        ({"dose": _key(medication, today - timedelta(days=2))}, "dose", "no longer"),
        ({"dose": _key(stopped)}, "dose", "stopped on"),
        ({"dose": _key(medication), "taken_at": future}, "taken_at", "future"),
        ({"dose": _key(medication), "taken_at": "yesterday-ish"}, "taken_at", "such as"),
        ({"dose": _key(medication), "status": "taken", "reason": "forgot"}, "reason", "skipped"),
        ({"medication_id": prn.id, "taken_at": future}, "taken_at", "future"),
        ({"medication_id": prn.id, "status": "skipped"}, "status", "as-needed"),
        ({"medication_id": medication.id}, "dose", "set times"),
        ({"medication_id": other.id}, "medication_id", "could not find"),
        ({"medication_id": stopped.id}, "medication_id", "stopped on"),
        ({}, "dose", "Choose a dose"),
    ]
    for body, field, words in cases:
        response = _post(participant_client, {"client_uuid": str(uuid.uuid4()), **body})
        assert response.status_code == 422, (body, response.get_json())
        assert words in response.get_json()["errors"][field], (body, response.get_json())
    assert _marks(db) == []


def test_todays_taken_button_marks_the_dose_and_answers_with_the_row(
        world, db, participant_client, add_medication):
    medication = add_medication(world.participant_a, name="<b>sertraline</b>",
                                times=("08:00", "20:00"))
    page = participant_client.get("/today").get_data(as_text=True)
    assert "&lt;b&gt;sertraline&lt;/b&gt;" in page and "<b>sertraline" not in page
    assert page.count('data-offline-queue="medication-dose"') >= 4
    key = _key(medication, at="20:00")
    response = post_form(participant_client, "/medications/doses",
                         {"client_uuid": str(uuid.uuid4()), "dose": key, "status": "taken",
                          "next": "/today"},
                         headers={"HX-Request": "true"})
    assert response.status_code == 200
    row = response.get_data(as_text=True)
    assert f'id="dose-{key}"' in row and "Taken at" in row and "&lt;b&gt;" in row
    assert 'name="next" value="/today"' in row  # the row's "Change" still returns to Today
    [mark] = _marks(db)
    assert mark.source == "form" and mark.due_on == today_in()


def test_a_form_with_a_problem_says_so_in_the_row_and_without_javascript_on_today(
        world, db, participant_client, add_medication):
    medication = add_medication(world.participant_a)
    backdate(db, medication, today_in() - timedelta(days=5))
    old = _key(medication, today_in() - timedelta(days=3))
    data = {"client_uuid": str(uuid.uuid4()), "dose": old, "status": "skipped",
            "reason": "forgot", "next": "/today"}
    fragment = post_form(participant_client, "/medications/doses", data,
                         headers={"HX-Request": "true"})
    assert fragment.status_code == 422
    assert "no longer be changed" in fragment.get_data(as_text=True)
    plain = post_form(participant_client, "/medications/doses", data)
    assert plain.status_code == 303 and plain.headers["Location"] == "/today"
    assert "no longer be changed" in participant_client.get("/today").get_data(as_text=True)
    assert _marks(db) == []


def test_the_dose_is_the_participants_local_day(world, db, participant_client, add_medication):
    world.participant_a.time_zone = "Pacific/Kiritimati"  # UTC+14: often "tomorrow" already
    db.session.commit()
    medication = add_medication(world.participant_a,
                                today=local_today("Pacific/Kiritimati", utcnow()))
    key = _key(medication, local_today("Pacific/Kiritimati", utcnow()))
    response = _post(participant_client, {"client_uuid": str(uuid.uuid4()), "dose": key})
    assert response.status_code == 201, response.get_json()
