"""The device cookie (OWASP's "slow down online guessing attacks with device cookies").

A browser in which someone signed in successfully gets a signed cookie naming that account (by
id) and a random nonce. Sign-in attempts from that browser for that account are throttled on
their own (per cookie), so other sources' failures, an attacker's included, never hold the
person up on their own phone. Attempts from unknown browsers share the account's and the
address's counts. The cookie holds no email, name or health information, is sent only to
/signin, and survives sign-out (Clear-Site-Data does not clear cookies).
"""

import secrets

from flask import Response, current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

COOKIE = "trellis_device"
PATH = "/signin"
#: A browser stays known for a year after its last successful sign-in.
MAX_AGE = 365 * 24 * 3600
#: Accounts remembered per browser (a shared family phone, a clinic workstation).
MAX_ACCOUNTS = 5


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="trellis-device-cookie")


def _entries() -> list[list]:
    raw = request.cookies.get(COOKIE)
    if not raw or len(raw) > 2000:
        return []
    try:
        entries = _serializer().loads(raw, max_age=MAX_AGE)
    except (BadSignature, ValueError, TypeError):
        return []
    if not isinstance(entries, list):
        return []
    return [e for e in entries if isinstance(e, list) and len(e) == 2
            and isinstance(e[0], int) and isinstance(e[1], str)]


def nonce_for(user_id: int) -> str | None:
    """This browser's nonce for the account, when it signed in to it before; else None."""
    return next((nonce for uid, nonce in _entries() if uid == user_id), None)


def remember(response: Response, user_id: int) -> None:
    """After a successful sign-in: (re)issue this browser's cookie for the account."""
    entries = [[user_id, secrets.token_urlsafe(16)]]
    entries += [e for e in _entries() if e[0] != user_id][:MAX_ACCOUNTS - 1]
    response.set_cookie(COOKIE, _serializer().dumps(entries), max_age=MAX_AGE, path=PATH,
                        secure=current_app.config["SESSION_COOKIE_SECURE"], httponly=True,
                        samesite="Strict")
