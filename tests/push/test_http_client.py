"""The push sender's HTTP/1.1 client against servers that answer in every way HTTP allows."""

import asyncio
import contextlib
import datetime
import ipaddress
import ssl
import threading

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from app.push import http as http_module
from app.push.endpoints import BlockedAddress
from app.push.http import MAX_BODY, HttpClient, HttpError


class CannedServer:
    """Reads each request, answers with the next canned bytes (closing when told; a byte at a
    time when `dribble`; after `delay` seconds)."""

    def __init__(self, answers, close_after=None, ssl_context=None, dribble=False, delay=0.0):
        self.answers = list(answers)
        self.requests: list[bytes] = []
        self.connections = 0
        self.close_after = close_after or set()
        self.ssl_context = ssl_context
        self.dribble = dribble
        self.delay = delay

    async def handle(self, reader, writer):
        self.connections += 1
        try:
            while self.answers:
                head = await reader.readuntil(b"\r\n\r\n")
                length = int(next(line.split(b":")[1] for line in head.split(b"\r\n")
                                  if line.lower().startswith(b"content-length")))
                self.requests.append(head + await reader.readexactly(length))
                await asyncio.sleep(self.delay)
                answer = self.answers.pop(0)
                for piece in ([answer[i:i + 1] for i in range(len(answer))] if self.dribble
                              else [answer]):
                    writer.write(piece)
                    await writer.drain()
                    if self.dribble:
                        await asyncio.sleep(0.002)  # so that each byte arrives on its own
                if len(self.requests) in self.close_after:
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def __aenter__(self):
        self.server = await asyncio.start_server(self.handle, "127.0.0.1", 0,
                                                 ssl=self.ssl_context)
        port = self.server.sockets[0].getsockname()[1]
        scheme = "https" if self.ssl_context else "http"
        self.url = f"{scheme}://127.0.0.1:{port}/push/abc"
        return self

    async def __aexit__(self, *_exc):
        self.server.close()
        await self.server.wait_closed()


def client(**kwargs) -> HttpClient:
    kwargs.setdefault("allow_loopback", True)
    return HttpClient(connect_timeout=2, total_timeout=kwargs.pop("total", 2), **kwargs)


def run(coroutine):
    """Run a scenario on a fresh event loop in its own thread (the browser tests' Playwright
    keeps a loop running in the main thread for the whole session)."""
    outcome = {}

    def target():
        try:
            outcome["value"] = asyncio.run(coroutine)
        except BaseException as error:  # re-raised in the test's thread
            outcome["error"] = error

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(30)
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


OK = b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"


def two_posts(answers, **server_options):
    """Two POSTs in a row to a canned server: (first answer, second answer, connections)."""
    async def scenario():
        async with CannedServer(answers, **server_options) as server:
            http = client()
            first = await http.post(server.url, {}, b"x")
            second = await http.post(server.url, {}, b"y")
            await http.close()
            return first, second, server.connections

    return run(scenario())


def test_posts_and_reuses_the_connection():
    async def scenario():
        async with CannedServer([OK, OK, OK]) as server:
            http = client()
            answers = [await http.post(server.url, {"TTL": "60"}, b"body") for _ in range(3)]
            await http.close()
            return server, answers

    server, answers = run(scenario())
    assert [a.status for a in answers] == [201, 201, 201]
    assert server.connections == 1
    first = server.requests[0]
    assert first.startswith(b"POST /push/abc HTTP/1.1\r\n")
    assert b"\r\nTTL: 60\r\n" in first and first.endswith(b"\r\n\r\nbody")


@pytest.mark.parametrize("answer,status,headers", [
    (b"HTTP/1.1 429 Too Many\r\nRetry-After: 30\r\nTransfer-Encoding: chunked\r\n\r\n"
     b"5\r\nslow \r\n4;ext=1\r\ndown\r\n0\r\nX-Trailer: 1\r\n\r\n", 429, {"retry-after": "30"}),
    (b"HTTP/1.1 410 Gone\r\nContent-Length: 7\r\n\r\nexpired", 410, {}),
    (b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n", 201, {}),
    (b"HTTP/1.1 301 Moved\r\nLocation: https://elsewhere/\r\nContent-Length: 0\r\n\r\n", 301,
     {"location": "https://elsewhere/"}),
    (b"HTTP/1.1 204 No Content\r\nX-Id: 7\r\n\r\n", 204, {"x-id": "7"}),
    (b"HTTP/1.1 304 Not Modified\r\n\r\n", 304, {}),
    (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\n\r\n1A\r\n" + b"z" * 26
     + b"\r\n0\r\n\r\n", 200, {}),
    (b"HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 100 Continue\r\n\r\n"
     b"HTTP/1.1 202 Accepted\r\nContent-Length: 2\r\n\r\nok", 202, {"content-length": "2"}),
])
def test_reads_every_kind_of_answer(answer, status, headers):
    first, second, connections = two_posts([answer, OK])  # the connection is still usable
    assert first.status == status and second.status == 201
    assert all(first.headers[k] == v for k, v in headers.items())
    assert connections == 1


@pytest.mark.parametrize("answer", [
    b"HTTP/1.1 201 Created\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
    b"HTTP/1.0 201 Created\r\nContent-Length: 0\r\n\r\n",
    b"HTTP/1.1 500 Oops\r\n\r\nno length, ends with the connection",
])
def test_a_connection_the_server_closes_is_not_reused(answer):
    first, second, connections = two_posts([answer, OK], close_after={1})
    assert second.status == 201 and connections == 2


def test_an_idle_connection_dropped_by_the_server_is_replaced_once():
    async def scenario():
        async with CannedServer([OK, OK], close_after={1}) as server:
            http = client()
            await http.post(server.url, {}, b"x")
            await asyncio.sleep(0.05)  # the server closed it meanwhile
            answer = await http.post(server.url, {}, b"y")
            await http.close()
            return answer, server

    answer, server = run(scenario())
    assert answer.status == 201 and server.connections == 2 and len(server.requests) == 2


@pytest.mark.parametrize("answer,message", [
    (b"SMTP ready\r\n\r\n", "not an HTTP/1.x answer"),
    (b"HTTP/1.1 201 OK\r\nContent-Length: %d\r\n\r\n" % (MAX_BODY + 1), "too large"),
    (b"HTTP/1.1 201 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "malformed chunk"),
    (b"HTTP/1.1 201 OK\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\n", "malformed chunk"),
    (b"HTTP/1.1 2\xb21 OK\r\n\r\n", "not an HTTP/1.x answer"),
    pytest.param(b"HTTP/1.1 200 OK\r\n\r\n" + b"a" * (MAX_BODY + 1), "too large",
                 id="body-to-the-end-too-large"),
    pytest.param(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n8000\r\n"
                 + b"a" * 0x8000 + b"\r\n8001\r\n", "too large", id="chunks-too-large"),
    pytest.param(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1" + b"0" * 40_000,
                 "too long", id="chunk-size-line-too-long"),
])
def test_malformed_or_oversized_answers_are_errors(answer, message):
    async def scenario():
        async with CannedServer([answer]) as server:
            http = client()
            try:
                await http.post(server.url, {}, b"x")
            finally:
                await http.close()

    with pytest.raises(HttpError, match=message):
        run(scenario())


def test_an_oversized_head_is_an_error():
    answer = b"HTTP/1.1 201 OK\r\nX-Big: " + b"a" * 40_000 + b"\r\n\r\n"

    async def scenario():
        async with CannedServer([answer]) as server:
            http = client()
            try:
                await http.post(server.url, {}, b"x")
            finally:
                await http.close()

    with pytest.raises((HttpError, ValueError)):
        run(scenario())


def test_a_silent_server_times_out():
    async def scenario():
        async def silent(reader, writer):
            try:
                await asyncio.sleep(5)
            finally:
                writer.close()

        server = await asyncio.start_server(silent, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        http = client(total=0.3)
        try:
            await http.post(f"http://127.0.0.1:{port}/x", {}, b"x")
        finally:
            server.close()
            await http.close()

    with pytest.raises(TimeoutError):
        run(scenario())


@pytest.mark.parametrize("answer", [
    b"HTTP/1.1 429 Too Many\r\nRetry-After: 30\r\nTransfer-Encoding: chunked\r\n\r\n"
    b"5\r\nslow \r\n4;ext=1\r\ndown\r\n0\r\nX-Trailer: 1\r\n\r\n",
    b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 429 Too Many\r\nRetry-After: 30\r\n"
    b"Content-Length: 7\r\n\r\nexpired",
])
def test_answers_arriving_a_byte_at_a_time(answer):
    first, second, connections = two_posts([answer, OK], dribble=True)
    assert (first.status, first.headers["retry-after"]) == (429, "30")
    assert second.status == 201 and connections == 1


def test_the_request_line_and_fixed_headers():
    async def scenario():
        async with CannedServer([OK, OK]) as server:
            http = client(user_agent="Trellis-test")
            await http.post(server.url + "?token=a%20b#fragment", {"Urgency": "high"}, b"body")
            await http.post(server.url.replace("/push/abc", "/other"), {}, b"")
            await http.close()
            return server

    server = run(scenario())
    netloc = server.url.split("/")[2]
    assert server.requests[0] == (
        f"POST /push/abc?token=a%20b HTTP/1.1\r\nHost: {netloc}\r\nUser-Agent: Trellis-test\r\n"
        "Content-Length: 4\r\nUrgency: high\r\n\r\nbody").encode()
    assert server.requests[1] == (
        f"POST /other HTTP/1.1\r\nHost: {netloc}\r\nUser-Agent: Trellis-test\r\n"
        "Content-Length: 0\r\n\r\n").encode()


def test_a_request_is_not_sent_again_once_part_of_the_answer_came():
    async def scenario():
        async with CannedServer([OK, b"HTTP/1.1 201 Cre"], close_after={2}) as server:
            http = client()
            await http.post(server.url, {}, b"x")
            try:
                await http.post(server.url, {}, b"y")
            finally:
                await http.close()
                await asyncio.sleep(0.05)
                assert server.connections == 1 and len(server.requests) == 2

    with pytest.raises(HttpError, match="middle of the answer"):
        run(scenario())


def test_a_dropped_idle_connection_is_replaced_only_once():
    async def scenario():
        async with CannedServer([OK], close_after={1}) as server:
            http = client()
            await http.post(server.url, {}, b"x")
            await asyncio.sleep(0.05)  # the server closed it meanwhile, and has no more answers
            try:
                await http.post(server.url, {}, b"y")
            finally:
                await http.close()
                assert server.connections == 2

    with pytest.raises(OSError):
        run(scenario())


def test_bytes_after_the_answer_mean_the_connection_is_not_reused():
    first, second, connections = two_posts([OK + b"HTTP/1.1 200 stale\r\n\r\n", OK])
    assert first.status == second.status == 201 and connections == 2


def test_an_idle_connection_past_the_idle_limit_is_not_reused(monkeypatch):
    monkeypatch.setattr(http_module, "IDLE_LIMIT", 0.0)

    async def scenario():
        async with CannedServer([OK, OK]) as server:
            http = client()
            await http.post(server.url, {}, b"x")
            await http.post(server.url, {}, b"y")
            await http.close()
            return server.connections

    assert run(scenario()) == 2


def test_a_cancelled_request_does_not_leave_its_connection_for_the_next():
    async def scenario():
        async with CannedServer([OK, OK], delay=0.2) as server:
            http = client()
            request = asyncio.ensure_future(http.post(server.url, {}, b"x"))
            await asyncio.sleep(0.05)
            request.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await request
            answer = await http.post(server.url, {}, b"y")
            await http.close()
            return answer, server.connections

    answer, connections = run(scenario())
    assert answer.status == 201 and connections == 2


def test_slow_answers_time_out_without_holding_up_the_others():
    async def scenario():
        async def silent(reader, writer):
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.sleep(5)
            writer.close()

        quiet = await asyncio.start_server(silent, "127.0.0.1", 0)
        port = quiet.sockets[0].getsockname()[1]
        async with CannedServer([OK] * 20) as server:
            http = client(total=0.3)
            loop = asyncio.get_running_loop()
            started = loop.time()
            results = await asyncio.gather(
                *[http.post(f"http://127.0.0.1:{port}/x", {}, b"x") for _ in range(5)],
                *[http.post(server.url, {}, b"y") for _ in range(5)], return_exceptions=True)
            elapsed = loop.time() - started
            await asyncio.sleep(0.2)
            more = await asyncio.gather(*[http.post(server.url, {}, b"z") for _ in range(5)])
            await http.close()
        quiet.close()
        return results, more, elapsed

    results, more, elapsed = run(scenario())
    assert all(isinstance(r, TimeoutError) for r in results[:5])
    assert [r.status for r in results[5:] + more] == [201] * 10
    assert 0.25 < elapsed < 1.5


def test_name_lookup_and_connecting_have_their_own_time_limit():
    async def scenario():
        loop = asyncio.get_running_loop()

        async def slow_lookup(*_args, **_kwargs):
            await asyncio.sleep(5)

        loop.getaddrinfo = slow_lookup
        http = HttpClient(allow_loopback=True, connect_timeout=0.2, total_timeout=3)
        started = loop.time()
        try:
            await http.post("http://127.0.0.1:9/x", {}, b"x")
        finally:
            assert loop.time() - started < 1.5
            await http.close()

    with pytest.raises(TimeoutError):
        run(scenario())


def test_loopback_is_refused_without_the_testing_setting():
    async def scenario():
        async with CannedServer([OK]) as server:
            await client(allow_loopback=False).post(server.url, {}, b"x")

    with pytest.raises(BlockedAddress):
        run(scenario())


def _certificate():
    """A self-signed certificate for 127.0.0.1 (and a context that trusts only it)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "push.test")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=1))
            .not_valid_after(now + datetime.timedelta(hours=1))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .sign(key, hashes.SHA256()))
    return key, cert


def _tls_contexts(tmp_path):
    key, cert = _certificate()
    (tmp_path / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "key.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    return server_context, ssl.create_default_context(cafile=str(tmp_path / "cert.pem"))


async def _post_over_tls(server_context, client_context):
    async with CannedServer([OK], ssl_context=server_context) as server:
        http = client(ssl_context=client_context)
        try:
            return await http.post(server.url, {}, b"x")
        finally:
            await http.close()


def test_tls_with_a_trusted_certificate(tmp_path):
    server_context, trusting = _tls_contexts(tmp_path)
    assert run(_post_over_tls(server_context, trusting)).status == 201


# CPython's asyncio server does not close the socket of a connection whose TLS handshake
# failed until it is garbage-collected; that warning is about the test's server, not the client.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_tls_refuses_a_certificate_it_does_not_trust(tmp_path):
    server_context, _trusting = _tls_contexts(tmp_path)
    with pytest.raises(ssl.SSLError):
        run(_post_over_tls(server_context, ssl.create_default_context()))


def test_tls_answers_larger_than_one_read_and_reuse(tmp_path):
    server_context, trusting = _tls_contexts(tmp_path)
    big = b"HTTP/1.1 200 OK\r\nContent-Length: 50000\r\n\r\n" + b"b" * 50_000

    async def scenario():
        async with CannedServer([big, OK], ssl_context=server_context) as server:
            http = client(ssl_context=trusting)
            answers = [await http.post(server.url, {}, b"x") for _ in range(2)]
            await http.close()
            return [a.status for a in answers], server.connections

    assert run(scenario()) == ([200, 201], 1)
