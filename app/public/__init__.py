"""Pages anyone can open: the front door and the crisis page."""

from flask import Blueprint

bp = Blueprint("public", __name__)

from app.public import routes  # noqa: E402,F401
