"""Clear-Site-Data when a session ends, so a shared phone keeps no copy of someone's pages.

How a session ends decides what the browser is told to erase:

- an involuntary end (idle or absolute timeout) sends `"cache"`: the HTTP cache goes, but what
  the browser stores for the person stays, so an unsent check-in in the offline queue is not
  lost (it is sent only after the same person signs in again). The service worker's own copies
  live in storage (the Cache API), so the worker drops them itself when it sees the session
  gone (a response carrying Clear-Site-Data, or a kept page answered by the sign-in page);
- Quick exit (with or without a PIN) and the fifth wrong PIN also send only `"cache"`: they
  happen in a hurry or by someone else's hand, and must not destroy a participant's unsent
  answers (perhaps a positive safety answer); the service worker drops its page copies;
- a chosen end and a revoked one (Sign out, after the page warned about unsent answers, and a
  session found revoked on its next request: deactivation, a password change or a sign-out
  elsewhere, a second-factor reset) send `"cache", "storage"`: cached pages, the service worker
  with its offline copies and push subscription, IndexedDB and localStorage.

The end is marked in the session, and the header goes out on the next response to that browser
(normally the one that ends the session). A response to a request that is not a page load (a
beacon, a fetch) carries it but keeps the mark, so the next page load carries it too. Cookies are
not cleared: the session cookie is emptied anyway, and the device cookie that shields the person
from lockouts (app.security.device_cookie) must survive sign-out.
"""

from flask import Flask, Response, request, session

CACHE = '"cache"'
CACHE_AND_STORAGE = '"cache", "storage"'
_KEY = "clear_site_data"
_STRENGTH = {CACHE: 1, CACHE_AND_STORAGE: 2}


def clear_on_next_response(kind: str) -> None:
    """Mark the session so the next response carries `Clear-Site-Data: <kind>` (the stronger
    of two marks wins)."""
    current = session.get(_KEY)
    if current is None or _STRENGTH[kind] > _STRENGTH.get(current, 0):
        session[_KEY] = kind


def _is_page_load() -> bool:
    # Without Fetch Metadata (older browsers, the test client) every response counts.
    destination = request.headers.get("Sec-Fetch-Dest")
    return destination is None or destination in ("document", "iframe")


def send_clear_site_data(response: Response) -> Response:
    """after_request: carry a pending Clear-Site-Data, and forget it once a page loaded."""
    kind = session.get(_KEY)
    if kind in _STRENGTH:
        response.headers["Clear-Site-Data"] = kind
        if _is_page_load():
            session.pop(_KEY, None)
    return response


def init_app(app: Flask) -> None:
    """Register the hook."""
    app.after_request(send_clear_site_data)
