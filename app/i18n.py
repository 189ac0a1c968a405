"""Flask-Babel: the interface language follows the signed-in person's profile."""

from flask import Flask, current_app, has_request_context, request
from flask_login import current_user

from app.extensions import babel


def select_locale() -> str:
    """The person's chosen language; otherwise the browser's best supported match."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI commands speak the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.language in languages:
        return current_user.language
    return request.accept_languages.best_match(languages) or "en"


def init_app(app: Flask) -> None:
    """Bind Flask-Babel with our locale selector."""
    babel.init_app(app, locale_selector=select_locale)
