"""Access expectations for Progress."""

from app.security.access import Rule

EXPECTED = {
    "progress.index": (Rule.PARTICIPANT, None),
}

SKIPPED_IN_WALK: set = set()

def url_values(app, world, db) -> dict:
    """Progress has no URL arguments."""
    return {}
