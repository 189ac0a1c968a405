"""The offline queue's panel, drawn once per language.

Every participant page carries it (templates/offline/_queue.html): about thirty translated
sentences, the same for everyone who reads that language. Drawing it on each request was a
tenth of a light page's time, so it is drawn the first time a language needs it and kept.
"""

from flask import Flask, current_app, render_template, request
from flask_babel import get_locale
from markupsafe import Markup


def offline_queue_panel() -> Markup:
    """The panel's HTML in the reader's language (template global `offline_queue_panel`)."""
    drawn = current_app.extensions.setdefault("trellis_offline_queue_panel", {})
    key = (str(get_locale()), request.script_root)
    if key not in drawn:
        drawn[key] = Markup(render_template("offline/_queue.html"))  # noqa: S704 - a template
    return drawn[key]


def init_app(app: Flask) -> None:
    """Offer the panel to the participant layout."""
    app.add_template_global(offline_queue_panel)
