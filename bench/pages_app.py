"""The WSGI app the page benchmark serves with gunicorn: Trellis, and beside it a minimal Flask
app answering "ok" at /bench-ok (a bench-only app, never part of the product).

Both run in the same gunicorn workers with the same settings, so a page's requests per second
divided by the minimal endpoint's, measured in the same run, says how much of the machine the
page costs, whatever else is running on it. The data set is chosen by DATABASE_URL;
BENCH_STATIC_BUILD points at a `flask assets build` folder.
"""

import os

from flask import Flask
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from app import create_app
from config import DevelopmentConfig

minimal = Flask("bench_minimal")


@minimal.route("/")
def ok():
    """The reference: Flask routing and a response, nothing else."""
    return "ok"


trellis = create_app(DevelopmentConfig, {
    "STATIC_BUILD": os.environ.get("BENCH_STATIC_BUILD") or None,
})
app = DispatcherMiddleware(trellis.wsgi_app, {"/bench-ok": minimal})
