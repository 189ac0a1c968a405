"""The authorisation matrix, one module per capability (`tests/<capability>/matrix.py`).

Each feature module defines EXPECTED (endpoint -> (rule, owner)), SKIPPED_IN_WALK and
url_values(app, world, db) returning values for its URL arguments. Owner "program_a" marks a URL
naming an object of clinician A's program (participant A's data): clinician B, participant B and
admins (who work in no program in the test world) must get a 404 for it. Owner "program_a_admin"
marks administrative objects of program A (invites), which admins manage in every program.
Add a feature by importing its module into FEATURES.
"""

from tests.auth import matrix as auth
from tests.care import matrix as care
from tests.checkins import matrix as checkins
from tests.medications import matrix as medications
from tests.offline import matrix as offline
from tests.progress import matrix as progress
from tests.push import matrix as push
from tests.review import matrix as review
from tests.safety import matrix as safety
from tests.scales import matrix as scales
from tests.schedule import matrix as schedule
from tests.security.matrix import shells
from tests.skills import matrix as skills

FEATURES = [shells, auth, care, checkins, scales, safety, progress, schedule, push, skills,
            offline, review, medications]

EXPECTED: dict = {}
SKIPPED_IN_WALK: set = set()
for _feature in FEATURES:
    EXPECTED.update(_feature.EXPECTED)
    SKIPPED_IN_WALK |= _feature.SKIPPED_IN_WALK


def url_values(app, world, db) -> dict:
    """Values for every URL argument, gathered from the features."""
    values = {}
    for feature in FEATURES:
        values.update(feature.url_values(app, world, db))
    return values
