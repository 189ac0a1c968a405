"""Every language Trellis offers is complete: a new English string without Spanish fails CI.

The check does what `make translations` does, on copies: it extracts the catalogue template
from the current source (babel.cfg, the `_l` keyword, like `pybabel extract`), updates a copy of
each language's catalogue against it (like `pybabel update`), and fails listing the msgids that
are missing, empty, fuzzy or stale (in the catalogue but no longer in the source), and any
translation whose placeholders differ from the English. The fix is always the same: run
`make translations`, translate what it reports, and commit the `.po` (docs/translations.md).
"""

import copy
import io
import pathlib
from functools import cache

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from config import Config

ROOT = pathlib.Path(__file__).resolve().parents[1]
CATALOGUES = ROOT / "app" / "translations"
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None}


@cache
def extract_template() -> Catalog:
    """The catalogue template of the current source, as `pybabel extract` makes it."""
    with (ROOT / "babel.cfg").open() as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    template = Catalog(fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS):
        template.add(message, None, [(filename, lineno)], auto_comments=comments,
                     context=context)
    return template


def _text(message_id) -> str:
    return message_id if isinstance(message_id, str) else " | ".join(message_id)


def catalogue_problems(catalogue: Catalog, template: Catalog) -> dict[str, list[str]]:
    """What keeps `catalogue` from being complete against `template`, by kind of problem."""
    had = {message.id for message in catalogue if message.id}
    updated = copy.deepcopy(catalogue)
    updated.update(template, no_fuzzy_matching=True)
    problems: dict[str, list[str]] = {"missing": [], "empty": [], "fuzzy": [], "stale": [],
                                      "placeholders": []}
    for message in updated:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.id not in had:
            problems["missing"].append(_text(message.id))
        elif message.fuzzy:
            problems["fuzzy"].append(_text(message.id))
        elif not all(strings):
            problems["empty"].append(_text(message.id))
        elif list(message.check(updated)):
            problems["placeholders"].append(_text(message.id))
    problems["stale"] = [_text(message_id) for message_id in updated.obsolete]
    return {kind: sorted(ids) for kind, ids in problems.items() if ids}


def _catalogue(text: str) -> Catalog:
    return read_po(io.BytesIO(text.encode()), locale="es")


def test_the_check_lists_missing_empty_fuzzy_stale_and_broken_entries():
    template = Catalog()
    for message_id in ("Kept", "Empty", "Doubtful", "New", "Hello %(name)s",
                       ("%(num)s day", "%(num)s days")):
        template.add(message_id)
    catalogue = _catalogue('''
msgid ""
msgstr ""
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

msgid "Kept"
msgstr "Guardado"

msgid "Empty"
msgstr ""

#, fuzzy
msgid "Doubtful"
msgstr "Dudoso"

#, python-format
msgid "Hello %(name)s"
msgstr "Hola %(nombre)s"

#, python-format
msgid "%(num)s day"
msgid_plural "%(num)s days"
msgstr[0] "%(num)s día"
msgstr[1] ""

msgid "Gone from the source"
msgstr "Ya no está"
''')
    assert catalogue_problems(catalogue, template) == {
        "missing": ["New"],
        "empty": ["%(num)s day | %(num)s days", "Empty"],
        "fuzzy": ["Doubtful"],
        "stale": ["Gone from the source"],
        "placeholders": ["Hello %(name)s"],
    }


def test_the_template_holds_the_apps_strings():
    template = extract_template()
    ids = {message.id for message in template if message.id}
    assert len(ids) > 1000
    # Python (_l), Jinja (_ and ngettext) and the crisis page's Spanish line are all there.
    assert "How is your mood?" in ids
    assert ("%(num)s check-in", "%(num)s check-ins") in ids
    assert "In Spanish: call 988 and press 2, or text AYUDA to 988." in ids


@pytest.mark.parametrize("language", [code for code in Config.LANGUAGES if code != "en"])
def test_every_offered_language_is_complete(language):
    path = CATALOGUES / language / "LC_MESSAGES" / "messages.po"
    assert path.exists(), f"{language} is offered in LANGUAGES but has no catalogue"
    with path.open("rb") as handle:
        catalogue = read_po(handle, locale=language)
    assert catalogue.num_plurals == 2  # Spanish: one, other (not CLDR's third "many" form)
    problems = catalogue_problems(catalogue, copy.deepcopy(extract_template()))
    report = "\n".join(f"{kind} ({len(ids)}):\n  " + "\n  ".join(ids)
                       for kind, ids in problems.items())
    assert not problems, (f"The {language} catalogue is not complete; run `make translations` "
                          f"and translate these:\n{report}")
