"""Every page in the app's URL map, in a real browser: axe-core finds no serious or critical
violation, nothing loads from another origin, and no participant page scrolls sideways at 320 px.

The pages come from `app.url_map`, so a new page is walked as soon as it exists: a GET route is
either walked by one of the AUDIENCES below or listed in NOT_WALKED with the reason, and
`test_every_get_route_is_walked_or_excused` fails on a route that is neither.

Each audience is walked on a phone (390×844) and a desktop (1280×800), in every language of
`LANGUAGES`. On each page axe runs in full in the light theme, then, with the dark theme
emulated on the same page, runs its colour-contrast rule again (the only result a colour scheme
changes): one browser, one context per device, one navigation per page.
"""

import pytest
import sqlalchemy as sa

from app.models import User
from app.security.access import Rule
from config import Config
from tests.browser.fixtures import DEVICES, axe_violations, describe, settle
from tests.security.matrix import EXPECTED, SKIPPED_IN_WALK, url_values

pytestmark = pytest.mark.browser

#: actor -> (the access rules whose pages they walk, where signing in lands them)
AUDIENCES = {
    "anonymous": ({Rule.PUBLIC, Rule.ANONYMOUS_OR_ANY}, None),
    "participant_a": ({Rule.PARTICIPANT, Rule.PUBLIC}, "/today"),
    "clinician_a": ({Rule.STAFF, Rule.SIGNED_IN}, "/clinician/"),
    "admin": ({Rule.ADMIN}, "/admin/"),
}
#: GET routes that are not HTML pages (or cannot be opened as one), and why.
NOT_WALKED = {
    "static": "files (CSS, scripts, images)",
    "public.health": "the load balancer's JSON health check",
    "public.manifest": "the web app manifest (JSON)",
    "push_public.service_worker": "the service worker script",
    "schedule.feed": "the calendar feed (.ics)",
    "schedule.session_ics": "one session as a calendar file (.ics)",
    "audit.export": "the audit trail as a CSV download",
    "auth.mfa_enrol": "shown only before a new staff member's second factor is set up: "
                      "test_the_second_factor_pages_pass_axe opens it",
}
#: Routes the matrices skip for every walk (sign-out, downloads, APIs), excused the same way.
EXCUSED = set(NOT_WALKED) | SKIPPED_IN_WALK
LANGUAGES = list(Config.LANGUAGES)
#: (actor, language) walks: participants' and public pages in every language; staff pages in
#: the default language only, since the product offers staff pages in English (they show
#: Spanish content, which the participants' walk covers) and their markup is the same.
WALKS = [(actor, language) for actor in AUDIENCES for language in LANGUAGES
         if language == Config.BABEL_DEFAULT_LOCALE or actor in ("participant_a", "anonymous")]
#: Narrowest phone we support: nothing may scroll sideways there (WCAG 1.4.10 Reflow).
NARROW = 320


def _walked_rules(app, rules):
    for rule in app.url_map.iter_rules():
        expected = EXPECTED.get(rule.endpoint)
        if "GET" in rule.methods and expected is not None and expected[0] in rules \
                and rule.endpoint not in EXCUSED:
            yield rule


def _urls(app, values, rules) -> list[str]:
    return [rule.build({k: values[k] for k in rule.arguments}, append_unknown=False)[1]
            for rule in _walked_rules(app, rules)]


def test_every_get_route_is_walked_or_excused(app):
    walked = {rule.endpoint for _actor, (rules, _home) in AUDIENCES.items()
              for rule in _walked_rules(app, rules)}
    get_routes = {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in rule.methods}
    assert get_routes - walked - EXCUSED == set()
    assert set(NOT_WALKED) <= get_routes  # no stale excuses
    assert len(walked) > 60


def _sign_in(page, user, home, sign_in) -> None:
    if user is not None:
        sign_in(page, user, lands_on=home)


def _walk(page, urls, check_a11y_page, narrow: bool) -> tuple[int, list[str]]:
    problems, visited = [], 0
    for url in urls:
        response = page.goto(url)
        assert response is not None and response.status < 500, url
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        settle(page)
        visited += 1
        problems += check_a11y_page(page)
        if narrow:
            width = page.viewport_size
            page.set_viewport_size({"width": NARROW, "height": width["height"]})
            scroll = page.evaluate("document.documentElement.scrollWidth")
            if scroll > NARROW:
                problems.append(f"{url}: {scroll} px wide at {NARROW} px")
            page.set_viewport_size(width)
    return visited, problems


@pytest.mark.rendering
@pytest.mark.parametrize(("actor", "language"), WALKS)
def test_every_page_passes_axe_on_phone_and_desktop_in_light_and_dark(
        app, world, db, browser, open_page, sign_in, axe, actor, language):
    rules, home = AUDIENCES[actor]
    user = getattr(world, actor, None)
    if user is not None:
        db.session.execute(sa.update(User).where(User.id == user.id).values(language=language))
        db.session.commit()
    values = url_values(app, world, db)
    urls = _urls(app, values, rules)

    def check(page) -> list[str]:
        found = axe_violations(axe, page, target_size=True)
        page.emulate_media(color_scheme="dark")
        found += axe_violations(axe, page, only=["color-contrast"])
        page.emulate_media(color_scheme="light")
        lang = page.evaluate("document.documentElement.lang")
        wrong_lang = [] if lang == language else [f"{page.url}: <html lang={lang!r}>"]
        return ([f"{page.url}:\n" + describe(found)] if found else []) + wrong_lang

    problems, visited = [], 0
    for device in ("phone", "desktop"):
        page = open_page(device, color_scheme="light",
                         extra_http_headers={"Accept-Language": language})
        _sign_in(page, user, home, sign_in)
        # participant pages must reflow at 320 px; staff pages are desktop-first
        narrow = device == "phone" and actor in ("participant_a", "anonymous")
        count, found = _walk(page, urls, check, narrow)
        visited += count
        problems += found
    assert visited >= 2 * 3
    assert problems == [], "\n".join(problems)
    # open_page's teardown fails the test on any off-origin request or CSP violation


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_the_second_factor_pages_pass_axe(open_page, axe, world, db, make_clinician, device):
    """The pages between the password and a staff member's home: setting up the second factor
    (a new account) and entering its code."""
    from tests.conftest import PASSWORD

    newcomer = make_clinician(display_name="New Clinician", totp_secret=None)
    problems = []
    for user, path in ((newcomer, "/mfa/enrol"), (world.clinician_a, "/mfa")):
        page = open_page(device, color_scheme="light")
        page.goto("/signin")
        page.locator("[name=email]").fill(user.email)
        page.locator("[name=password]").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"**{path}")
        settle(page)
        found = axe_violations(axe, page, target_size=True)
        page.emulate_media(color_scheme="dark")
        found += axe_violations(axe, page, only=["color-contrast"])
        if found:
            problems.append(f"{path}:\n" + describe(found))
    assert problems == [], "\n".join(problems)


def test_the_walk_reaches_the_narrow_phone_width(open_page):
    """The 320 px check measures what it should: a page wider than the screen is caught."""
    page = open_page("phone")
    page.set_content("<div style='width:400px'>wide</div>")
    page.set_viewport_size({"width": NARROW, "height": DEVICES["phone"]["viewport"]["height"]})
    assert page.evaluate("document.documentElement.scrollWidth") > NARROW
