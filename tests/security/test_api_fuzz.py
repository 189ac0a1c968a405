"""The JSON API fuzzed with hypothesis: whatever arrives, the answer is never a server error."""

import json

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.models import Checkin
from tests.checkins.helpers import api_post
from tests.conftest import csrf_token

FIELDS = ["client_uuid", "mood", "feelings", "anxiety", "craving", "sleep_hours",
          "used_substances", "took_medications", "self_harm_urge", "safety_thoughts", "note",
          "occurred_at", "client_timestamp", "client_time_zone", "participant_id", "id"]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
    | st.text(max_size=300) | st.sampled_from(["3", "yes", "2027-03-14T02:30", "America/New_York",
                                               "00000000-0000-4000-8000-000000000000"]),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8),
                                                                      children, max_size=4),
    max_leaves=8,
)
bodies = st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=12), json_values,
                         max_size=10)
@pytest.fixture
def participant_client(app, world, login_as):
    """A client signed in as participant A."""
    client = app.test_client()
    login_as(world.participant_a, on=client)
    return client


FUZZ = settings(max_examples=200, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(body=bodies | json_values)
def test_any_json_gets_an_answer_not_a_server_error(participant_client, body):
    response = api_post(participant_client, json.loads(json.dumps(body)))
    assert response.status_code in (200, 201, 400, 409, 415, 422), (body, response.status_code)
    assert response.is_json


@FUZZ
@given(raw=st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
def test_any_bytes_get_an_answer_not_a_server_error(participant_client, raw):
    response = participant_client.post(
        "/api/v1/checkins", data=raw, content_type="application/json",
        headers={"X-CSRFToken": csrf_token(participant_client)})
    assert response.status_code in (400, 415, 422), (raw, response.status_code)


def test_someone_elses_participant_id_in_the_body_is_refused(participant_client, world, db):
    """Owner ids come from the session: a body naming another participant stores nothing."""
    body = {"client_uuid": "6f0e4a52-5a43-4a0c-9d6a-3f1f7c2b9e11", "mood": 3,
            "participant_id": world.participant_b.id}
    response = api_post(participant_client, body)
    assert response.status_code == 422
    assert "participant_id" in response.get_json()["errors"]
    assert db.session.scalar(sa.select(sa.func.count(Checkin.id))) == 0
