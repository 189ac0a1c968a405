"""Flask-Babel: the interface language follows the signed-in person's profile.

The catalogues live as text (`app/translations/<lang>/LC_MESSAGES/messages.po`, the only
source a translator edits). Their compiled form (`.mo`) is not kept in git: the app compiles
each catalogue into `instance/translations/` when it starts, if the compiled copy is missing
or older than the `.po`, so a fresh clone, `make run`, `make test` and a production install
all speak every language without a separate build step. `make translations` does the same
by hand, after extracting the strings and updating the catalogues (docs/translations.md).
"""

import logging
import os
import tempfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, current_app, has_request_context, request
from flask_login import current_user

from app.extensions import babel

#: How a language writes dates, times and numbers where it differs from its bare locale:
#: Spanish as it is written in the US (9:12 a.m., 1,234.5), not Spain's 24-hour clock and
#: decimal comma. The catalogue stays `es` (gettext looks for es_US, then es).
REGIONAL_FORMATS = {"es": "es_US"}
#: Where the editable catalogues are (one folder per language).
CATALOGUES = Path(__file__).with_name("translations")
DOMAIN = "messages"

log = logging.getLogger(__name__)


def locale_for(language: str | None) -> str:
    """The locale a person with this language (User.language) reads Trellis in."""
    language = language or "en"
    return REGIONAL_FORMATS.get(language, language)


def select_locale() -> str:
    """The person's chosen language; otherwise the browser's best supported match."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI commands speak the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.language in languages:
        return locale_for(current_user.language)
    return locale_for(request.accept_languages.best_match(languages) or "en")


def compile_catalogues(source: Path, target: Path) -> list[Path]:
    """Compile every `<lang>/LC_MESSAGES/messages.po` under `source` into `target` where the
    compiled copy is missing or older; returns the files written. Fuzzy entries are left out
    (gettext's rule), so a doubtful translation falls back to English rather than misleads."""
    written = []
    for po in sorted(source.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        mo = target / po.relative_to(source).with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime_ns >= po.stat().st_mtime_ns:
            continue
        with po.open("rb") as handle:
            catalogue = read_po(handle, locale=po.parent.parent.name, domain=DOMAIN)
        mo.parent.mkdir(parents=True, exist_ok=True)
        # Written beside and renamed, so another worker starting at the same moment never
        # reads half a file.
        partial = mo.with_name(f".{mo.name}.{os.getpid()}")
        with partial.open("wb") as handle:
            write_mo(handle, catalogue)
        os.replace(partial, mo)
        written.append(mo)
    return written


def _compiled_directory(app: Flask) -> str:
    """The folder of compiled catalogues: instance/translations, or a temporary folder when
    the instance folder cannot be written (a read-only install still gets every language)."""
    target = Path(app.instance_path) / "translations"
    try:
        compile_catalogues(CATALOGUES, target)
    except OSError as error:
        target = Path(tempfile.mkdtemp(prefix="trellis-translations-"))
        log.warning("translations: %s not writable (%s); compiled into %s",
                    Path(app.instance_path), error.strerror, target)
        compile_catalogues(CATALOGUES, target)
    return str(target)


def init_app(app: Flask) -> None:
    """Compile the catalogues if needed, then bind Flask-Babel with our locale selector."""
    if "BABEL_TRANSLATION_DIRECTORIES" not in app.config:
        app.config["BABEL_TRANSLATION_DIRECTORIES"] = _compiled_directory(app)
    babel.init_app(app, locale_selector=select_locale)
