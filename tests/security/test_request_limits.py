"""Request bodies are bounded before sign-in too: 413, without reading what is too large."""

import io

import pytest

from app.checkins.api import MAX_BODY
from app.push.routes import MAX_SUBSCRIPTION_BODY
from tests.conftest import csrf_token


class Exploding(io.RawIOBase):
    """A request body that fails the test if more than `allowed` bytes are ever read from it."""

    def __init__(self, size: int, allowed: int):
        self.size, self.allowed, self.read_so_far = size, allowed, 0

    def readable(self):
        return True

    def seekable(self):  # the test client measures the body by seeking to its end
        return True

    def tell(self):
        return self.read_so_far

    def seek(self, offset, whence=0):
        self.read_so_far = self.size if whence == 2 else offset
        return self.read_so_far

    def readinto(self, buffer):
        if self.read_so_far >= self.size:
            return 0
        n = min(len(buffer), self.size - self.read_so_far)
        self.read_so_far += n
        assert self.read_so_far <= self.allowed + 65536, "read past the limit"
        buffer[:n] = b"[" * n
        return n


def test_the_default_limit_is_one_mebibyte(app):
    assert app.config["MAX_CONTENT_LENGTH"] == 1024 * 1024


@pytest.mark.parametrize("path", ["/push/resubscribe", "/push/snooze"])
def test_a_huge_post_to_a_public_push_endpoint_is_refused_unread(client, path):
    body = Exploding(256 * 1024 * 1024, allowed=0)
    response = client.post(path, input_stream=body, content_type="application/json",
                           headers={"Content-Length": str(body.size)})
    assert response.status_code == 413
    assert response.is_json and "larger than Trellis accepts" in response.get_json()["message"]
    assert body.read_so_far == 0


def test_public_push_endpoints_take_at_most_16_kib(client):
    assert MAX_SUBSCRIPTION_BODY == 16 * 1024
    just_over = b'{"token": "' + b"x" * MAX_SUBSCRIPTION_BODY + b'"}'
    assert client.post("/push/resubscribe", data=just_over,
                       content_type="application/json").status_code == 413
    fits = b'{"token": "' + b"x" * 100 + b'"}'
    assert client.post("/push/resubscribe", data=fits,
                       content_type="application/json").status_code == 400  # a bad token


def test_a_chunked_body_without_a_length_is_cut_off_at_the_limit(client):
    body = Exploding(8 * 1024 * 1024, allowed=MAX_SUBSCRIPTION_BODY)
    response = client.post("/push/resubscribe", input_stream=body,
                           content_type="application/json",
                           headers={"Transfer-Encoding": "chunked"},
                           environ_overrides={"wsgi.input_terminated": True})
    assert response.status_code == 413
    assert body.read_so_far < 8 * 1024 * 1024


def test_the_checkin_api_takes_at_most_64_kib(participant_client):
    assert MAX_BODY == 64 * 1024
    big = b'{"note": "' + b"x" * MAX_BODY + b'"}'
    response = participant_client.post(
        "/api/v1/checkins", data=big, content_type="application/json",
        headers={"X-CSRFToken": csrf_token(participant_client)})
    assert response.status_code == 413 and response.is_json


def test_the_checkin_api_refuses_before_sign_in_too(client):
    body = Exploding(5 * 1024 * 1024, allowed=0)
    response = client.post("/api/v1/checkins", input_stream=body,
                           content_type="application/json",
                           headers={"Content-Length": str(body.size)})
    assert response.status_code == 413 and response.is_json
    assert body.read_so_far == 0


def test_a_form_larger_than_the_limit_gets_a_page(client):
    body = Exploding(2 * 1024 * 1024, allowed=0)
    response = client.post("/signin", input_stream=body,
                           content_type="application/x-www-form-urlencoded",
                           headers={"Content-Length": str(body.size)})
    assert response.status_code == 413
    assert response.mimetype == "text/html"
    assert "larger than Trellis accepts" in response.get_data(as_text=True)
    assert body.read_so_far == 0


def test_a_form_under_the_limit_still_works(client, world):
    from tests.conftest import PASSWORD, post_form

    response = post_form(client, "/signin", {"email": world.participant_a.email,
                                             "password": PASSWORD, "padding": "x" * 400_000})
    assert response.status_code == 302


def test_a_chunked_form_is_cut_off_at_the_limit_too(client):
    body = Exploding(3 * 1024 * 1024, allowed=1024 * 1024)
    response = client.post("/signin", input_stream=body,
                           content_type="application/x-www-form-urlencoded",
                           headers={"Transfer-Encoding": "chunked"},
                           environ_overrides={"wsgi.input_terminated": True})
    assert response.status_code == 413


def test_a_small_chunked_body_is_read_whole(client):
    response = client.post("/push/resubscribe", input_stream=io.BytesIO(b'{"token": "nope"}'),
                           content_type="application/json",
                           headers={"Transfer-Encoding": "chunked"},
                           environ_overrides={"wsgi.input_terminated": True})
    assert response.status_code == 400
    assert response.get_json() == {"error": "invalid_token"}
