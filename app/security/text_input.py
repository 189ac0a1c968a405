"""One rule for text coming in through forms, query strings and paths: no NUL characters.

PostgreSQL cannot store NUL in text, so a NUL that reached a query or an INSERT was a 500 (and
SQLite would store it). No one types one; a request carrying one is refused whole with a clear
400, before any view, so no form, hand-read field or filter needs its own check. JSON bodies
follow the same rule in `app.security.request_body`. Other control characters are harmless to
the database and are dropped where free text is cleaned (`app.checkins.validation.clean_text`).
"""

from flask import request
from werkzeug.exceptions import BadRequest

NUL = "\x00"


class NulCharacter(BadRequest):
    """A request holding a NUL character (answered with a page, or JSON for JSON endpoints)."""


def _has_nul(values) -> bool:
    return any(NUL in key or any(NUL in value for value in values.getlist(key))
               for key in values)


def refuse_nul_characters() -> None:
    """before_request: refuse a request whose path, query or form holds a NUL character."""
    if request.endpoint == "static":
        return
    form = request.form if request.mimetype in (
        "application/x-www-form-urlencoded", "multipart/form-data") else None
    if NUL in request.path or _has_nul(request.args) or (form is not None and _has_nul(form)):
        raise NulCharacter()
