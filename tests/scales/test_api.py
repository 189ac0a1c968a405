"""POST /api/v1/scale-responses: the offline queue's questionnaire, saved once per client UUID."""

import json
import uuid
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from app.models import SafetyAlert, ScaleResponse
from tests.conftest import csrf_token

UUID = "7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f"
PHQ9_NONE = {f"q{n}": 0 for n in range(1, 10)}


def post(client, body, csrf="auto", **kwargs):
    headers = kwargs.pop("headers", {})
    if csrf:
        headers["X-CSRFToken"] = csrf_token(client) if csrf == "auto" else csrf
    return client.post("/api/v1/scale-responses", json=body, headers=headers, **kwargs)


def _rows(db):
    db.session.expire_all()
    return db.session.scalars(sa.select(ScaleResponse)).all()


def test_created_once_then_replayed_then_409_for_other_answers(participant_client, db):
    body = {"scale": "phq9", "client_uuid": UUID, "answers": {**PHQ9_NONE, "q1": 2}}
    first = post(participant_client, body)
    assert first.status_code == 201
    (row,) = _rows(db)
    assert first.get_json() == {"id": row.id, "client_uuid": UUID}
    assert (row.total, row.answers["q1"]) == (2, 2)
    # the queue resends strings as the form had them; the phone's time is not the content
    as_form = {**body, "answers": {k: str(v) for k, v in body["answers"].items()},
               "client_timestamp": datetime.now(UTC).isoformat()}
    again = post(participant_client, as_form)
    assert again.status_code == 200 and again.get_json() == first.get_json()
    changed = post(participant_client, {**body, "answers": {**PHQ9_NONE, "q1": 3}})
    assert changed.status_code == 409 and "client_uuid" in changed.get_json()["errors"]
    assert len(_rows(db)) == 1


def test_the_form_then_the_queue_with_the_same_uuid_is_one_response(participant_client, db):
    form = {"csrf_token": csrf_token(participant_client), "client_uuid": UUID,
            **{k: str(v) for k, v in PHQ9_NONE.items()}}
    assert participant_client.post("/checkin/scales/phq9", data=form).status_code == 200
    resent = post(participant_client, {"scale": "phq9", "client_uuid": UUID,
                                       "answers": PHQ9_NONE,
                                       "client_timestamp": datetime.now(UTC).isoformat()})
    assert resent.status_code == 200 and len(_rows(db)) == 1


def test_invalid_answers_are_422_with_a_message_per_field(participant_client, db):
    response = post(participant_client, {
        "scale": "phq9", "client_uuid": UUID, "answers": {"q1": 7, "q2": "x", "q99": 1},
        "colour": "blue", "client_timestamp": "yesterday"})
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert {"q1", "q2", "q3", "q99", "colour", "client_timestamp"} <= set(errors)
    assert errors["q3"] == "Answer this question."
    for body in ({"scale": "nope", "client_uuid": UUID, "answers": PHQ9_NONE},
                 {"scale": "phq9", "answers": PHQ9_NONE},
                 {"scale": "phq9", "client_uuid": UUID, "answers": [0, 1]}):
        assert post(participant_client, body).status_code == 422
    assert _rows(db) == []


def test_a_scale_the_program_does_not_ask_is_422(participant_client, db, world):
    from app.checkins import settings as checkin_settings
    from app.checkins.items import OPTIONAL_KEYS

    checkin_settings.save(world.iop, set(OPTIONAL_KEYS), {"phq9": (False, 7)}, world.admin)
    db.session.commit()
    response = post(participant_client, {"scale": "phq9", "client_uuid": UUID,
                                         "answers": PHQ9_NONE})
    assert response.status_code == 422 and "scale" in response.get_json()["errors"]


def test_timestamps_in_the_future_or_over_7_days_back_are_422(participant_client, db):
    now = datetime.now(UTC)
    for stamp in (now + timedelta(hours=1), now - timedelta(days=8)):
        response = post(participant_client, {"scale": "phq9", "client_uuid": str(uuid.uuid4()),
                                              "answers": PHQ9_NONE,
                                              "client_timestamp": stamp.isoformat()})
        assert response.status_code == 422
        assert "client_timestamp" in response.get_json()["errors"]
    assert _rows(db) == []


def test_item_9_raises_one_alert_with_the_phone_s_time(participant_client, db, world):
    answered = (datetime.now(UTC) - timedelta(minutes=48)).replace(microsecond=0)
    body = {"scale": "phq9", "client_uuid": UUID, "answers": {**PHQ9_NONE, "q9": 2},
            "client_timestamp": answered.isoformat()}
    assert post(participant_client, body).status_code == 201
    assert post(participant_client, body).status_code == 200
    (alert,) = db.session.scalars(sa.select(SafetyAlert)).all()
    assert alert.triggers == [{"code": "phq9_q9", "value": 2}]
    assert alert.client_recorded_at == answered
    assert alert.created_at - answered >= timedelta(minutes=48)


def test_access_json_only_csrf(app, client, world, login_as, participant_client, db):
    body = {"scale": "phq9", "client_uuid": UUID, "answers": PHQ9_NONE}
    anonymous = post(client, body)
    assert anonymous.status_code == 401 and anonymous.get_json()["error"] == "sign_in_required"
    staff = app.test_client()
    login_as(world.clinician_a, on=staff)
    assert post(staff, body).status_code == 404
    assert post(participant_client, body, csrf=None).status_code == 400
    token = csrf_token(participant_client)
    as_form = participant_client.post("/api/v1/scale-responses", data={"scale": "phq9"},
                                      headers={"X-CSRFToken": token})
    assert as_form.status_code == 415 and as_form.is_json
    assert _rows(db) == []


def test_fuzzed_bodies_never_cause_a_server_error(participant_client):
    """Random JSON in every field: always 2xx, 409 or 422; a NUL character anywhere is refused
    at the boundary with 400 JSON (it cannot be saved)."""
    import random

    rng = random.Random(20261129)
    values = [None, True, 0, -1, 3, 2**63, 1.5, "", "2", "x", [], {}, {"q1": "1"}, "phq9",
              "gad7", "pcl5", "\x00", "é" * 500, "2027-03-14T02:30", "9999-12-31T23:59Z"]
    for _ in range(120):
        body = {key: rng.choice(values) for key in rng.sample(
            ["scale", "answers", "client_uuid", "client_timestamp", "extra"], rng.randint(0, 5))}
        if rng.random() < 0.5:
            body["answers"] = {f"q{rng.randint(1, 21)}": rng.choice(values) for _ in range(5)}
        if rng.random() < 0.5:
            body["client_uuid"] = str(uuid.UUID(int=rng.getrandbits(128)))
        response = post(participant_client, body)
        if "\\u0000" in json.dumps(body):
            assert response.status_code == 400 and response.is_json, body
            continue
        assert response.status_code in (200, 201, 409, 422), (body, response.get_data())
