"""Skills in a real browser on a 390 px phone: a practice in three taps from Today, the star,
live search, the breathing pacer (and with reduced motion), grounding step by step, the public
exercises; staff pages on a desktop. axe-core clean throughout."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.database import utcnow
from app.models import SkillFavourite, SkillPractice
from app.skills import homework
from tests.browser.fixtures import settle

pytestmark = pytest.mark.browser



@pytest.fixture
def participant(make_program, make_clinician, make_participant):
    """Robin, in Harbor IOP with Dr Lane as primary clinician."""
    program = make_program(name="Harbor IOP", phone="+1 555 010 0300")
    clinician = make_clinician(program, display_name="Dr Lane")
    return make_participant(program, clinician, display_name="Robin")


def _tap_target(locator) -> None:
    box = locator.bounding_box()
    assert box and box["height"] >= 44 and box["width"] >= 44, box


def test_a_practice_takes_three_taps_from_today_on_a_phone(open_page, sign_in, check_a11y,
                                                            participant, db):
    page = open_page("phone")
    sign_in(page, participant, lands_on="/today")
    check_a11y(page)
    log = page.get_by_role("link", name="Log a practice")
    _tap_target(log)
    log.click()  # tap 1
    page.wait_for_url("**/skills/log")
    settle(page)
    check_a11y(page)
    skill = page.get_by_role("link", name="Paced breathing").first
    _tap_target(skill)
    skill.click()  # tap 2
    page.wait_for_url("**/skills/log?skill=paced-breathing")
    settle(page)
    check_a11y(page)
    form = page.locator("form[data-offline-queue='skill-practice']")
    expect(form.locator("input[name=client_uuid]")).to_have_count(1)
    save = page.get_by_role("button", name="Save practice")
    _tap_target(save)
    save.click()  # tap 3
    expect(page.get_by_role("heading", name="Saved. Well done for taking this time for yourself."
                            )).to_be_visible()
    settle(page)
    check_a11y(page)
    row = db.session.scalar(sa.select(SkillPractice))
    assert row.participant_id == participant.id and row.skill.key == "paced-breathing"


def test_ratings_are_big_targets_and_errors_are_next_to_their_field(open_page, sign_in,
                                                                   check_a11y, participant, db):
    page = open_page("phone")
    sign_in(page, participant, lands_on="/today")
    page.goto("/skills/log?skill=urge-surfing")
    settle(page)
    before = page.get_by_role("group", name="Distress before")
    seven = before.get_by_role("radio", name="7", exact=True)
    _tap_target(seven)
    seven.click()
    page.get_by_role("group", name="Distress after").get_by_role("radio", name="3",
                                                                 exact=True).click()
    helped = page.get_by_role("group", name="How much did it help?").get_by_role(
        "radio", name="Quite a bit")
    _tap_target(helped)
    helped.click()
    page.get_by_text("Add minutes, a note or an earlier time").click()
    page.get_by_label("Minutes").fill("900")
    page.get_by_label("Note").fill("On the bus home")
    page.get_by_role("button", name="Save practice").click()
    expect(page.locator("#minutes-error")).to_contain_text("from 1 to 240")
    settle(page)
    expect(page.get_by_label("Note")).to_have_value("On the bus home")
    expect(seven).to_be_checked()
    check_a11y(page)
    assert db.session.scalar(sa.select(sa.func.count(SkillPractice.id))) == 0
    page.get_by_label("Minutes").fill("15")
    page.get_by_role("button", name="Save practice").click()
    expect(page.get_by_role("heading", name="Saved. Well done for taking this time for yourself."
                            )).to_be_visible()
    row = db.session.scalar(sa.select(SkillPractice))
    assert (row.distress_before, row.distress_after, row.helpful, row.minutes) == (7, 3, 4, 15)


def test_star_search_and_homework_on_the_skills_tab(open_page, sign_in, check_a11y,
                                                   participant, db, make_clinician):
    clinician = participant_clinician(db, participant)
    homework.assign(clinician, participant, {
        "skills": ["box-breathing"], "target": "3",
        "due_on": (utcnow() + timedelta(days=3)).date().isoformat()})
    page = open_page("phone")
    sign_in(page, participant, lands_on="/today")
    expect(page.get_by_text("0 of 3")).to_be_visible()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Skills").click()
    page.wait_for_url("**/skills")
    settle(page)
    check_a11y(page)
    star = page.get_by_role("button", name="Favourite: Wise mind")
    _tap_target(star)
    star.click()
    expect(page.get_by_role("button", name="Favourite: Wise mind")).to_have_attribute(
        "aria-pressed", "true")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SkillFavourite)) == 1
    page.get_by_label("Find a skill").fill("breath")
    expect(page.locator("#main").get_by_text("2 skills found")).to_be_visible()
    settle(page)
    check_a11y(page)
    page.locator("#skill-list").get_by_role("link", name="Box breathing").click()
    page.wait_for_url("**/skills/box-breathing")
    expect(page.get_by_role("heading", name="Practice from your care team")).to_be_visible()


def participant_clinician(db, participant):
    from app.care.team import care_enrolment

    return care_enrolment(participant).primary_clinician


def test_the_pacer_breathes_and_stays_still_with_reduced_motion(open_page, sign_in, check_a11y,
                                                                participant):
    page = open_page("phone")
    sign_in(page, participant, lands_on="/today")
    page.goto("/skills/paced-breathing/guided")
    settle(page)
    pacer = page.locator("[data-pacer]")
    expect(pacer).to_be_visible()  # the script shows it
    check_a11y(page)
    page.get_by_role("button", name="Start").click()
    expect(page.locator("[data-pacer-cue]")).to_have_text("Breathe in")
    expect(pacer).to_have_attribute("data-phase", "in")
    expect(page.locator("[data-pacer-cue]")).to_have_text("Breathe out", timeout=6000)
    page.get_by_role("button", name="Pause").click()
    expect(page.get_by_role("button", name="Carry on")).to_be_visible()
    check_a11y(page)

    page.emulate_media(reduced_motion="reduce")
    page.reload()
    settle(page)
    page.get_by_role("button", name="Start").click()
    expect(pacer).to_have_attribute("data-phase", "in")
    transform = page.locator(".pacer__circle").evaluate(
        "(el) => getComputedStyle(el).transform")
    assert transform in ("none", "matrix(1, 0, 0, 1, 0, 0)"), transform


def test_without_javascript_the_pacer_page_is_plain_steps(browser, live_server, participant):
    context = browser.new_context(base_url=live_server, java_script_enabled=False,
                                  viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto("/calm/breathing")
        expect(page.locator("[data-pacer]")).to_be_hidden()
        expect(page.get_by_text("Breathe in slowly through your nose for a count of 4.")
               ).to_be_visible()
        page.goto("/calm/grounding")
        page.get_by_role("link", name="Next").click()
        expect(page.get_by_text("Step 2 of 5")).to_be_visible()
    finally:
        context.close()


def test_from_the_crisis_page_signed_out(open_page, check_a11y):
    page = open_page("phone")
    page.goto("/crisis")
    check_a11y(page)
    page.get_by_role("link", name="Ground yourself: 5-4-3-2-1").click()
    page.wait_for_url("**/calm/grounding")
    settle(page)
    check_a11y(page)
    for n in range(2, 6):
        page.get_by_role("link", name="Next").click()
        expect(page.get_by_text(f"Step {n} of 5")).to_be_visible()
    page.get_by_role("link", name="Finish").click()
    expect(page.get_by_role("heading", name="Well done")).to_be_visible()
    page.goto("/calm/breathing")
    settle(page)
    check_a11y(page)
    expect(page.get_by_role("link", name="Call 988")).to_be_visible()


def test_staff_pages_pass_axe(open_page, sign_in, check_a11y, participant, db):
    clinician = participant_clinician(db, participant)
    page = open_page("desktop")
    sign_in(page, clinician, lands_on="/clinician/")
    page.get_by_role("link", name="Skills", exact=True).click()
    page.wait_for_url("**/clinician/skills/")
    check_a11y(page)
    page.get_by_role("link", name="Manage the list").click()
    check_a11y(page)
    page.get_by_role("link", name="Edit Paced breathing").click()
    check_a11y(page)
    page.get_by_label("Name").fill("Paced breathing (Harbor)")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#main").get_by_text("Saved as a new version")).to_be_visible()
    page.goto(f"/clinician/participants/{participant.id}")
    page.get_by_role("link", name="Assign homework").click()
    check_a11y(page)
    page.get_by_role("checkbox", name="Paced breathing (Harbor)").check()
    page.get_by_label("How many times (each skill)").fill("0")
    page.get_by_role("button", name="Assign").click()
    expect(page.locator("#target-error")).to_be_visible()
    check_a11y(page)
    page.get_by_label("How many times (each skill)").fill("2")
    page.get_by_role("button", name="Assign").click()
    expect(page.locator("main").get_by_text("Homework saved for 1 skill.")).to_be_visible()
    expect(page.get_by_role("cell", name="0 of 2")).to_be_visible()
    check_a11y(page)
