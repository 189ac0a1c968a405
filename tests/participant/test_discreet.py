"""Discreet mode: the installed app's name and icon are neutral and set by the program."""

from tests.conftest import post_form


def test_manifest_defaults_to_a_neutral_name(client):
    manifest = client.get("/manifest.webmanifest")
    assert manifest.mimetype == "application/manifest+json"
    body = manifest.get_json()
    assert body["name"] == body["short_name"] == "Trellis"
    assert body["icons"][0]["src"] == "/static/icons/leaf-192.png"
    assert body["display"] == "standalone"


def test_program_chooses_the_installed_apps_name_and_icon(app, client, world, login_as, db):
    admin = app.test_client()
    login_as(world.admin, on=admin)
    response = post_form(admin, f"/admin/programs/{world.iop.id}/edit", {
        "name": "North IOP", "level_of_care": "iop", "time_zone": "America/New_York",
        "app_name": "Daybook", "app_icon": "sun"})
    assert response.status_code == 302
    login_as(world.participant_a)
    body = client.get("/manifest.webmanifest").get_json()
    assert body["name"] == "Daybook"
    assert {icon["src"].split("/")[-1] for icon in body["icons"]} == {
        "sun-192.png", "sun-512.png", "sun-maskable-192.png", "sun-maskable-512.png"}
    html = client.get("/today").get_data(as_text=True)
    assert "<title>Today · Daybook</title>" in html
    assert 'content="Daybook"' in html
    assert 'rel="apple-touch-icon" href="/static/icons/sun-apple-touch-icon.png"' in html
    with client.get("/static/icons/sun.svg") as icon:
        assert icon.status_code == 200


def test_unknown_icon_and_long_name_are_refused(client, world, login_as):
    login_as(world.admin)
    response = post_form(client, f"/admin/programs/{world.iop.id}/edit", {
        "name": "North IOP", "level_of_care": "iop", "time_zone": "America/New_York",
        "app_name": "x" * 31, "app_icon": "../../etc/passwd"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Not a valid choice" in html and "longer than 30 characters" in html
