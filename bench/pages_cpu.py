"""CPU per request of each participant page, in one process, on the demo data.

    .venv/bin/python bench/pages_cpu.py                     # every participant page, 200 each
    .venv/bin/python bench/pages_cpu.py --requests 50 /today /me

No server and no load generator: Flask's test client asks each page (after a warm-up) and the
process's CPU time is divided by the number of requests, so the figure moves much less with
other load on the machine than the wrk runs of bench/pages.py do. Printed per page: CPU per
request, the part spent drawing templates (`render_template`'s drawing, not the context
processors), the part spent in the database driver, and the SQL statements per request.
docs/benchmarks.md keeps what it showed.
"""

import argparse
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import event

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from pages import DEMO_EMAIL, DEMO_PASSWORD, prepare_demo  # noqa: E402

PAGES = ["/today", "/schedule", "/checkin", "/skills", "/me", "/progress", "/crisis"]


def signed_in_client(app):
    """A test client signed in as the demo participant, past the privacy notice."""
    client = app.test_client()
    token = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
    form = client.get("/signin").get_data(as_text=True)
    client.post("/signin", data={"csrf_token": token.search(form).group(1),
                                 "email": DEMO_EMAIL, "password": DEMO_PASSWORD})
    consent = token.search(client.get("/consent").get_data(as_text=True))
    if consent:
        client.post("/consent", data={"csrf_token": consent.group(1), "accept": "y"})
    return client


def main() -> None:
    """Measure each page named on the command line (default: every participant page)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", nargs="*", default=PAGES)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="trellis-cpu-"))
    url = f"sqlite:///{workdir / 'p.db'}"
    prepare_demo(dict(os.environ, TRELLIS_ENV="development", DATABASE_URL=url,
                      PYTHONPATH=str(ROOT)))
    import flask.templating

    from app import create_app
    from app.extensions import db
    from config import DevelopmentConfig

    app = create_app(DevelopmentConfig, {"SQLALCHEMY_DATABASE_URI": url})
    client = signed_in_client(app)
    spent = {"templates": 0.0, "driver": 0.0, "statements": 0}
    draw = flask.templating._render

    def timed_draw(*args, **kwargs):
        started = time.perf_counter()
        try:
            return draw(*args, **kwargs)
        finally:
            spent["templates"] += time.perf_counter() - started

    flask.templating._render = timed_draw
    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "before_cursor_execute")
    def _before(conn, *_args):
        conn.info["started"] = time.perf_counter()
        spent["statements"] += 1

    @event.listens_for(engine, "after_cursor_execute")
    def _after(conn, *_args):
        spent["driver"] += time.perf_counter() - conn.info.pop("started")

    headers = {"Accept-Encoding": "br, gzip"}
    print("| page | CPU per request | drawing templates | database driver | SQL statements |")
    print("| --- | --- | --- | --- | --- |")
    for page in args.pages:
        for _ in range(20):
            assert client.get(page, headers=headers).status_code == 200, page
        spent.update(templates=0.0, driver=0.0, statements=0)
        started = time.process_time()
        for _ in range(args.requests):
            client.get(page, headers=headers)
        cpu = (time.process_time() - started) / args.requests
        n = args.requests
        print(f"| {page} | {cpu * 1000:.1f} ms | {spent['templates'] / n * 1000:.1f} ms | "
              f"{spent['driver'] / n * 1000:.1f} ms | {spent['statements'] // n} |")
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
