"""Password recovery in the browser: on a phone by e-mail, and a clinician's link; axe clean."""

import re

import pytest
from playwright.sync_api import expect

from tests.auth.smtp_server import SmtpServer
from tests.browser.fixtures import settle

pytestmark = pytest.mark.browser

NEW_PASSWORD = "violet kettle harbour spoon"


@pytest.fixture
def smtp(app, live_server):
    saved = {k: app.config.get(k) for k in ("MAIL_SERVER", "MAIL_PORT", "MAIL_DEFAULT_SENDER",
                                            "MAIL_USE_TLS")}
    with SmtpServer() as server:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_USE_TLS=False,
                          MAIL_DEFAULT_SENDER="no-reply@example.org")
        yield server.mailbox
    app.config.update(saved)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_forgot_password_by_email_on_a_phone(open_page, check_a11y, world, smtp, scheme):
    page = open_page("phone", color_scheme=scheme)
    page.goto("/signin")
    page.get_by_role("link", name="Forgot your password?").click()
    page.wait_for_url("**/forgot-password")
    settle(page)
    check_a11y(page)
    page.get_by_label("Email").fill(world.participant_a.email)
    page.get_by_role("button", name="Send me a link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    check_a11y(page)
    (message,) = smtp.wait_for(1)
    link = re.search(r"http\S+/reset/\S+", message.get_body(("plain",)).get_content()).group(0)
    page.goto(link)
    settle(page)
    check_a11y(page)
    page.get_by_label("New password").fill(NEW_PASSWORD)
    page.get_by_label("Type it again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save the new password").click()
    page.wait_for_url("**/today")
    expect(page.locator("#main").get_by_text("Your password is changed.")).to_be_visible()


def test_a_clinician_shows_a_participant_a_reset_code(open_page, sign_in, check_a11y, world):
    page = open_page("desktop")
    sign_in(page, world.clinician_a, lands_on="/clinician/")
    page.goto(f"/clinician/participants/{world.participant_a.id}")
    page.get_by_role("link", name="Password link").click()
    settle(page)
    check_a11y(page)
    page.get_by_role("button", name="Create the link").click()
    expect(page.get_by_role("figure")).to_contain_text("QR code of the password reset link")
    expect(page.get_by_label("Password reset link")).to_have_value(re.compile(r"/reset/"))
    check_a11y(page)
