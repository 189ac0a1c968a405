"""Take the README's screenshots from the demo data: `.venv/bin/python docs/screenshots/take.py`.

Builds a throwaway SQLite instance, seeds the demo data, serves it on a free loopback port and
photographs a participant's phone (390 px wide, light and dark) and a clinician's desktop with
Playwright and Debian's Chromium (/usr/bin/chromium). Writes the PNGs beside this file.
"""

import logging
import os
import pathlib
import sys
import tempfile
import threading

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]
PASSWORD = "trellis-demo-password"  # noqa: S105 - the documented demo credential


def main() -> None:
    instance = tempfile.mkdtemp(prefix="trellis-shots-")
    os.environ.update(TRELLIS_ENV="development", TRELLIS_INSTANCE_PATH=instance)
    os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(ROOT))
    import pyotp
    from flask_migrate import upgrade
    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    from app import create_app
    from app.demo.seed import DEMO_TOTP_SECRET, seed_demo_data

    app = create_app()
    for name in ("werkzeug", "alembic"):
        logging.getLogger(name).setLevel(logging.WARNING)
    with app.app_context():
        upgrade()
        seed_demo_data()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                             args=["--headless=new", "--no-sandbox"])

        def sign_in(page, email: str, staff: bool = False) -> None:
            page.goto("/signin")
            page.fill("[name=email]", email)
            page.fill("[name=password]", PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url(lambda url: "/signin" not in url)
            if staff:
                page.fill("[name=code]", pyotp.TOTP(DEMO_TOTP_SECRET).now())
                page.get_by_role("button", name="Continue").click()
                page.wait_for_url(lambda url: "/mfa" not in url)
            if "/consent" in page.url:
                page.get_by_label("I have read this and agree").check()
                page.get_by_role("button", name="Continue").click()
                page.wait_for_url(lambda url: "/consent" not in url)

        phone = {"viewport": {"width": 390, "height": 844}, "is_mobile": True,
                 "has_touch": True, "device_scale_factor": 1}
        for scheme, path, name in (("light", "/today", "phone-today.png"),
                                   ("dark", "/progress", "phone-progress-dark.png")):
            context = browser.new_context(base_url=base, color_scheme=scheme, **phone)
            page = context.new_page()
            sign_in(page, "alex@example.org")
            page.goto(path)
            page.wait_for_load_state("networkidle")
            page.screenshot(path=HERE / name)
            context.close()

        context = browser.new_context(base_url=base, viewport={"width": 1280, "height": 800})
        page = context.new_page()
        sign_in(page, "clinician@example.org", staff=True)
        page.goto("/clinician/")
        page.wait_for_load_state("networkidle")
        page.screenshot(path=HERE / "desktop-caseload.png")
        browser.close()
    server.shutdown()
    print(f"screenshots written to {HERE}")


if __name__ == "__main__":
    main()
