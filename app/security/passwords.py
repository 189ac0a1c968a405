"""Password hashing (argon2id) and the password policy: 12-128 characters, not a common one."""

import contextlib
import gzip
import re
from functools import cache
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext

MIN_LENGTH = 12
MAX_LENGTH = 128


@cache
def _hasher(memory_kib: int, time_cost: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(memory_cost=memory_kib, time_cost=time_cost, parallelism=parallelism)


def password_hasher() -> PasswordHasher:
    """The hasher with the cost configured for this app."""
    cfg = current_app.config
    return _hasher(cfg["ARGON2_MEMORY_KIB"], cfg["ARGON2_TIME_COST"], cfg["ARGON2_PARALLELISM"])


def hash_password(password: str) -> str:
    """Hash a password with argon2id."""
    return password_hasher().hash(password)


#: A real hash to verify against when the email is unknown, so both answers take as long.
@cache
def _dummy_hash(memory_kib: int, time_cost: int, parallelism: int) -> str:
    return _hasher(memory_kib, time_cost, parallelism).hash("not-a-real-password-for-timing")


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Check a password; with no stored hash, spend the same time and answer False."""
    hasher = password_hasher()
    if not stored_hash:
        cfg = current_app.config
        dummy = _dummy_hash(
            cfg["ARGON2_MEMORY_KIB"], cfg["ARGON2_TIME_COST"], cfg["ARGON2_PARALLELISM"]
        )
        with contextlib.suppress(VerificationError):
            hasher.verify(dummy, password + "x")
        return False
    try:
        return hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """True when the hash was made with other cost parameters than the current ones."""
    return password_hasher().check_needs_rehash(stored_hash)


@cache
def common_passwords() -> frozenset[str]:
    """The bundled list of the most common passwords, lower-cased."""
    data = resources.files("app.security").joinpath("data/common-passwords.txt.gz").read_bytes()
    return frozenset(gzip.decompress(data).decode().split())


_PADDING = re.compile(r"[\d\W_]+$")


def password_problem(password: str, email: str | None = None) -> str | None:
    """Why a new password is refused, or None when it is acceptable.

    No composition rules (they push people to weaker, predictable passwords); instead length,
    the common-password list, the same list padded with digits ("password1234"), one repeated
    character and the person's own email address.
    """
    if len(password) < MIN_LENGTH:
        return str(lazy_ngettext(
            "Use at least %(num)d character. A few words together work well.",
            "Use at least %(num)d characters. A few words together work well.", MIN_LENGTH))
    if len(password) > MAX_LENGTH:
        return str(lazy_ngettext("Use at most %(num)d character.",
                                 "Use at most %(num)d characters.", MAX_LENGTH))
    lowered = password.lower()
    common = common_passwords()
    unpadded = _PADDING.sub("", lowered)
    if (
        lowered in common
        or (len(unpadded) >= 4 and unpadded in common)
        or len(set(lowered)) <= 2
        or (email and email.lower() in lowered)
    ):
        return str(_l("This password is too common or too easy to guess. Please choose another."))
    return None
