"""Profile participant pages with pyinstrument, in one process, on the demo data.

    .venv/bin/python bench/pages_profile.py /today /progress       # 200 requests each
    .venv/bin/python bench/pages_profile.py --requests 50 /schedule

Prints pyinstrument's call tree per page (the time of `--requests` requests after a warm-up)
and the SQL statements one request sends; docs/benchmarks.md keeps what these showed.
"""

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from sqlalchemy import event

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from pages import prepare_demo  # noqa: E402
from pages_cpu import signed_in_client  # noqa: E402


def main() -> None:
    """Profile each page named on the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", nargs="+")
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    from pyinstrument import Profiler

    workdir = Path(tempfile.mkdtemp(prefix="trellis-profile-"))
    url = f"sqlite:///{workdir / 'p.db'}"
    prepare_demo(dict(os.environ, TRELLIS_ENV="development", DATABASE_URL=url,
                      PYTHONPATH=str(ROOT)))
    from app import create_app
    from app.extensions import db
    from config import DevelopmentConfig

    app = create_app(DevelopmentConfig, {"SQLALCHEMY_DATABASE_URI": url})
    client = signed_in_client(app)
    for page in args.pages:
        assert client.get(page).status_code == 200, page
        statements = []
        with app.app_context():
            engine = db.engine

        def count(_conn, _cursor, statement, *_args, into=statements):
            into.append(" ".join(statement.split())[:160])

        event.listen(engine, "before_cursor_execute", count)
        client.get(page)
        event.remove(engine, "before_cursor_execute", count)
        profiler = Profiler(interval=0.0005)
        profiler.start()
        for _ in range(args.requests):
            client.get(page)
        profiler.stop()
        print(f"== {page}: {len(statements)} SQL statements a request")
        for statement in statements:
            print("   ", statement)
        print(profiler.output_text(unicode=True, color=False, show_all=False))
    subprocess.run(["rm", "-rf", str(workdir)], check=False)  # noqa: S603, S607


if __name__ == "__main__":
    main()
