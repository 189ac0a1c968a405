"""Logs never carry tokens, and a crafted value cannot forge a log line."""

import logging

from app.logging_setup import RedactingFilter, redact


def test_tokens_in_paths_and_queries_are_masked():
    line = '127.0.0.1 "GET /invite/AbCdEf0123456789_- HTTP/1.1" 200 /x?token=s3cret&next=/me'
    cleaned = redact(line)
    assert "AbCdEf0123456789" not in cleaned and "s3cret" not in cleaned
    assert "/invite/[redacted]" in cleaned and "next=/me" in cleaned


def test_newlines_are_escaped():
    assert redact("name\nFAKE 200 OK\r") == "name\\nFAKE 200 OK\\r"


def test_the_filter_rewrites_records_with_arguments():
    record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1, '"%s %s" %s',
                               ("GET", "/invite/abcdefghijkl", 200), None)
    RedactingFilter().filter(record)
    assert record.getMessage() == '"GET /invite/[redacted]" 200'


def test_access_log_of_an_invite_request_holds_no_token(app, client, caplog):
    import werkzeug  # noqa: F401 - the dev server's logger is "werkzeug"

    logger = logging.getLogger("werkzeug")
    with caplog.at_level(logging.INFO, logger="werkzeug"):
        logger.info('127.0.0.1 - - "GET /invite/%s HTTP/1.1" 404 -', "tok_en-1234567890")
    assert "tok_en-1234567890" not in caplog.text
    assert "/invite/[redacted]" in caplog.text


def test_gunicorn_access_log_format_has_no_path_or_referrer():
    import runpy
    from pathlib import Path

    settings = runpy.run_path(str(Path(__file__).resolve().parents[2] / "gunicorn.conf.py"))
    fmt = settings["access_log_format"]
    for field in ("%(r)s", "%(U)s", "%(q)s", "%(f)s"):
        assert field not in fmt


# --- The request log: one JSON line per request, with no participant data -------------------

import json  # noqa: E402 - the request-log tests below need these
import uuid  # noqa: E402

import pytest  # noqa: E402
import sqlalchemy as sa  # noqa: E402

from app import logging_setup  # noqa: E402
from tests.checkins.helpers import api_post, checkin_form  # noqa: E402


def _request_lines(records):
    return [r for r in records if r.name == "trellis.request"]


def _as_json(record) -> dict:
    return json.loads(logging_setup.json_formatter().format(record))


def test_a_request_is_logged_as_one_json_line_with_its_id_route_status_and_duration(
        participant_client, world, caplog):
    with caplog.at_level(logging.INFO, logger="trellis.request"):
        response = participant_client.get(f"/checkin/{10**6}/edit",
                                          headers={"X-Request-ID": "edge-7f3a9c21"})
    [record] = _request_lines(caplog.records)
    line = _as_json(record)
    assert line["request_id"] == "edge-7f3a9c21" == response.headers["X-Request-ID"]
    assert line["status"] == response.status_code == 404
    assert line["method"] == "GET" and line["level"] == "INFO"
    # the rule, not the path: ids and tokens in URLs stay out of the log
    assert line["route"] == "/checkin/<int:checkin_id>/edit" and str(10**6) not in json.dumps(line)
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["time"].endswith("+00:00")  # ISO 8601, UTC


@pytest.mark.parametrize("sent", [None, "short", "has spaces in it", "x" * 37,
                                  "quote\"and;semicolons", "<script>alert(1)</script>"])
def test_an_unusable_request_id_is_replaced_by_a_generated_one(client, caplog, sent):
    headers = {"X-Request-ID": sent} if sent is not None else {}
    with caplog.at_level(logging.INFO, logger="trellis.request"):
        response = client.get("/crisis", headers=headers)
    generated = response.headers["X-Request-ID"]
    assert generated != sent and uuid.UUID(hex=generated)
    [record] = _request_lines(caplog.records)
    assert record.request_id == generated


def test_audit_events_carry_the_request_id_of_the_log_line(client, world, db, caplog):
    from app.models import AuditEvent
    from tests.conftest import PASSWORD, post_form

    with caplog.at_level(logging.INFO, logger="trellis.request"):
        post_form(client, "/signin", {"email": world.participant_a.email, "password": PASSWORD},
                  headers={"X-Request-ID": "0f8fad5b-d9cb-469f-a165-70867728950e"})
    [event] = db.session.scalars(sa.select(AuditEvent)).all()
    assert event.request_id == "0f8fad5b-d9cb-469f-a165-70867728950e"
    assert event.request_id in {r.request_id for r in _request_lines(caplog.records)}


def test_each_request_gets_its_own_id(client):
    first = client.get("/crisis").headers["X-Request-ID"]
    assert client.get("/crisis").headers["X-Request-ID"] != first


def test_records_logged_during_a_request_carry_its_request_id(app):
    seen = []

    class Keep(logging.Handler):
        def emit(self, record):
            seen.append(record)

    handler = Keep()
    handler.addFilter(logging_setup.RequestIdFilter())
    app.logger.addHandler(handler)
    try:
        with app.test_request_context("/crisis", headers={"X-Request-ID": "trace-12345678"}):
            app.preprocess_request()  # the before-request hooks, ours first
            app.logger.warning("inside")
        app.logger.warning("outside")
    finally:
        app.logger.removeHandler(handler)
    assert [(r.getMessage(), getattr(r, "request_id", None)) for r in seen] == [
        ("inside", "trace-12345678"), ("outside", None)]


def test_unmatched_paths_log_no_route_and_not_the_path(client, caplog):
    with caplog.at_level(logging.INFO, logger="trellis.request"):
        client.get("/no-such-page/alex@example.org")
    [record] = _request_lines(caplog.records)
    assert record.route is None and record.status == 404
    assert "alex@example.org" not in _as_json(record).__repr__()


def test_health_checks_that_succeed_are_not_logged(client, caplog):
    with caplog.at_level(logging.INFO, logger="trellis.request"):
        client.get("/healthz")
        client.get("/readyz")
    assert _request_lines(caplog.records) == []


def test_a_check_in_note_and_e_mail_never_reach_any_log_record(app, world, login_as, caplog):
    """Sign in, check in by the form and the API (one of them invalid), and read the check-in
    back: no record at any level, from any logger, holds the note, the e-mail or the name."""
    note = "NOTE-" + uuid.uuid4().hex + " I argued with my sister again"
    participant = world.participant_a
    client = app.test_client()
    with caplog.at_level(logging.DEBUG):
        login_as(participant, on=client)
        assert checkin_form(client, {"note": note, "anxiety": "5"}).status_code in (200, 302, 303)
        invalid = checkin_form(client, {"note": note, "mood": "9"})
        assert invalid.status_code == 400
        created = api_post(client, {"client_uuid": str(uuid.uuid4()), "mood": 2, "note": note})
        assert created.status_code == 201
        assert client.get(f"/checkin/{created.get_json()['id']}/edit").status_code == 200
        assert client.get("/checkin/history").status_code == 200
    lines = _request_lines(caplog.records)
    assert len(lines) >= 5 and {r.status for r in lines} >= {201, 400}
    secrets = (note, "argued with my sister", participant.email, participant.display_name)
    for record in caplog.records:
        text = json.dumps(_as_json(record))
        for secret in secrets:
            assert secret not in text and secret not in record.getMessage(), record.name


def test_production_writes_json_lines_to_stderr(monkeypatch, capsys):
    from app import create_app
    from config import ProductionConfig

    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    production = create_app(ProductionConfig, {
        "SQLALCHEMY_DATABASE_URI": "sqlite://", "BASE_URL": "https://trellis.example.org",
        "VAPID_SUBJECT": "mailto:ops@riverside-health.org"})
    capsys.readouterr()
    response = production.test_client().get("/crisis", headers={"X-Request-ID": "abcd-1234"})
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    [line] = [entry for entry in lines if entry.get("logger") == "trellis.request"]
    assert line["request_id"] == "abcd-1234" and line["status"] == response.status_code == 200
    assert line["route"] == "/crisis" and line["level"] == "INFO"


def test_the_json_handler_is_installed_once_however_often_the_app_is_built():
    root = logging.getLogger()
    logging_setup.install_json_lines()
    logging_setup.install_json_lines()
    assert sum(isinstance(h, logging_setup.JsonLinesHandler) for h in root.handlers) == 1


def test_a_request_refused_early_is_logged_with_its_id_and_duration(client, caplog):
    """A hook that ends the request before the view (here: a missing CSRF token) still gives
    the line its request id and duration."""
    with caplog.at_level(logging.INFO, logger="trellis.request"):
        response = client.post("/signin", data={"email": "alex@example.org", "password": "x"},
                               headers={"X-Request-ID": "early-refusal-1"})
    assert response.status_code == 400
    [record] = _request_lines(caplog.records)
    assert (record.request_id, record.status) == ("early-refusal-1", 400)
    assert record.duration_ms is not None and record.duration_ms >= 0
