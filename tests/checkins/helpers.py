"""Posting the check-in form and the API as a browser would."""

import uuid

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
