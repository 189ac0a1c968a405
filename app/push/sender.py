"""Sending push messages: encrypt, sign, post, and say what the push service answered.

A small sender of ours on three kept libraries, rather than pywebpush's one-call `webpush()`
(which mutates the claims it is given, so one push service's audience leaks into the next; sets
no timeout; and parses the key on every call) or PyPI's `webpush` (per-call settings kept on the
instance, the port dropped from the audience, unreadable records from 4080 bytes):

- Body: pywebpush's `WebPusher(subscription).encode(payload)` (`crypto.encrypt`: aes128gcm,
  RFC 8291, a new ephemeral ECDH key per message, which is the CPU floor).
- VAPID: signed with py_vapid, one token per push-service origin, cached (`VapidSigner`).
- HTTP: aiohttp, one `ClientSession` for the worker's life so connections are kept and reused;
  up to PUSH_SEND_CONCURRENCY requests in flight (one slow push service does not hold up the
  rest) and PUSH_CONNECTIONS_PER_HOST connections to one push service; 5 s to resolve and
  connect, 10 s in all; redirects never followed; no proxy; no cookies (`client`). Its
  `CheckedResolver` passes every address a name resolves to through the SSRF checks, and
  aiohttp connects only to the addresses its resolver returns.
- Headers: TTL until the reminder is stale, Urgency, Topic, Content-Encoding aes128gcm.

The event loop runs on the sender's own thread; results come back to the calling thread through
a queue, so database work (recording outcomes) stays on the thread that owns the session, and the
caller need not be free of other event loops (Playwright's, in the tests). One worker is one
process: more throughput means more workers, not more processes per worker.
"""

import asyncio
import queue
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import aiohttp
from yarl import URL

from app.models import DeliveryOutcome
from app.push.answers import classify, parse_retry_after
from app.push.client import CONNECT_TIMEOUT, TOTAL_TIMEOUT, open_session
from app.push.crypto import encrypt
from app.push.endpoints import BlockedAddress, InvalidSubscription, check_endpoint
from app.push.payload import MAX_ENCRYPTED_BYTES
from app.push.vapid import VapidSigner

#: Bytes of an answer's body read (push services answer with a few hundred at most); a
#: connection with more left unread is closed rather than reused.
MAX_ANSWER_BODY = 64 * 1024
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


@dataclass
class _Sending:
    """Jobs being sent: how many, where their results arrive, and the future of handing them
    to the loop."""

    count: int
    results: queue.SimpleQueue
    queued: object


class Sender:
    """Sends batches of jobs over one aiohttp session, from an event loop on its own thread."""

    def __init__(self, signer: VapidSigner, *, allow_loopback: bool = False,
                 extra_hosts: tuple[str, ...] = (), concurrency: int = 100,
                 connections_per_host: int | None = None,
                 connect_timeout: float = CONNECT_TIMEOUT, total_timeout: float = TOTAL_TIMEOUT,
                 max_body: int = MAX_ENCRYPTED_BYTES, ssl_context: ssl.SSLContext | None = None):
        self.signer = signer
        self.allow_loopback = allow_loopback
        self.extra_hosts = extra_hosts
        self.concurrency = max(1, concurrency)
        self.connections_per_host = max(1, connections_per_host or self.concurrency)
        self.max_body = max_body
        self._timeouts = (connect_timeout, total_timeout)
        self._ssl_context = ssl_context
        self._session: aiohttp.ClientSession | None = None
        self._waiting: asyncio.Queue | None = None
        self._senders: list[asyncio.Task] = []
        self._origins: dict[str, str | InvalidSubscription] = {}
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="push-sender",
                                        daemon=True)
        self._thread.start()

    # --- lifecycle ----------------------------------------------------------------------------

    async def _open_session(self) -> None:
        """The session, and PUSH_SEND_CONCURRENCY tasks that take jobs from one queue: every
        batch handed over joins that queue, so the next batch is sent while the last answers
        of this one arrive, and never more than that many requests are in flight."""
        if self._session is None:
            self._session = open_session(
                allow_loopback=self.allow_loopback, concurrency=self.concurrency,
                connections_per_host=self.connections_per_host,
                connect_timeout=self._timeouts[0], total_timeout=self._timeouts[1],
                ssl_context=self._ssl_context)
            self._waiting = asyncio.Queue()
            self._senders = [asyncio.ensure_future(self._sender())
                             for _ in range(self.concurrency)]

    async def _close_session(self) -> None:
        for task in self._senders:
            task.cancel()
        await asyncio.gather(*self._senders, return_exceptions=True)
        if self._session is not None:
            await self._session.close()
            self._session = None

    def close(self) -> None:
        """Close the HTTP session and stop the loop thread."""
        if self._loop.is_closed():
            return
        asyncio.run_coroutine_threadsafe(self._close_session(), self._loop).result(30)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(30)
        self._loop.close()

    # --- sending ------------------------------------------------------------------------------

    def send(self, jobs: list[PushJob], on_result: Callable[[PushResult], None],
             on_tick: Callable[[], None] | None = None) -> None:
        """Send every job; call `on_result` in this thread as each one finishes, and `on_tick`
        about every TICK_SECONDS meanwhile (to record outcomes and renew leases while a slow
        push service is still answering)."""
        self.collect(self.start(jobs), on_result, on_tick)

    def start(self, jobs: list[PushJob]) -> "_Sending":
        """Queue the jobs for sending in the loop thread; `collect` takes the results."""
        results: queue.SimpleQueue[PushResult | Exception] = queue.SimpleQueue()
        queued = asyncio.run_coroutine_threadsafe(
            self._queue(jobs, results.put), self._loop) if jobs else None
        return _Sending(len(jobs), results, queued)

    @staticmethod
    def collect(sending: "_Sending", on_result: Callable[[PushResult], None],
                on_tick: Callable[[], None] | None = None) -> None:
        """Wait for every result of `sending`, handing each to `on_result` in this thread."""
        remaining, last_tick = sending.count, time.monotonic()
        while remaining:
            ready: list[PushResult | Exception] = []
            try:
                ready.append(sending.results.get(timeout=TICK_SECONDS))
                while True:  # take what else has finished: one wake-up for many results
                    ready.append(sending.results.get_nowait())
            except queue.Empty:
                if not ready and sending.queued.done():
                    sending.queued.result()  # raises what went wrong in the loop thread
            for result in ready:
                if isinstance(result, Exception):
                    raise result  # a bug, not an answer: the rows are retried after the lease
                on_result(result)
            remaining -= len(ready)
            if on_tick is not None and time.monotonic() - last_tick >= TICK_SECONDS:
                last_tick = time.monotonic()
                on_tick()

    async def _queue(self, jobs: list[PushJob], report: Callable) -> None:
        await self._open_session()
        for job in jobs:
            self._waiting.put_nowait((job, report))

    async def _sender(self) -> None:
        """One of the PUSH_SEND_CONCURRENCY tasks: one request at a time, for the session's life."""
        while True:
            job, report = await self._waiting.get()
            try:
                result = await self._send_one(self._session, job)
            except Exception as error:  # handed to the caller, which raises it
                result = error
            report(result)

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

    async def _send_one(self, session: aiohttp.ClientSession, job: PushJob) -> PushResult:
        try:
            origin = self._origin(job.endpoint)
        except InvalidSubscription as refused:
            return PushResult(job, DeliveryOutcome.REFUSED, detail=str(refused.reason))
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
            # encoded=True: the push service's path goes out exactly as the browser gave it
            async with session.post(URL(job.endpoint, encoded=True), data=body,
                                    headers=headers, allow_redirects=False) as answer:
                await answer.content.read(MAX_ANSWER_BODY)
                status, retry_after = answer.status, answer.headers.get("Retry-After")
        except TimeoutError:
            return PushResult(job, DeliveryOutcome.RETRYING, detail="no answer in time")
        except aiohttp.ClientSSLError:
            return PushResult(job, DeliveryOutcome.RETRYING, detail="TLS failed")
        except aiohttp.ClientConnectorDNSError as error:
            if isinstance(error.os_error, BlockedAddress):
                return PushResult(job, DeliveryOutcome.REFUSED, detail=str(error.os_error))
            return PushResult(job, DeliveryOutcome.RETRYING, detail="name lookup failed")
        except aiohttp.ClientError as error:
            return PushResult(job, DeliveryOutcome.RETRYING,
                              detail=f"connection failed ({type(error).__name__})")
        outcome, detail = classify(status)
        return PushResult(job, outcome, status, parse_retry_after(retry_after), detail)


def ttl_seconds(stale_at: datetime, now: datetime) -> int:
    """TTL for a push: the time until the reminder is stale (never 0, at most four weeks)."""
    return int(min(max((stale_at - now).total_seconds(), 60), 28 * 24 * 3600))
