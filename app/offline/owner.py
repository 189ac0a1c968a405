"""Whose phone data is this: the opaque owner id of unsent items and saved pages.

A phone can be shared. Everything the app keeps on it for offline use (unsent check-ins, saved
pages) is stored under the signed-in participant's owner id, never their name or database id:
an HMAC of the user id with the app's secret key, stable across sign-ins so that items left
unsent when a session timed out go out after the same person signs in again.

- Pages tell the browser the owner in `#offline-owner` (templates/offline/_owner.html) and in
  the `X-Trellis-Owner` response header, which the service worker reads before keeping a page.
- The queue sends `X-Trellis-Owner` with every item; an API request whose header names someone
  other than the signed-in participant is refused (403), so an item can never be saved as
  another person's, even if the session changed between the queue's check and its send.

Rotating SECRET_KEY changes every owner id: items still unsent on a phone then stay there
unsent (docs/offline.md).
"""

import base64
import hashlib
import hmac

from flask import Flask, Response, current_app, jsonify, request
from flask_login import current_user

from app.database import utcnow

HEADER = "X-Trellis-Owner"


def owner_id(user) -> str:
    """The opaque, stable id of a participant's data on a phone (22 URL-safe characters)."""
    key = current_app.config["SECRET_KEY"]
    key = key.encode() if isinstance(key, str) else key
    digest = hmac.new(key, f"trellis-offline-owner:{user.id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:16]).decode().rstrip("=")


def current_owner() -> str | None:
    """The signed-in participant's owner id; None for anyone else."""
    if current_user.is_authenticated and current_user.is_participant:
        return owner_id(current_user)
    return None


def refuse_other_owner() -> Response | None:
    """before_request: an API call made for another owner than the one signed in is refused."""
    claimed = request.headers.get(HEADER)
    if claimed is None or not request.path.startswith("/api/"):
        return None
    if not hmac.compare_digest(claimed.encode(), (current_owner() or "").encode()):
        return jsonify(error="other_owner"), 403
    return None


def mark_owner(response: Response) -> Response:
    """after_request: tell the service worker whose page this is (participants' pages only)."""
    owner = current_owner() if response.mimetype == "text/html" else None
    if owner:
        response.headers[HEADER] = owner
    return response


def init_app(app: Flask) -> None:
    """Register the hooks and the template values."""
    app.before_request(refuse_other_owner)
    app.after_request(mark_owner)
    app.context_processor(owner_context)


def owner_context() -> dict:
    """`offline_owner`, and the server's clock (ms) so a phone whose clock is wrong can still
    date what it queues as the server would."""
    owner = current_owner()
    return {"offline_owner": owner,
            "server_now_ms": int(utcnow().timestamp() * 1000) if owner else None}
