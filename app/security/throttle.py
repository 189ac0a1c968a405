"""Throttling of failed sign-ins and of password reset e-mails, per account and per IP address.

Counts live in Flask-Limiter's storage (memory in development, Redis through
RATELIMIT_STORAGE_URI in production) so every web process shares them.
"""

from datetime import UTC, datetime

from flask import current_app
from limits import parse

from app.extensions import limiter


def _limits() -> list[tuple[str, object]]:
    cfg = current_app.config
    window = cfg["LOGIN_FAILURE_WINDOW"]
    return [
        ("account", parse(f"{cfg['LOGIN_FAILURES_PER_ACCOUNT']}/{window}")),
        ("ip", parse(f"{cfg['LOGIN_FAILURES_PER_IP']}/{window}")),
    ]


def _keys(email: str, ip: str) -> dict[str, str]:
    return {"account": f"signin-account:{email.lower()}", "ip": f"signin-ip:{ip}"}


def blocked_until(email: str, ip: str) -> datetime | None:
    """When sign-in is allowed again for this account or address, or None when it is now."""
    keys = _keys(email, ip)
    latest = None
    for name, item in _limits():
        if not limiter.limiter.test(item, keys[name]):
            reset, _remaining = limiter.limiter.get_window_stats(item, keys[name])
            at = datetime.fromtimestamp(reset, UTC)
            latest = at if latest is None or at > latest else latest
    return latest


def record_failure(email: str, ip: str) -> None:
    """Count one failed sign-in against the account and the address."""
    keys = _keys(email, ip)
    for name, item in _limits():
        limiter.limiter.hit(item, keys[name])


def clear_account(email: str) -> None:
    """A successful sign-in forgets the account's failures (not the address's)."""
    for name, item in _limits():
        if name == "account":
            limiter.limiter.clear(item, _keys(email, "")[name])


def _step_limit():
    cfg = current_app.config
    return parse(f"{cfg['SECOND_STEP_FAILURES']}/{cfg['SECOND_STEP_WINDOW']}")


def second_step_blocked_until(kind: str, user_id: int) -> datetime | None:
    """For a second step (MFA code, app-lock PIN): when trying is allowed again, or None."""
    item, key = _step_limit(), f"{kind}:{user_id}"
    if limiter.limiter.test(item, key):
        return None
    reset, _remaining = limiter.limiter.get_window_stats(item, key)
    return datetime.fromtimestamp(reset, UTC)


def second_step_failed(kind: str, user_id: int) -> int:
    """Count a failed second step; returns how many tries are left in the window."""
    item, key = _step_limit(), f"{kind}:{user_id}"
    limiter.limiter.hit(item, key)
    return limiter.limiter.get_window_stats(item, key)[1]


def second_step_passed(kind: str, user_id: int) -> None:
    """Forget failures after a success."""
    limiter.limiter.clear(_step_limit(), f"{kind}:{user_id}")


def _reset_limits() -> list[tuple[str, object]]:
    cfg = current_app.config
    window = cfg["PASSWORD_RESET_WINDOW"]
    return [
        ("address", parse(f"{cfg['PASSWORD_RESET_REQUESTS_PER_ADDRESS']}/{window}")),
        ("ip", parse(f"{cfg['PASSWORD_RESET_REQUESTS_PER_IP']}/{window}")),
    ]


def reset_request_allowed(email: str, ip: str) -> bool:
    """Count a password reset e-mail asked for; False once the address or the IP address has
    asked too often in the window (the page answers the same either way)."""
    keys = {"address": f"reset-address:{email.lower()}", "ip": f"reset-ip:{ip}"}
    allowed = True
    for name, item in _reset_limits():
        allowed = limiter.limiter.hit(item, keys[name]) and allowed
    return allowed
