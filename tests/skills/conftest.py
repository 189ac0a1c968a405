"""Skills tests start with Trellis's catalogue loaded (as `flask skills sync` does)."""

import pytest

from app.skills import catalogue


@pytest.fixture(autouse=True)
def skills_catalogue(app, db):
    """The shipped catalogue in the database; returns the sync report."""
    return catalogue.sync()


@pytest.fixture
def count_queries(db):
    """Context manager counting SQL statements sent while it is open."""
    from contextlib import contextmanager

    from sqlalchemy import event

    @contextmanager
    def counting():
        counter = {"n": 0}

        def count(*_args):
            counter["n"] += 1

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            yield counter
        finally:
            event.remove(db.engine, "before_cursor_execute", count)

    return counting
