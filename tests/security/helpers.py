"""Helpers for the security tests."""

import base64
import os

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def browser_subscription(endpoint: str | None = None) -> dict:
    """A browser's PushSubscription JSON at a loopback push service (allowed in tests only);
    nothing is sent to it here."""
    public = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return {"endpoint": endpoint or f"http://127.0.0.1:9/push/{b64url(os.urandom(12))}",
            "keys": {"p256dh": b64url(public), "auth": b64url(os.urandom(16))}}
