"""Every user-facing string is marked for translation."""

import pathlib
import re

from babel.messages.extract import extract_from_dir

ROOT = pathlib.Path(__file__).resolve().parents[1]
#: Words that are names, not language.
NOT_TRANSLATED = {"Trellis", "QR"}


def _visible_text(template: str) -> list[str]:
    text = re.sub(r"{#.*?#}", " ", template, flags=re.S)
    text = re.sub(r"{% block body_class %}\w*{% endblock %}", " ", text)  # a CSS class
    text = re.sub(r"{%.*?%}", " ", text, flags=re.S)
    text = re.sub(r"{{.*?}}", " ", text, flags=re.S)
    text = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", text, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text, flags=re.S)
    words = re.findall(r"[A-Za-z][A-Za-z'’]+", text)
    return [w for w in words if w not in NOT_TRANSLATED]


def test_templates_have_no_untranslated_text():
    offenders = {}
    for path in (ROOT / "templates").rglob("*.html"):
        words = _visible_text(path.read_text())
        if words:
            offenders[str(path.relative_to(ROOT))] = words
    assert offenders == {}


def test_user_facing_attributes_are_translated():
    for path in (ROOT / "templates").rglob("*.html"):
        for attribute in re.findall(r'\b(?:aria-label|title|placeholder|alt)="([^"]*)"',
                                    path.read_text()):
            assert attribute.startswith("{{") or not attribute.strip(), (path, attribute)


def test_babel_extracts_the_catalogue():
    method_map = [("app/**.py", "python"), ("templates/**.html", "jinja2")]
    messages = {m[2] if isinstance(m[2], str) else m[2][0]
                for m in extract_from_dir(str(ROOT), method_map,
                                          keywords={"_": None, "_l": None, "gettext": None,
                                                    "lazy_gettext": None})}
    for expected in ("Need help now?", "Sign in", "This invitation has expired",
                     "Choose a time zone from the list.",
                     "This participant is already enrolled. Record a step-down or "
                     "discharge instead."):
        assert expected in messages
