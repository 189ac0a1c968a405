"""The pages issue 11 added, in a real browser with axe: the handover on the caseload, a
read-only participant page, the team-change notice, "who takes over", joining by invite."""

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from app.auth import invites
from app.care import enrolments, memberships
from app.models import Enrolment, Role

pytestmark = pytest.mark.browser


def test_caseload_handover_and_read_only_participant_page(app, world, db, open_page, sign_in,
                                                          check_a11y, make_user):
    enrolment = db.session.query(Enrolment).filter_by(
        participant_id=world.participant_a.id).one()
    with app.test_request_context():
        enrolments.transition(enrolment, date.today() - timedelta(days=2), world.admin,
                              to_program=world.php)
        memberships.change_programs(world.clinician_b, [world.php, world.iop], world.admin)
        db.session.commit()
    page = open_page("desktop")
    sign_in(page, world.clinician_a, lands_on="/clinician/")
    expect(page.get_by_role("heading", name="Recently moved on (read-only)")).to_be_visible()
    expect(page.get_by_role("heading", name="Changes to your programs' staff")).to_be_visible()
    check_a11y(page)
    page.get_by_role("link", name="Participant A").click()
    page.wait_for_url(f"**/clinician/participants/{world.participant_a.id}")
    expect(page.get_by_role("status")).to_contain_text("Read-only")
    check_a11y(page)
    page.get_by_role("link", name="Safety plan").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Safety plan")
    check_a11y(page)


def test_who_takes_over_step(world, open_page, sign_in, check_a11y):
    page = open_page("desktop")
    sign_in(page, world.admin, lands_on="/admin/")
    page.goto(f"/admin/clinicians/{world.clinician_a.id}/programs")
    page.get_by_label("North IOP").uncheck()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Who takes over")
    check_a11y(page)
    page.get_by_label("New primary clinician in North IOP").select_option(
        label="Leave without a primary clinician")
    page.get_by_role("button", name="Save programs").click()
    page.wait_for_url("**/admin/clinicians")


def test_joining_a_program_by_invite_with_an_existing_account(app, world, db, open_page,
                                                             sign_in, check_a11y, make_user):
    person = make_user(Role.PARTICIPANT, display_name="Riley", email="riley@example.org")
    with app.test_request_context():
        _invite, token = invites.invite_participant(person.email, "Riley", world.iop,
                                                    date.today(), None, world.clinician_a)
        db.session.commit()
    page = open_page("phone")
    page.goto(f"/invite/{token}")
    check_a11y(page)
    page.get_by_role("link", name="Sign in to accept").click()
    page.get_by_label("Email").fill(person.email)
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Accept and join")).to_be_visible()
    check_a11y(page)
    page.get_by_role("button", name="Accept and join").click()
    page.wait_for_url("**/consent**")
