"""Access expectations for the installed app's server pieces."""

from app.security.access import Rule

EXPECTED = {
    "offline.offline_page": (Rule.PUBLIC, None),
    "offline_api.session_check": (Rule.PARTICIPANT, None),
}

#: The API answers anonymous callers 401 JSON rather than a sign-in redirect; covered by
#: tests/offline/test_session_api.py.
SKIPPED_IN_WALK = {"offline_api.session_check"}


def url_values(app, world, db) -> dict:
    """No URL arguments."""
    return {}
