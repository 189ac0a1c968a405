"""Logging that never carries secrets: tokens in URLs are masked and newlines escaped.

Access logs (the development server's, gunicorn's) include request paths, and some paths hold
one-time tokens (invites, calendar feeds). The filter below masks them in every record, and
escapes newlines so a crafted value cannot forge a log line.
"""

import logging
import re

from flask import Flask

#: Path segments that carry a secret: /invite/<token>, /calendar/<token>.ics and the like.
SECRET_PATHS = re.compile(r"(/(?:invite|calendar|feed|unsubscribe)/)([A-Za-z0-9_\-.~%]{8,})")
#: Query parameters that carry a secret.
SECRET_PARAMS = re.compile(r"((?:token|code|password|pin|secret)=)[^&\s\"']+", re.IGNORECASE)


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


def install(logger: logging.Logger) -> None:
    """Add the redacting filter to a logger (idempotent)."""
    if not any(isinstance(f, RedactingFilter) for f in logger.filters):
        logger.addFilter(RedactingFilter())


def init_app(app: Flask) -> None:
    """Filter the app's logger and the development server's access log."""
    for logger in (app.logger, logging.getLogger("werkzeug"), logging.getLogger("gunicorn.access"),
                   logging.getLogger("gunicorn.error")):
        install(logger)
