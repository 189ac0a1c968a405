"""The installed app's server side: the offline page, the queue's session check, the owner.

Most of the offline work happens in the browser (static/sw.js, static/js/offline-*.js; see
docs/offline.md). This package holds the few server pieces it needs:

- `owner`: the opaque id a phone stores its unsent items and saved pages under, the
  `X-Trellis-Owner` response header that tells the service worker whose page it is looking at,
  and the check that a queued item is only ever accepted from the person who wrote it;
- `routes`: `/offline` (what still works without signal; precached) and `GET /api/v1/session`
  (who is signed in here and a fresh CSRF token, for the queue's sender);
- `shell`: the service worker's version, made from the files it precaches;
- `queue_panel`: the queue's panel on participant pages, drawn once per language.
"""

from flask import Blueprint, Flask

bp = Blueprint("offline", __name__)
api_bp = Blueprint("offline_api", __name__)


def register(app: Flask) -> None:
    """Attach the views, the owner hooks and the template context."""
    from app.offline import owner, queue_panel, routes  # noqa: F401

    app.register_blueprint(bp)
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    owner.init_app(app)
    queue_panel.init_app(app)
