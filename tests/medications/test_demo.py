"""Demo medications: two for the PHP participant (one twice a day), one as needed for the IOP
participant, weeks of doses, the missed-doses flag; never duplicated."""

import sqlalchemy as sa

from app.database import utcnow
from app.medications import adherence, listing
from app.models import Medication, MedicationDose, SideEffectReport, User


def test_demo_seed_adds_the_lists_and_weeks_of_doses_once(runner, db):
    def counts():
        return tuple(db.session.scalar(sa.select(sa.func.count()).select_from(m))
                     for m in (Medication, MedicationDose, SideEffectReport))

    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    first = counts()
    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    assert counts() == first
    sam = db.session.scalar(sa.select(User).where(User.email == "sam@example.org"))
    alex = db.session.scalar(sa.select(User).where(User.email == "alex@example.org"))
    sams = {m.current.name: m for m in listing.medications_of(sam.id)}
    assert set(sams) == {"sertraline", "propranolol"}
    assert sams["propranolol"].current.times == ["08:00", "20:00"]
    assert len(sams["sertraline"].entries) == 2  # the dose was raised a week ago
    [hydroxyzine] = listing.medications_of(alex.id)
    assert hydroxyzine.current.is_as_needed
    month = {f.medication.current.name: f for f in
             adherence.adherence(sam, 30, utcnow(), list(sams.values()))}
    assert month["sertraline"].taken > 14 and month["propranolol"].missed == 5
    assert adherence.missed_runs(sam, utcnow()) == {sams["propranolol"].id: 4}
    assert adherence.adherence(alex, 30, utcnow(), [hydroxyzine])[0].as_needed == 6
