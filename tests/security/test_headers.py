"""Security headers on every response."""

import pytest

from app import create_app
from config import ProductionConfig

#: Production refuses to start without its public origin (TRELLIS_BASE_URL).
PRODUCTION_BASE = {"BASE_URL": "https://trellis.example.org",
                   "VAPID_SUBJECT": "mailto:ops@riverside-health.org"}

PAGES = {
    "anonymous": ["/signin", "/crisis", "/no-such-page"],
    "participant_a": ["/today", "/schedule", "/checkin", "/skills", "/me", "/crisis"],
    "clinician_a": ["/clinician/", "/clinician/invites", "/clinician/invites/new"],
    "admin": ["/admin/", "/admin/programs", "/admin/clinicians", "/admin/enrolments"],
}


@pytest.mark.parametrize("actor", list(PAGES))
def test_every_page_sends_the_security_headers(app, world, login_as, actor):
    client = app.test_client()
    if actor != "anonymous":
        login_as(getattr(world, actor), on=client)
    for path in PAGES[actor]:
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp, path
        assert "unsafe-inline" not in csp and "http" not in csp
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
        assert "base-uri 'none'" in csp and "form-action 'self'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "no-referrer"
        assert "camera=()" in headers["Permissions-Policy"]
        if actor != "anonymous":
            assert headers["Cache-Control"] == "no-store", path


def test_static_files_get_the_headers_too(client):
    with client.get("/static/css/base.css") as response:
        assert response.status_code == 200
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_production_sends_hsts_and_secure_cookies(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "a-production-secret-from-the-environment")
    production = create_app(ProductionConfig, {**PRODUCTION_BASE, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert production.config["SESSION_COOKIE_SECURE"] is True
    response = production.test_client().get("/crisis")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(ProductionConfig, {**PRODUCTION_BASE, "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_development_generates_a_secret_key_once_into_instance(tmp_path, monkeypatch):
    import config

    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setattr(config, "INSTANCE_DIR", tmp_path)
    first = config.DevelopmentConfig.secret_key()
    assert (tmp_path / "secret_key").read_text().strip() == first
    assert config.DevelopmentConfig.secret_key() == first
    assert len(first) >= 64


def test_error_pages_show_no_stack_trace(app, world, login_as, monkeypatch):
    from app.participant import routes

    def explode():
        raise RuntimeError("secret internals")

    client = app.test_client()
    login_as(world.participant_a, on=client)
    monkeypatch.setattr(routes, "render_template", lambda *a, **k: explode())
    app.config["PROPAGATE_EXCEPTIONS"] = False
    try:
        response = client.get("/today")
    finally:
        app.config["PROPAGATE_EXCEPTIONS"] = None
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "secret internals" not in html and "Traceback" not in html
    assert "/crisis" in html  # help stays one tap away even on an error page


def test_templates_never_mark_text_safe_or_inline_scripts_and_styles():
    import pathlib
    import re

    root = pathlib.Path(__file__).resolve().parents[2] / "templates"
    for path in root.rglob("*.html"):
        text = path.read_text()
        assert not re.search(r"\|\s*safe\b", text), path
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), path
        assert not re.search(r"\sstyle=", text), path
        assert not re.search(r"\son[a-z]+=", text), path
        assert not re.search(r"(src|href)=\"https?://", text), path


def test_trusted_proxy_gives_throttling_the_client_address(monkeypatch):
    from flask import request

    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    proxied = create_app(ProductionConfig, {**PRODUCTION_BASE, "SQLALCHEMY_DATABASE_URI": "sqlite://",
                                            "TRUSTED_PROXIES": 1})
    seen = {}
    proxied.before_request(lambda: seen.setdefault("ip", request.remote_addr) and None)
    proxied.test_client().get("/healthz", headers={"X-Forwarded-For": "203.0.113.7"})
    assert seen["ip"] == "203.0.113.7"


def test_without_a_trusted_proxy_forwarded_addresses_are_ignored(monkeypatch):
    from flask import request

    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    direct = create_app(ProductionConfig, {**PRODUCTION_BASE, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    seen = {}
    direct.before_request(lambda: seen.setdefault("ip", request.remote_addr) and None)
    direct.test_client().get("/healthz", headers={"X-Forwarded-For": "203.0.113.7"})
    assert seen["ip"] == "127.0.0.1"


def test_forms_work_behind_a_tls_proxy_although_browsers_send_no_referrer(app, world,
                                                                          monkeypatch):
    """Pages say `Referrer-Policy: no-referrer`, so a browser posts a form over https without
    a Referer; behind the proxy (TRUSTED_PROXIES) that must still sign in, token checked."""
    from tests.conftest import _TOKEN, PASSWORD

    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    production = create_app(ProductionConfig, {
        **PRODUCTION_BASE, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "TRUSTED_PROXIES": 1})
    proxy = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}
    client = production.test_client()
    page = client.get("/signin", headers=proxy, base_url="https://localhost")
    assert page.headers["Referrer-Policy"] == "no-referrer"
    form = {"email": world.participant_a.email, "password": PASSWORD}
    refused = client.post("/signin", data=form, headers=proxy, base_url="https://localhost")
    assert refused.status_code == 400  # no token: refused
    token = _TOKEN.search(page.get_data(as_text=True)).group(1)
    signed_in = client.post("/signin", data={**form, "csrf_token": token},
                            headers=proxy, base_url="https://localhost")
    assert signed_in.status_code == 302 and signed_in.headers["Location"] == "/today"
    with production.app_context():
        from app.extensions import db

        db.engine.dispose()  # its connections to the suite's database, closed now
