"""Demo check-in data: present after `demo seed`, and never duplicated by running it again."""

import sqlalchemy as sa

from app.models import Checkin, SafetyAlert, SafetyPlan, ScaleResponse


def test_demo_seed_adds_check_ins_scores_a_plan_and_one_open_alert_once(runner, db):
    def counts():
        return tuple(db.session.scalar(sa.select(sa.func.count()).select_from(m))
                     for m in (Checkin, ScaleResponse, SafetyPlan, SafetyAlert))

    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    first = counts()
    # Alex's and Sam's, plus the review demo's five participants (app/review/demo.py).
    assert first == (16 + 17, 6 + 3, 1, 1)
    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    assert counts() == first
    alert = db.session.scalar(sa.select(SafetyAlert))
    assert alert.is_open and alert.participant.email == "sam@example.org"
    assert alert.primary_clinician.email == "clinician@example.org"
