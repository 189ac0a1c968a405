"""The web app manifest: the program's discreet name and icon, PNG icons, shortcuts."""

from flask import url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from app.templating import discreet_app_name

#: Icons a program may choose (app/care/forms.py APP_ICONS); PNGs made by tools/make_icons.py.
ICONS = ("leaf", "sun", "dots")
DEFAULT_ICON = "leaf"


def icon_name(enrolment) -> str:
    """The icon of the participant's program, or Trellis's own."""
    name = enrolment.program.app_icon if enrolment is not None else DEFAULT_ICON
    return name if name in ICONS else DEFAULT_ICON


def icon_url(name: str, variant: str) -> str:
    """URL of one generated icon file, e.g. variant "192", "maskable-512", "apple-touch-icon"."""
    return url_for("static", filename=f"icons/{name}-{variant}.png")


def manifest(enrolment) -> dict:
    """The manifest for whoever is signed in (the browser sends the session cookie because the
    page's link asks for it with crossorigin="use-credentials")."""
    name = discreet_app_name(enrolment)
    icon = icon_name(enrolment)
    icons = [{"src": icon_url(icon, f"{purpose}{size}"), "sizes": f"{size}x{size}",
              "type": "image/png", "purpose": "maskable" if purpose else "any"}
             for purpose in ("", "maskable-") for size in (192, 512)]
    shortcut_icon = [{"src": icon_url(icon, "192"), "sizes": "192x192", "type": "image/png"}]
    shortcuts = [(_("Check in"), "checkins.checkin"), (_("Log a skill"), "skills.index"),
                 (_("Need help now"), "public.crisis")]
    return {
        "id": "/",
        "name": name,
        "short_name": name,
        "lang": str(get_locale()),
        "start_url": url_for("public.index"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#f7f7f4",
        "theme_color": "#1f5f7a",
        "icons": icons,
        "shortcuts": [{"name": label, "short_name": label, "url": url_for(endpoint),
                       "icons": shortcut_icon} for label, endpoint in shortcuts],
    }
