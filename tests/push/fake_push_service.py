"""A fake Web Push service on 127.0.0.1 that checks what a real one checks, and more.

For every POST it verifies the VAPID `Authorization: vapid t=…, k=…` header (k is our public
key; the JWT is ES256-signed with it; `aud` is this service's origin, `exp` is in the future and
within 24 hours, `sub` is a mailto: or https: URL), requires `Content-Encoding: aes128gcm` and a
TTL, decrypts the body with `http_ece` and the subscription's private key and auth secret, and
records the headers (TTL, Urgency, Topic) and the decrypted JSON. It answers 201 unless a test
scripted other answers (any status, with headers such as Retry-After), a delay, or a hold (stop
answering after the n-th message until released: the messages "in flight" of a killed worker).
It counts the connections it accepted (the sender keeps and reuses them), and serves https when
given a server-side SSL context.

Anything that fails verification is answered 400 and listed in `errors`; tests assert it is
empty. Reached only through the testing-only setting PUSH_ALLOW_LOOPBACK_FOR_TESTS.
"""

import base64
import json
import os
import re
import ssl
import threading
import time
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, utils

SUBJECT = re.compile(r"^(mailto:[^@\s]+@[^@\s]+\.[^@\s]+|https://[^\s/]+\.[^\s]+)$")


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Received:
    """One message the service accepted for checking (whatever it answered)."""

    token: str
    ttl: int
    urgency: str | None
    topic: str | None
    message: dict
    claims: dict
    jwt: str
    body_bytes: int
    status: int = 0

    @property
    def reminder_id(self) -> int | None:
        return self.message.get("notification", {}).get("data", {}).get("id")


class PushChecker:
    """The checks of a strict push service, for subscriptions whose private keys it holds."""

    def __init__(self, vapid_public_key: str, origin: str):
        self.vapid_public_key = vapid_public_key
        self.origin = origin
        self._public = ec.EllipticCurvePublicKey.from_encoded_point(
            ec.SECP256R1(), b64url_decode(vapid_public_key))
        self.keys: dict[str, tuple[ec.EllipticCurvePrivateKey, bytes]] = {}

    def check(self, path: str, headers, body: bytes) -> Received:
        """Verify a request like a strict push service; raise ValueError with the reason."""
        match = re.fullmatch(r"/push/([A-Za-z0-9_-]+)", path)
        if not match or match.group(1) not in self.keys:
            raise ValueError(f"unknown endpoint {path}")
        token = match.group(1)
        auth = headers.get("Authorization", "")
        found = re.fullmatch(r"vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)", auth)
        if not found:
            raise ValueError(f"Authorization is not 'vapid t=…, k=…': {auth[:40]}")
        jwt, key = found.groups()
        if key != self.vapid_public_key:
            raise ValueError("k is not our VAPID public key")
        header_b64, claims_b64, signature_b64 = jwt.split(".")
        if json.loads(b64url_decode(header_b64)) != {"typ": "JWT", "alg": "ES256"}:
            raise ValueError("JWT header is not ES256")
        signature = b64url_decode(signature_b64)
        if len(signature) != 64:
            raise ValueError("ES256 signature must be 64 bytes")
        der = utils.encode_dss_signature(int.from_bytes(signature[:32], "big"),
                                         int.from_bytes(signature[32:], "big"))
        try:
            self._public.verify(der, f"{header_b64}.{claims_b64}".encode(),
                                ec.ECDSA(hashes.SHA256()))
        except InvalidSignature:
            raise ValueError("JWT signature does not verify with our public key") from None
        claims = json.loads(b64url_decode(claims_b64))
        if claims.get("aud") != self.origin:
            raise ValueError(f"aud {claims.get('aud')!r} is not {self.origin!r}")
        now = time.time()
        if not isinstance(claims.get("exp"), int) or not now < claims["exp"] <= now + 86400:
            raise ValueError(f"exp {claims.get('exp')} is not within the next 24 hours")
        if not SUBJECT.match(str(claims.get("sub", ""))):
            raise ValueError(f"sub {claims.get('sub')!r} is not a mailto: or https: URL")
        if headers.get("Content-Encoding") != "aes128gcm":
            raise ValueError("Content-Encoding must be aes128gcm")
        ttl = headers.get("TTL")
        if ttl is None or not ttl.isdigit():
            raise ValueError("TTL header missing")
        topic = headers.get("Topic")
        if topic is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,32}", topic):
            raise ValueError(f"Topic {topic!r} is not base64url of at most 32 characters")
        urgency = headers.get("Urgency")
        if urgency is not None and urgency not in ("very-low", "low", "normal", "high"):
            raise ValueError(f"Urgency {urgency!r}")
        private, secret = self.keys[token]
        plaintext = http_ece.decrypt(body, private_key=private, auth_secret=secret,
                                     version="aes128gcm")
        return Received(token, int(ttl), urgency, topic, json.loads(plaintext), claims, jwt,
                        len(body))


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # a worker opens up to PUSH_SEND_CONCURRENCY connections at once


class FakePushService(PushChecker):
    """Start with `start()`, make subscriptions with `subscription()`, read `received`."""

    def __init__(self, vapid_public_key: str, ssl_context: ssl.SSLContext | None = None):
        self._server = _Server(("127.0.0.1", 0), _handler(self))
        scheme = "http"
        if ssl_context is not None:
            scheme = "https"
            self._server.socket = ssl_context.wrap_socket(self._server.socket, server_side=True)
        super().__init__(vapid_public_key, f"{scheme}://127.0.0.1:{self._server.server_port}")
        self.received: list[Received] = []
        self.errors: list[str] = []
        self.requests = 0
        self.connections = 0
        self._script: dict[str | None, deque] = {}
        self.delay = 0.0
        self._hold_after: int | None = None
        self._released = threading.Event()
        self.held = threading.Event()  # set once a request is being held
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        daemon=True)

    def start(self) -> "FakePushService":
        self._thread.start()
        return self

    def stop(self) -> None:
        self.release()
        self._server.shutdown()
        self._server.server_close()

    # --- set-up ---------------------------------------------------------------------------

    def subscription(self) -> dict:
        """A new browser subscription at this service: endpoint and keys (PushSubscription
        JSON); the service keeps the private key to decrypt what is sent to it."""
        private = ec.generate_private_key(ec.SECP256R1())
        auth = os.urandom(16)
        token = b64url(os.urandom(12))
        self.keys[token] = (private, auth)
        public = private.public_key().public_bytes(serialization.Encoding.X962,
                                                   serialization.PublicFormat.UncompressedPoint)
        return {"endpoint": f"{self.origin}/push/{token}",
                "keys": {"p256dh": b64url(public), "auth": b64url(auth)}}

    def respond(self, *answers, endpoint: str | None = None) -> None:
        """Script the next answers: a status or (status, {header: value}), for one endpoint or
        (endpoint None) for any; afterwards the service answers 201 again."""
        token = endpoint.rsplit("/", 1)[1] if endpoint else None
        queue = self._script.setdefault(token, deque())
        for answer in answers:
            queue.append(answer if isinstance(answer, tuple) else (answer, {}))

    def hold_after(self, count: int) -> None:
        """Record but do not answer any message after the first `count`, until release()."""
        self._hold_after = count
        self._released.clear()

    def release(self) -> None:
        self._hold_after = None
        self._released.set()

    # --- reading results ------------------------------------------------------------------

    def _answer_for(self, token: str) -> tuple[int, dict]:
        with self._lock:
            for key in (token, None):
                queue = self._script.get(key)
                if queue:
                    return queue.popleft()
        return 201, {}

    def ids(self) -> list[int]:
        with self._lock:
            return [r.reminder_id for r in self.received]

    def for_endpoint(self, endpoint: str) -> list[Received]:
        token = endpoint.rsplit("/", 1)[1]
        return [r for r in self.received if r.token == token]


def _handler(service: FakePushService):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as push services do

        def log_message(self, *_args) -> None:
            pass

        def setup(self) -> None:
            with service._lock:
                service.connections += 1
            super().setup()

        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with service._lock:
                service.requests += 1
                number = service.requests
            try:
                received = service.check(self.path, self.headers, body)
            except Exception as error:  # every failure is a test failure, reported as 400
                with service._lock:
                    service.errors.append(f"{self.path}: {error}")
                self._answer(400, {})
                return
            status, headers = service._answer_for(received.token)
            received.status = status
            with service._lock:
                service.received.append(received)
            if service._hold_after is not None and number > service._hold_after:
                service.held.set()
                service._released.wait(60)
            if service.delay:
                time.sleep(service.delay)
            self._answer(status, headers)

        def _answer(self, status: int, headers: dict) -> None:
            try:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "0")
                self.end_headers()
            except OSError:
                pass  # the worker was killed while we held its request

    return Handler
