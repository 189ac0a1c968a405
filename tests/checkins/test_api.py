"""POST /api/v1/checkins: created once per client UUID, 409 on a changed body, 422 field errors."""

import json
import random
import uuid
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from app.models import Checkin, SafetyAlert
from tests.checkins.helpers import api_post, checkin_form

UUID = "3f2b8c1e-7d4a-4e5b-9c6d-1a2b3c4d5e6f"


def _count(db, model=Checkin):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_a_check_in_is_created_with_201_and_its_id(participant_client, db, world):
    response = api_post(participant_client, {
        "client_uuid": UUID, "mood": 3, "feelings": ["calm"], "anxiety": 4, "craving": 0,
        "sleep_hours": 7.5, "used_substances": False, "took_medications": True,
        "self_harm_urge": 0, "safety_thoughts": False, "note": "offline"})
    assert response.status_code == 201
    row = db.session.scalar(sa.select(Checkin))
    assert response.get_json() == {"id": row.id, "client_uuid": UUID}
    assert response.mimetype == "application/json"
    assert (row.participant_id, row.source, row.mood, row.sleep_hours, row.note) == (
        world.participant_a.id, "api", 3, 7.5, "offline")


def test_the_same_uuid_and_content_answers_200_with_the_same_body(participant_client, db):
    body = {"client_uuid": UUID, "mood": 2, "note": "hello", "feelings": ["sad", "tired"]}
    first = api_post(participant_client, body)
    reordered = {"feelings": ["tired", "sad"], "note": "hello", "mood": 2, "client_uuid": UUID}
    second = api_post(participant_client, reordered)
    third = api_post(participant_client, {**body, "client_uuid": UUID.upper()})
    assert first.status_code == 201
    assert second.status_code == third.status_code == 200
    assert first.get_json() == second.get_json() == third.get_json()
    assert _count(db) == 1


def test_the_same_uuid_with_different_content_answers_409(participant_client, db):
    api_post(participant_client, {"client_uuid": UUID, "mood": 2})
    response = api_post(participant_client, {"client_uuid": UUID, "mood": 4})
    assert response.status_code == 409
    assert "client_uuid" in response.get_json()["errors"]
    assert _count(db) == 1
    row = db.session.scalar(sa.select(Checkin))
    assert row.mood == 2


def test_another_participant_may_use_the_same_uuid(app, participant_client, world, login_as, db):
    api_post(participant_client, {"client_uuid": UUID, "mood": 2})
    other = app.test_client()
    login_as(world.participant_b, on=other)
    response = api_post(other, {"client_uuid": UUID, "mood": 5})
    assert response.status_code == 201
    assert _count(db) == 2


def test_a_replay_after_the_participant_deleted_the_check_in_is_still_recognised(
        participant_client, db):
    from tests.conftest import post_form

    created = api_post(participant_client, {"client_uuid": UUID, "mood": 2}).get_json()
    post_form(participant_client, f"/checkin/{created['id']}/delete")
    again = api_post(participant_client, {"client_uuid": UUID, "mood": 2})
    assert again.status_code == 200 and again.get_json() == created
    assert _count(db) == 1


def test_invalid_values_answer_422_field_by_field_and_save_nothing(participant_client, db):
    response = api_post(participant_client, {
        "client_uuid": "not-a-uuid", "mood": 0, "anxiety": "lots", "craving": 10.5,
        "sleep_hours": -1, "used_substances": "sometimes", "self_harm_urge": True,
        "feelings": "calm,sad", "note": "x" * 2001, "client_time_zone": "Mars/Olympus",
        "client_timestamp": "yesterday", "colour": "blue"})
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert set(errors) == {"client_uuid", "mood", "anxiety", "craving", "sleep_hours",
                           "used_substances", "self_harm_urge", "feelings", "note",
                           "client_time_zone", "client_timestamp", "colour"}
    assert all(isinstance(message, str) and message for message in errors.values())
    assert _count(db) == 0


def test_missing_mood_and_uuid_are_422(participant_client, db):
    response = api_post(participant_client, {"anxiety": 3})
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"mood", "client_uuid"}


def test_timestamps_in_the_future_or_over_7_days_back_are_422(participant_client, db):
    now = datetime.now(UTC)
    for stamp in (now + timedelta(hours=1), now - timedelta(days=8)):
        response = api_post(participant_client, {"client_uuid": str(uuid.uuid4()), "mood": 3,
                                                  "client_timestamp": stamp.isoformat()})
        assert response.status_code == 422
        assert "client_timestamp" in response.get_json()["errors"]
    assert _count(db) == 0


def test_the_client_s_time_and_zone_are_recorded_with_the_server_s_receipt(participant_client,
                                                                            db):
    sent = (datetime.now(UTC) - timedelta(hours=5)).replace(microsecond=0)
    local = sent.astimezone(__import__("zoneinfo").ZoneInfo("Europe/Paris"))
    before = datetime.now(UTC)
    response = api_post(participant_client, {
        "client_uuid": UUID, "mood": 3, "client_timestamp": local.isoformat(),
        "client_time_zone": "Europe/Paris"})
    assert response.status_code == 201
    row = db.session.scalar(sa.select(Checkin))
    assert row.client_recorded_at == sent and row.occurred_at == sent
    assert row.client_time_zone == "Europe/Paris"
    assert before - timedelta(seconds=1) <= row.received_at <= datetime.now(UTC)


def test_a_missing_csrf_token_is_a_json_400(participant_client, db):
    response = api_post(participant_client, {"client_uuid": UUID, "mood": 3}, csrf=None)
    assert response.status_code == 400
    assert response.mimetype == "application/json" and "error" in response.get_json()
    wrong = api_post(participant_client, {"client_uuid": UUID, "mood": 3}, csrf="forged")
    assert wrong.status_code == 400 and wrong.mimetype == "application/json"
    assert _count(db) == 0


def test_signed_out_callers_get_401_json_and_staff_404_json(app, client, world, login_as, db):
    anonymous = api_post(client, {"client_uuid": UUID, "mood": 3})
    assert anonymous.status_code == 401 and anonymous.get_json()["error"] == "sign_in_required"
    staff = app.test_client()
    login_as(world.clinician_a, on=staff)
    response = api_post(staff, {"client_uuid": UUID, "mood": 3})
    assert response.status_code == 404 and response.mimetype == "application/json"
    assert _count(db) == 0


def test_wrong_content_and_methods_answer_json(participant_client):
    from tests.conftest import csrf_token

    token = csrf_token(participant_client)
    as_form = participant_client.post("/api/v1/checkins", data={"mood": "3"},
                                      headers={"X-CSRFToken": token})
    assert as_form.status_code == 415 and as_form.is_json
    broken = participant_client.post("/api/v1/checkins", data="{not json",
                                     content_type="application/json",
                                     headers={"X-CSRFToken": token})
    assert broken.status_code == 400 and broken.is_json
    listed = api_post(participant_client, [{"mood": 3}])
    assert listed.status_code == 400 and listed.is_json
    get = participant_client.get("/api/v1/checkins")
    assert get.status_code == 405 and get.is_json


def test_a_positive_safety_answer_over_the_api_raises_one_alert(participant_client, db, world):
    body = {"client_uuid": UUID, "mood": 1, "safety_thoughts": True}
    assert api_post(participant_client, body).status_code == 201
    assert api_post(participant_client, body).status_code == 200
    (alert,) = db.session.scalars(sa.select(SafetyAlert)).all()
    assert alert.triggers == [{"code": "safety_question", "value": True}]
    assert alert.program_id == world.iop.id and alert.notified_at is None


def test_the_form_and_the_api_share_one_validation(participant_client):
    form = checkin_form(participant_client, {"note": "x" * 2001, "anxiety": "11"})
    api = api_post(participant_client, {"client_uuid": UUID, "mood": 3, "note": "x" * 2001,
                                        "anxiety": 11})
    errors = api.get_json()["errors"]
    html = form.get_data(as_text=True)
    for field in ("note", "anxiety"):
        assert errors[field] in html


def test_fuzzed_bodies_never_cause_a_server_error(participant_client, db):
    """Random values of every JSON type in every field: always a 2xx, 409 or 422 (a NUL
    character anywhere is refused whole with 400, as in every form)."""
    rng = random.Random(20261126)
    values = [None, True, False, 0, -1, 3, 5, 10, 11, 2**63, 1.5, float("1e308"), "", "3",
              "yes", "no", "\x00", "<script>", "é" * 3000, [], ["calm"], ["calm", 3], {},
              {"a": 1}, "2026-13-45T99:99", "9999-12-31T23:59:59-14:00",
              "0001-01-01T00:00+14:00", "2027-03-14T02:30", "Z", "America/New_York", "²",
              "٣", "1e999", 10**400, "NaN", "-0", " 4 "]
    fields = ["mood", "feelings", "anxiety", "craving", "sleep_hours", "used_substances",
              "took_medications", "self_harm_urge", "safety_thoughts", "note", "occurred_at",
              "client_timestamp", "client_time_zone", "client_uuid"]
    for _ in range(150):
        body = {f: rng.choice(values) for f in rng.sample(fields, rng.randint(0, len(fields)))}
        if rng.random() < 0.5:
            body["client_uuid"] = str(uuid.UUID(int=rng.getrandbits(128)))
        response = api_post(participant_client, json.loads(json.dumps(body)))
        has_nul = any(isinstance(v, str) and "\x00" in v for v in body.values())
        expected = (400,) if has_nul else (200, 201, 409, 422)
        assert response.status_code in expected, (body, response.get_data())
