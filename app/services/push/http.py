"""A small HTTP/1.1 client for push services: POST, keep-alive per origin, TLS, time limits.

Why not a general client: a push request is one POST with a small body and a small answer, and
at thousands a second the client's own overhead decides the worker's throughput. aiohttp costs
about 100 µs of CPU per request here, this about 40 µs (docs/benchmarks.md); encryption, the
floor, is about 140 µs. What push services need is small and is all here: TLS with certificate
and host name checks, Content-Length and chunked answers, `Connection: close`, HTTP/1.0 answers,
1xx interim answers, bounded header and body sizes, and time limits (5 s to connect, 10 s for
the whole exchange).

Safety: names are resolved here and every address is checked (`endpoints.check_resolved`)
before connecting to that very address, so a name cannot resolve to one address when checked
and another when used. Redirects are answers like any other (never followed); no proxy is used.
"""

import asyncio
import contextlib
import socket
import ssl
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from app.services.push.endpoints import check_resolved

#: Largest answer head and body read (push services answer with a few hundred bytes).
MAX_HEAD = 32 * 1024
MAX_BODY = 64 * 1024
#: An idle connection older than this is closed rather than reused (servers drop them).
IDLE_LIMIT = 30.0


class HttpError(OSError):
    """The exchange failed (connection lost, malformed answer, too large)."""


@dataclass
class Answer:
    """A push service's answer: status and headers (lower-case names)."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class _Connection:
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    idle_since: float = 0.0

    def usable(self) -> bool:
        return (not self.reader.at_eof() and not self.writer.is_closing()
                and time.monotonic() - self.idle_since < IDLE_LIMIT)

    def close(self) -> None:
        self.writer.close()


class HttpClient:
    """Keeps idle connections per origin; one instance per sender, used from its event loop."""

    def __init__(self, *, allow_loopback: bool, connect_timeout: float, total_timeout: float,
                 ssl_context: ssl.SSLContext | None = None, user_agent: str = "Trellis"):
        self.allow_loopback = allow_loopback
        self.connect_timeout = connect_timeout
        self.total_timeout = total_timeout
        self.ssl_context = ssl_context or ssl.create_default_context()
        self.user_agent = user_agent
        self._idle: dict[str, list[_Connection]] = {}

    async def post(self, url: str, headers: dict[str, str], body: bytes) -> Answer:
        """POST `body` to `url`; raises TimeoutError, HttpError, BlockedAddress or OSError."""
        return await asyncio.wait_for(self._post(url, headers, body), self.total_timeout)

    async def _post(self, url: str, headers: dict[str, str], body: bytes) -> Answer:
        parts = urlsplit(url)
        tls = parts.scheme == "https"
        host = parts.hostname or ""
        port = parts.port or (443 if tls else 80)
        key = f"{parts.scheme}://{parts.netloc}"
        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        lines = [f"POST {target} HTTP/1.1", f"Host: {parts.netloc}",
                 f"User-Agent: {self.user_agent}", f"Content-Length: {len(body)}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        request = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
        connection = self._take(key)
        if connection is not None:
            try:
                return await self._exchange(connection, key, request)
            except (ConnectionError, asyncio.IncompleteReadError) as lost:
                connection.close()
                if getattr(lost, "partial", b""):
                    raise  # part of an answer came: do not send it again
                # The server had dropped the idle connection: once more on a fresh one.
        connection = await self._connect(host, port, tls)
        try:
            return await self._exchange(connection, key, request)
        except BaseException:
            connection.close()
            raise

    def _take(self, key: str) -> _Connection | None:
        idle = self._idle.get(key)
        while idle:
            connection = idle.pop()
            if connection.usable():
                return connection
            connection.close()
        return None

    async def _connect(self, host: str, port: int, tls: bool) -> _Connection:
        loop = asyncio.get_running_loop()
        infos = await asyncio.wait_for(
            loop.getaddrinfo(host, port, type=socket.SOCK_STREAM), self.connect_timeout)
        addresses = check_resolved(host, [info[4][0] for info in infos], self.allow_loopback)
        error: OSError | None = None
        for address in addresses:
            try:
                reader, writer = await asyncio.wait_for(asyncio.open_connection(
                    address, port, ssl=self.ssl_context if tls else None,
                    server_hostname=host if tls else None, limit=MAX_HEAD),
                    self.connect_timeout)
                return _Connection(reader, writer)
            except (OSError, ssl.SSLError) as failed:
                error = failed
        raise error or HttpError(f"could not connect to {host}")

    async def _exchange(self, connection: _Connection, key: str, request: bytes) -> Answer:
        connection.writer.write(request)
        await connection.writer.drain()
        while True:
            answer, keep_alive = await self._read_answer(connection.reader)
            if not 100 <= answer.status < 200:
                break  # 1xx answers are interim: the real one follows
        if keep_alive:
            connection.idle_since = time.monotonic()
            self._idle.setdefault(key, []).append(connection)
        else:
            connection.close()
        return answer

    async def _read_answer(self, reader: asyncio.StreamReader) -> tuple[Answer, bool]:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except asyncio.LimitOverrunError:
            raise HttpError("answer head too large") from None
        lines = head.decode("latin-1").split("\r\n")
        version, _sep, rest = lines[0].partition(" ")
        status_text = rest[:3]
        if not version.startswith("HTTP/1.") or not status_text.isdigit():
            raise HttpError("not an HTTP/1.x answer")
        headers: dict[str, str] = {}
        for line in lines[1:]:
            if line:
                name, _colon, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
        answer = Answer(int(status_text), headers)
        keep_alive = version == "HTTP/1.1" and "close" not in headers.get("connection", "").lower()
        if 100 <= answer.status < 200 or answer.status in (204, 304):
            return answer, keep_alive
        if "chunked" in headers.get("transfer-encoding", "").lower():
            await self._skip_chunked(reader)
        elif headers.get("content-length", "").isdigit():
            length = int(headers["content-length"])
            if length > MAX_BODY:
                raise HttpError("answer body too large")
            await reader.readexactly(length)
        else:  # the body runs to the end of the connection
            await self._skip_to_end(reader)
            keep_alive = False
        return answer, keep_alive

    @staticmethod
    async def _skip_chunked(reader: asyncio.StreamReader) -> None:
        total = 0
        while True:
            size_line = await reader.readuntil(b"\r\n")
            size_text = size_line.split(b";", 1)[0].strip()
            try:
                size = int(size_text, 16)
            except ValueError:
                raise HttpError("malformed chunk size") from None
            total += size
            if total > MAX_BODY:
                raise HttpError("answer body too large")
            if size == 0:
                while await reader.readuntil(b"\r\n") != b"\r\n":  # trailers
                    pass
                return
            await reader.readexactly(size + 2)

    @staticmethod
    async def _skip_to_end(reader: asyncio.StreamReader) -> None:
        total = 0
        while chunk := await reader.read(4096):
            total += len(chunk)
            if total > MAX_BODY:
                raise HttpError("answer body too large")

    async def close(self) -> None:
        """Close every idle connection."""
        idle = [c for connections in self._idle.values() for c in connections]
        self._idle.clear()
        for connection in idle:
            connection.close()
        for connection in idle:
            with contextlib.suppress(OSError, ssl.SSLError):  # already gone is fine
                await connection.writer.wait_closed()
