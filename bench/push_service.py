"""A stand-in push service for the benchmark (aiohttp.web, in its own process).

    python bench/push_service.py --keys KEYS.json [--delay-ms 80] [--jitter-ms 20]

Answers each `POST /push/d<n>` with 201 after the delay (uniformly jittered), as a real push
service answers in tens to hundreds of milliseconds. While it runs it checks every request's
headers (TTL, Content-Encoding, Urgency, Topic, size) and its VAPID header: the first request
carrying a given `Authorization` value is checked in full as the tests' fake push service checks
it (ES256 signature with our public key, `aud`, `exp`, `sub`, and the body decrypted), later
requests with the same value only for expiry. It keeps every body; `GET /control/report`
decrypts them all with their devices' keys (after the timing) and returns every message id
received, so the benchmark can count losses and duplicates. `POST /control/reset` starts a new
phase; `GET /control/stats` is cheap (counts and this process's CPU time).

KEYS.json: {"vapid_public_key": ..., "keys": [[private value, auth base64url], ...]}; device n
uses keys[n % len(keys)]. Prints "port <n>" when it listens.
"""

import argparse
import asyncio
import json
import random
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import http_ece
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid.utils import b64urldecode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.push.fake_push_service import PushChecker  # noqa: E402


class StandIn:
    """The service's state for one phase: what arrived, what failed a check, when."""

    def __init__(self, checker: PushChecker, keys: list, delay: float, jitter: float):
        self.checker = checker
        self.keys = keys
        self.delay, self.jitter = delay, jitter
        self.rng = random.Random(1)  # noqa: S311 - jitter, not a secret
        self.reset()

    def reset(self) -> None:
        self.received: list[tuple[int, bytes]] = []
        self.errors: list[str] = []
        self.checked: dict[str, int] = {}  # Authorization value -> its `exp`
        self.first_at = self.last_at = None
        self.connections: set[int] = set()
        self.cpu_at_reset = time.process_time()

    def key_for(self, device: int) -> tuple:
        return self.keys[device % len(self.keys)]

    def check(self, device: int, path: str, headers, body: bytes) -> None:
        """Raise ValueError when the request is not what a strict push service accepts."""
        if len(body) > 4096:
            raise ValueError(f"body of {len(body)} bytes")
        authorization = headers.get("Authorization", "")
        expires = self.checked.get(authorization)
        if expires is None:  # a new token: everything, the body decrypted too
            self.checker.keys[path.rsplit("/", 1)[1]] = self.key_for(device)
            try:
                claims = self.checker.check(path, headers, body).claims
            finally:
                self.checker.keys.clear()
            self.checked[authorization] = claims["exp"]
            return
        if expires <= time.time():
            raise ValueError("VAPID token expired")
        if headers.get("Content-Encoding") != "aes128gcm" or \
                not headers.get("TTL", "").isdigit():
            raise ValueError("Content-Encoding or TTL missing")
        topic = headers.get("Topic")
        if topic is not None and (len(topic) > 32 or not topic.replace("-", "")
                                  .replace("_", "").isalnum()):
            raise ValueError(f"Topic {topic!r}")
        if headers.get("Urgency") not in (None, "very-low", "low", "normal", "high"):
            raise ValueError(f"Urgency {headers.get('Urgency')!r}")

    async def push(self, request: web.Request) -> web.Response:
        body = await request.read()
        token = request.match_info["token"]
        try:
            device = int(token[1:]) if token.startswith("d") else -1
            if device < 0:
                raise ValueError(f"unknown endpoint {token}")
            self.check(device, request.path, request.headers, body)
        except Exception as error:  # every failure is counted and answered 400
            self.errors.append(f"{token}: {error}")
            return web.Response(status=400)
        now = time.time()
        self.first_at = self.first_at or now
        self.last_at = now
        self.received.append((device, body))
        self.connections.add(id(request.transport))
        await asyncio.sleep(max(0.0, self.delay + self.rng.uniform(-self.jitter, self.jitter)))
        return web.Response(status=201)

    async def stats(self, _request: web.Request) -> web.Response:
        return web.json_response(self._summary())

    async def do_reset(self, _request: web.Request) -> web.Response:
        self.reset()
        return web.json_response({"ok": True})

    async def report(self, _request: web.Request) -> web.Response:
        """Every message id received in this phase (bodies decrypted now, after the timing)."""
        summary = self._summary()
        ids, undecryptable = [], 0
        for device, body in self.received:
            private, secret = self.key_for(device)
            try:
                message = json.loads(http_ece.decrypt(body, private_key=private,
                                                      auth_secret=secret, version="aes128gcm"))
                ids.append(message["notification"]["data"]["id"])
            except Exception:  # counted, reported, and fails the run
                undecryptable += 1
        return web.json_response({**summary, "ids": ids, "undecryptable": undecryptable,
                                  "vapid_tokens": len(self.checked)})

    def _summary(self) -> dict:
        return {"messages": len(self.received), "errors": len(self.errors),
                "first_errors": self.errors[:5], "first_at": self.first_at,
                "last_at": self.last_at, "connections": len(self.connections),
                "cpu_seconds": time.process_time() - self.cpu_at_reset}


async def serve(stand_in_for) -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    stand_in = stand_in_for(f"http://127.0.0.1:{port}")
    app = web.Application(client_max_size=64 * 1024)
    app.add_routes([web.post("/push/{token}", stand_in.push),
                    web.get("/control/stats", stand_in.stats),
                    web.post("/control/reset", stand_in.do_reset),
                    web.get("/control/report", stand_in.report)])
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.SockSite(runner, listener, backlog=1024).start()
    print(f"port {port}", flush=True)
    await asyncio.Event().wait()  # until killed


# --- the benchmark's side: starting it, its control endpoints, the exactly-once check -------

class Service:
    """The stand-in push service process and its control endpoints."""

    def __init__(self, keys: Path, delay_ms: float, jitter_ms: float):
        self.process = subprocess.Popen(  # noqa: S603 - our interpreter and script
            [sys.executable, __file__, "--keys", str(keys),
             "--delay-ms", str(delay_ms), "--jitter-ms", str(jitter_ms)],
            stdout=subprocess.PIPE, text=True, cwd=ROOT)
        line = self.process.stdout.readline()
        if not line.startswith("port "):
            raise RuntimeError(f"the stand-in push service did not start: {line!r}")
        self.origin = f"http://127.0.0.1:{int(line.split()[1])}"

    def call(self, path: str, method: str = "GET") -> dict:
        request = urllib.request.Request(self.origin + path, method=method)  # noqa: S310
        with urllib.request.urlopen(request, timeout=600) as answer:  # noqa: S310 - our loopback
            return json.loads(answer.read())

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)


def exactly_once(report: dict, expected: set[int]) -> dict:
    """Compare the message ids the stand-in received with the ids that should have arrived."""
    seen: dict[int, int] = {}
    for reminder_id in report["ids"]:
        seen[reminder_id] = seen.get(reminder_id, 0) + 1
    return {"expected": len(expected), "received": report["messages"],
            "distinct": len(seen), "duplicated": sum(1 for n in seen.values() if n > 1),
            "lost": len(expected - set(seen)), "unexpected": len(set(seen) - expected),
            "rejected": report["errors"] + report["undecryptable"],
            "first_errors": report["first_errors"], "vapid_tokens": report["vapid_tokens"]}


def check_ok(check: dict) -> bool:
    return (check["received"] == check["distinct"] == check["expected"] and not check["lost"]
            and not check["unexpected"] and not check["rejected"])



def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--keys", required=True, type=Path)
    parser.add_argument("--delay-ms", type=float, default=80.0)
    parser.add_argument("--jitter-ms", type=float, default=20.0)
    args = parser.parse_args()
    data = json.loads(args.keys.read_text())
    keys = [(ec.derive_private_key(value, ec.SECP256R1()), b64urldecode(auth.encode()))
            for value, auth in data["keys"]]

    def stand_in_for(origin: str) -> StandIn:
        return StandIn(PushChecker(data["vapid_public_key"], origin), keys,
                       args.delay_ms / 1000, args.jitter_ms / 1000)

    asyncio.run(serve(stand_in_for))


if __name__ == "__main__":
    main()
