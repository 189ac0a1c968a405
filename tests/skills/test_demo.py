"""Demo skills data: present after `demo seed`, and never duplicated by running it again."""

import sqlalchemy as sa

from app.models import SkillFavourite, SkillHomework, SkillPractice, SkillVersion, User
from app.skills import demo, homework, insights


def _counts(db):
    return tuple(db.session.scalar(sa.select(sa.func.count()).select_from(m))
                 for m in (SkillPractice, SkillHomework, SkillFavourite, SkillVersion))


def test_demo_seed_adds_practices_favourites_and_one_homework_each_once(runner, db):
    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    first = _counts(db)
    assert first[:3] == (len(demo.ALEX) + len(demo.SAM), 2, 2)
    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    assert _counts(db) == first
    alex = db.session.scalar(sa.select(User).where(User.email == "alex@example.org"))
    [progress] = homework.current(alex)
    assert progress.name == "Paced breathing" and progress.done == 1 and progress.target == 3
    top = insights.for_participant(alex)[0]
    assert top.name == "Paced breathing" and top.average_change < 0
