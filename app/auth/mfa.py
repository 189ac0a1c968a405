"""The staff second factor: TOTP (RFC 6238) with single-use recovery codes."""

import secrets
import time
import unicodedata

import pyotp
import segno
import sqlalchemy as sa
from markupsafe import Markup

from app.database import utcnow
from app.extensions import db
from app.models import RecoveryCode, User
from app.security.passwords import hash_password, verify_password

ISSUER = "Trellis"
RECOVERY_CODE_COUNT = 10
#: Accept the previous and next 30-second step too: phone clocks drift.
VALID_WINDOW = 1


def new_secret() -> str:
    """A fresh base32 TOTP secret (160 bits)."""
    return pyotp.random_base32(32)


def pending_secret(user: User) -> str:
    """The secret shown while the user enrols, kept on the server until a code confirms it.

    The session cookie is signed but readable, so the secret never goes into it. Commits a new
    secret so that reloading the page shows the same QR code.
    """
    if not user.totp_pending_secret:
        user.totp_pending_secret = new_secret()
        db.session.commit()
    return user.totp_pending_secret


def provisioning_uri(user: User, secret: str) -> str:
    """The otpauth:// URI an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_code_svg(uri: str) -> Markup:
    """The provisioning URI as an inline SVG QR code (built from our own data, not user text)."""
    return Markup(segno.make(uri, error="m").svg_inline(scale=4, title="QR"))  # noqa: S704


def normalise_code(code: str) -> str:
    """A typed code as ASCII digits: spaces dropped, any script's digits ("１２３", "١٢٣") read
    as 0-9. Anything else is left as it is (and then matches no code)."""
    digits = []
    for char in code.strip():
        if char.isspace():
            continue
        value = unicodedata.decimal(char, None)
        digits.append(str(value) if value is not None else char)
    return "".join(digits)


def _matching_step(secret: str, code: str, at: float) -> int | None:
    code = normalise_code(code)
    if not (code.isascii() and code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    step = int(at // totp.interval)
    for offset in range(-VALID_WINDOW, VALID_WINDOW + 1):
        if secrets.compare_digest(totp.at((step + offset) * totp.interval), code):
            return step + offset
    return None


def check_code(secret: str, code: str, at: float | None = None) -> bool:
    """True when `code` is valid for `secret` now (used while enrolling)."""
    return _matching_step(secret, code, at if at is not None else time.time()) is not None


def verify(user: User, code: str, at: float | None = None) -> bool:
    """Check a TOTP code for an enrolled user; a code (time step) works only once."""
    if not user.totp_secret:
        return False
    step = _matching_step(user.totp_secret, code, at if at is not None else time.time())
    if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
        return False
    user.totp_last_step = step
    return True


def enrol(user: User, secret: str) -> list[str]:
    """Save a confirmed secret and return new recovery codes (shown to the user once)."""
    user.totp_secret = secret
    user.totp_pending_secret = None
    user.totp_last_step = None
    user.mfa_enrolled_at = utcnow()
    return new_recovery_codes(user)


def new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes with ten new ones."""
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODE_COUNT)]
    for code in codes:
        db.session.add(RecoveryCode(user_id=user.id, code_hash=hash_password(code)))
    return codes


def use_recovery_code(user: User, code: str) -> bool:
    """Spend a recovery code; each works once."""
    code = code.strip().lower()
    unused = db.session.scalars(
        sa.select(RecoveryCode).where(RecoveryCode.user_id == user.id,
                                      RecoveryCode.used_at.is_(None))
    )
    for candidate in unused:
        if verify_password(candidate.code_hash, code):
            candidate.used_at = utcnow()
            return True
    return False


def reset(user: User) -> None:
    """Remove a user's second factor (an admin action); they enrol again at next sign-in."""
    user.totp_secret = None
    user.totp_pending_secret = None
    user.totp_last_step = None
    user.mfa_enrolled_at = None
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    user.revoke_sessions()
