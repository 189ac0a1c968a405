"""Logging that never carries secrets or health information, as JSON lines in production.

Two things live here:

- Redaction: access logs (the development server's, gunicorn's when turned on) include
  request paths, and some paths hold one-time tokens (invites, calendar feeds). The filter
  below masks them in every record, and escapes newlines so a crafted value cannot forge a
  log line.
- The request log: one line per request with a request id, the route's rule (`/checkins/<int:
  checkin_id>`, never the raw path), the method, the status and the duration. With
  `LOG_FORMAT = "json"` (production) every record of the process is written to stderr as one
  JSON object per line (python-json-logger), with the request id of the request it belongs to.

What a request log line never holds: names, e-mail addresses, answers, notes, query strings,
request or response bodies. Code elsewhere logs ids and counts only (docs/security.md).
"""

import logging
import re
import sys
import time
import uuid

from flask import Flask, g, has_request_context, request
from flask.logging import default_handler
from pythonjsonlogger.json import JsonFormatter

#: Path segments that carry a secret: /invite/<token>, /calendar/<token>.ics and the like.
SECRET_PATHS = re.compile(r"(/(?:invite|calendar|feed|unsubscribe)/)([A-Za-z0-9_\-.~%]{8,})")
#: Query parameters that carry a secret.
SECRET_PARAMS = re.compile(r"((?:token|code|password|pin|secret)=)[^&\s\"']+", re.IGNORECASE)
#: An X-Request-ID we pass on as it came (from the proxy): a short plain token, nothing else;
#: at most 36 characters, a UUID's length, which the audit trail stores with each event.
SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{8,36}$")
REQUEST_ID_HEADER = "X-Request-ID"
#: The logger of the one-line-per-request log.
request_log = logging.getLogger("trellis.request")
#: Answered often by load balancers; a success there is not worth a line.
QUIET_ENDPOINTS = frozenset({"public.health", "public.ready"})


def redact(text: str) -> str:
    """Mask tokens in paths and query strings, and escape CR/LF."""
    text = SECRET_PATHS.sub(r"\1[redacted]", text)
    text = SECRET_PARAMS.sub(r"\1[redacted]", text)
    return text.replace("\r", "\\r").replace("\n", "\\n")


class RedactingFilter(logging.Filter):
    """A filter for any handler or logger: rewrites the message once, with args applied."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


class RequestIdFilter(logging.Filter):
    """Give every record logged while a request runs that request's id."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id") and has_request_context():
            record.request_id = g.get("request_id")
        return True


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time (test capture, a worker's redirect)."""

    def __init__(self) -> None:
        logging.Handler.__init__(self)

    @property
    def stream(self):  # type: ignore[override]
        return sys.stderr


class JsonLinesHandler(_StderrHandler):
    """One JSON object per line on stderr: time (UTC, ISO 8601), level, logger, message and
    whatever fields a record carries (request_id, route, status, duration_ms…)."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(json_formatter())
        self.addFilter(RedactingFilter())
        self.addFilter(RequestIdFilter())


def json_formatter() -> JsonFormatter:
    """The formatter of every JSON line (the app's and, through gunicorn.conf.py, gunicorn's)."""
    return JsonFormatter(
        "%(levelname)s %(name)s %(message)s",
        rename_fields={"levelname": "level", "name": "logger"},
        timestamp="time",
    )


def install(logger: logging.Logger) -> None:
    """Add the redacting filter to a logger (idempotent)."""
    if not any(isinstance(f, RedactingFilter) for f in logger.filters):
        logger.addFilter(RedactingFilter())


def install_json_lines(level: int = logging.INFO) -> None:
    """Send every record of this process to stderr as JSON lines (replacing an earlier one)."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, JsonLinesHandler)]:
        root.removeHandler(handler)
    root.addHandler(JsonLinesHandler())
    root.setLevel(level)


def request_id_from(header: str | None) -> str:
    """The proxy's request id when it is a plain token, else a new one (a UUID)."""
    if header and SANE_REQUEST_ID.match(header):
        return header
    return str(uuid.uuid4())


def _start_request() -> None:
    # The audit trail records the same id with each event (app.security.audit.request_id).
    g.request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))
    g.request_started = time.perf_counter()


def _log_request(response):
    request_id = g.get("request_id") or request_id_from(None)
    response.headers[REQUEST_ID_HEADER] = request_id
    started = g.get("request_started")
    duration_ms = round((time.perf_counter() - started) * 1000, 1) if started else None
    endpoint = request.endpoint
    if endpoint in QUIET_ENDPOINTS and response.status_code == 200:
        return response
    rule = request.url_rule.rule if request.url_rule is not None else None
    # The message repeats the fields for plain-text logs (development); nothing from the URL
    # beyond the rule, nothing from the body.
    request_log.info(
        "%s %s %s %sms", request.method, rule or "(no route)", response.status_code, duration_ms,
        extra={"request_id": request_id, "method": request.method, "route": rule,
               "endpoint": endpoint, "status": response.status_code,
               "duration_ms": duration_ms},
    )
    return response


def init_app(app: Flask) -> None:
    """Request ids and the request log; JSON lines when LOG_FORMAT is "json"; redaction."""
    if app.config.get("LOG_FORMAT") == "json":
        install_json_lines()
        # The root handler writes the app's records too; Flask's own would print them twice.
        app.logger.removeHandler(default_handler)
    app.before_request(_start_request)
    app.after_request(_log_request)
    for logger in (app.logger, request_log, logging.getLogger("werkzeug"),
                   logging.getLogger("gunicorn.access"), logging.getLogger("gunicorn.error")):
        install(logger)
