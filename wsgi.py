"""Entry point for gunicorn (`gunicorn wsgi:app`) and `flask --app wsgi`."""

from app import create_app
from config import ConfigurationError

try:
    app = create_app()
except ConfigurationError as error:
    # One line naming the variable, as gunicorn's own check prints it, not a traceback.
    raise SystemExit(f"Error: {error}") from None
