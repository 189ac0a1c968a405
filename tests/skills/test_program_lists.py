"""A program's list: its copies of Trellis's skills and its own skills as versions, hidden skills,
managed by the program's clinicians and admins; favourites, recently used and search for
participants."""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from app.models import AuditEvent, SkillPractice, SkillVersion
from app.skills import library
from tests.conftest import post_form
from tests.skills.helpers import add_practice, current_text, practice_form

EDIT = {"category": "cbt", "name": "Paced breathing (North)",
        "use_when": "Use it when your chest feels tight.",
        "steps": "Sit down.\nBreathe in for 4.\nBreathe out for 6.", "minutes": "4",
        "guided_mode": "breathing", "breathing_in": "4", "breathing_hold": "0",
        "breathing_out": "6", "breathing_rest": "0"}


def _edit_url(program, key="paced-breathing"):
    return f"/clinician/skills/programs/{program.id}/skills/{key}/edit"


def test_a_program_s_edit_is_a_new_version_for_it_alone_and_history_keeps_the_old_text(
        clinician_client, participant_client, app, login_as, db, world):
    practice_form(participant_client)
    before = db.session.scalar(sa.select(SkillPractice))
    response = post_form(clinician_client, _edit_url(world.iop), EDIT)
    assert response.status_code == 302
    north = current_text("paced-breathing", world.iop.id)
    assert (north.name, north.program_id, north.number, north.created_by_id) == (
        "Paced breathing (North)", world.iop.id, 1, world.clinician_a.id)
    assert north.steps == ["Sit down.", "Breathe in for 4.", "Breathe out for 6."]
    assert current_text("paced-breathing", world.php.id).name == "Paced breathing"
    assert "Paced breathing (North)" in participant_client.get(
        "/skills/paced-breathing").get_data(as_text=True)
    other = app.test_client()
    login_as(world.participant_b, on=other)
    assert "(North)" not in other.get("/skills/paced-breathing").get_data(as_text=True)
    practice_form(participant_client)
    after = db.session.scalars(sa.select(SkillPractice).order_by(SkillPractice.id)).all()[-1]
    db.session.refresh(before)
    assert before.version.name == "Paced breathing" and after.version.name == \
        "Paced breathing (North)"
    # A second edit is version 2; saving the same text again adds nothing.
    post_form(clinician_client, _edit_url(world.iop), {**EDIT, "minutes": "5"})
    post_form(clinician_client, _edit_url(world.iop), {**EDIT, "minutes": "5"})
    assert current_text("paced-breathing", world.iop.id).number == 2
    assert db.session.scalar(sa.select(sa.func.count(SkillVersion.id)).where(
        SkillVersion.program_id == world.iop.id)) == 2
    db.session.refresh(after)
    assert after.version.minutes == 4
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(
        AuditEvent.target == "skill:paced-breathing")) == 2


def test_going_back_to_trellis_s_text(clinician_client, participant_client, db, world):
    post_form(clinician_client, _edit_url(world.iop), EDIT)
    response = post_form(clinician_client, f"/clinician/skills/programs/{world.iop.id}/skills/"
                         "paced-breathing/trellis-text")
    assert response.status_code == 302
    assert current_text("paced-breathing", world.iop.id).program_id is None
    assert "(North)" not in participant_client.get("/skills/paced-breathing").get_data(
        as_text=True)


def test_a_program_adds_its_own_skill_seen_only_by_its_participants(
        clinician_client, participant_client, app, login_as, db, world):
    data = {"category": "relapse_prevention", "name": "Call your peer mentor",
            "use_when": "Use it when evenings feel long.",
            "steps": "Open your contacts.\nCall or text your peer mentor.\nMake a plan together.",
            "minutes": "10", "guided_mode": ""}
    response = post_form(clinician_client, f"/clinician/skills/programs/{world.iop.id}/new",
                         data)
    assert response.status_code == 302
    own = next(s for s in library.program_library(world.iop.id) if s.source == library.OWN)
    assert own.key == f"p{world.iop.id}-call-your-peer-mentor"
    assert "Call your peer mentor" in participant_client.get("/skills").get_data(as_text=True)
    assert practice_form(participant_client, {"skill": own.key}).status_code == 200
    other = app.test_client()
    login_as(world.participant_b, on=other)
    assert "Call your peer mentor" not in other.get("/skills").get_data(as_text=True)
    assert other.get(f"/skills/{own.key}").status_code == 404
    # A second skill with the same name gets its own key.
    post_form(clinician_client, f"/clinician/skills/programs/{world.iop.id}/new", data)
    keys = {s.key for s in library.program_library(world.iop.id) if s.source == library.OWN}
    assert keys == {own.key, f"{own.key}-2"}


def test_the_editor_names_each_problem_and_keeps_what_was_typed(clinician_client, db, world):
    bad = {"category": "", "name": "", "use_when": "x" * 301, "steps": "Only one step.",
           "minutes": "0", "guided_mode": "breathing", "breathing_in": "40"}
    response = post_form(clinician_client, f"/clinician/skills/programs/{world.iop.id}/new",
                         bad)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    for field in ("category", "name", "use_when", "steps", "minutes", "guided"):
        assert f'id="{field}-error"' in page, field
    assert "Only one step." in page and 'value="40"' in page
    assert db.session.scalar(sa.select(sa.func.count(SkillVersion.id)).where(
        SkillVersion.program_id == world.iop.id)) == 0


def test_hiding_a_skill_takes_it_out_of_participants_lists(clinician_client, participant_client,
                                                           db, world):
    add_practice(world.participant_a, "halt", datetime.now(UTC), before=6, after=3)
    url = f"/clinician/skills/programs/{world.iop.id}/skills/halt/visibility"
    assert post_form(clinician_client, url, {"hidden": "yes"}).status_code == 302
    assert "HALT check" not in participant_client.get("/skills").get_data(as_text=True)
    assert participant_client.get("/skills/halt").status_code == 404
    assert "HALT check" not in participant_client.get("/skills/log").get_data(as_text=True)
    # Still in the staff list (marked hidden), and what was logged stays in the history.
    staff_list = clinician_client.get(f"/clinician/skills/programs/{world.iop.id}")
    assert "HALT check" in staff_list.get_data(as_text=True)
    assert "HALT check" in participant_client.get("/skills/history").get_data(as_text=True)
    assert "HALT check: distress down 3 points" in participant_client.get(
        "/skills/what-helps").get_data(as_text=True)
    post_form(clinician_client, url, {"hidden": "no"})
    assert participant_client.get("/skills/halt").status_code == 200
    assert post_form(clinician_client, url, {}).status_code == 302  # no choice: nothing done


def test_only_the_program_s_staff_and_admins_manage_its_list(app, db, world, login_as):
    outsider = app.test_client()
    login_as(world.clinician_b, on=outsider)
    for url in (f"/clinician/skills/programs/{world.iop.id}", _edit_url(world.iop),
                f"/clinician/skills/programs/{world.iop.id}/new"):
        assert outsider.get(url).status_code == 404
    assert post_form(outsider, _edit_url(world.iop), EDIT).status_code == 404
    assert post_form(outsider, f"/clinician/skills/programs/{world.iop.id}/skills/halt/"
                     "visibility", {"hidden": "yes"}).status_code == 404
    assert current_text("paced-breathing", world.iop.id).program_id is None
    admin = app.test_client()
    login_as(world.admin, on=admin)
    assert post_form(admin, _edit_url(world.iop), EDIT).status_code == 302
    # Another program's own skill is not in this program's list.
    assert outsider.get(f"/clinician/skills/programs/{world.php.id}/skills/"
                        f"p{world.iop.id}-x/edit").status_code == 404


def test_favourites_and_recently_used_come_first(participant_client, db, world):
    post_form(participant_client, "/skills/wise-mind/favourite", {"starred": "yes"})
    post_form(participant_client, "/skills/wise-mind/favourite", {"starred": "yes"})  # again
    add_practice(world.participant_a, "urge-surfing", datetime.now(UTC) - timedelta(days=2))
    add_practice(world.participant_a, "stop", datetime.now(UTC) - timedelta(hours=1))
    add_practice(world.participant_a, "halt", datetime.now(UTC) - timedelta(days=20))  # too old
    arranged = library.arrange(world.participant_a)
    assert [s.key for s in arranged.favourites] == ["wise-mind"]
    assert [s.key for s in arranged.recent] == ["stop", "urge-surfing"]
    page = participant_client.get("/skills").get_data(as_text=True)
    assert page.index("Your favourites") < page.index("Used recently") < page.index(
        'id="category-mindfulness"')
    pick = participant_client.get("/skills/log").get_data(as_text=True)
    assert pick.index("Wise mind") < pick.index("STOP") < pick.index("Urge surfing") \
        < pick.index('id="pick-mindfulness"')
    post_form(participant_client, "/skills/wise-mind/favourite", {"starred": "no"})
    assert library.arrange(world.participant_a).favourites == []


def test_the_star_comes_back_alone_for_htmx(participant_client, db):
    response = post_form(participant_client, "/skills/halt/favourite",
                         {"starred": "yes", "compact": "yes"}, headers={"HX-Request": "true"})
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in text
    assert 'aria-pressed="true"' in text and 'value="no"' in text


def test_search_by_name_and_by_category(participant_client, db, world):
    add_practice(world.participant_a, "box-breathing", datetime.now(UTC))
    results = library.arrange(world.participant_a, query="BREATH")
    assert [s.key for s in results.results] == ["box-breathing", "paced-breathing"]
    # "use it when" words find skills too, after the names that match.
    panicky = library.arrange(world.participant_a, query="panicky").results
    assert {"paced-breathing", "grounding-54321"} <= {s.key for s in panicky}
    fragment = participant_client.get("/skills?q=breath", headers={"HX-Request": "true"})
    text = fragment.get_data(as_text=True)
    assert "<html" not in text and "2 skills found" in text
    nothing = participant_client.get("/skills?q=zzzz").get_data(as_text=True)
    assert "0 skills found" in nothing and "No skill matches that" in nothing
    category = participant_client.get("/skills?category=relapse_prevention").get_data(
        as_text=True)
    assert "Urge surfing" in category and "Wise mind" not in category
    assert participant_client.get("/skills?category=nonsense").status_code == 200
