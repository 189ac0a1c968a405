"""Static files and compression: content-hashed names, pre-compressed files, compressed HTML.

- `flask assets build` copies static/ to build/static/ and runs flask-static-digest's compiler
  there: every file gets a copy named after the MD5 of its content (`css/base-<md5>.css`), a
  gzip and a brotli version of each, and `cache_manifest.json`, which maps each name to its
  hashed name. The source folder is left as it is.
- In production, when build/static/ has a manifest, the app serves that folder and every
  `url_for("static", ...)` gives the hashed name (a URL default, so templates, the web app
  manifest and the service worker's precache list all follow without knowing about it).
  Development and the tests serve static/ itself under its own names, so an edited file shows
  at once. A test or a benchmark turns the build on with the `STATIC_BUILD` setting.
- Before hashing, the build points each script's ES module imports (`from "./safety.js"`) at
  the hashed name of the module it imports, dependencies first, so a hashed script only ever
  loads hashed modules and a changed module changes the name of every script that imports it.
- whitenoise serves /static/: the brotli or gzip file where the browser accepts it, hashed
  names with `Cache-Control: immutable` for a year, other names with `no-cache` (the service
  worker's importScripts ask for plain names, and must see a change).
- flask-compress compresses HTML and JSON responses (brotli or gzip, as the browser accepts).
  HTML pages hold the CSRF token; the session cookie is SameSite=Lax, so another site cannot
  make the browser fetch a signed-in page with attacker-chosen text in it many times over,
  which a compression side channel (BREACH) needs.
"""

import contextlib
import hashlib
import io
import json
import re
import shutil
from pathlib import Path

import click
from flask import Flask, current_app
from flask_compress import Compress
from flask_static_digest import digester
from whitenoise import WhiteNoise

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "static"
#: Where `flask assets build` puts the hashed and compressed files (not in git).
BUILD = ROOT / "build" / "static"
MANIFEST = "cache_manifest.json"
#: flask-static-digest's names: `name-<32 hex digits>.ext`.
HASHED = re.compile(r"-[0-9a-f]{32}\.[^/]+$")
#: A static ES module import of a sibling script: `from "./x.js"`, `import "./x.js"`,
#: `import("./x.js")`. Only our own scripts are read, and they import siblings only.
MODULE_IMPORT = re.compile(r"""(\bfrom\s*|\bimport\s*\(?\s*)(["'])\./([\w.-]+\.js)\2""")
#: What is worth compressing per response (static files are compressed once, at build).
COMPRESSED_TYPES = ["text/html", "application/json", "application/manifest+json"]

compress = Compress()


def build(source: Path = SOURCE, target: Path = BUILD) -> dict[str, str]:
    """Copy `source` to `target` with hashed names and .gz/.br files; return the manifest.

    Built beside the target and swapped in at the end, so a running server never sees half a
    build."""
    staging = target.with_name(target.name + ".new")
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(source, staging)
    hash_module_imports(staging / "js")
    folder = f"{staging}/"  # the compiler globs `folder + "**/**"`
    with contextlib.redirect_stdout(io.StringIO()):  # it prints where the files went
        digester.compile(folder, folder, [], True, True)
    old = target.with_name(target.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    staging.rename(target)
    shutil.rmtree(old, ignore_errors=True)
    return json.loads((target / MANIFEST).read_text())


def hash_module_imports(folder: Path) -> None:
    """Rewrite each script's sibling imports in `folder` to the hashed names the build will
    give them: `./safety.js` becomes `./safety-<md5>.js`, the MD5 of safety.js as it will be
    written (its own imports rewritten first), which is the digest flask-static-digest names
    it by."""
    scripts = {path.name: path for path in folder.glob("*.js")}
    digests: dict[str, str] = {}

    def digest(name: str, importers: tuple[str, ...] = ()) -> str:
        if name in importers:
            raise click.ClickException(f"static/js: import cycle {' -> '.join(importers)}")
        if name not in digests:
            path = scripts[name]
            text = path.read_text(encoding="utf-8")

            def hashed(match: re.Match) -> str:
                lead, quote, imported = match.groups()
                if imported not in scripts:
                    return match.group(0)
                stem = imported[:-len(".js")]
                return f"{lead}{quote}./{stem}-{digest(imported, (*importers, name))}.js{quote}"

            rewritten = MODULE_IMPORT.sub(hashed, text)
            if rewritten != text:
                path.write_text(rewritten, encoding="utf-8")
            digests[name] = hashlib.md5(path.read_bytes()).hexdigest()  # noqa: S324 - a name
        return digests[name]

    for name in sorted(scripts):
        digest(name)


def manifest() -> dict[str, str]:
    """Name -> hashed name of the files being served; empty when serving the source folder."""
    return current_app.extensions.get("trellis_assets", {})


def is_hashed(url: str) -> bool:
    """Whether a static URL is a content-hashed name (cacheable for ever)."""
    return bool(HASHED.search(url))


def _static_headers(headers, path: str, url: str) -> None:
    # Static responses bypass Flask's after_request hooks (app.security.headers).
    headers["X-Content-Type-Options"] = "nosniff"
    if not is_hashed(url):
        headers["Cache-Control"] = "no-cache"


def _chosen_build(app: Flask) -> Path | None:
    chosen = app.config.get("STATIC_BUILD")
    if chosen is None and app.config.get("ENV_NAME") not in ("development", "testing"):
        chosen = BUILD
    if chosen and (Path(chosen) / MANIFEST).is_file():
        return Path(chosen)
    if chosen and app.config.get("ENV_NAME") not in ("development", "testing"):
        app.logger.warning("static files: no build in %s, serving static/ uncompressed and "
                           "unhashed (run `flask --app wsgi assets build`)", chosen)
    return None


def init_app(app: Flask) -> None:
    """Serve the build (or the source folder) through whitenoise; compress HTML and JSON."""
    built = _chosen_build(app)
    names: dict[str, str] = {}
    if built is not None:
        app.static_folder = str(built)
        names = json.loads((built / MANIFEST).read_text())
    app.extensions["trellis_assets"] = names

    @app.url_defaults
    def hashed_static_names(endpoint: str, values: dict) -> None:
        if endpoint == "static" and names and values.get("filename") in names:
            values["filename"] = names[values["filename"]]

    app.wsgi_app = WhiteNoise(
        app.wsgi_app,
        root=app.static_folder,
        prefix=app.static_url_path,
        # The source folder can change under a running dev server or test.
        autorefresh=built is None,
        max_age=None,
        allow_all_origins=False,
        immutable_file_test=lambda path, url: is_hashed(url),
        add_headers_function=_static_headers,
    )

    app.config.setdefault("COMPRESS_MIMETYPES", COMPRESSED_TYPES)
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_STREAMS", False)  # CSV exports stream row by row
    # Its conditional-request handling adds a Date header of its own, which servers then send
    # twice (and the service worker reads Date to say when a page was saved); pages are not
    # cached by validators anyway (no-store for signed-in people).
    app.config.setdefault("COMPRESS_EVALUATE_CONDITIONAL_REQUEST", False)
    compress.init_app(app)
    app.cli.add_command(assets_cli)


@click.group("assets")
def assets_cli() -> None:
    """Static files for production."""


@assets_cli.command("build")
def build_command() -> None:
    """Copy static/ to build/static/ with content-hashed names, gzip and brotli files."""
    names = build()
    click.echo(f"static files: {len(names)} built into {BUILD.relative_to(ROOT)}/")
