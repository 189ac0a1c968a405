"""Check-ins in a real browser on a phone: a check-in in a few taps, crisis help before anything
else, and the client-side safety rules agreeing with the server's. axe-core clean throughout."""

import json
import pathlib

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.models import Checkin, SafetyAlert
from app.safety import alerts as safety
from tests.browser.fixtures import settle

pytestmark = pytest.mark.browser

CASES = json.loads((pathlib.Path(__file__).resolve().parents[1] / "safety"
                    / "safety_cases.json").read_text())["cases"]


@pytest.fixture
def participant(make_program, make_clinician, make_participant):
    """Robin, in Harbor IOP with Dr Lane as primary clinician."""
    program = make_program(name="Harbor IOP", phone="+1 555 010 0300")
    clinician = make_clinician(program, display_name="Dr Lane")
    return make_participant(program, clinician, display_name="Robin")


def test_a_check_in_takes_three_taps_on_a_phone(open_page, sign_in, check_a11y, participant,
                                                db):
    page = open_page("phone")
    sign_in(page, participant, lands_on="/today")

    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Check-in", exact=True).click()  # tap 1
    page.wait_for_url("**/checkin")
    settle(page)
    check_a11y(page)
    mood = page.get_by_role("group", name="How is your mood?")
    good = mood.get_by_role("radio", name="Good", exact=True)
    box = good.bounding_box()
    assert box and box["height"] >= 44 and box["width"] >= 44, box  # a thumb-sized target
    good.click()  # tap 2
    expect(good).to_be_checked()
    page.get_by_role("button", name="Save check-in").click()  # tap 3

    expect(page.get_by_role("heading", name="Thank you. Your check-in is saved.")).to_be_visible()
    settle(page)
    expect(page.get_by_text("You don't have to go through this alone")).to_have_count(0)
    check_a11y(page)
    row = db.session.scalar(sa.select(Checkin))
    assert row.mood == 4 and row.participant_id == participant.id


def test_a_yes_to_the_safety_question_shows_help_at_once_and_first_after_saving(
        open_page, sign_in, check_a11y, participant, db):
    page = open_page("phone")
    sign_in(page, participant, lands_on="/today")
    page.goto("/checkin")
    settle(page)
    form_help = page.locator("form [data-crisis-help]")
    expect(form_help).to_be_hidden()

    page.get_by_role("group", name="How is your mood?").get_by_role(
        "radio", name="Very low").click()
    page.get_by_role("group", name="Since your last check-in, have you had thoughts").get_by_role(
        "radio", name="Yes", exact=True).click()
    # Shown by the page itself from the answer: nothing has been sent yet.
    expect(form_help).to_be_visible()
    expect(form_help.locator('a[href="tel:988"]')).to_be_visible()
    assert db.session.scalar(sa.select(sa.func.count(Checkin.id))) == 0
    check_a11y(page)

    page.get_by_role("button", name="Save check-in").click()
    heading = page.get_by_role("heading", name="You don't have to go through this alone")
    expect(heading).to_be_visible()
    settle(page)
    for href in ("tel:911", "tel:988", "sms:988", "tel:+15550100300", "/safety-plan"):
        expect(page.locator(f'#checkin a[href="{href}"]').first).to_be_visible()
    thanks = page.get_by_role("heading", name="Thank you. Your check-in is saved.")
    assert heading.bounding_box()["y"] < thanks.bounding_box()["y"]
    check_a11y(page)
    assert db.session.scalar(sa.select(sa.func.count(SafetyAlert.id))) == 1


def test_the_client_rules_agree_with_the_server_rules(open_page, sign_in, participant):
    """static/js/safety.js and app/safety/alerts.py give the same answer on every case, with
    typed answers (the offline queue's JSON) and with form strings ("yes", "5")."""
    page = open_page("phone")
    sign_in(page, participant, lands_on="/today")
    as_form = [{**case, "answers": {k: "" if v is None else "yes" if v is True else
                                    "no" if v is False else str(v)
                                    for k, v in case["answers"].items()}} for case in CASES]
    results = page.evaluate(
        """async (cases) => {
             const { triggers } = await import("/static/js/safety.js");
             return cases.map((c) => triggers(c.kind, c.answers));
           }""", CASES + as_form)
    for index, case in enumerate(CASES):
        server = [t["code"] for t in safety.triggers(case["kind"], case["answers"])]
        assert server == case["codes"], case
        assert results[index] == server, ("typed", case)
        assert results[len(CASES) + index] == server, ("form strings", case)


def test_progress_safety_plan_and_questionnaire_pages_are_accessible(
        open_page, sign_in, check_a11y, participant):
    page = open_page("phone")
    sign_in(page, participant, lands_on="/today")
    expect(page.get_by_role("link", name="Mood questionnaire (PHQ-9) is due")).to_be_visible()
    for path in ("/checkin/scales/phq9", "/progress?days=30", "/safety-plan",
                 "/safety-plan/edit", "/checkin/history"):
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        check_a11y(page)
    page.goto("/safety-plan")
    expect(page.get_by_role("button", name="Print")).to_be_visible()  # shown by the script


def test_a_clinician_acknowledges_an_alert_from_the_home_page(
        open_page, sign_in, check_a11y, participant, db, make_clinician):
    from app.checkins import service as checkins

    checkins.save(participant, {"mood": "1", "safety_thoughts": "yes"})
    clinician = db.session.scalar(sa.select(SafetyAlert)).primary_clinician
    page = open_page("desktop")
    sign_in(page, clinician, lands_on="/clinician/")
    alerts = page.get_by_role("region", name="Open safety alerts")
    expect(alerts).to_contain_text("Robin")
    expect(alerts).to_contain_text("Answered yes to the safety question")
    check_a11y(page)
    alerts.get_by_label("Called the participant").check()
    alerts.get_by_label("Note").fill("Called Robin; safe with family tonight.")
    alerts.get_by_role("button", name="Acknowledge").click()
    expect(alerts).to_contain_text("Acknowledged by Dr Lane")
    settle(page)
    check_a11y(page)
    alert = db.session.scalar(sa.select(SafetyAlert))
    db.session.refresh(alert)
    assert alert.action_taken == "Called Robin; safe with family tonight."
