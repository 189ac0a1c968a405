"""Request bodies at the boundary: how large they may be, and strict JSON.

- Size: every request body is limited by MAX_CONTENT_LENGTH (1 MiB by default), and views that
  take JSON declare a smaller limit with `@accepts_json(max_bytes)`. A body announced larger
  (Content-Length) is refused with 413 before anything reads it; a chunked body is cut off with
  413 as soon as reading passes the limit. Nothing reads a body whole before the check.
- JSON: `request.get_json()` (and `json_body()`, what JSON views call) refuses bodies nested
  deeper than MAX_JSON_DEPTH, strings with lone surrogates (which no database or encoder
  accepts) and NUL characters (PostgreSQL refuses them), with a 400 JSON answer.
"""

from collections.abc import Callable

from flask import Flask, abort, current_app, jsonify, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge
from werkzeug.wsgi import LimitedStream

#: Deepest nesting of arrays and objects accepted in a JSON body (ours are two or three deep).
MAX_JSON_DEPTH = 32

TOO_DEEP = _l("The JSON is nested too deeply.")
BAD_TEXT = _l("The JSON holds text that is not valid Unicode (a lone surrogate).")
HAS_NUL = _l("The JSON holds a NUL character, which cannot be saved.")
NOT_JSON = _l("Send a JSON body (Content-Type: application/json).")
NOT_OBJECT = _l("Send one JSON object.")


class JSONBodyError(BadRequest):
    """A JSON body that cannot be used; answered as 400 {"errors": {"body": message}}."""


class NotJSONError(JSONBodyError):
    """A JSON view sent something else (a form post); answered as 415 in the same shape."""

    code = 415


def accepts_json(max_bytes: int) -> Callable:
    """Mark a view as taking a JSON body of at most `max_bytes` (errors are answered in JSON)."""

    def decorate(view: Callable) -> Callable:
        view.body_limit = max_bytes
        view.answers_json = True
        return view

    return decorate


def _view() -> Callable | None:
    endpoint = request.endpoint
    return current_app.view_functions.get(endpoint) if endpoint else None


def answers_json() -> bool:
    """Whether errors for this request are answered in JSON (the API and JSON endpoints)."""
    return request.path.startswith("/api/") or bool(getattr(_view(), "answers_json", False))


def json_problem(value) -> str | None:
    """Why a parsed JSON value cannot be used (too deep, lone surrogate, NUL), or None."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > MAX_JSON_DEPTH:
                return str(TOO_DEEP)
            children = list(item.items()) if isinstance(item, dict) else item
            for child in children:
                if isinstance(item, dict):
                    key, child = child
                    stack.append((key, depth))
                stack.append((child, depth + 1))
        elif isinstance(item, str):
            if "\x00" in item:
                return str(HAS_NUL)
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return str(BAD_TEXT)
    return None


class StrictBodyMixin:
    """Added to the app's request class: a per-view body limit and strict JSON parsing."""

    @property
    def max_content_length(self) -> int | None:
        configured = super().max_content_length
        limit = getattr(_view(), "body_limit", None) if current_app else None
        if limit is None:
            return configured
        return limit if configured is None else min(limit, configured)

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value

    def _refuse_cut_off_stream(self) -> None:
        # werkzeug stops reading a chunked body (no Content-Length) at the limit and returns
        # what it read, without saying it was cut off: a body that reached the limit is refused.
        stream = self.__dict__.get("stream")
        if (self.content_length is None and isinstance(stream, LimitedStream)
                and stream.is_exhausted):
            raise RequestEntityTooLarge()

    def get_data(self, cache: bool = True, as_text: bool = False,
                 parse_form_data: bool = False):
        data = super().get_data(cache=cache, as_text=as_text, parse_form_data=parse_form_data)
        self._refuse_cut_off_stream()
        return data

    def _load_form_data(self) -> None:
        super()._load_form_data()
        self._refuse_cut_off_stream()

    def get_json(self, force: bool = False, silent: bool = False, cache: bool = True):
        """Parse the body as JSON; silent callers get None for anything unusable."""
        try:
            value = super().get_json(force=force, silent=silent, cache=cache)
        except RecursionError:  # json's C parser gives up on very deep nesting this way
            value, problem = None, str(TOO_DEEP)
        else:
            problem = json_problem(value) if value is not None else None
        if problem:
            if silent:
                return None
            raise JSONBodyError(problem)
        return value

    def on_json_loading_failed(self, e: ValueError | None):
        if e is None:
            raise JSONBodyError(str(NOT_JSON))
        raise JSONBodyError(_l("The body is not valid JSON."))


def json_body(kind: type = dict):
    """The request's JSON body, strictly parsed, of the given type (a dict by default)."""
    if not request.is_json:
        raise NotJSONError(str(NOT_JSON))
    value = request.get_json()
    if not isinstance(value, kind):
        raise JSONBodyError(str(NOT_OBJECT))
    return value


def refuse_oversized_body() -> None:
    """before_request: a body announced larger than this view accepts is refused unread."""
    limit = request.max_content_length
    if limit is not None and (request.content_length or 0) > limit:
        abort(413)


def init_app(app: Flask) -> None:
    """Use the strict request class; answer JSON body errors in JSON."""
    # On top of whatever request class the extensions installed (htmx-flask adds request.htmx).
    app.request_class = type("TrellisRequest", (StrictBodyMixin, app.request_class), {})
    # Before every other hook (CSRF reads the form): nothing reads an oversized body.
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_oversized_body)

    @app.errorhandler(JSONBodyError)
    def _json_body_error(error: JSONBodyError):
        return jsonify(errors={"body": error.description}), error.code
