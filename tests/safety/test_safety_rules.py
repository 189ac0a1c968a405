"""The crisis trigger rules: a pure function of the answers, the same on server and client."""

import json
import pathlib
import re

import pytest

from app.safety import alerts as safety
from app.scales.registry import SCALES

ROOT = pathlib.Path(__file__).resolve().parents[2]
CASES = json.loads((pathlib.Path(__file__).with_name("safety_cases.json")).read_text())["cases"]


def js_rules() -> dict:
    """The RULES literal in static/js/safety.js (strict JSON between its markers)."""
    text = (ROOT / "static/js/safety.js").read_text()
    match = re.search(r"/\* rules:begin \*/\s*export const RULES = (.*?);\s*/\* rules:end \*/",
                      text, re.S)
    assert match, "static/js/safety.js lost its rules markers"
    return json.loads(match.group(1))


def test_the_javascript_rules_equal_the_server_rules():
    assert js_rules() == safety.rules()


def test_the_rules_come_from_the_check_in_items_and_the_scale_registry():
    rules = safety.rules()
    assert {"code": "self_harm_urge_top", "field": "self_harm_urge", "at_least": 5} in (
        rules["checkin"])
    assert set(rules["scales"]) == {k for k, s in SCALES.items() if s.safety_item}


@pytest.mark.parametrize("case", CASES, ids=[f"{c['kind']}-{i}" for i, c in enumerate(CASES)])
def test_the_server_rules_give_the_expected_triggers(case):
    found = safety.triggers(case["kind"], case["answers"])
    assert [t["code"] for t in found] == case["codes"]
    rules = safety.rules()
    fields = {r["code"]: r["field"]
              for r in rules["checkin"] + [r for rs in rules["scales"].values() for r in rs]}
    for trigger in found:  # the alert keeps the answer that set it off
        assert trigger["value"] == case["answers"][fields[trigger["code"]]]


def test_lookalike_values_do_not_trigger_on_the_server():
    """Validated answers are typed; a 1 is not a yes and True is not a number."""
    assert safety.triggers("checkin", {"safety_thoughts": 1}) == []
    assert safety.triggers("checkin", {"self_harm_urge": True}) == []
    assert safety.triggers("unknown-scale", {"q9": 3}) == []
