"""Access expectations for the scales."""

from app.security.access import Rule

EXPECTED = {
    "scales.index": (Rule.PARTICIPANT, None),
    "scales.form": (Rule.PARTICIPANT, None),
    "scales.history": (Rule.PARTICIPANT, None),
}

SKIPPED_IN_WALK: set = set()

def url_values(app, world, db) -> dict:
    """A scale every program asks by default."""
    return {"scale_key": "phq9"}
