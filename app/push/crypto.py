"""Encrypting push message bodies (aes128gcm, RFC 8291) with pywebpush.

Kept apart from the sender so encryption processes import nothing but this and pywebpush.
"""

from pywebpush import WebPusher


def encrypt(p256dh: str, auth: str, payload: bytes, endpoint: str = "https://push.invalid/"
            ) -> bytes:
    """The aes128gcm body for one device; a fresh ephemeral ECDH key each time."""
    subscription = {"endpoint": endpoint, "keys": {"p256dh": p256dh, "auth": auth}}
    return WebPusher(subscription).encode(payload, "aes128gcm")["body"]


def encrypt_many(items: list[tuple[str, str, bytes]]) -> list[bytes]:
    """Encrypt several messages (what an encryption process is handed at a time)."""
    return [encrypt(p256dh, auth, payload) for p256dh, auth, payload in items]
