"""Every route with an id answers 404, never a 500, for ids no database integer can hold.

PostgreSQL's integer ends at 2147483647 and SQLite's at 2**63 - 1; a larger id reaching a query
was a server error. The `int` converter refuses them before any view runs, for every route.
"""

import pytest
from werkzeug.routing import IntegerConverter

from app.security.ids import BoundedIntConverter
from tests.conftest import csrf_token
from tests.security.matrix import url_values

#: Just past PostgreSQL's integer, and far past SQLite's.
BAD_IDS = [2**31, 10**30]
ACTORS = ["anonymous", "participant_a", "clinician_a", "admin"]


def _id_routes(app):
    for rule in app.url_map.iter_rules():
        ints = [name for name, conv in rule._converters.items()
                if isinstance(conv, IntegerConverter)]
        if ints:
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield rule, method, ints


def test_every_int_argument_uses_the_bounded_converter(app):
    routes = list(_id_routes(app))
    assert len(routes) > 20
    loose = [rule.rule for rule, _method, _ints in routes
             if not all(isinstance(rule._converters[n], BoundedIntConverter) for n in _ints)]
    assert loose == []


@pytest.mark.parametrize("actor", ACTORS)
def test_out_of_range_ids_are_404_for_everyone(app, world, db, login_as, actor):
    values = url_values(app, world, db)
    client = app.test_client()
    if actor != "anonymous":
        login_as(getattr(world, actor), on=client)
    token = csrf_token(client)
    failures = []
    for rule, method, ints in _id_routes(app):
        for name in ints:
            for bad in BAD_IDS:
                args = {k: values[k] for k in rule.arguments}
                args[name] = bad
                url = rule.build(args, append_unknown=False)[1]
                response = client.open(url, method=method, data={"csrf_token": token},
                                       headers={"X-CSRFToken": token})
                if response.status_code != 404:
                    failures.append(f"{method} {url} as {actor}: {response.status_code}")
    assert failures == []
