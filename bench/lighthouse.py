"""Lighthouse mobile scores of the sign-in page, the crisis page, Today and Check-in (issue 17).

    npm install --prefix ../lh-tools lighthouse@12.2.3      # once, outside the repository
    .venv/bin/python bench/lighthouse.py --lighthouse ../lh-tools/node_modules/.bin/lighthouse
    .venv/bin/python bench/lighthouse.py                    # `lighthouse` on PATH, else npx
    .venv/bin/python bench/lighthouse.py --runs 5           # the median of five runs a page
    .venv/bin/python bench/lighthouse.py --page /checkin    # one page (repeatable)

The server is set up as bench/pages.py sets it up, like production: the demo data on SQLite,
the built static assets (hashed names, brotli/gzip files, whitenoise) and gunicorn on a free
loopback port. Signed-in pages get the demo participant's session cookie through Lighthouse's
`--extra-headers`; the sign-in and crisis pages are loaded signed out, as a visitor sees them.

Each page is audited with `--form-factor=mobile` and Lighthouse's default mobile throttling
(simulated), Performance, Accessibility and Best Practices only. With several runs a page, the
run with the median Performance score is the one reported, all three categories from that run
(Lighthouse's advice for Performance, which moves with the load on a shared machine). Prints a
Markdown table of the scores and, per page, every audit that costs points (its id, title and
score); the JSON reports stay in build/lighthouse/. Chromium is $CHROME_PATH, or Debian's
/usr/bin/chromium.

A bench tool, not part of the test suite: without Lighthouse (or npx) or Chromium it says what
is missing and exits without running anything.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from pages import DEMO_EMAIL, free_port, prepare_demo, sign_in, start_server  # noqa: E402

from app import assets  # noqa: E402

VERSION = "12.2.3"
OUT = ROOT / "build" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices")
#: (label, path, signed in) as the issue names them.
PAGES = [
    ("Sign in", "/signin", False),
    ("Crisis", "/crisis", False),
    ("Today", "/today", True),
    ("Check-in", "/checkin", True),
]


def lighthouse_command(explicit: str | None) -> list[str] | None:
    """How to start Lighthouse: the given path, `lighthouse` on PATH, or npx; None if none."""
    if explicit:
        return [explicit] if Path(explicit).exists() or shutil.which(explicit) else None
    if shutil.which("lighthouse"):
        return ["lighthouse"]
    if shutil.which("npx"):
        # --no-install: use a Lighthouse npm already has, never fetch one in a benchmark run.
        return ["npx", "--no-install", "lighthouse"]
    return None


def chrome_path() -> str | None:
    """The Chromium Lighthouse drives."""
    path = os.environ.get("CHROME_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    return path if Path(path).exists() else None


def version_of(command: list[str]) -> str | None:
    """Lighthouse's version, or None when the command does not run."""
    try:
        answer = subprocess.run([*command, "--version"], capture_output=True, text=True,  # noqa: S603
                                timeout=120, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return answer.stdout.strip() if answer.returncode == 0 else None


def audit(command: list[str], url: str, report: Path, headers: Path | None,
          chrome: str) -> dict:
    """One Lighthouse run of one URL; returns the parsed JSON report."""
    arguments = [*command, url, "--quiet", "--output=json", f"--output-path={report}",
                 f"--only-categories={','.join(CATEGORIES)}", "--form-factor=mobile",
                 "--chrome-flags=--headless=new --no-sandbox"]
    if headers is not None:
        arguments.append(f"--extra-headers={headers}")
    subprocess.run(arguments, check=True, env={**os.environ, "CHROME_PATH": chrome})  # noqa: S603
    result = json.loads(report.read_text())
    if result.get("runtimeError"):
        raise SystemExit(f"{url}: {result['runtimeError']}")
    if result["finalDisplayedUrl"].split("?")[0] != url:
        # A signed-in page that lands on /signin would score the wrong page.
        raise SystemExit(f"{url} ended on {result['finalDisplayedUrl']}")
    return result


def scores(result: dict) -> dict[str, int]:
    """Category id -> score out of 100."""
    return {c: round(result["categories"][c]["score"] * 100) for c in CATEGORIES}


def costly(result: dict) -> list[tuple[str, str, str, float]]:
    """(category, audit id, title, score) of every weighted audit scoring below 1."""
    found = []
    for category in CATEGORIES:
        for ref in result["categories"][category]["auditRefs"]:
            item = result["audits"][ref["id"]]
            if ref["weight"] > 0 and item["score"] is not None and item["score"] < 1:
                found.append((category, item["id"], item["title"], item["score"]))
    return found


def table(rows: list[dict]) -> str:
    """The Markdown table of scores per page."""
    lines = ["| page | Performance | Accessibility | Best Practices |", "| --- | --- | --- | --- |"]
    for row in rows:
        s = row["scores"]
        lines.append(f"| {row['label']} (`{row['path']}`) | {s['performance']} "
                     f"| {s['accessibility']} | {s['best-practices']} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Start the server, sign in, audit each page, print the scores."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lighthouse", help="the lighthouse executable (default: PATH, npx)")
    parser.add_argument("--runs", type=int, default=3, help="runs a page; the median is kept")
    parser.add_argument("--page", action="append", choices=[p for _l, p, _s in PAGES],
                        help="audit only this page (repeatable; default: all four)")
    args = parser.parse_args(argv)
    command = lighthouse_command(args.lighthouse)
    version = version_of(command) if command else None
    if version is None:
        print(f"Lighthouse is not installed: `npm install --prefix DIR lighthouse@{VERSION}`, "
              "then --lighthouse DIR/node_modules/.bin/lighthouse. Nothing was run.")
        return 0
    chrome = chrome_path()
    if chrome is None:
        print("Chromium was not found (set CHROME_PATH). Nothing was run.")
        return 0
    if version != VERSION:
        print(f"Note: Lighthouse {version}; issue 17 asks for {VERSION}.")

    workdir = Path(tempfile.mkdtemp(prefix="trellis-lighthouse-"))
    env = {**os.environ, "TRELLIS_ENV": "development", "PYTHONPATH": str(ROOT),
           "DATABASE_URL": f"sqlite:///{workdir / 'lighthouse.db'}"}
    env.pop("FLASK_DEBUG", None)
    prepare_demo(env)
    assets.build(target=workdir / "static")
    env["BENCH_STATIC_BUILD"] = str(workdir / "static")
    OUT.mkdir(parents=True, exist_ok=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = None
    rows = []
    try:
        server = start_server(env, port)
        session, _token = sign_in(base, DEMO_EMAIL)
        cookie = "; ".join(f"{k}={v}" for k, v in session.cookies.items())
        headers = workdir / "headers.json"
        headers.write_text(json.dumps({"Cookie": cookie}))
        load_before = os.getloadavg()
        for label, path, signed_in in PAGES:
            if args.page and path not in args.page:
                continue
            runs = []
            for number in range(args.runs):
                report = OUT / f"{path.strip('/')}-{number + 1}.json"
                runs.append(audit(command, base + path, report, headers if signed_in else None,
                                  chrome))
            runs.sort(key=lambda r: r["categories"]["performance"]["score"])
            median = runs[len(runs) // 2]
            rows.append({"label": label, "path": path, "scores": scores(median),
                         "performance_runs": [scores(r)["performance"] for r in runs],
                         "tbt_runs": [round(r["audits"]["total-blocking-time"]["numericValue"])
                                      for r in runs],
                         "benchmark_index": [round(r["environment"]["benchmarkIndex"])
                                             for r in runs],
                         "costly": costly(median)})
            print(f"{label}: {rows[-1]['scores']}", flush=True)
        load_after = os.getloadavg()
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)

    print(f"\nLighthouse {version}, mobile (simulated throttling), Chromium {chrome}; "
          f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; load average "
          f"{load_before[0]:.2f} before, {load_after[0]:.2f} after; median of {args.runs} "
          "run(s) a page by Performance.\n")
    print(table(rows))
    for row in rows:
        # Total Blocking Time is what moves between runs on a busy machine; Lighthouse's
        # benchmark index says how fast the machine was at the time (higher is faster).
        print(f"\n{row['label']}: Performance per run (sorted) {row['performance_runs']}, "
              f"Total Blocking Time {row['tbt_runs']} ms, benchmark index "
              f"{row['benchmark_index']}")
        for category, audit_id, title, score in row["costly"] or []:
            print(f"- {category}: `{audit_id}` {title} (score {score:.2f})")
        if not row["costly"]:
            print("- no audit costs points")
    (OUT / "summary.json").write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
