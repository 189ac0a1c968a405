"""The HTTP session a worker posts through: aiohttp with limits, time limits and a resolver
that applies the SSRF checks to every address it returns."""

import socket
import ssl

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import ThreadedResolver

from app.push.endpoints import check_resolved

CONNECT_TIMEOUT = 5.0
TOTAL_TIMEOUT = 10.0
USER_AGENT = "Trellis-reminders"


class CheckedResolver(AbstractResolver):
    """The system resolver (aiohttp's `ThreadedResolver`), keeping only the addresses Trellis
    may connect to (`endpoints.check_resolved`): a push-service name that resolves to a
    loopback, private, link-local, shared or metadata address is refused when sending, whatever
    it resolved to when the device subscribed. aiohttp does not resolve IP literals; those never
    get this far (`check_endpoint` refuses them, except loopback under the testing setting)."""

    def __init__(self, allow_loopback: bool):
        self._resolver = ThreadedResolver()
        self._allow_loopback = allow_loopback

    async def resolve(self, host: str, port: int = 0,
                      family: socket.AddressFamily = socket.AF_INET) -> list[ResolveResult]:
        found = await self._resolver.resolve(host, port, family)
        allowed = set(check_resolved(host, [r["host"] for r in found], self._allow_loopback))
        return [r for r in found if r["host"] in allowed]

    async def close(self) -> None:
        await self._resolver.close()


def open_session(*, allow_loopback: bool, concurrency: int, connections_per_host: int,
                 connect_timeout: float = CONNECT_TIMEOUT, total_timeout: float = TOTAL_TIMEOUT,
                 ssl_context: ssl.SSLContext | None = None) -> aiohttp.ClientSession:
    """A session for one worker's life (call it inside its event loop): connections kept and
    reused, at most `concurrency` open and `connections_per_host` to one push service;
    `connect_timeout` to resolve and connect (or wait for a free connection), `total_timeout`
    for the whole exchange; certificates checked; no proxy from the environment; no cookies.
    Callers pass `allow_redirects=False` on every request."""
    connector = aiohttp.TCPConnector(
        limit=concurrency, limit_per_host=connections_per_host,
        resolver=CheckedResolver(allow_loopback),
        ssl=ssl_context if ssl_context is not None else True)
    return aiohttp.ClientSession(
        connector=connector,
        timeout=aiohttp.ClientTimeout(total=total_timeout, connect=connect_timeout),
        headers={"User-Agent": USER_AGENT}, cookie_jar=aiohttp.DummyCookieJar(),
        trust_env=False)
