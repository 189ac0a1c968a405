"""Install: the manifest, every icon at its declared size (PNG headers), the discreet name and
icon of every program choice, iOS tags, and the service worker script's version."""

import shutil
import struct
from pathlib import Path

import pytest

from app.offline import shell
from app.offline.manifest import ICONS
from tests.conftest import post_form

STATIC = Path(__file__).resolve().parents[2] / "static"


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", path
    return struct.unpack(">II", data[16:24])


def _check_icons(body: dict, icon: str) -> None:
    purposes = set()
    for entry in body["icons"]:
        assert entry["type"] == "image/png"
        assert entry["src"].startswith(f"/static/icons/{icon}-"), entry
        width, height = (int(n) for n in entry["sizes"].split("x"))
        assert png_size(STATIC / entry["src"].removeprefix("/static/")) == (width, height)
        purposes.add((entry["purpose"], width))
    assert purposes == {("any", 192), ("any", 512), ("maskable", 192), ("maskable", 512)}


def test_the_manifest_has_png_and_maskable_icons_and_shortcuts(client):
    response = client.get("/manifest.webmanifest")
    assert response.mimetype == "application/manifest+json"
    body = response.get_json()
    assert body["start_url"] == "/" and body["scope"] == "/" and body["id"] == "/"
    assert body["display"] == "standalone"
    _check_icons(body, "leaf")
    shortcuts = {s["name"]: s["url"] for s in body["shortcuts"]}
    assert shortcuts == {"Check in": "/checkin", "Log a skill": "/skills",
                         "Need help now": "/crisis"}
    for shortcut in body["shortcuts"]:
        (icon,) = shortcut["icons"]
        assert png_size(STATIC / icon["src"].removeprefix("/static/")) == (192, 192)


@pytest.mark.parametrize("icon", ICONS)
def test_each_discreet_icon_applies_to_every_icon_and_the_home_screen(
        icon, app, client, world, login_as, db):
    admin = app.test_client()
    login_as(world.admin, on=admin)
    response = post_form(admin, f"/admin/programs/{world.iop.id}/edit", {
        "name": "North IOP", "level_of_care": "iop", "time_zone": "America/New_York",
        "app_name": "Daybook", "app_icon": icon})
    assert response.status_code == 302
    login_as(world.participant_a)
    body = client.get("/manifest.webmanifest").get_json()
    assert body["name"] == body["short_name"] == "Daybook"
    _check_icons(body, icon)
    html = client.get("/today").get_data(as_text=True)
    touch = f"/static/icons/{icon}-apple-touch-icon.png"
    assert f'<link rel="apple-touch-icon" href="{touch}">' in html
    assert png_size(STATIC / touch.removeprefix("/static/")) == (180, 180)
    assert '<meta name="apple-mobile-web-app-title" content="Daybook">' in html


def test_pages_carry_the_ios_tags_and_ask_for_the_manifest_with_the_session(client):
    html = client.get("/signin").get_data(as_text=True)
    assert 'rel="manifest" href="/manifest.webmanifest" crossorigin="use-credentials"' in html
    assert '<meta name="apple-mobile-web-app-capable" content="yes">' in html
    assert '<meta name="apple-mobile-web-app-status-bar-style" content="default">' in html
    assert 'rel="apple-touch-icon" href="/static/icons/leaf-apple-touch-icon.png"' in html


def test_the_worker_script_names_its_version_and_shell(app, client, tmp_path, monkeypatch):
    script = client.get("/sw.js").get_data(as_text=True)
    with app.test_request_context():
        version, files = shell.version(), shell.shell_files()
    assert f'const VERSION = "{version}";' in script
    assert "__TRELLIS" not in script
    for path in ("/static/css/base.css", "/static/js/offline-store.js",
                 "/static/vendor/htmx/htmx.min.js", "/static/icons/leaf.svg"):
        assert f'"{path}"' in script and path in files

    # Any change to a static file is a new version (browsers then install the new worker).
    copy = tmp_path / "static"
    shutil.copytree(app.static_folder, copy)
    monkeypatch.setattr(app, "static_folder", str(copy))
    with app.test_request_context():
        assert shell.version() == version
        (copy / "css" / "base.css").write_text("body { color: red; }")
        assert shell.version() != version
