"""POST /api/v1/skill-practices: created once per client UUID, 200 on a replay, 409 on a changed
body, 422 with field errors; the same contract as POST /api/v1/checkins."""

import json
import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.models import SkillPractice
from app.skills import editing, library
from tests.conftest import csrf_token, post_form
from tests.skills.helpers import api_post, count

UUID = "7c9e6679-7425-40de-944b-e07fc1f90ae7"


def test_a_practice_is_created_with_201_and_its_id(participant_client, db, world):
    response = api_post(participant_client, {
        "client_uuid": UUID, "skill": "urge-surfing", "distress_before": 7,
        "distress_after": 4, "helpful": 4, "minutes": 12, "note": "offline on the bus"})
    assert response.status_code == 201 and response.mimetype == "application/json"
    row = db.session.scalar(sa.select(SkillPractice))
    assert response.get_json() == {"id": row.id, "client_uuid": UUID}
    assert (row.participant_id, row.program_id, row.source, row.skill.key) == (
        world.participant_a.id, world.iop.id, "api", "urge-surfing")
    assert (row.distress_before, row.distress_after, row.helpful, row.minutes, row.note) == (
        7, 4, 4, 12, "offline on the bus")


def test_the_same_uuid_and_content_answers_200_with_the_same_body(participant_client, db):
    body = {"client_uuid": UUID, "skill": "halt", "distress_before": 5, "note": "x"}
    first = api_post(participant_client, body)
    second = api_post(participant_client, {"note": "x", "distress_before": 5, "skill": "halt",
                                           "client_uuid": UUID.upper()})
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.get_json() == second.get_json()
    assert count() == 1


def test_the_same_uuid_with_different_content_answers_409(participant_client, db):
    api_post(participant_client, {"client_uuid": UUID, "skill": "halt", "helpful": 2})
    response = api_post(participant_client, {"client_uuid": UUID, "skill": "halt", "helpful": 5})
    assert response.status_code == 409
    body = response.get_json()
    assert "client_uuid" in body["errors"] and body["client_uuid"] == UUID
    assert db.session.scalar(sa.select(SkillPractice.helpful)) == 2 and count() == 1


def test_a_replay_is_recognised_after_deleting_and_after_the_skill_was_hidden(
        participant_client, db, world):
    body = {"client_uuid": UUID, "skill": "halt"}
    created = api_post(participant_client, body).get_json()
    editing.set_hidden(world.clinician_a, world.iop,
                       library.get_skill_for_program(world.iop, "halt"), True)
    assert api_post(participant_client, body).status_code == 200
    post_form(participant_client, f"/skills/practices/{created['id']}/delete")
    again = api_post(participant_client, body)
    assert again.status_code == 200 and again.get_json() == created
    fresh = api_post(participant_client, {"client_uuid": str(uuid.uuid4()), "skill": "halt"})
    assert fresh.status_code == 422 and "skill" in fresh.get_json()["errors"]
    assert count() == 1


def test_another_participant_may_use_the_same_uuid(app, participant_client, world, login_as,
                                                   db):
    api_post(participant_client, {"client_uuid": UUID, "skill": "halt"})
    other = app.test_client()
    login_as(world.participant_b, on=other)
    assert api_post(other, {"client_uuid": UUID, "skill": "halt"}).status_code == 201
    assert count() == 2


def test_invalid_values_answer_422_field_by_field_and_save_nothing(participant_client, db):
    response = api_post(participant_client, {
        "client_uuid": "not-a-uuid", "skill": "no-such-skill", "distress_before": 11,
        "distress_after": "lots", "helpful": 0, "minutes": 0, "note": "x" * 2001,
        "client_time_zone": "Mars/Olympus", "practised_at": "yesterday", "colour": "blue",
        "participant_id": 1})
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert set(errors) == {"client_uuid", "skill", "distress_before", "distress_after",
                           "helpful", "minutes", "note", "client_time_zone", "practised_at",
                           "colour", "participant_id"}
    assert all(isinstance(message, str) and message for message in errors.values())
    assert count() == 0


def test_a_missing_skill_and_uuid_are_422(participant_client, db):
    response = api_post(participant_client, {"distress_before": 3})
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"skill", "client_uuid"}


def test_times_in_the_future_or_over_7_days_back_are_422(participant_client, db):
    now = datetime.now(UTC)
    for field in ("practised_at", "client_timestamp"):
        for stamp in (now + timedelta(hours=1), now - timedelta(days=8)):
            response = api_post(participant_client, {
                "client_uuid": str(uuid.uuid4()), "skill": "halt", field: stamp.isoformat()})
            assert response.status_code == 422 and field in response.get_json()["errors"]
    assert count() == 0


def test_the_client_s_time_and_zone_are_recorded(participant_client, db):
    sent = (datetime.now(UTC) - timedelta(hours=5)).replace(microsecond=0)
    local = sent.astimezone(ZoneInfo("Europe/Paris"))
    response = api_post(participant_client, {
        "client_uuid": UUID, "skill": "halt", "client_timestamp": local.isoformat(),
        "client_time_zone": "Europe/Paris"})
    assert response.status_code == 201
    row = db.session.scalar(sa.select(SkillPractice))
    assert row.practised_at == sent and row.client_recorded_at == sent
    assert row.client_time_zone == "Europe/Paris"
    # An offset-less practised_at is read in the client's zone.
    naive = (local - timedelta(hours=1)).replace(tzinfo=None)
    api_post(participant_client, {"client_uuid": str(uuid.uuid4()), "skill": "halt",
                                  "practised_at": naive.isoformat(),
                                  "client_time_zone": "Europe/Paris"})
    latest = db.session.scalar(sa.select(SkillPractice).order_by(SkillPractice.id.desc()))
    assert latest.practised_at == sent - timedelta(hours=1)


def test_csrf_sign_in_role_and_content_type_answers_are_json(app, client, participant_client,
                                                               world, login_as, db):
    body = {"client_uuid": UUID, "skill": "halt"}
    assert api_post(participant_client, body, csrf=None).status_code == 400
    anonymous = api_post(client, body)
    assert anonymous.status_code == 401 and anonymous.get_json()["error"] == "sign_in_required"
    staff = app.test_client()
    login_as(world.clinician_a, on=staff)
    refused = api_post(staff, body)
    assert refused.status_code == 404 and refused.is_json
    token = csrf_token(participant_client)
    as_form = participant_client.post("/api/v1/skill-practices", data=body,
                                      headers={"X-CSRFToken": token})
    assert as_form.status_code == 415 and as_form.is_json
    listed = participant_client.post("/api/v1/skill-practices", json=[body],
                                     headers={"X-CSRFToken": token})
    assert listed.status_code == 400 and listed.is_json
    assert count() == 0


FIELDS = ["client_uuid", "skill", "distress_before", "distress_after", "helpful", "minutes",
          "note", "practised_at", "client_timestamp", "client_time_zone", "participant_id"]
_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
    | st.text(max_size=200) | st.sampled_from(["paced-breathing", "halt", "5", "2027-03-14T02:30",
                                               "America/New_York", UUID]),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6),
                                                                      children, max_size=3),
    max_leaves=6)


@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=10), _values,
                            max_size=8) | _values)
def test_any_json_gets_an_answer_not_a_server_error(participant_client, body):
    response = api_post(participant_client, json.loads(json.dumps(body)))
    assert response.status_code in (200, 201, 400, 409, 415, 422), (body, response.status_code)
    assert response.is_json
