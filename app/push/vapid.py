"""The VAPID key pair (RFC 8292) and signed Authorization headers, cached per push service.

The private key comes from VAPID_PRIVATE_KEY or, when that is unset, from a PEM file generated
once into instance/ (every process that shares the instance folder then uses the same key). All
web and worker processes must use the same key: a subscription is bound to the public key it was
made with, so rotating the key means every device turns reminders on again.
"""

import os
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from flask import Flask, current_app
from py_vapid import Vapid
from py_vapid.utils import b64urlencode

from config import vapid_subject_problem

KEY_FILE = "vapid_private_key.pem"
#: How long a signed header is valid: about 12 h, never the 24 h maximum (clock skew).
SIGNATURE_LIFETIME = timedelta(hours=12)
#: Sign again when less than this is left (Apple asks for at most one new token an hour).
RESIGN_WHEN_LEFT = timedelta(hours=1)


class VapidConfigError(RuntimeError):
    """The VAPID key or subject cannot be used."""


def parse_private_key(text: str) -> ec.EllipticCurvePrivateKey:
    """A P-256 private key from PEM, raw base64url (32 bytes) or base64url DER, read by
    py_vapid (`Vapid.from_pem`, `Vapid.from_string`)."""
    text = text.strip()
    try:
        if text.startswith("-----BEGIN"):
            key = Vapid.from_pem(text.encode()).private_key
        else:
            key = Vapid.from_string(text).private_key
    except (ValueError, TypeError, UnsupportedAlgorithm) as error:
        raise VapidConfigError(f"VAPID_PRIVATE_KEY cannot be read: {error}") from None
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
        raise VapidConfigError("VAPID_PRIVATE_KEY must be a P-256 (prime256v1) EC key")
    return key


def private_key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    """PEM (PKCS#8) of a private key."""
    return Vapid(key).private_pem()


def public_key_b64(key: ec.EllipticCurvePrivateKey) -> str:
    """The 65-byte uncompressed public point, base64url: the browser's applicationServerKey."""
    return b64urlencode(key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint))


def _key_from_instance(instance_path: str) -> ec.EllipticCurvePrivateKey:
    """Read instance/vapid_private_key.pem, generating it first if it does not exist.

    Written to a temporary file and linked into place, so two processes starting at once agree
    on one key and nobody reads a half-written file.
    """
    path = Path(instance_path) / KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        generated = Vapid()
        generated.generate_keys()
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".vapid-")
        try:
            os.fchmod(handle, 0o600)
            os.write(handle, generated.private_pem())
            os.close(handle)
            os.link(temporary, path)
        except FileExistsError:
            pass  # another process won; use its key
        finally:
            os.unlink(temporary)
    return parse_private_key(path.read_text())


@dataclass
class VapidKeys:
    """The loaded key pair."""

    private_key: ec.EllipticCurvePrivateKey
    public_key: str = field(init=False)

    def __post_init__(self) -> None:
        self.public_key = public_key_b64(self.private_key)


def keys(app: Flask | None = None) -> VapidKeys:
    """This app's VAPID keys, loaded once per process."""
    app = app or current_app._get_current_object()
    loaded = app.extensions.get("trellis_vapid")
    if loaded is None:
        configured = app.config.get("VAPID_PRIVATE_KEY")
        private = (parse_private_key(configured) if configured
                   else _key_from_instance(app.instance_path))
        loaded = app.extensions["trellis_vapid"] = VapidKeys(private)
    return loaded


def check_subject(subject: str | None, production: bool) -> str:
    """The VAPID `sub`: a real mailto: or https: URL (push services contact it), or raise."""
    problem = vapid_subject_problem(subject, production)
    if problem:
        raise VapidConfigError(problem)
    return subject


def check_configuration(app: Flask) -> str:
    """Refuse to send with a missing or placeholder subject, or test settings in production."""
    production = app.config.get("ENV_NAME") == "production"
    if production and app.config.get("PUSH_ALLOW_LOOPBACK_FOR_TESTS"):
        raise VapidConfigError("PUSH_ALLOW_LOOPBACK_FOR_TESTS is a testing setting")
    subject = check_subject(app.config.get("VAPID_SUBJECT"), production)
    keys(app)
    return subject


class VapidSigner:
    """Signed `Authorization: vapid t=…, k=…` headers, one per push-service origin.

    A header is reused until less than an hour of its 12 hours is left: signing costs about a
    third of the CPU of a message, and Apple wants a new token at most once an hour. Each call
    builds new claims, so one service's audience never leaks into another's token.
    """

    def __init__(self, private_key: ec.EllipticCurvePrivateKey, subject: str,
                 clock=time.time):
        self._vapid = Vapid(private_key)
        self._subject = subject
        self._clock = clock
        self._cache: dict[str, tuple[str, int]] = {}
        self._lock = threading.Lock()
        #: How many tokens were signed (the tests check the cache with it).
        self.signatures = 0

    def authorization(self, origin: str) -> str:
        """The Authorization header for a push service at `origin` (scheme://host[:port])."""
        now = self._clock()
        with self._lock:
            cached = self._cache.get(origin)
            if cached and cached[1] - now > RESIGN_WHEN_LEFT.total_seconds():
                return cached[0]
            expires = int(now + SIGNATURE_LIFETIME.total_seconds())
            claims = {"aud": origin, "exp": expires, "sub": self._subject}
            header = self._vapid.sign(claims)["Authorization"]
            self._cache[origin] = (header, expires)
            self.signatures += 1
            return header
