"""Links that leave the browser (invites, password resets, calendar feeds, ICS event URLs).

They are built from the configured base URL (`TRELLIS_BASE_URL`), never from the request's Host
header, which a client chooses: a forged Host must not end up in a link sent to someone else.
Without a configured base URL (development and tests) the request's own URL is used.
"""

from urllib.parse import urlsplit

from flask import current_app, url_for


def base_host() -> str:
    """The host (and port) of the base URL, e.g. for calendar event UIDs."""
    return urlsplit(base_url()).netloc


def base_url() -> str:
    """The site's public origin (scheme://host[:port]), without a trailing slash."""
    configured = current_app.config.get("BASE_URL")
    if configured:
        return configured.rstrip("/")
    return url_for("public.index", _external=True).rstrip("/")


def external_url(endpoint: str, **values) -> str:
    """An absolute link to an endpoint, on the configured base URL."""
    return base_url() + url_for(endpoint, **values)
