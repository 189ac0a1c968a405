"""Sending push messages: encrypt, sign, post, and say what the push service answered.

Our own small sender on two libraries and our HTTP client, rather than pywebpush's one-call
`webpush()` (which mutates the claims it is given, so one push service's audience leaks into the
next; sets no timeout; and parses the key on every call) or PyPI's `webpush` (per-call settings
kept on the instance, the port dropped from the audience, unreadable records from 4080 bytes):
see docs/push.md ("Libraries, and what we wrote ourselves").

- Body: `pywebpush.WebPusher(subscription).encode(payload)` (aes128gcm, RFC 8291; a new
  ephemeral ECDH key per message, which is the CPU floor).
- VAPID: signed with `py_vapid`, cached per push-service origin (`VapidSigner`).
- HTTP: our small HTTP/1.1 client (`http.py`), kept for the worker's life so connections are
  reused, on an event loop in its own thread, up to PUSH_SEND_CONCURRENCY requests at once so
  one slow push service does not hold up the rest; 5 s to connect, 10 s in all; redirects are
  never followed; no proxy; every address a name resolves to is checked (no loopback, private,
  link-local or metadata addresses) and the connection goes to that checked address. It costs
  about 25-30 µs of CPU per request here, against about 200 µs for aiohttp (see `http.py`),
  which matters when encryption itself is about 140-230 µs.
- Encryption processes (PUSH_ENCRYPT_PROCESSES): bodies are encrypted there in chunks, and a
  batch can be handed over (`encrypt_ahead`) while the one before it is still being sent.
- Headers: TTL until the reminder is stale, Urgency, Topic, Content-Encoding aes128gcm.
"""

import asyncio
import logging
import multiprocessing
import queue
import socket
import ssl
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from app.models import DeliveryOutcome
from app.push.crypto import encrypt, encrypt_many
from app.push.endpoints import BlockedAddress, InvalidSubscription, check_endpoint
from app.push.http import HttpClient
from app.push.payload import MAX_ENCRYPTED_BYTES
from app.push.vapid import VapidSigner

log = logging.getLogger(__name__)

CONNECT_TIMEOUT = 5.0
TOTAL_TIMEOUT = 10.0
#: A Retry-After longer than this is treated as this.
MAX_RETRY_AFTER = 24 * 3600
#: Jobs handed to an encryption process at a time (amortises the inter-process overhead).
ENCRYPT_CHUNK = 64
#: How often the dispatcher is called back while a batch is being sent.
TICK_SECONDS = 0.1


@dataclass
class PushJob:
    """One message to one device."""

    reminder_id: int
    subscription_id: int
    endpoint: str
    p256dh: str
    auth: str
    payload: bytes
    ttl: int
    urgency: str
    topic: str


@dataclass
class PushResult:
    """What happened to one job."""

    job: PushJob
    outcome: DeliveryOutcome
    status: int | None = None
    #: Seconds the push service asked us to wait (429/503 Retry-After).
    retry_after: float | None = None
    detail: str | None = None


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds from a Retry-After header: delta-seconds or an HTTP date; None if absent."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(min(int(value), MAX_RETRY_AFTER))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    now = time.time() if now is None else now
    return float(min(max(when.timestamp() - now, 0.0), MAX_RETRY_AFTER))


def classify(status: int) -> tuple[DeliveryOutcome, str | None]:
    """What an HTTP status from a push service means for this delivery."""
    if 200 <= status < 300:
        return DeliveryOutcome.DELIVERED, None
    if status in (404, 410):
        return DeliveryOutcome.GONE, "subscription expired"
    if status in (401, 403):
        return DeliveryOutcome.REJECTED, "push service refused our VAPID key or signature"
    if status == 413:
        return DeliveryOutcome.FAILED, "payload too large"
    if status in (429, 503):
        return DeliveryOutcome.RETRYING, "push service busy"
    if 300 <= status < 400:
        return DeliveryOutcome.FAILED, "redirect refused"
    if status >= 500:
        return DeliveryOutcome.RETRYING, "push service error"
    return DeliveryOutcome.FAILED, "push service refused the request"


@dataclass
class _Sending:
    """Jobs being sent: how many, where their results arrive, and the loop's future."""

    count: int
    results: queue.SimpleQueue
    done: object


class Sender:
    """Sends batches of jobs from an event loop on its own thread, over one HTTP session.

    The loop thread encrypts, signs and posts; results come back to the calling thread through
    a queue, so database work (recording outcomes) stays on the thread that owns the session,
    and the caller need not be free of other event loops (Playwright's, in the tests).
    """

    def __init__(self, signer: VapidSigner, *, allow_loopback: bool = False,
                 extra_hosts: tuple[str, ...] = (), concurrency: int = 32,
                 encrypt_processes: int = 0, connect_timeout: float = CONNECT_TIMEOUT,
                 total_timeout: float = TOTAL_TIMEOUT, max_body: int = MAX_ENCRYPTED_BYTES,
                 ssl_context: ssl.SSLContext | None = None):
        self.signer = signer
        self.allow_loopback = allow_loopback
        self.extra_hosts = extra_hosts
        self.concurrency = max(1, concurrency)
        self.max_body = max_body
        self._timeouts = (connect_timeout, total_timeout)
        self._ssl_context = ssl_context
        self._session: HttpClient | None = None
        self._encrypt_processes = encrypt_processes
        self._pool = self._new_pool(encrypt_processes) if encrypt_processes > 0 else None
        self._origins: dict[str, str | InvalidSubscription] = {}
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="push-sender",
                                        daemon=True)
        self._thread.start()

    # --- lifecycle ----------------------------------------------------------------------------

    @staticmethod
    def _new_pool(processes: int) -> ProcessPoolExecutor:
        # spawn, not fork: a forked child would share the worker's database connections
        return ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("spawn"))

    async def _open_session(self) -> HttpClient:
        if self._session is None:
            self._session = HttpClient(
                allow_loopback=self.allow_loopback, connect_timeout=self._timeouts[0],
                total_timeout=self._timeouts[1], ssl_context=self._ssl_context,
                user_agent="Trellis-reminders")
        return self._session

    async def _close_session(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def close(self) -> None:
        """Close the HTTP session, stop the loop thread, end any encryption processes."""
        if self._loop.is_closed():
            return
        asyncio.run_coroutine_threadsafe(self._close_session(), self._loop).result(30)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(30)
        self._loop.close()
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)

    # --- sending ------------------------------------------------------------------------------

    def send(self, jobs: list[PushJob], on_result: Callable[[PushResult], None],
             on_tick: Callable[[], None] | None = None) -> None:
        """Send every job; call `on_result` in this thread as each one finishes, and `on_tick`
        about every TICK_SECONDS meanwhile (to record outcomes and renew leases while a slow
        push service is still answering)."""
        self.collect(self.start(jobs), on_result, on_tick)

    def encrypt_ahead(self, jobs: list[PushJob]) -> list[Future] | None:
        """Hand `jobs` to the encryption processes now, before they are sent (`start` with
        what this returns): the processes then encrypt the next batch while this one's last
        messages are sent and recorded, instead of waiting for it. None without processes."""
        if self._pool is None or not jobs:
            return None
        parts = [[(j.p256dh, j.auth, j.payload) for j in jobs[i:i + ENCRYPT_CHUNK]]
                 for i in range(0, len(jobs), ENCRYPT_CHUNK)]
        try:
            return [self._pool.submit(encrypt_many, part) for part in parts]
        except BrokenProcessPool:
            # An encryption process died (killed, out of memory): start new ones rather than
            # leave the worker unable to send until someone restarts it.
            log.warning("an encryption process died; starting new ones")
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = self._new_pool(self._encrypt_processes)
            return [self._pool.submit(encrypt_many, part) for part in parts]

    def start(self, jobs: list[PushJob], encrypted: list[Future] | None = None) -> "_Sending":
        """Begin sending in the loop thread (with the bodies `encrypt_ahead` started, if
        given); `collect` takes the results."""
        if encrypted is None:
            encrypted = self.encrypt_ahead(jobs)
        results: queue.SimpleQueue[PushResult] = queue.SimpleQueue()
        done = asyncio.run_coroutine_threadsafe(
            self._send_jobs(jobs, results.put, encrypted), self._loop) if jobs else None
        return _Sending(len(jobs), results, done)

    @staticmethod
    def collect(sending: "_Sending", on_result: Callable[[PushResult], None],
                on_tick: Callable[[], None] | None = None) -> None:
        """Wait for every result of `sending`, handing each to `on_result` in this thread."""
        remaining, last_tick = sending.count, time.monotonic()
        while remaining:
            ready: list[PushResult] = []
            try:
                ready.append(sending.results.get(timeout=TICK_SECONDS))
                while True:  # take what else has finished: one wake-up for many results
                    ready.append(sending.results.get_nowait())
            except queue.Empty:
                if not ready and sending.done.done():
                    sending.done.result()  # raises what went wrong in the loop thread
            for result in ready:
                on_result(result)
            remaining -= len(ready)
            if on_tick is not None and time.monotonic() - last_tick >= TICK_SECONDS:
                last_tick = time.monotonic()
                on_tick()
        if sending.done is not None:
            sending.done.result()

    async def _send_jobs(self, jobs: list[PushJob], report: Callable[[PushResult], None],
                         encrypted: list[Future] | None) -> None:
        """PUSH_SEND_CONCURRENCY senders take jobs from one queue (fewer tasks than one each)."""
        session = await self._open_session()
        waiting: asyncio.Queue = asyncio.Queue()

        async def sender() -> None:
            take = waiting.get_nowait
            while True:
                try:
                    job, body = take()
                except asyncio.QueueEmpty:  # wait only when there is nothing to take
                    job, body = await waiting.get()
                if job is None:
                    return
                report(await self._send_one(session, job, body))

        senders = [asyncio.ensure_future(sender()) for _ in range(self.concurrency)]
        try:
            if encrypted is None:  # encrypted here, as each is sent
                for job in jobs:
                    waiting.put_nowait((job, None))
            else:  # encrypted in chunks by other processes, sent as each chunk is ready
                chunks = [asyncio.wrap_future(future) for future in encrypted]
                for index, chunk in enumerate(chunks):
                    part = jobs[index * ENCRYPT_CHUNK:(index + 1) * ENCRYPT_CHUNK]
                    try:
                        bodies = await chunk
                    except BrokenProcessPool:  # encrypted here instead; new processes next time
                        bodies = [None] * len(part)
                    for job, body in zip(part, bodies, strict=True):
                        waiting.put_nowait((job, body))
            for _ in senders:
                waiting.put_nowait((None, None))
            await asyncio.gather(*senders)
        finally:
            for task in senders:
                task.cancel()

    def _origin(self, endpoint: str) -> str:
        """The endpoint checked again at send time, and its origin (the JWT audience).

        The check depends only on the scheme and authority (the path is the push service's
        business), so its answer is kept per "scheme://authority" for this sender's life.
        """
        authority_end = endpoint.find("/", endpoint.find("//") + 2)
        prefix = endpoint if authority_end < 0 else endpoint[:authority_end]
        cached = self._origins.get(prefix)
        if cached is None or "#" in endpoint:
            try:
                cached = check_endpoint(endpoint, self.allow_loopback, self.extra_hosts).origin
            except InvalidSubscription as refused:
                cached = refused
            if len(self._origins) > 1000:
                self._origins.clear()
            self._origins[prefix] = cached
        if isinstance(cached, InvalidSubscription):
            raise cached
        return cached

    async def _send_one(self, session: HttpClient, job: PushJob,
                        body: bytes | None) -> PushResult:
        try:
            origin = self._origin(job.endpoint)
        except InvalidSubscription as refused:
            return PushResult(job, DeliveryOutcome.REFUSED, detail=str(refused.reason))
        if body is None:
            body = encrypt(job.p256dh, job.auth, job.payload, job.endpoint)
        if len(body) > self.max_body:
            return PushResult(job, DeliveryOutcome.FAILED, detail="payload too large")
        headers = {
            "Authorization": self.signer.authorization(origin),
            "TTL": str(job.ttl),
            "Urgency": job.urgency,
            "Topic": job.topic,
            "Content-Encoding": "aes128gcm",
            "Content-Type": "application/octet-stream",
        }
        try:
            answer = await session.post(job.endpoint, headers, body)
        except BlockedAddress as blocked:
            return PushResult(job, DeliveryOutcome.REFUSED, detail=str(blocked))
        except socket.gaierror:
            return PushResult(job, DeliveryOutcome.RETRYING, detail="name lookup failed")
        except TimeoutError:
            return PushResult(job, DeliveryOutcome.RETRYING, detail="no answer in time")
        except ssl.SSLError:
            return PushResult(job, DeliveryOutcome.RETRYING, detail="TLS failed")
        except (OSError, asyncio.IncompleteReadError) as error:
            return PushResult(job, DeliveryOutcome.RETRYING,
                              detail=f"connection failed ({type(error).__name__})")
        retry_after = parse_retry_after(answer.headers.get("retry-after"))
        outcome, detail = classify(answer.status)
        return PushResult(job, outcome, answer.status, retry_after, detail)


def ttl_seconds(stale_at: datetime, now: datetime) -> int:
    """TTL for a push: the time until the reminder is stale (never 0, at most four weeks)."""
    return int(min(max((stale_at - now).total_seconds(), 60), 28 * 24 * 3600))
