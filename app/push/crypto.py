"""Encrypting push message bodies (aes128gcm, RFC 8291) with pywebpush's `WebPusher.encode`."""

from pywebpush import WebPusher


def encrypt(p256dh: str, auth: str, payload: bytes, endpoint: str = "https://push.invalid/"
            ) -> bytes:
    """The aes128gcm body for one device; a fresh ephemeral ECDH key each time."""
    subscription = {"endpoint": endpoint, "keys": {"p256dh": p256dh, "auth": auth}}
    return WebPusher(subscription).encode(payload, "aes128gcm")["body"]
