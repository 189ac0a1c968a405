"""Errors are tied to their fields (WCAG 1.3.1, 3.3.1): on every participant form sent back with
a mistake, each field marked `aria-invalid` names its message with `aria-describedby`, and each
message next to a field is named by that field, with htmx and without."""

import re
import uuid
from html.parser import HTMLParser

import pytest

from app.skills import catalogue
from tests.conftest import post_form


class _Fields(HTMLParser):
    def __init__(self):
        super().__init__()
        self.invalid: list[dict] = []
        self.described: set[str] = set()
        self.texts: dict[str, list[str]] = {}
        self.messages: list[str] = []
        self._open: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in (attrs.get("aria-describedby") or "").split():
            self.described.add(name)
        if attrs.get("aria-invalid") == "true":
            self.invalid.append(attrs)
        if attrs.get("id"):
            self.texts.setdefault(attrs["id"], [])
            self._open.append(attrs["id"])
            if "error" in (attrs.get("class") or "").split():
                self.messages.append(attrs["id"])
        elif tag not in ("input", "br", "img", "meta", "link"):
            self._open.append("")

    def handle_endtag(self, tag):
        if self._open:
            self._open.pop()

    def handle_data(self, data):
        for element_id in self._open:
            if element_id:
                self.texts[element_id].append(data)


def untied(page: str) -> list[str]:
    """Invalid fields without a described message, and messages no field names."""
    fields = _Fields()
    fields.feed(page)
    problems = []
    for attrs in fields.invalid:
        names = (attrs.get("aria-describedby") or "").split()
        said = " ".join("".join(fields.texts.get(n, [])) for n in names).strip()
        if not said:
            problems.append(f"{attrs.get('name') or attrs.get('id')}: aria-invalid, no message")
    problems += [f"#{m} is named by no field" for m in fields.messages
                 if m not in fields.described]
    if not fields.invalid:
        problems.append("no field is marked aria-invalid")
    return problems


def test_the_check_finds_an_error_that_no_field_names():
    assert untied('<p class="error" id="x-error">Enter x.</p><input name="x">')
    assert untied('<input name="x" aria-invalid="true">')
    assert not untied('<input name="x" aria-invalid="true" aria-describedby="x-error">'
                      '<p class="error" id="x-error">Enter x.</p>')


BAD_INPUT = {
    "check-in": ("/checkin", lambda: {"client_uuid": str(uuid.uuid4()), "sleep_hours": "99"}),
    "practice": ("/skills/log", lambda: {"client_uuid": str(uuid.uuid4()),
                                          "skill": "box-breathing", "minutes": "9999",
                                          "distress_before": "42"}),
    "profile": ("/me/profile", lambda: {"profile-display_name": "", "profile-language": "en"}),
    "medication": ("/medications/new", lambda: {"name": "", "dose": ""}),
    "password": ("/me/password", lambda: {"current_password": "wrong", "new_password": "x",
                                           "confirm": "y"}),
}


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
@pytest.mark.parametrize("form", list(BAD_INPUT))
def test_every_error_is_tied_to_its_field(app, participant_client, form, htmx):
    with app.test_request_context():
        catalogue.sync()
    url, data = BAD_INPUT[form]
    headers = {"HX-Request": "true"} if htmx else {}
    response = post_form(participant_client, url, data(), headers=headers)
    assert response.status_code in (400, 422), response.status_code
    page = response.get_data(as_text=True)
    assert re.search(r'class="error"', page)
    assert untied(page) == []
