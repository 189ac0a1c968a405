"""Helpers for the check-in tests: posting the form and the API as a browser would."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from app.models import Checkin
from tests.conftest import csrf_token, post_form


def checkin_form(client, data: dict | None = None, url: str = "/checkin", **kwargs):
    """Post the check-in form (mood 3 unless given) with a fresh client UUID and CSRF token."""
    payload = {"client_uuid": str(uuid.uuid4()), "mood": "3", **(data or {})}
    return post_form(client, url, payload, **kwargs)


def api_post(client, body, csrf: str | None = "auto", **kwargs):
    """POST JSON to /api/v1/checkins with the session's CSRF token in X-CSRFToken."""
    headers = kwargs.pop("headers", {})
    if csrf == "auto":
        csrf = csrf_token(client)
    if csrf:
        headers["X-CSRFToken"] = csrf
    return client.post("/api/v1/checkins", json=body, headers=headers, **kwargs)


def phq9_answers(**overrides) -> dict:
    """PHQ-9 answers, all "Not at all" unless overridden (q1..q9 as strings)."""
    answers = {f"q{n}": "0" for n in range(1, 10)}
    answers.update({k: str(v) for k, v in overrides.items()})
    return answers


@pytest.fixture
def participant_client(app, world, login_as):
    """A client signed in as participant A (North IOP, clinician A primary)."""
    client = app.test_client()
    login_as(world.participant_a, on=client)
    return client


@pytest.fixture
def clinician_client(app, world, login_as):
    """A client signed in as clinician A (second factor passed)."""
    client = app.test_client()
    login_as(world.clinician_a, on=client)
    return client


@pytest.fixture
def make_checkin(db):
    """Factory: a check-in saved directly (any age, bypassing the 7-day rule), `days_ago` back."""

    def make(participant, days_ago: float = 0, **answers) -> Checkin:
        moment = datetime.now(UTC) - timedelta(days=days_ago)
        checkin = Checkin(participant_id=participant.id, client_uuid=str(uuid.uuid4()),
                          content_hash="0" * 64, occurred_at=moment, received_at=moment,
                          feelings=answers.pop("feelings", []), **answers)
        db.session.add(checkin)
        db.session.commit()
        return checkin

    return make
