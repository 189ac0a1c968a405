"""Access expectations for the scales."""

from app.security.access import Rule

EXPECTED = {
    "scales.index": (Rule.PARTICIPANT, None),
    "scales.form": (Rule.PARTICIPANT, None),
    "scales.history": (Rule.PARTICIPANT, None),
    "scales_api.create_scale_response": (Rule.PARTICIPANT, None),
}

#: The API answers anonymous callers 401 JSON rather than a sign-in redirect; its access is
#: covered by tests/scales/test_api.py.
SKIPPED_IN_WALK = {"scales_api.create_scale_response"}

def url_values(app, world, db) -> dict:
    """A scale every program asks by default."""
    return {"scale_key": "phq9"}
