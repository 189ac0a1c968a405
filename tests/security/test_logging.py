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
