"""What people write in skills (practice notes, homework notes, a program's own skill) renders
inert on every skills page and sits inside hx-disable."""

from datetime import UTC, datetime, timedelta

import pytest
from markupsafe import escape

from app.skills import editing, homework
from tests.security.test_xss import PAYLOADS, _dangerous_fragments, _TextOutsideHxDisable
from tests.skills.helpers import add_practice


def _plant(db, world, text: str) -> str:
    own = editing.add_own(world.clinician_a, world.iop, {
        "category": "cbt", "name": f"Own {text}"[:120], "use_when": f"Use it when {text}",
        "steps": [f"One {text}", f"Two {text}", f"Three {text}"], "minutes": 5,
        "guided": {"mode": "steps"}})
    add_practice(world.participant_a, own.key, datetime.now(UTC), before=6, after=2,
                 note=f"Note {text}")
    homework.assign(world.clinician_a, world.participant_a, {
        "skills": [own.key], "target": "2", "note": f"Homework {text}",
        "due_on": (datetime.now(UTC) + timedelta(days=3)).date().isoformat()})
    return own.key


def _pages(world, key: str, practice_id: int | None = None):
    participant = ["/today", "/skills", f"/skills?q={key[:6]}", f"/skills/{key}",
                   f"/skills/{key}/guided", f"/skills/{key}/guided?step=2",
                   f"/skills/log?skill={key}", "/skills/log", "/skills/history",
                   "/skills/what-helps"]
    staff = [f"/clinician/participants/{world.participant_a.id}",
             f"/clinician/skills/programs/{world.iop.id}",
             f"/clinician/skills/programs/{world.iop.id}/what-helps",
             f"/clinician/skills/participants/{world.participant_a.id}/homework/new"]
    return participant, staff


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_render_inert_on_skills_pages(app, db, world, login_as, payload):
    key = _plant(db, world, payload)
    participant, staff = _pages(world, key)
    fragments = _dangerous_fragments(payload)
    shown = 0
    for actor, paths in (("participant_a", participant), ("clinician_a", staff)):
        client = app.test_client()
        login_as(getattr(world, actor), on=client)
        for path in paths:
            html = client.get(path).get_data(as_text=True)
            for fragment in fragments:
                assert fragment not in html, (fragment, path)
            shown += str(escape(payload)) in html
    assert shown >= 10


def test_skills_user_text_sits_inside_hx_disable(app, db, world, login_as):
    key = _plant(db, world, "MARKER-TEXT")
    participant, staff = _pages(world, key)
    for actor, paths in (("participant_a", participant), ("clinician_a", staff)):
        client = app.test_client()
        login_as(getattr(world, actor), on=client)
        for path in paths:
            html = client.get(path).get_data(as_text=True)
            if path != "/skills/log":  # the picker lists names only
                assert "MARKER-TEXT" in html, path
            parser = _TextOutsideHxDisable("MARKER-TEXT")
            parser.feed(html)
            assert parser.exposed == [], path
