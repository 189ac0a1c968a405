"""The service worker's version and the app shell it precaches.

`/sw.js` is static/sw.js with placeholders filled in: the list of static files every page
loads (precached when the worker installs, then served from that cache), a version made from
the content of every file under static/, and OFFLINE_SLOW_PAGE_SECONDS. Changing any static
file changes the worker's bytes, so browsers install the new worker, which keeps its files in
new caches and deletes the old ones when it takes over; the page offers "Update now" meanwhile
(docs/offline.md).
"""

import hashlib
import json
from fnmatch import fnmatch
from pathlib import Path

from flask import current_app

from app import assets

VERSION_MARK = "__TRELLIS_VERSION__"
FILES_MARK = "__TRELLIS_SHELL_FILES__"
SLOW_MARK = "__TRELLIS_SLOW_PAGE_MS__"
#: What every page loads (templates/base.html) and what the offline page needs.
SHELL_PATTERNS = ("css/*.css", "js/*.js", "vendor/htmx/htmx.min.js", "icons/*.svg",
                  "icons/*-apple-touch-icon.png")


def _static() -> Path:
    return Path(current_app.static_folder)


def shell_files() -> list[str]:
    """URLs of the static files the worker precaches, sorted.

    Under a build (app/assets.py) pages, and the ES module imports in scripts, load the
    content-hashed names, so those are kept; the scripts are kept under their plain names too,
    because the worker's own importScripts asks for those."""
    hashed = assets.manifest()
    if hashed:
        names = {name for name in hashed if any(fnmatch(name, p) for p in SHELL_PATTERNS)}
    else:
        root = _static()
        names = {path.relative_to(root).as_posix()
                 for pattern in SHELL_PATTERNS for path in root.glob(pattern)}
    urls = {f"/static/{hashed.get(name, name)}" for name in names}
    urls |= {f"/static/{name}" for name in names if name.endswith(".js")}
    return sorted(urls)


#: (path, mtime, size) of every static file -> version; files are read again only on a change.
_known: dict[tuple, str] = {}


def version() -> str:
    """A short hash of every file under static/ (sw.js included), in a stable order.

    Under a build, the hash of its manifest, which names every file by its content's hash."""
    if assets.manifest():
        listing = json.dumps(assets.manifest(), sort_keys=True).encode()
        return hashlib.sha256(listing).hexdigest()[:16]
    root = _static()
    paths = sorted(p for p in root.rglob("*") if p.is_file())
    key = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in paths)
    if key not in _known:
        digest = hashlib.sha256()
        for path in paths:
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
        _known.clear()
        _known[key] = digest.hexdigest()[:16]
    return _known[key]


def worker_script() -> bytes:
    """static/sw.js with its version, shell files and slow-page wait filled in."""
    script = (_static() / "sw.js").read_text()
    script = script.replace(VERSION_MARK, version())
    script = script.replace(FILES_MARK, json.dumps(shell_files()))
    slow = current_app.config["OFFLINE_SLOW_PAGE_SECONDS"]
    script = script.replace(SLOW_MARK, str(int(slow * 1000)))
    return script.encode()
