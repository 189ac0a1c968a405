"""Demo data makes the caseload meaningful, and seeding twice adds nothing."""

import sqlalchemy as sa

from app.models import CareMessage, Checkin, ClinicalNote, User
from app.review import caseload

#: The flags this package defines (capabilities may add more, without demo data here).
CORE_FLAGS = {"open_alert", "phq9", "gad7", "low_mood", "craving_use", "no_checkin",
              "missed_sessions"}


def _counts(db):
    return [db.session.scalar(sa.select(sa.func.count()).select_from(model))
            for model in (User, Checkin, ClinicalNote, CareMessage)]


def test_the_demo_caseload_shows_every_kind_of_flag_and_is_idempotent(app, runner, db):
    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    first = _counts(db)
    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    assert _counts(db) == first
    clinician = db.session.scalar(sa.select(User).where(User.email == "clinician@example.org"))
    with app.test_request_context():
        rows = caseload.build(clinician, caseload.Filters()).rows
    shown = {h.flag.key for row in rows for h in row.hits}
    assert shown >= CORE_FLAGS
    assert rows[0].has_alert  # the open alert comes first
    assert sum(row.unreviewed for row in rows) > 0
