"""Skills tests start with Trellis's catalogue loaded (as `flask skills sync` does)."""

import pytest

from app.skills import catalogue


@pytest.fixture(autouse=True)
def skills_catalogue(app, db):
    """The shipped catalogue in the database; returns the sync report."""
    return catalogue.sync()
