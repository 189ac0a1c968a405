"""A small HTTP/1.1 client for push services: POST, keep-alive per origin, TLS, time limits.

Why not a general client: a push request is one POST with a small body and a small answer, and
at thousands a second the client's own overhead decides the worker's throughput. CPU of the
client process per request, 64 requests in flight with 250-byte bodies to a local server in
another process, on a noisy 2-core machine: aiohttp about 200 µs; this client's first version
(asyncio streams, a `wait_for` per request) 80-95 µs; this one 23-30 µs over TCP, and about
68 µs (first version about 92 µs) over TLS, where asyncio's TLS layer takes most of it.
Encryption of a message, the floor, is about 140 µs. Where the saving comes from:

- A BufferedProtocol reading into its own buffer: for a plain Protocol asyncio reads with
  `recv(256 KiB)`, and a buffer that size costs an mmap, mremap and munmap per answer (about
  28 µs here, more than all the rest).
- The answer is parsed as it arrives and completes one future per request (no StreamReader, no
  drain), and one timer per client watches every deadline (not a task and a timer per request).
- What every device at a push service shares (host, port, the fixed request lines) is parsed
  once per "scheme://authority"; the path goes into the request as it is.

What push services need is small and is all here: TLS with certificate and host name checks,
Content-Length and chunked answers, `Connection: close`, HTTP/1.0 answers, answers that run to
the end of the connection, 1xx interim answers, bounded header and body sizes (MAX_HEAD,
MAX_BODY), and time limits (5 s for name lookup and connecting, 10 s for the whole exchange).
Idle connections are reused per origin unless older than IDLE_LIMIT; a reused connection the
server had dropped is tried once more on a fresh one, unless part of an answer had come. A
connection that sent more than the answer is not reused.

Safety: names are resolved here and every address is checked (`endpoints.check_resolved`)
before connecting to that very address, so a name cannot resolve to one address when checked
and another when used. Redirects are answers like any other (never followed); no proxy is used.
"""

import asyncio
import re
import socket
import ssl
from dataclasses import dataclass, field
from functools import partial
from urllib.parse import SplitResult, urlsplit

from app.push.endpoints import check_resolved

#: Largest answer head and body read (push services answer with a few hundred bytes).
MAX_HEAD = 32 * 1024
MAX_BODY = 64 * 1024
#: Bytes read from a connection at a time.
READ_SIZE = 16 * 1024
#: An idle connection older than this is closed rather than reused (servers drop them).
IDLE_LIMIT = 30.0
#: Parsed origins kept (the cache is emptied when it grows past this; idle connections stay).
MAX_ORIGINS = 1000

_INFINITY = float("inf")
#: A timer may fire up to the clock's resolution early; a deadline this close counts as passed.
_EARLY = 0.001
_HEX = re.compile(rb"[0-9A-Fa-f]+")
#: ("Name", "value") -> "Name: value", without a Python frame per header.
_header_line = ": ".join

# What a connection is reading: an answer head, a Content-Length body, a chunk-size line, chunk
# data, trailer lines, a body that runs to the end of the connection; or nothing (idle).
_HEAD, _LENGTH, _CHUNK_SIZE, _CHUNK_DATA, _TRAILERS, _TO_END, _IDLE = range(7)


class HttpError(OSError):
    """The exchange failed (connection lost, malformed answer, too large)."""


class _Closed(HttpError):
    """The server closed the connection before any of the answer came (retried when reused)."""


@dataclass
class Answer:
    """A push service's answer: status and headers (lower-case names)."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)


class _Origin:
    """What every URL at one "scheme://authority" shares: where to connect, the fixed request
    lines, and the idle connections."""

    __slots__ = ("host", "port", "tls", "request_tail", "idle")

    def __init__(self, parts: SplitResult, user_agent: str, idle: list):
        self.tls = parts.scheme == "https"
        self.host = parts.hostname or ""
        self.port = parts.port or (443 if self.tls else 80)
        # Everything after the request target up to the Content-Length value.
        self.request_tail = (f" HTTP/1.1\r\nHost: {parts.netloc}\r\nUser-Agent: {user_agent}"
                             "\r\nContent-Length: ")
        self.idle = idle


class _Connection(asyncio.BufferedProtocol):
    """One connection: sends a request and parses its answer as the bytes arrive.

    A BufferedProtocol (see the module docstring): asyncio then reads into `view` with
    `recv_into`, and TLS decrypts into it, rather than into a new 256 KiB buffer per read.
    """

    __slots__ = ("client", "loop", "transport", "open", "waiter", "deadline", "idle_since",
                 "received", "keep_alive", "state", "buffer", "scanned", "remaining", "total",
                 "answer", "lost", "view")

    def __init__(self, client: "HttpClient", loop: asyncio.AbstractEventLoop):
        self.client = client
        self.loop = loop
        self.transport: asyncio.Transport | None = None
        self.open = False
        self.waiter: asyncio.Future | None = None
        self.deadline = 0.0
        self.idle_since = 0.0
        #: Whether any of the current answer has come (then it must not be sent again).
        self.received = False
        self.keep_alive = False
        self.state = _IDLE
        #: Bytes of an incomplete head or line, kept until the rest arrives.
        self.buffer = b""
        #: How much of `buffer` has been searched for the end of the head already.
        self.scanned = 0
        self.remaining = 0
        self.total = 0
        self.answer: Answer | None = None
        self.lost: asyncio.Future | None = None
        #: Where the transport reads into (a memoryview: TLS reads into slices of it).
        self.view = memoryview(bytearray(READ_SIZE))

    # --- used by HttpClient -------------------------------------------------------------------

    def send(self, request: bytes, deadline: float) -> asyncio.Future:
        """Write a request; the future gets its Answer (or the error)."""
        self.waiter = waiter = self.loop.create_future()
        self.deadline = deadline
        self.received = False
        self.state = _HEAD
        self.buffer = b""
        self.scanned = 0
        self.client._watch(self)
        self.transport.write(request)
        return waiter

    def close(self) -> None:
        """Close the connection (and forget the request in progress, if any)."""
        if self.waiter is not None:
            self.waiter = None
            self.client._busy.discard(self)
        if self.open:
            self.open = False
            self.transport.close()

    def fail(self, error: BaseException) -> None:
        """End the request in progress with `error`; the connection cannot be reused."""
        waiter = self.waiter
        self.close()
        if waiter is not None and not waiter.done():
            waiter.set_exception(error)

    # --- asyncio.Protocol ---------------------------------------------------------------------

    def connection_made(self, transport) -> None:
        self.transport = transport
        self.open = True

    def get_buffer(self, sizehint: int) -> memoryview:
        return self.view

    def buffer_updated(self, nbytes: int) -> None:
        if self.waiter is None:  # bytes nobody asked for: the connection is out of step
            self.close()
            return
        self.received = True
        try:
            self._feed(self.view[:nbytes].tobytes())
        except HttpError as error:
            self.fail(error)
        except Exception as error:  # any other parsing surprise is a malformed answer too
            self.fail(HttpError(f"malformed answer ({error})"))

    def eof_received(self) -> None:
        self._ended(None)
        # returning None lets the transport close itself

    def connection_lost(self, exc: Exception | None) -> None:
        self._ended(exc)
        if self.lost is not None and not self.lost.done():
            self.lost.set_result(None)

    def _ended(self, exc: Exception | None) -> None:
        self.open = False
        if self.waiter is None:
            return
        if self.state == _TO_END and exc is None:
            self.keep_alive = False
            self._complete()
        elif exc is not None:
            self.fail(exc)
        elif self.received:
            self.fail(HttpError("connection closed in the middle of the answer"))
        else:
            self.fail(_Closed("connection closed before the answer"))

    # --- parsing ------------------------------------------------------------------------------

    def _complete(self) -> None:
        waiter = self.waiter
        self.waiter = None
        self.state = _IDLE
        self.client._busy.discard(self)
        if not waiter.done():
            waiter.set_result(self.answer)

    def _feed(self, data: bytes) -> None:
        buf = self.buffer + data if self.buffer else data
        self.buffer = b""
        size = len(buf)
        pos = 0
        while True:
            state = self.state
            if state == _HEAD:
                end = buf.find(b"\r\n\r\n", pos + self.scanned)
                if end < 0:
                    if size - pos > MAX_HEAD:
                        raise HttpError("answer head too large")
                    self.buffer = buf[pos:]
                    # the separator may begin in the last 3 bytes: search again from there
                    self.scanned = max(size - pos - 3, 0)
                    return
                if end + 4 - pos > MAX_HEAD:
                    raise HttpError("answer head too large")
                self.scanned = 0
                done = self._head(buf[pos:end])
                pos = end + 4
            elif state in (_LENGTH, _CHUNK_DATA):
                take = min(self.remaining, size - pos)
                pos += take
                self.remaining -= take
                if self.remaining:
                    return
                done = state == _LENGTH
                self.state = _CHUNK_SIZE
            elif state == _TO_END:
                self.total += size - pos
                if self.total > MAX_BODY:
                    raise HttpError("answer body too large")
                return
            else:  # a chunk-size or trailer line
                end = buf.find(b"\r\n", pos)
                if end < 0 or end - pos > MAX_HEAD:
                    if size - pos > MAX_HEAD:
                        raise HttpError("chunk-size or trailer line too long")
                    self.buffer = buf[pos:]
                    return
                done = self._line(state, buf[pos:end])
                pos = end + 2
            if done:
                if pos < size:  # more than the answer: the connection is out of step
                    self.keep_alive = False
                self._complete()
                return

    def _head(self, head: bytes) -> bool:
        """Take in an answer head; True when there is no body to read."""
        lines = head.decode("latin-1").split("\r\n")
        version, _sep, rest = lines[0].partition(" ")
        status_text = rest[:3]
        # isdecimal, unlike isdigit, is false for "²": only 0-9 in latin-1
        if not version.startswith("HTTP/1.") or not status_text.isdecimal():
            raise HttpError("not an HTTP/1.x answer")
        status = int(status_text)
        if 100 <= status < 200:
            return False  # interim: the real answer follows (state stays _HEAD)
        headers: dict[str, str] = {}
        for line in lines[1:]:
            if line:
                name, _colon, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
        self.answer = Answer(status, headers)
        connection = headers.get("connection")
        self.keep_alive = version == "HTTP/1.1" and (
            connection is None or "close" not in connection.lower())
        if status == 204 or status == 304:
            return True
        self.total = 0
        encoding = headers.get("transfer-encoding")
        length = headers.get("content-length")
        if encoding is not None and "chunked" in encoding.lower():
            self.state = _CHUNK_SIZE
        elif length is not None and length.isdecimal():
            self.remaining = int(length)
            if self.remaining > MAX_BODY:
                raise HttpError("answer body too large")
            if not self.remaining:
                return True
            self.state = _LENGTH
        else:  # the body runs to the end of the connection
            self.state = _TO_END
            self.keep_alive = False
        return False

    def _line(self, state: int, line: bytes) -> bool:
        """Take in a chunk-size or trailer line; True at the end of the trailers."""
        if state == _TRAILERS:
            if not line:
                return True
            self.total += len(line) + 2
            if self.total > MAX_HEAD:
                raise HttpError("answer trailers too large")
            return False
        size_text = line.split(b";", 1)[0].strip()
        if not _HEX.fullmatch(size_text):  # int() would also take "-1", "0x1" or "1_0"
            raise HttpError("malformed chunk size")
        size = int(size_text, 16)
        self.total += size
        if self.total > MAX_BODY:
            raise HttpError("answer body too large")
        if size:
            self.remaining = size + 2  # the data and its CRLF
            self.state = _CHUNK_DATA
        else:
            self.total = 0  # now counts trailer bytes
            self.state = _TRAILERS
        return False


class HttpClient:
    """Keeps idle connections per origin; one instance per sender, used from its event loop."""

    def __init__(self, *, allow_loopback: bool, connect_timeout: float, total_timeout: float,
                 ssl_context: ssl.SSLContext | None = None, user_agent: str = "Trellis"):
        self.allow_loopback = allow_loopback
        self.connect_timeout = connect_timeout
        self.total_timeout = total_timeout
        self.ssl_context = ssl_context or ssl.create_default_context()
        self.user_agent = user_agent
        #: Idle connections by "scheme://authority" (the lists are shared with `_origins`).
        self._idle: dict[str, list[_Connection]] = {}
        #: Parsed origins by the URL up to the path, as written.
        self._origins: dict[str, _Origin] = {}
        #: Connections waiting for an answer, and the timer that ends the overdue ones.
        self._busy: set[_Connection] = set()
        self._timer: asyncio.TimerHandle | None = None
        self._timer_at = _INFINITY

    async def post(self, url: str, headers: dict[str, str], body: bytes) -> Answer:
        """POST `body` to `url`; raises TimeoutError, HttpError, BlockedAddress or OSError."""
        loop = asyncio.get_running_loop()
        now = loop.time()
        deadline = now + self.total_timeout
        origin, target = self._parse(url)
        request = ("POST " + target + origin.request_tail + str(len(body))
                   + ("\r\n" + "\r\n".join(map(_header_line, headers.items())) if headers else "")
                   + "\r\n\r\n").encode("latin-1") + body
        connection = self._take(origin.idle, now)
        reused = connection is not None
        if connection is None:
            connection = await self._connect(origin, deadline)
        while True:
            try:
                answer = await connection.send(request, deadline)
                break
            except BaseException as error:
                connection.close()
                if not (reused and not connection.received
                        and isinstance(error, (ConnectionError, _Closed))):
                    raise
            # The server had dropped the idle connection: once more on a fresh one.
            reused = False
            connection = await self._connect(origin, deadline)
        if connection.keep_alive and connection.open:
            connection.idle_since = loop.time()
            origin.idle.append(connection)
        else:
            connection.close()
        return answer

    def _parse(self, url: str) -> tuple[_Origin, str]:
        """The origin of `url` and the request target, as `urlsplit` would give them.

        Only the part up to the path is parsed (once per origin): the rest is the target as it
        stands, unless it holds what urlsplit would change (a fragment, a bare "?", or tabs and
        line breaks, which it drops), and then the whole URL goes through urlsplit.
        """
        slash = url.find("/", url.find("//") + 2)
        if slash > 0:
            origin = self._origins.get(url[:slash])
            if origin is None:
                origin = self._cache_origin(url[:slash])
            if origin is not None:
                target = url[slash:]
                if target.isprintable() and "#" not in target and target[-1] != "?":
                    return origin, target
        parts = urlsplit(url)
        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        key = f"{parts.scheme}://{parts.netloc}"
        return _Origin(parts, self.user_agent, self._idle.setdefault(key, [])), target

    def _cache_origin(self, prefix: str) -> _Origin | None:
        """Parse and keep "scheme://authority" (None when `prefix` is more than that)."""
        if "?" in prefix or "#" in prefix:  # the authority ended before the path
            return None
        parts = urlsplit(prefix)
        if parts.path or not parts.netloc:
            return None
        origin = _Origin(parts, self.user_agent,
                         self._idle.setdefault(f"{parts.scheme}://{parts.netloc}", []))
        if len(self._origins) >= MAX_ORIGINS:
            self._origins.clear()
        self._origins[prefix] = origin
        return origin

    @staticmethod
    def _take(idle: list[_Connection], now: float) -> _Connection | None:
        while idle:
            connection = idle.pop()
            if (connection.open and now - connection.idle_since < IDLE_LIMIT
                    and not connection.transport.is_closing()):
                return connection
            connection.close()
        return None

    async def _connect(self, origin: _Origin, deadline: float) -> _Connection:
        loop = asyncio.get_running_loop()
        async with asyncio.timeout_at(min(deadline, loop.time() + self.connect_timeout)):
            infos = await loop.getaddrinfo(origin.host, origin.port, type=socket.SOCK_STREAM)
        addresses = check_resolved(origin.host, [info[4][0] for info in infos],
                                   self.allow_loopback)
        error: OSError | None = None
        for address in addresses:
            if loop.time() >= deadline:
                raise TimeoutError("no answer in time")
            try:
                async with asyncio.timeout_at(min(deadline, loop.time() + self.connect_timeout)):
                    _transport, connection = await loop.create_connection(
                        partial(_Connection, self, loop), address, origin.port,
                        ssl=self.ssl_context if origin.tls else None,
                        server_hostname=origin.host if origin.tls else None)
                return connection
            except (OSError, ssl.SSLError) as failed:  # TimeoutError is an OSError
                error = failed
        raise error or HttpError(f"could not connect to {origin.host}")

    # --- time limits --------------------------------------------------------------------------
    # Every request has the same total_timeout, so deadlines mostly come in order: one timer,
    # set for the earliest deadline of a request in flight, fires about once per total_timeout
    # and ends what is overdue. (A request sent after connecting can have an earlier deadline
    # than those before it, so the timer is moved forward when needed.)

    def _watch(self, connection: _Connection) -> None:
        self._busy.add(connection)
        if connection.deadline < self._timer_at:
            self._set_timer(connection.loop, connection.deadline)

    def _set_timer(self, loop: asyncio.AbstractEventLoop, when: float) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer_at = when
        self._timer = loop.call_at(when, self._expire, loop)

    def _expire(self, loop: asyncio.AbstractEventLoop) -> None:
        self._timer, self._timer_at = None, _INFINITY
        now = loop.time() + _EARLY
        earliest = _INFINITY
        for connection in list(self._busy):
            if connection.deadline <= now:
                connection.fail(TimeoutError("no answer in time"))
            elif connection.deadline < earliest:
                earliest = connection.deadline
        if earliest < _INFINITY:
            self._set_timer(loop, earliest)

    async def close(self) -> None:
        """Close every idle connection."""
        loop = asyncio.get_running_loop()
        closing = []
        for idle in self._idle.values():
            for connection in idle:
                if connection.open:
                    connection.lost = loop.create_future()
                    closing.append(connection.lost)
                connection.close()
            idle.clear()  # in place: cached origins share these lists
        if not self._busy and self._timer is not None:
            self._timer.cancel()
            self._timer, self._timer_at = None, _INFINITY
        for lost in closing:
            await lost
