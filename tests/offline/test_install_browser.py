"""Install in Chromium: the browser finds the app installable (DevTools protocol, in a
persistent profile: incognito contexts never are), fetches the manifest with the session so a
program's discreet name and icon apply, and the Install button or the iPhone steps show on
Today until dismissed (then not for 30 days)."""

import json

import pytest

from tests.browser.fixtures import CHROMIUM, CHROMIUM_ARGS, DEVICES, settle
from tests.conftest import PASSWORD
from tests.offline.browser import controlled

pytestmark = pytest.mark.browser

IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
          "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1")

OFFER = """() => {
  const offer = new Event("beforeinstallprompt", {cancelable: true});
  window.prompted = 0;
  offer.prompt = () => { window.prompted += 1; return Promise.resolve(); };
  offer.userChoice = Promise.resolve({outcome: "dismissed", platform: "web"});
  window.dispatchEvent(offer);
}"""


def test_chromium_finds_the_app_installable_with_the_program_s_icon(
        browser, live_server, world, db, tmp_path):
    world.iop.app_name, world.iop.app_icon = "Daybook", "sun"
    db.session.commit()
    context = browser.browser_type.launch_persistent_context(
        str(tmp_path / "profile"), executable_path=CHROMIUM, args=CHROMIUM_ARGS,
        base_url=live_server, **DEVICES["phone"])
    try:
        page = context.new_page()
        page.goto("/signin")
        page.locator("[name=email]").fill(world.participant_a.email)
        page.locator("[name=password]").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/today")
        settle(page)
        controlled(page)
        cdp = context.new_cdp_session(page)
        assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
        manifest = cdp.send("Page.getAppManifest")
        assert not manifest["errors"]
        assert json.loads(manifest["data"])["name"] == "Daybook", manifest["data"]
        assert "sun-maskable-512.png" in manifest["data"]
    finally:
        context.close()


def test_the_install_button_opens_the_browser_s_prompt_and_stays_away_once_dismissed(
        world, open_page, sign_in):
    page = open_page("phone")
    sign_in(page, world.participant_a, lands_on="/today")
    card = page.locator("[data-install-card]")
    assert card.is_hidden()  # nothing to offer yet
    page.evaluate(OFFER)
    card.get_by_role("button", name="Install the app").click()
    assert page.evaluate("window.prompted") == 1
    assert card.is_hidden()
    page.reload()
    settle(page)
    page.evaluate(OFFER)
    assert card.is_hidden()  # dismissed: not again for 30 days
    page.evaluate("localStorage.setItem('trellis.install.dismissed',"
                  " String(Date.now() - 31 * 24 * 3600 * 1000))")
    page.evaluate(OFFER)
    assert card.is_visible()
    card.get_by_role("button", name="Not now").click()
    assert card.is_hidden()


def test_an_iphone_is_told_how_to_add_the_app_to_the_home_screen(browser, live_server, world,
                                                                 sign_in, check_a11y):
    context = browser.new_context(base_url=live_server, user_agent=IPHONE, **DEVICES["phone"])
    try:
        page = context.new_page()
        sign_in(page, world.participant_a, lands_on="/today")
        card = page.locator("[data-install-card]")
        assert card.is_visible()
        assert "Choose “Add to Home Screen”." in card.inner_text()
        assert card.get_by_role("button", name="Install the app").is_hidden()
        check_a11y(page)
    finally:
        context.close()
