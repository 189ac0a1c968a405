"""The Skills tab in the participant's shell, Today's practice card, a skill's page and guided
modes, and the two exercises the crisis page offers without signing in."""

import re

from app.skills import editing, library
from tests.conftest import post_form


def test_the_skills_tab_is_the_library(participant_client):
    page = participant_client.get("/skills").get_data(as_text=True)
    nav = page[page.index('class="bottom-nav"'):]
    assert re.search(r'<a href="/skills"\s+aria-current="page">Skills</a>', nav)
    assert "coming to Trellis soon" not in page
    for heading in ("Being present", "Getting through hard moments", "Handling strong feelings",
                    "People and relationships", "Thoughts, body and actions",
                    "Staying on track"):
        assert heading in page
    assert 'href="/skills/log"' in page
    # The tab stays current on the skills pages.
    skill_page = participant_client.get("/skills/halt").get_data(as_text=True)
    assert re.search(r'<a href="/skills"\s+aria-current="page">Skills</a>', skill_page)


def test_today_has_the_practice_card(participant_client):
    page = participant_client.get("/today").get_data(as_text=True)
    card = page[page.index('id="today-skills-heading"'):]
    assert 'href="/skills/log"' in card and "Log a practice" in card


def test_a_skill_s_page_has_its_steps_and_the_ways_in(participant_client):
    page = participant_client.get("/skills/paced-breathing").get_data(as_text=True)
    assert "Use it when you feel anxious or panicky, or can’t settle." in page
    assert page.count("<li>") >= 4
    assert 'href="/skills/paced-breathing/guided"' in page
    assert 'href="/skills/log?skill=paced-breathing"' in page
    assert "Start guided" not in participant_client.get("/skills/halt").get_data(as_text=True)
    assert participant_client.get("/skills/halt/guided").status_code == 302


def test_the_breathing_pacer_is_hidden_until_its_script_runs_and_the_steps_are_there(
        participant_client):
    page = participant_client.get("/skills/box-breathing/guided").get_data(as_text=True)
    pacer = re.search(r"<section class=\"pacer\"[^>]*>", page).group(0)
    assert "hidden" in pacer and 'data-in="4"' in pacer and 'data-hold="4"' in pacer
    assert "Breathe in for a count of 4." in page  # the plain steps, for no JavaScript


def test_grounding_goes_one_step_at_a_time_without_javascript(participant_client):
    first = participant_client.get("/skills/grounding-54321/guided").get_data(as_text=True)
    assert "Step 1 of 5" in first and "5 things you can see" in first
    assert 'href="/skills/grounding-54321/guided?step=2"' in first
    last = participant_client.get("/skills/grounding-54321/guided?step=5").get_data(
        as_text=True)
    assert "Finish" in last
    done = participant_client.get("/skills/grounding-54321/guided?step=6").get_data(
        as_text=True)
    assert "Well done" in done and 'href="/skills/log?skill=grounding-54321"' in done
    odd = participant_client.get("/skills/grounding-54321/guided?step=x").get_data(as_text=True)
    assert "Step 1 of 5" in odd


def test_the_crisis_page_links_two_exercises_that_open_without_signing_in(client, db):
    crisis = client.get("/crisis").get_data(as_text=True)
    assert "While you wait" in crisis
    assert 'href="/calm/breathing"' in crisis and 'href="/calm/grounding"' in crisis
    breathing = client.get("/calm/breathing")
    grounding = client.get("/calm/grounding?step=2")
    assert breathing.status_code == grounding.status_code == 200
    assert "Paced breathing" in breathing.get_data(as_text=True)
    assert "data-pacer" in breathing.get_data(as_text=True)
    assert "Step 2 of 5" in grounding.get_data(as_text=True)
    for response in (breathing, grounding):
        text = response.get_data(as_text=True)
        assert 'href="tel:988"' in text and "/skills/log" not in text
        assert "Set-Cookie" not in response.headers or "session" not in \
            response.headers.get("Set-Cookie", "")
    assert client.get("/calm/anything").status_code == 404


def test_the_exercises_read_no_database_and_a_signed_in_participant_may_log_them(
        participant_client, db, world):
    """The public pages use the shipped catalogue file, not the database: they work before
    `flask skills sync` and whatever a program did to its copy."""
    editing.set_hidden(world.clinician_a, world.iop,
                       library.get_skill_for_program(world.iop, "paced-breathing"), True)
    page = participant_client.get("/calm/breathing").get_data(as_text=True)
    assert "Paced breathing" in page and "/skills/log" not in page
    grounding = participant_client.get("/calm/grounding?step=6").get_data(as_text=True)
    assert 'href="/skills/log?skill=grounding-54321"' in grounding


def test_favourite_without_javascript_goes_back_to_the_skill(participant_client):
    response = post_form(participant_client, "/skills/halt/favourite", {"starred": "yes"})
    assert response.status_code == 302 and response.headers["Location"] == "/skills/halt"
    page = participant_client.get("/skills/halt").get_data(as_text=True)
    assert "Added to your favourites." in page and 'aria-pressed="true"' in page
