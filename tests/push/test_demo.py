"""Demo reminder choices are seeded once."""

import sqlalchemy as sa

from app.models import ReminderPreference


def test_demo_seed_adds_reminder_choices_once(runner, db):
    for _ in range(2):
        assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    rows = db.session.scalars(sa.select(ReminderPreference)).all()
    assert sorted(tuple(r.detailed_kinds) for r in rows) == [("safety_alert",), ("session",)]
