"""Static files as production serves them (app/assets.py): hashed names, immutable, brotli and
gzip files chosen by Accept-Encoding, compressed HTML, each layout's scripts, and the first
visit to Today within its byte budget."""

import gzip
import hashlib
import re
import shutil
from html.parser import HTMLParser

import brotli
import pytest

from app import assets, create_app
from app.extensions import db
from app.offline import shell
from config import TestingConfig

#: The first visit to Today, signed in, everything compressed (docs/benchmarks.md).
FIRST_VISIT_BUDGET = 60 * 1024
BR = {"Accept-Encoding": "br, gzip"}


@pytest.fixture(scope="module")
def build(tmp_path_factory):
    """static/ built as `flask assets build` does, in a temporary folder."""
    target = tmp_path_factory.mktemp("build") / "static"
    return target, assets.build(assets.SOURCE, target)


@pytest.fixture
def built_app(app, build):
    """The app on the same database, serving the build (as in production)."""
    built = create_app(TestingConfig, {
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "SERVER_NAME": None, "STATIC_BUILD": str(build[0])})
    built.test_client_class = app.test_client_class
    yield built
    with built.app_context():  # its own connections, closed now rather than by the collector
        db.session.remove()
        db.engine.dispose()


class Assets(HTMLParser):
    """The stylesheets, scripts and icons a page asks for in its <head>."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("src"):
            self.urls.append(attrs["src"])
        if tag == "link" and attrs.get("rel") in ("stylesheet", "icon"):
            self.urls.append(attrs["href"])


def head_assets(html: str) -> list[str]:
    parser = Assets()
    parser.feed(html)
    return parser.urls


def decoded(response) -> bytes:
    body = response.get_data()
    encoding = response.headers.get("Content-Encoding")
    if encoding == "br":
        return brotli.decompress(body)
    if encoding == "gzip":
        return gzip.decompress(body)
    return body


def test_the_build_names_files_by_content_and_compresses_them(build):
    folder, names = build
    assert names["css/base.css"] != "css/base.css"
    hashed = folder / names["css/base.css"]
    source = (assets.SOURCE / "css/base.css").read_bytes()
    assert hashed.read_bytes() == source
    assert brotli.decompress(hashed.with_name(hashed.name + ".br").read_bytes()) == source
    assert gzip.decompress(hashed.with_name(hashed.name + ".gz").read_bytes()) == source
    assert (assets.SOURCE / "cache_manifest.json").exists() is False  # static/ left alone


def test_pages_link_hashed_files_served_immutable_and_precompressed(built_app, build):
    names = build[1]
    client = built_app.test_client()
    page = client.get("/signin")
    html = page.get_data(as_text=True)
    css = f"/static/{names['css/components.css']}"
    assert css in html and 'href="/static/css/components.css"' not in html
    for encoding in ("br", "gzip"):
        with client.get(css, headers={"Accept-Encoding": encoding}) as response:
            assert response.status_code == 200
            assert response.headers["Content-Encoding"] == encoding
            assert "immutable" in response.headers["Cache-Control"]
            assert "max-age=315360000" in response.headers["Cache-Control"]
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            assert "Accept-Encoding" in response.headers["Vary"]
            assert decoded(response) == (assets.SOURCE / "css/components.css").read_bytes()
    with client.get(css) as plain:  # a client that accepts no compression
        assert "Content-Encoding" not in plain.headers
    # Plain names still answer (module imports, importScripts), but must be revalidated.
    with client.get("/static/js/safety.js", headers=BR) as response:
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-cache"


def test_html_is_compressed_when_the_browser_accepts_it(built_app):
    client = built_app.test_client()
    response = client.get("/signin", headers=BR)
    assert response.headers["Content-Encoding"] == "br"
    assert len(response.get_data()) < len(decoded(response)) / 2
    assert "<form" in decoded(response).decode()
    assert len(response.headers.get_all("Date")) <= 1  # servers add their own


def test_sign_in_loads_only_the_scripts_it_uses(client):
    html = client.get("/signin").get_data(as_text=True)
    scripts = [url for url in head_assets(html) if url.endswith(".js")]
    assert scripts == ["/static/vendor/htmx/htmx.min.js", "/static/js/csrf.js",
                       "/static/js/offline-store.js", "/static/js/offline.js"]
    assert 'hx-boost="false"' in html  # so signing in loads the signed-in page's scripts


def test_signed_in_pages_load_the_signed_in_scripts(participant_client):
    html = participant_client.get("/today").get_data(as_text=True)
    scripts = {url for url in head_assets(html) if url.endswith(".js")}
    for name in ("checkins", "push", "offline-queue", "quick-exit", "session-status"):
        assert f"/static/js/{name}.js" in scripts


IMPORT = re.compile(r'^import .* from "\./([\w-]+\.js)";', re.MULTILINE)


def test_the_first_visit_to_today_is_within_its_budget(built_app, world, login_as, build):
    """HTML, stylesheets, scripts (with the modules they import) and the icon, as sent
    compressed to a browser that accepts brotli: what a phone downloads before first paint."""
    client = built_app.test_client()
    login_as(world.participant_a, on=client)
    page = client.get("/today", headers=BR)
    assert page.status_code == 200 and page.headers["Content-Encoding"] == "br"
    sent = {"/today": len(page.get_data())}
    queue = head_assets(decoded(page).decode())
    while queue:
        url = queue.pop()
        if url in sent:
            continue
        with client.get(url, headers=BR) as response:
            assert response.status_code == 200, url
            sent[url] = len(response.get_data())
            if url.endswith(".js"):
                base = url.rsplit("/", 1)[0]
                queue += [f"{base}/{name}" for name in IMPORT.findall(decoded(response).decode())]
    assert any("htmx" in url for url in sent) and any(".css" in url for url in sent)
    assert f"/static/{build[1]['js/safety.js']}" in sent  # followed through checkins.js's import
    total = sum(sent.values())
    print(f"first visit to Today: {total} bytes in {len(sent)} requests")
    assert total <= FIRST_VISIT_BUDGET, sorted(sent.items(), key=lambda item: -item[1])


def test_the_service_worker_precaches_the_hashed_files(built_app, build):
    names = build[1]
    client = built_app.test_client()
    with built_app.test_request_context():
        files = shell.shell_files()
        version = shell.version()
    assert f"/static/{names['vendor/htmx/htmx.min.js']}" in files
    assert f"/static/{names['css/base.css']}" in files
    assert "/static/js/sw-offline.js" in files  # the worker's importScripts: a plain name
    assert f"/static/{names['js/safety.js']}" in files  # what checkins.js imports
    worker = client.get("/sw.js").get_data(as_text=True)
    assert version in worker and f'"/static/{names["css/base.css"]}"' in worker
    for url in files:
        with client.get(url) as response:
            assert response.status_code == 200, url


def test_scripts_import_hashed_modules_named_by_their_content(build):
    """A hashed script loads only hashed modules, each named by the MD5 of what it holds, so a
    browser keeping every hashed file for a year still gets a changed module."""
    folder, names = build
    importers = 0
    for name, hashed in names.items():
        if not (name.startswith("js/") and name.endswith(".js")):
            continue
        body = (folder / hashed).read_bytes()
        assert hashlib.md5(body).hexdigest() in hashed, name  # noqa: S324
        imported = IMPORT.findall(body.decode())
        importers += bool(imported)
        for module in imported:
            assert assets.is_hashed(module), (name, module)
            assert module in {other.split("/")[-1] for other in names.values()}, (name, module)
    assert importers >= 3  # checkins.js, offline-queue.js, offline-panel.js


def test_a_changed_module_renames_every_script_that_imports_it(tmp_path, build):
    source = tmp_path / "static"
    shutil.copytree(assets.SOURCE, source)
    safety = source / "js" / "safety.js"
    safety.write_text(safety.read_text() + "\n// changed\n")
    rebuilt = assets.build(source, tmp_path / "build")
    before = build[1]
    assert rebuilt["js/safety.js"] != before["js/safety.js"]
    assert rebuilt["js/checkins.js"] != before["js/checkins.js"]  # imports safety.js
    assert rebuilt["js/offline-queue.js"] != before["js/offline-queue.js"]  # so does this
    assert rebuilt["js/offline-kinds.js"] == before["js/offline-kinds.js"]  # does not
    assert (source / "js" / "checkins.js").read_text().count('"./safety.js"') == 1  # source kept
