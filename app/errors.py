"""Error pages: plain words, no stack traces, the crisis link always present."""

from flask import Flask, jsonify, render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.security.text_input import NulCharacter


def _wants_json() -> bool:
    from app.security.request_body import answers_json

    return answers_json()


def _render(status: int, title: str, message: str):
    if _wants_json():
        return jsonify(error=title, message=message), status
    return render_template("errors/error.html", title=title, message=message), status


def init_app(app: Flask) -> None:
    """Register handlers for the errors people can meet."""

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return _render(
            400,
            _("This form has expired"),
            _("Please go back, reload the page and try again. Nothing was saved."),
        )

    @app.errorhandler(NulCharacter)
    def nul_character(error: NulCharacter):
        message = _("What was sent holds a NUL character, which cannot be saved. Nothing was "
                    "saved: check what was pasted and try again.")
        if _wants_json():
            return jsonify(errors={"body": message}), 400
        return _render(400, _("This cannot be saved"), message)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        messages = {
            404: (_("Page not found"), _("We could not find that page.")),
            405: (_("Not allowed"), _("That action is not available here.")),
            413: (_("Too much to send"), _("What was sent is larger than Trellis accepts. "
                                            "Nothing was saved.")),
            429: (_("Too many attempts"), _("Please wait a little and try again.")),
        }
        title, message = messages.get(
            error.code or 500, (_("Something went wrong"), _("Please try again."))
        )
        return _render(error.code or 500, title, message)

    @app.errorhandler(500)
    def server_error(error):
        return _render(
            500,
            _("Something went wrong"),
            _("We could not finish that. Nothing was lost; please try again in a moment."),
        )
