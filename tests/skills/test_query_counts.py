"""Skills pages send as many SQL queries for a long history as for a short one."""

from datetime import UTC, datetime, timedelta

import pytest

from app.skills import homework
from tests.skills.helpers import add_practice

KEYS = ["paced-breathing", "halt", "urge-surfing", "stop", "wise-mind", "box-breathing",
        "reach-out", "thought-record"]


def _history(world, start: int, count: int) -> None:
    for n in range(start, start + count):
        add_practice(world.participant_a, KEYS[n % len(KEYS)],
                     datetime.now(UTC) - timedelta(hours=n * 5), before=6, after=3, helpful=4)
    homework.assign(world.clinician_a, world.participant_a, {
        "skills": [KEYS[start % len(KEYS)]], "target": "3",
        "due_on": (datetime.now(UTC) + timedelta(days=3)).date().isoformat()})


@pytest.mark.parametrize(("actor", "page"), [
    ("participant_a", "/today"), ("participant_a", "/skills"),
    ("participant_a", "/skills/log"), ("participant_a", "/skills/history"),
    ("participant_a", "/skills/what-helps"), ("clinician_a", "/clinician/participants/{pid}"),
    ("clinician_a", "/clinician/skills/programs/{program}/what-helps"),
])
def test_the_query_count_does_not_grow_with_practices_and_homework(
        app, world, login_as, db, count_queries, actor, page):
    client = app.test_client()
    login_as(getattr(world, actor), on=client)
    url = page.format(pid=world.participant_a.id, program=world.iop.id)
    _history(world, 0, 1)
    client.get(url)
    with count_queries() as few:
        assert client.get(url).status_code == 200
    _history(world, 1, 7)
    with count_queries() as many:
        assert client.get(url).status_code == 200
    assert many["n"] == few["n"], (few, many)
