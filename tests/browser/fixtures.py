"""Browser fixtures: a live server, Debian's Chromium through Playwright, and page checks.

Every page opened through `open_page` records its requests and console messages; after the test
it fails on any request to another origin (no CDNs, fonts or analytics: docs/security.md) and
on any Content Security Policy violation. `check_a11y` runs axe-core on the current page and fails
on serious or critical violations.
"""

import os
import threading
from urllib.parse import urlsplit

import pyotp
import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from app.extensions import db
from app.models import User
from tests.conftest import PASSWORD


def reset_totp_replay_guard(user) -> None:
    """Let the current TOTP code be used again (tests sign people in within one time step)."""
    db.session.execute(sa.update(User).where(User.id == user.id).values(totp_last_step=None))
    db.session.commit()

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEVICES = {
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "tablet": {"viewport": {"width": 768, "height": 1024}, "has_touch": True},
}
BLOCKING_IMPACTS = {"serious", "critical"}
#: Schemes that never leave the browser.
LOCAL_SCHEMES = ("data:", "about:")


@pytest.fixture(scope="session")
def live_server(app):
    """The app served over HTTP on a free loopback port; yields the base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless. Skipped where it is missing, except in CI."""
    if not os.path.exists(CHROMIUM):
        message = f"Debian chromium not installed ({CHROMIUM}); apt-get install -y chromium"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
    finally:
        playwright.stop()


class PageRecord:
    """What one browser context did: every request URL and every CSP violation message."""

    def __init__(self, origin: str):
        self.origin = origin
        self.requests: list[str] = []
        self.csp_errors: list[str] = []

    def on_console(self, message) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            self.csp_errors.append(f"{message.text} ({message.location.get('url', '')})")

    def off_origin(self) -> list[str]:
        return [
            url for url in self.requests
            if not url.startswith(LOCAL_SCHEMES) and _origin(url) != self.origin
        ]


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@pytest.fixture
def open_page(browser, live_server):
    """Factory: a page in a new browser context ("phone" or "desktop"), checked after the test."""
    opened: list[tuple[object, PageRecord]] = []

    def open_(device: str = "phone", **options):
        """`options` go to the browser context: color_scheme="dark", java_script_enabled=False…"""
        context = browser.new_context(base_url=live_server, **DEVICES[device], **options)
        context.set_default_timeout(10_000)
        record = PageRecord(live_server)
        context.on("request", lambda request: record.requests.append(request.url))
        context.on("console", record.on_console)
        opened.append((context, record))
        return context.new_page()

    yield open_

    problems = []
    for context, record in opened:
        context.close()
        if off := record.off_origin():
            problems.append("requests to another origin:\n  " + "\n  ".join(off))
        if record.csp_errors:
            problems.append("Content Security Policy violations:\n  "
                            + "\n  ".join(record.csp_errors))
    assert not problems, "\n".join(problems)


@pytest.fixture(scope="session")
def axe():
    """axe-core, injected into pages by axe-playwright-python."""
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def settle(page) -> None:
    """Wait until the page has loaded and htmx has finished any request and swap."""
    page.wait_for_load_state("load")
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, "
        ".htmx-added')"
    )


AXE_OPTIONS = {"resultTypes": ["violations"]}
#: WCAG 2.2's target size (24×24 CSS px), which axe leaves off by default. The every-page walk
#: turns it on for pages as loaded; a test that has scrolled can leave a button half under the
#: fixed bottom navigation, which axe would count as a small target.
TARGET_SIZE = {"rules": {"target-size": {"enabled": True}}}


def axe_violations(axe, page, only: list[str] | None = None,
                   target_size: bool = False) -> list[dict]:
    """axe-core's serious and critical violations on the page as it is now (`only`: these
    rules alone; `target_size`: with WCAG 2.2's target-size rule)."""
    options = {**AXE_OPTIONS, **(TARGET_SIZE if target_size else {})}
    if only:
        options["runOnly"] = {"type": "rule", "values": only}
    # Inject axe once per document (axe-playwright-python would inject it on every run).
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe.axe_script)
    results = page.evaluate("(options) => axe.run(document, options)", options)
    return [v for v in results["violations"] if v["impact"] in BLOCKING_IMPACTS]


@pytest.fixture
def check_a11y(axe):
    """Run axe-core on the page as it is now; fail on serious or critical violations."""

    def check(page) -> None:
        settle(page)
        blocking = axe_violations(axe, page)
        assert not blocking, f"axe on {page.url}:\n" + describe(blocking)

    return check


def describe(violations: list[dict]) -> str:
    """axe's violations as lines a person can act on."""
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} [{v['helpUrl']}]")
        for node in v["nodes"]:
            lines.append(f"    {', '.join(map(str, node['target']))}: {node['html'][:200]}")
            if node.get("failureSummary"):
                lines.append("      " + node["failureSummary"].replace("\n", "\n      "))
    return "\n".join(lines)


@pytest.fixture
def sign_in():
    """Sign a user in through the real form and wait for their home page."""

    def sign_in_(page, user, lands_on: str, keep_signed_in: bool = False) -> None:
        page.goto("/signin")
        page.locator("[name=email]").fill(user.email)
        page.locator("[name=password]").fill(PASSWORD)
        if keep_signed_in:
            page.locator("[name=keep_signed_in]").check()
        # Enter submits the form in any language ("Sign in", "Iniciar sesión").
        page.locator("[name=password]").press("Enter")
        if user.is_staff:
            page.wait_for_url("**/mfa**")
            reset_totp_replay_guard(user)
            page.locator("[name=code]").fill(pyotp.TOTP(user.totp_secret).now())
            page.locator("[name=code]").press("Enter")
        page.wait_for_url(f"**{lands_on}")
        settle(page)

    return sign_in_
