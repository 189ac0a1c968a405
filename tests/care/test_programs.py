"""Admin: programs."""

import sqlalchemy as sa

from app.models import LevelOfCare, Program
from tests.conftest import post_form

VALID = {"name": "Lakeside PHP", "level_of_care": "php", "time_zone": "America/Chicago",
         "phone": "+1 (555) 010-0300", "crisis_text": "We are here weekdays 8-5."}


def test_admin_creates_a_program(client, world, login_as, db):
    login_as(world.admin)
    response = post_form(client, "/admin/programs/new", VALID)
    assert response.status_code == 302
    program = db.session.scalar(sa.select(Program).where(Program.name == "Lakeside PHP"))
    assert program.level_of_care == LevelOfCare.PHP
    assert program.time_zone == "America/Chicago"
    assert "Lakeside PHP" in client.get("/admin/programs").get_data(as_text=True)


def test_admin_edits_a_program_phone_and_crisis_text(client, world, login_as, db):
    login_as(world.admin)
    response = post_form(client, f"/admin/programs/{world.iop.id}/edit",
                         {**VALID, "name": "North IOP", "level_of_care": "iop",
                          "phone": "+1 555 010 0999", "crisis_text": "Call our nurse line."})
    assert response.status_code == 302
    db.session.refresh(world.iop)
    assert world.iop.phone == "+1 555 010 0999"
    assert world.iop.crisis_text == "Call our nurse line."


def test_unknown_time_zone_is_explained_and_the_form_keeps_what_was_typed(client, world,
                                                                        login_as, db):
    login_as(world.admin)
    response = post_form(client, "/admin/programs/new",
                         {**VALID, "time_zone": "Eastern/Nowhere"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Choose a time zone from the list." in html  # a list now; only a forged value
    assert 'value="Lakeside PHP"' in html
    assert "We are here weekdays 8-5." in html
    assert db.session.scalar(sa.select(Program).where(Program.name == "Lakeside PHP")) is None


def test_the_time_zone_is_chosen_from_a_list_by_region(client, world, login_as):
    login_as(world.admin)
    html = client.get("/admin/programs/new").get_data(as_text=True)
    assert '<optgroup label="Americas">' in html
    assert '<option selected value="America/New_York">New York (Eastern Time)</option>' in html


def test_duplicate_program_name_is_refused(client, world, login_as):
    login_as(world.admin)
    response = post_form(client, "/admin/programs/new", {**VALID, "name": "north iop"})
    assert response.status_code == 400
    assert "already has this name" in response.get_data(as_text=True)


def test_bad_phone_and_unknown_level_are_refused(client, world, login_as):
    login_as(world.admin)
    response = post_form(client, "/admin/programs/new",
                         {**VALID, "phone": "call me maybe", "level_of_care": "inpatient"})
    html = response.get_data(as_text=True)
    assert "Enter a phone number" in html
    assert "Not a valid choice" in html


def test_editing_a_program_that_does_not_exist_is_404(client, world, login_as):
    login_as(world.admin)
    assert client.get("/admin/programs/99999/edit").status_code == 404
