"""The safety plan: the participant and their clinicians edit it; printable; on the crisis page."""

import sqlalchemy as sa

from app.models import SafetyPlan
from app.safety.plans import SECTIONS
from tests.conftest import post_form

XSS = '<script>alert("plan")</script>'


def _plan(db):
    return db.session.scalar(sa.select(SafetyPlan))


def test_the_plan_has_the_standard_sections_with_988_and_the_program_prefilled(
        participant_client):
    html = participant_client.get("/safety-plan").get_data(as_text=True)
    for section in SECTIONS:
        assert str(section.title) in html
    assert [s.key for s in SECTIONS] == [
        "warning_signs", "coping_on_my_own", "people_and_places", "people_to_ask",
        "professionals", "safer_surroundings", "reasons_for_living"]
    assert 'href="tel:988"' in html and 'href="sms:988"' in html
    assert 'href="tel:+15550100100"' in html and "North IOP" in html
    assert "<form" not in html.split("<main")[1].split("</main>")[0]  # cacheable: no form


def test_the_participant_writes_their_plan_and_it_is_shown_escaped(participant_client, db,
                                                                   world):
    page = participant_client.get("/safety-plan/edit")
    assert page.status_code == 200 and 'name="version" type="hidden" value="0"' in (
        page.get_data(as_text=True))
    response = post_form(participant_client, "/safety-plan/edit", {
        "version": "0", "warning_signs": "Not sleeping\nSkipping meals",
        "reasons_for_living": f"My dog {XSS}"})
    assert response.status_code == 302
    plan = _plan(db)
    assert plan.participant_id == world.participant_a.id and plan.version == 1
    assert plan.updated_by_id == world.participant_a.id
    html = participant_client.get("/safety-plan").get_data(as_text=True)
    assert "Not sleeping\nSkipping meals" in html
    assert "&lt;script&gt;alert(&#34;plan&#34;)&lt;/script&gt;" in html
    assert "<script>alert" not in html


def test_a_section_over_2000_characters_is_refused_and_kept(participant_client, db):
    response = post_form(participant_client, "/safety-plan/edit", {
        "version": "0", "warning_signs": "x" * 2001, "people_to_ask": "Sam 555 0101"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "2,000 characters" in html
    assert "Sam 555 0101" in html
    assert _plan(db) is None


def test_the_participant_s_clinician_edits_it_too(participant_client, clinician_client, db,
                                                 world):
    url = f"/clinician/participants/{world.participant_a.id}/safety-plan"
    assert clinician_client.get(url).status_code == 200
    response = post_form(clinician_client, url, {"version": "0",
                                                 "people_to_ask": "Aunt Jo 555 0199"})
    assert response.status_code == 302
    plan = _plan(db)
    assert plan.people_to_ask == "Aunt Jo 555 0199"
    assert plan.updated_by_id == world.clinician_a.id
    assert "Aunt Jo 555 0199" in participant_client.get("/safety-plan").get_data(as_text=True)


def test_a_save_over_someone_else_s_newer_version_is_refused_with_the_text_kept(
        participant_client, clinician_client, db, world):
    post_form(participant_client, "/safety-plan/edit", {"version": "0", "warning_signs": "A"})
    url = f"/clinician/participants/{world.participant_a.id}/safety-plan"
    stale = post_form(clinician_client, url, {"version": "0", "warning_signs": "B typed"})
    html = stale.get_data(as_text=True)
    assert stale.status_code == 400 and "Someone else saved this safety plan" in html
    assert "B typed" in html and 'value="1"' in html
    assert _plan(db).warning_signs == "A"
    assert post_form(clinician_client, url, {"version": "1",
                                             "warning_signs": "B typed"}).status_code == 302
    db.session.refresh(_plan(db))
    assert _plan(db).warning_signs == "B typed" and _plan(db).version == 2


def test_no_one_else_reaches_the_plan(app, participant_client, db, world, login_as):
    post_form(participant_client, "/safety-plan/edit", {"version": "0",
                                                        "warning_signs": "private"})
    other_participant = app.test_client()
    login_as(world.participant_b, on=other_participant)
    assert "private" not in other_participant.get("/safety-plan").get_data(as_text=True)
    other_clinician = app.test_client()
    login_as(world.clinician_b, on=other_clinician)
    url = f"/clinician/participants/{world.participant_a.id}/safety-plan"
    assert other_clinician.get(url).status_code == 404
    assert post_form(other_clinician, url, {"version": "1",
                                            "warning_signs": "changed"}).status_code == 404
    assert _plan(db).warning_signs == "private"


def test_the_plan_is_printable(participant_client):
    html = participant_client.get("/safety-plan").get_data(as_text=True)
    assert "data-print hidden" in html and 'class="actions no-print"' in html
    with participant_client.get("/static/css/components.css") as response:
        css = response.get_data(as_text=True)
    assert "@media print" in css and ".no-print" in css


def test_the_crisis_page_links_to_the_plan_for_signed_in_participants(participant_client,
                                                                     client):
    assert 'href="/safety-plan"' in participant_client.get("/crisis").get_data(as_text=True)
    assert 'href="/safety-plan"' not in client.get("/crisis").get_data(as_text=True)
