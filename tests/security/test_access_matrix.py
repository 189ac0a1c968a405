"""Deny by default: every endpoint declares who may use it, and the matrix proves it.

Adding a route means adding it to a feature file in tests/security/matrix/, or this module fails.
"""

import pytest

from app.security.access import Rule, rule_for_endpoint
from tests.conftest import csrf_token
from tests.security.matrix import EXPECTED, SKIPPED_IN_WALK, url_values

ACTORS = ["anonymous", "participant_a", "participant_b", "clinician_a", "clinician_b", "admin"]


def _routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def test_every_endpoint_declares_an_access_rule(app):
    missing = [r.endpoint for r, _m in _routes(app) if rule_for_endpoint(app, r.endpoint) is None]
    assert missing == []


def test_every_endpoint_is_in_the_matrix_with_its_declared_rule(app):
    endpoints = {r.endpoint for r, _m in _routes(app)}
    assert endpoints == set(EXPECTED), "add new routes to EXPECTED in this test"
    for endpoint in endpoints:
        assert rule_for_endpoint(app, endpoint) == EXPECTED[endpoint][0], endpoint


def test_an_endpoint_without_a_rule_is_refused(app):
    from flask import Flask

    from app.security.access import enforce_access

    bare = Flask("bare")
    bare.secret_key = "x"
    bare.route("/undeclared")(lambda: "should never be served")
    bare.before_request(enforce_access)
    from app.extensions import login_manager

    login_manager.init_app(bare)
    assert bare.test_client().get("/undeclared").status_code == 404


def _allowed(rule: Rule, owner: str | None, actor: str) -> bool:
    if rule in (Rule.PUBLIC, Rule.ANONYMOUS_OR_ANY):
        return True
    if actor == "anonymous":
        return False
    if rule == Rule.SIGNED_IN:
        return True
    if rule == Rule.PARTICIPANT:  # participant A's own objects are a 404 for participant B
        return actor == "participant_a" or (actor == "participant_b" and owner is None)
    if rule == Rule.STAFF:  # program A's objects: only its clinician (admins need break-glass)
        if owner == "program_a_admin":  # administrative objects (invites): admins manage all
            return actor in ("clinician_a", "admin")
        return actor == "clinician_a" or (actor in ("clinician_b", "admin") and owner is None)
    return actor == "admin"  # Rule.ADMIN


@pytest.mark.parametrize("actor", ACTORS)
def test_matrix_every_route_and_method_for_every_actor(app, world, login_as, db, actor):
    values = url_values(app, world, db)
    client = app.test_client()
    if actor != "anonymous":
        login_as(getattr(world, actor), on=client)
    failures = []
    for rule, method in _routes(app):
        url = rule.build({k: values[k] for k in rule.arguments}, append_unknown=False)[1]
        if rule.endpoint in SKIPPED_IN_WALK:
            continue
        expected_rule, owner = EXPECTED[rule.endpoint]
        if method == "GET":
            response = client.get(url, headers={"X-CSRFToken": csrf_token(client)})
        else:
            response = client.open(url, method=method, data={"csrf_token": csrf_token(client)})
        allowed = _allowed(expected_rule, owner, actor)
        to_signin = response.status_code == 302 and response.headers["Location"].startswith(
            "/signin")
        if allowed:
            ok = response.status_code not in (401, 403, 404, 500) and not (
                to_signin and expected_rule not in (Rule.PUBLIC, Rule.ANONYMOUS_OR_ANY))
        elif actor == "anonymous":
            ok = to_signin
        else:
            ok = response.status_code == 404
        if not ok:
            failures.append(f"{method} {url} as {actor}: {response.status_code}")
        if rule.endpoint == "care_admin.clinician_deactivate" and actor == "admin":
            world.clinician_a.is_active = True  # undo, so later checks keep their subject
            db.session.commit()
    assert failures == []
