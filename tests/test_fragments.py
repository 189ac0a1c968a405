"""Page or fragment: one rule decides, and caches are told the answer depends on HX-Request."""

import pytest

from tests.conftest import csrf_token
from tests.security.matrix import SKIPPED_IN_WALK, url_values

ACTORS = ["anonymous", "participant_a", "clinician_a", "admin"]


@pytest.mark.parametrize("actor", ACTORS)
def test_every_html_response_in_the_url_map_varies_on_hx_request(app, world, login_as, db,
                                                                 actor):
    """Walk every route and method, as a plain and as an htmx request: any HTML answer (page,
    fragment or error) must carry `Vary: HX-Request`, or a cache could serve a fragment to a
    browser that asked for the page."""
    values = url_values(app, world, db)
    client = app.test_client()
    if actor != "anonymous":
        login_as(getattr(world, actor), on=client)
    missing, html_seen = [], 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.endpoint in SKIPPED_IN_WALK:
            continue
        url = rule.build({k: values[k] for k in rule.arguments}, append_unknown=False)[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for htmx in ({}, {"HX-Request": "true"}):
                headers = {"X-CSRFToken": csrf_token(client), **htmx}
                response = client.open(url, method=method, headers=headers,
                                       data=None if method == "GET" else {})
                if response.mimetype != "text/html":
                    continue
                html_seen += 1
                if "HX-Request" not in response.headers.get("Vary", ""):
                    missing.append(f"{method} {url} {htmx or ''}: {response.status_code}")
            if rule.endpoint == "care_admin.clinician_deactivate" and actor == "admin":
                world.clinician_a.is_active = True  # undo, so later requests keep their subject
                db.session.commit()
    assert html_seen > 20
    assert missing == []


def test_a_boosted_navigation_gets_the_page_and_a_plain_htmx_request_the_fragment(
        client, world, login_as):
    """hx-boost swaps the whole body, so it must get the whole page; hx-post wants the piece."""
    login_as(world.participant_a)
    data = {"csrf_token": csrf_token(client), "profile-display_name": "",
            "profile-language": "en"}
    boosted = client.post("/me/profile", data=data,
                          headers={"HX-Request": "true", "HX-Boosted": "true"})
    fragment = client.post("/me/profile", data=data, headers={"HX-Request": "true"})
    assert boosted.status_code == fragment.status_code == 400
    assert "<html" in boosted.get_data(as_text=True)
    assert "<html" not in fragment.get_data(as_text=True)
    assert "Enter a name." in fragment.get_data(as_text=True)
