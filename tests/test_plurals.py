"""Counts are written through ngettext: no "1 times", "answered on 1 days" or "1 minutes".

The test runs Babel's extraction over app/ and templates/ (what `pybabel extract` would put in
the catalogue) and fails on any singular message that carries a count: a placeholder named as
a count (`%(num)s`, `%(n)s`, `%(count)s`) or one followed by a counted noun ("%(days)s days").
"""

import pathlib
import re

from babel.messages.extract import extract_from_dir

ROOT = pathlib.Path(__file__).resolve().parents[1]
METHOD_MAP = [("app/**.py", "python"), ("templates/**.html", "jinja2")]
KEYWORDS = {"_": None, "_l": None, "gettext": None, "lazy_gettext": None,
            "ngettext": (1, 2), "lazy_ngettext": (1, 2)}
#: Placeholder names that only ever hold a count.
COUNT_NAMES = {"n", "num", "count"}
#: Words that, right after a number, make it a count of something.
COUNTED = (r"days?|weeks?|hours?|h|minutes?|min|seconds?|times?|tries|attempts|characters?|"
           r"points?|programs?|accounts?|enrolments?|events?|sessions?|notices?|"
           r"check-ins?|people|participants?|questions?|reminders?|devices?|alerts?")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
COUNTED_PLACEHOLDER = re.compile(
    r"%\((\w+)\)[sd](?=[\s\u00a0]+(?:of (?:the last )?%\(\w+\)[sd][\s\u00a0]+)?(?:"
    + COUNTED + r")\b)")


def _catalogue() -> list[tuple[str, int, str | tuple]]:
    return [(name, line, message) for name, line, message, _comments, _context
            in extract_from_dir(str(ROOT), METHOD_MAP, keywords=KEYWORDS)]


def count_placeholders(message: str) -> set[str]:
    """The placeholders of a message that hold a count."""
    named = {name for name in PLACEHOLDER.findall(message) if name in COUNT_NAMES}
    return named | set(COUNTED_PLACEHOLDER.findall(message))


def test_the_check_finds_counts_and_leaves_other_numbers_alone():
    assert count_placeholders("You checked in %(count)s times") == {"count"}
    assert count_placeholders("answered on %(answered)s days") == {"answered"}
    assert count_placeholders("on %(with)s of the last %(days)s days") == {"with", "days"}
    assert count_placeholders("Starts in %(minutes)s min") == {"minutes"}
    assert count_placeholders("%(scale)s history") == set()
    assert count_placeholders("Your score is %(total)s of %(max)s.") == set()
    assert count_placeholders("Choose a number from %(low)s to %(high)s.") == set()


def test_every_message_with_a_count_has_a_plural_form():
    catalogue = _catalogue()
    assert len(catalogue) > 300  # the extraction really ran over the app and its templates
    plural = [m for _name, _line, m in catalogue if isinstance(m, tuple)]
    assert plural, "ngettext messages are extracted as (singular, plural)"
    offenders = [f"{name}:{line}: {message}" for name, line, message in catalogue
                 if isinstance(message, str) and count_placeholders(message)]
    assert offenders == []


def test_plural_forms_show_the_number_in_every_form():
    """"once" for 1 would be wrong where 21 takes the singular form too (Russian, Polish…)."""
    for name, line, message in _catalogue():
        if isinstance(message, tuple) and message[1]:
            singular, plural = message[:2]
            assert PLACEHOLDER.search(plural), f"{name}:{line}: {message}"
            assert set(PLACEHOLDER.findall(singular)) == set(PLACEHOLDER.findall(plural)), (
                f"{name}:{line}: {message}")
