"""The caseload speaks to each reader as who they are."""

from tests.schedule.conftest import visible_text


def test_an_admin_outside_any_program_is_pointed_to_enrolments(client, world, login_as):
    login_as(world.admin)
    text = visible_text(client.get("/clinician/"))
    assert "An admin can add you to one" not in text
    assert "As an admin you see everyone's enrolments on the Enrolments page." in text
    html = client.get("/clinician/").get_data(as_text=True)
    assert 'href="/admin/enrolments"' in html and 'href="/admin/clinicians"' in html


def test_a_clinician_without_a_program_is_told_an_admin_can_add_them(client, make_clinician,
                                                                    login_as):
    login_as(make_clinician(display_name="New Clinician"))
    assert "An admin can add you to one." in visible_text(client.get("/clinician/"))
