"""What a device receives: a small JSON message, discreet unless the person chose details.

The message follows Safari's declarative Web Push format (`"web_push": 8030` with a
`notification` that has a title, body and absolute `navigate` URL), so Safari 18.4+ can show it
even without our service worker; our worker reads the same fields. It carries no PHI: the title
is the program's neutral app name ("Trellis" by default), the body "You have a reminder" or, if
chosen, a detailed text that never names the person, a scale, a diagnosis or a session title.
"""

import json

from flask import current_app
from flask_babel import force_locale
from itsdangerous import URLSafeTimedSerializer

from app.i18n import locale_for
from app.push.kinds import Kind

#: Largest encrypted body sent: below the 4096 bytes of the standard, because Firefox on
#: Android refuses bodies over about 3 KB.
MAX_ENCRYPTED_BYTES = 3072
#: aes128gcm adds a 86-byte header, a 16-byte tag and a padding delimiter to the plaintext.
ENCRYPTION_OVERHEAD = 86 + 16 + 1
SNOOZE_MINUTES = (30, 60)
SNOOZE_TOKEN_AGE = 24 * 3600
#: One encoder for every message (json.dumps with options builds a new one per call).
_JSON = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


class PayloadTooLarge(ValueError):
    """A message that would not fit in a push (a bug: payloads are meant to be tiny)."""


def snooze_serializer() -> URLSafeTimedSerializer:
    """Signs the snooze tokens notifications carry (the notification has no session)."""
    return URLSafeTimedSerializer(current_app.secret_key, salt="trellis-reminder-snooze")


def device_serializer() -> URLSafeTimedSerializer:
    """Signs (and dates) the device token the service worker uses to re-subscribe."""
    return URLSafeTimedSerializer(current_app.secret_key, salt="trellis-push-device-v2")


def texts(kind: Kind, context: dict, detailed: bool, language: str) -> tuple[str, list]:
    """The body and action titles for a kind, in the person's language."""
    with force_locale(locale_for(language)):
        from flask_babel import ngettext

        body = kind.detailed(context) if detailed else str(kind.discreet)
        actions = []
        if kind.actions is not None:
            actions = [(action, str(title)) for action, title in kind.actions()]
        elif kind.snooze:
            actions = [(f"snooze-{m}", ngettext("Remind me in %(num)s min",
                                                "Remind me in %(num)s min", m))
                       for m in SNOOZE_MINUTES]
        return str(body), actions


def build(kind: Kind, *, reminder_id: int, context: dict, detailed: bool, app_name: str,
          language: str, origin: str | None, snooze_token: str | None = None,
          snooze_path: str = "/me/reminders", cache: dict | None = None,
          user_id: int | None = None) -> bytes:
    """The JSON bytes for one reminder on one device."""
    cache_key = (kind.key, detailed, language,
                 json.dumps(context, sort_keys=True) if detailed else None)
    if cache is not None and cache_key in cache:
        body, actions = cache[cache_key]
    else:
        body, actions = texts(kind, context, detailed, language)
        if cache is not None:
            cache[cache_key] = (body, actions)
    path = context.get("path") or "/"
    data = {"kind": kind.key, "id": reminder_id, "url": path}
    if kind.urgency == "high":
        data["urgent"] = True
    notification = {"title": app_name or "Trellis", "body": body, "tag": kind.tag,
                    "lang": language or "en", "data": data}
    if kind.snooze and snooze_token:
        data["snooze"] = snooze_token
        notification["actions"] = [{"action": action, "title": title} for action, title in actions]
    if kind.action_data is not None and user_id is not None:
        data.update(kind.action_data(reminder_id, user_id, context))
    message = {"notification": notification}
    if origin:
        message["web_push"] = 8030
        notification["navigate"] = origin + path
        for action in notification.get("actions", []):
            # Without our worker (Safari's declarative push) an action only opens a page.
            action["navigate"] = (f"{origin}{snooze_path}#snooze"
                                  if action["action"].startswith("snooze") else origin + path)
    encoded = _JSON.encode(message).encode()
    if len(encoded) + ENCRYPTION_OVERHEAD > MAX_ENCRYPTED_BYTES:
        raise PayloadTooLarge(f"{len(encoded)} bytes")
    return encoded
