"""Throttling of failed sign-ins without locking the person out, of second steps, and of
password reset e-mails (`reset_request_allowed`: per address and per IP address).

Sign-in (the policy is written up in docs/security.md, "Sign-in throttling"):

- Attempts are counted per *scope*. A browser that signed in to the account before (it holds a
  device cookie for it: app.security.device_cookie) has a scope of its own. Every other
  attempt counts against the account (from unknown browsers) and against the address.
- A scope allows LOGIN_FREE_FAILURES failures (LOGIN_FREE_FAILURES_PER_IP for an address);
  after that each attempt waits, and the wait doubles with each failure from
  LOGIN_FIRST_DELAY_SECONDS up to LOGIN_MAX_DELAY_SECONDS (15 minutes): an attacker gets a
  handful of guesses an hour, and the person, on their own browser, is never held by them.
- Only one attempt per waiting period gets through, even when many arrive at once.

Counts live in Flask-Limiter's storage (memory in development, Redis through
RATELIMIT_STORAGE_URI in production) so every web process shares them. Times come from
`utcnow()`; the storage's own expiry only cleans up.
"""

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
from limits import parse

from app.database import utcnow
from app.extensions import limiter

#: How long failures are remembered after the first one of a series.
FAILURE_WINDOW_SECONDS = 3600


@dataclass(frozen=True)
class Scope:
    """What one sign-in attempt is counted against."""

    key: str
    free: int


def signin_scopes(email: str, ip: str, user_id: int | None, device_nonce: str | None
                  ) -> list[Scope]:
    """A known browser counts on its own; any other attempt counts for the account and the
    address."""
    cfg = current_app.config
    if user_id is not None and device_nonce:
        return [Scope(f"signin-device:{user_id}:{device_nonce}", cfg["LOGIN_FREE_FAILURES"])]
    return [Scope(f"signin-account:{email.lower()}", cfg["LOGIN_FREE_FAILURES"]),
            Scope(f"signin-ip:{ip}", cfg["LOGIN_FREE_FAILURES_PER_IP"])]


def delay_after(failures: int, free: int) -> timedelta:
    """The wait after the n-th failure: none within the free ones, then doubling to the cap."""
    if failures < free:
        return timedelta(0)
    cfg = current_app.config
    seconds = cfg["LOGIN_FIRST_DELAY_SECONDS"] * 2 ** min(failures - free, 30)
    return timedelta(seconds=min(seconds, cfg["LOGIN_MAX_DELAY_SECONDS"]))


def _storage():
    return limiter.storage


def _held_until(scope: Scope) -> int:
    return int(_storage().get(f"{scope.key}:hold") or 0)


def blocked_until(scopes: list[Scope], now: datetime | None = None) -> datetime | None:
    """When signing in is allowed again in these scopes, or None when this attempt may go on.

    Past the free failures, one attempt per waiting period is let through (an atomic counter
    per period), so a burst of parallel guesses gets one, not all.
    """
    now = now or utcnow()
    latest = None
    for scope in scopes:
        hold = _held_until(scope)
        if hold > now.timestamp():
            at = datetime.fromtimestamp(hold, UTC)
        elif int(_storage().get(f"{scope.key}:n") or 0) >= scope.free and _storage().incr(
                f"{scope.key}:slot:{hold}", FAILURE_WINDOW_SECONDS) > 1:
            at = now + timedelta(seconds=current_app.config["LOGIN_FIRST_DELAY_SECONDS"])
        else:
            continue
        latest = at if latest is None or at > latest else latest
    return latest


def record_failure(scopes: list[Scope], now: datetime | None = None) -> None:
    """Count one failed sign-in in each scope and set its wait."""
    now = now or utcnow()
    storage = _storage()
    for scope in scopes:
        failures = storage.incr(f"{scope.key}:n", FAILURE_WINDOW_SECONDS)
        delay = delay_after(failures, scope.free)
        if delay:
            hold = math.ceil((now + delay).timestamp())
            storage.clear(f"{scope.key}:hold")
            storage.incr(f"{scope.key}:hold", int(delay.total_seconds()) + 60, amount=hold)


def clear(scopes: list[Scope]) -> None:
    """A successful sign-in forgets the failures of its own scope (never the address's)."""
    for scope in scopes:
        if not scope.key.startswith("signin-ip:"):
            _storage().clear(f"{scope.key}:n")
            _storage().clear(f"{scope.key}:hold")


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
