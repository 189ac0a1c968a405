"""Input refused at the boundary with a clear 4xx, never a 500: ids, NUL, JSON, codes, filters."""

import pyotp
import pytest
import sqlalchemy as sa

from app.auth.mfa import normalise_code
from app.models import User
from app.security.ids import parse_id
from tests.checkins.helpers import api_post
from tests.conftest import PASSWORD, TOTP_SECRET, csrf_token, post_form

FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@pytest.mark.parametrize(("text", "expected"), [
    ("42", 42), (" 7 ", 7), ("2147483647", 2147483647), ("2147483648", None), ("0", None),
    ("9" * 30, None), ("²", None), ("４２", None), ("-1", None), ("", None), (None, None)])
def test_ids_from_forms_and_queries_are_ascii_and_fit_a_database_integer(text, expected):
    assert parse_id(text) == expected


def test_a_nul_character_in_a_form_is_refused_with_a_clear_page(participant_client, db, world):
    response = post_form(participant_client, "/me/profile",
                         {"profile-display_name": "Al\x00ex", "profile-language": "en"})
    assert response.status_code == 400
    assert "NUL character" in response.get_data(as_text=True)
    db.session.refresh(world.participant_a)
    assert world.participant_a.display_name == "Participant A"


def test_a_nul_character_in_an_alert_action_is_refused(app, world, login_as, db):
    from app.safety.alerts import raise_alert

    alert = raise_alert(world.participant_a, [{"code": "safety_question", "value": True}])
    db.session.commit()
    client = app.test_client()
    login_as(world.clinician_a, on=client)
    response = post_form(client, f"/clinician/alerts/{alert.id}",
                         {f"alert-{alert.id}-action_taken": "Called\x00them"})
    assert response.status_code == 400
    db.session.refresh(alert)
    assert alert.is_open


def test_a_nul_character_in_a_query_string_is_refused(app, world, login_as):
    client = app.test_client()
    login_as(world.admin, on=client)
    assert client.get("/admin/audit?action=%00").status_code == 400
    assert client.get("/signin?next=/today%00").status_code == 400


def test_a_nul_character_in_a_json_string_is_refused_in_json(participant_client):
    response = api_post(participant_client, {"client_uuid": "6f0e4a52-5a43-4a0c-9d6a-3f1f7c2b9e11",
                                             "mood": 3, "note": "a\x00b"})
    assert response.status_code == 400
    assert "NUL" in response.get_json()["errors"]["body"]


def _raw_api_post(client, body: bytes):
    return client.post("/api/v1/checkins", data=body, content_type="application/json",
                       headers={"X-CSRFToken": csrf_token(client)})


def test_deeply_nested_json_to_the_api_is_a_400_in_json(participant_client):
    for body in (b"[" * 60_000, b"[" * 100 + b"]" * 100, b'{"a":' * 50 + b"1" + b"}" * 50):
        response = _raw_api_post(participant_client, body)
        assert response.status_code == 400, body[:20]
        assert "errors" in response.get_json()


def test_a_lone_surrogate_in_a_json_string_is_a_400_in_json(participant_client):
    body = b'{"client_uuid": "6f0e4a52-5a43-4a0c-9d6a-3f1f7c2b9e11", "mood": 3, "note": "\\ud800"}'
    response = _raw_api_post(participant_client, body)
    assert response.status_code == 400
    assert "surrogate" in response.get_json()["errors"]["body"]
    key = b'{"\\udfff": 1}'
    assert _raw_api_post(participant_client, key).status_code == 400


@pytest.mark.parametrize("path", ["/push/resubscribe", "/push/snooze"])
@pytest.mark.parametrize("body", [b"[" * 16_000, b'{"token": "\\ud800"}',
                                  b'{"token": "x", "subscription": ' + b"[" * 5000 + b"}"],
                         ids=["deep", "lone-surrogate", "deep-inside"])
def test_public_push_endpoints_answer_bad_json_with_a_json_400(client, path, body):
    response = client.post(path, data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.is_json


def test_signed_in_push_subscription_refuses_nested_json(participant_client):
    response = participant_client.post(
        "/me/reminders/subscriptions", data=b"[" * 16_000, content_type="application/json",
        headers={"X-CSRFToken": csrf_token(participant_client)})
    assert response.status_code == 400 and response.is_json


def test_full_width_and_other_script_digits_are_read_as_a_totp_code(client, world):
    assert normalise_code(" １２３ ４５６ ") == "123456"
    assert normalise_code("١٢٣٤٥٦") == "123456"
    post_form(client, "/signin", {"email": world.clinician_a.email, "password": PASSWORD})
    code = pyotp.TOTP(TOTP_SECRET).now().translate(FULL_WIDTH)
    response = post_form(client, "/mfa", {"code": code})
    assert response.status_code == 302 and response.headers["Location"] == "/clinician/"


def test_a_code_that_is_not_digits_is_a_wrong_code_not_an_error(client, world):
    post_form(client, "/signin", {"email": world.clinician_a.email, "password": PASSWORD})
    for code in ("１２３ABC", "²²²²²²", "ⅠⅡⅢⅣⅤⅥ"):
        response = post_form(client, "/mfa", {"code": code})
        assert response.status_code == 401, code
        assert "did not work" in response.get_data(as_text=True)


def test_totp_enrolment_reads_full_width_digits_too(client, world, db):
    world.clinician_a.totp_secret = None
    db.session.commit()
    post_form(client, "/signin", {"email": world.clinician_a.email, "password": PASSWORD})
    client.get("/mfa/enrol")
    secret = db.session.scalar(sa.select(User.totp_pending_secret)
                               .where(User.id == world.clinician_a.id))
    code = pyotp.TOTP(secret).now().translate(FULL_WIDTH)
    response = post_form(client, "/mfa/enrol", {"code": code})
    assert response.status_code == 200 and "recovery" in response.get_data(as_text=True).lower()


@pytest.mark.parametrize("query", ["to=9999-12-31", "from=0001-01-01", "to=1999-12-31",
                                   "actor=" + "9" * 30, "participant=" + "9" * 30,
                                   "actor=2147483648", "participant=²", "actor=-3"])
@pytest.mark.parametrize("path", ["/admin/audit", "/admin/audit.csv"])
def test_audit_filters_out_of_range_are_a_clear_400(app, world, login_as, path, query):
    client = app.test_client()
    login_as(world.admin, on=client)
    response = client.get(f"{path}?{query}")
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "between 2000 and 2200" in text or "whole number from 1 to 2147483647" in text


def test_audit_filters_in_range_still_filter(app, world, login_as):
    client = app.test_client()
    login_as(world.admin, on=client)
    response = client.get(f"/admin/audit.csv?from=2020-01-01&to=2199-12-31"
                          f"&actor={world.admin.id}")
    assert response.status_code == 200
    rows = response.get_data(as_text=True).strip().splitlines()[1:]
    assert rows and all(f",{world.admin.id}," in row for row in rows)


def test_rrule_numbers_in_other_scripts_are_a_field_error(app, world, login_as):
    client = app.test_client()
    login_as(world.clinician_a, on=client)
    response = post_form(client, "/clinician/sessions/series/new", {
        "program_id": world.iop.id, "participant_id": 0, "kind": "group_therapy",
        "title": "Group", "time_zone": "America/New_York", "start_time": "09:00",
        "duration_minutes": 60, "start_date": "2027-03-01", "repeat": "rule",
        "rule": "FREQ=WEEKLY;INTERVAL=²;BYDAY=MO"})
    assert response.status_code == 400
    assert "INTERVAL must be a whole number" in response.get_data(as_text=True)
