"""Every participant, clinician and admin page: no request to another origin, axe clean."""

import pytest

from app.security.access import Rule
from tests.security.matrix import EXPECTED, SKIPPED_IN_WALK, url_values

pytestmark = pytest.mark.browser

AUDIENCES = {
    "participant_a": ({Rule.PARTICIPANT, Rule.PUBLIC}, "phone", "/today"),
    # the same pages in dark mode (colour contrast differs): a participant's phone at night
    "participant_a:dark": ({Rule.PARTICIPANT, Rule.PUBLIC}, "phone", "/today"),
    "clinician_a": ({Rule.STAFF}, "desktop", "/clinician/"),
    "admin": ({Rule.ADMIN}, "desktop", "/admin/"),
}


def _pages(app, values, rules):
    for rule in app.url_map.iter_rules():
        expected = EXPECTED.get(rule.endpoint)
        if "GET" not in rule.methods or expected is None or expected[0] not in rules \
                or rule.endpoint in SKIPPED_IN_WALK or rule.endpoint == "public.health" \
                or rule.rule.endswith((".csv", ".ics", ".json", ".js")):  # downloads, not pages
            continue
        yield rule.build({k: values[k] for k in rule.arguments}, append_unknown=False)[1]


@pytest.mark.parametrize("actor", list(AUDIENCES))
def test_every_page_loads_nothing_from_elsewhere_and_passes_axe(app, world, db, open_page,
                                                                sign_in, check_a11y, actor):
    rules, device, home = AUDIENCES[actor]
    person, _sep, scheme = actor.partition(":")
    values = url_values(app, world, db)
    page = open_page(device, color_scheme=scheme or "light")
    sign_in(page, getattr(world, person), lands_on=home)
    visited = 0
    for url in _pages(app, values, rules):
        response = page.goto(url)
        assert response.status < 500, url
        if "text/html" in response.headers.get("content-type", ""):
            check_a11y(page)
        visited += 1
    assert visited >= 3
    # open_page's teardown fails the test on any off-origin request or CSP violation
