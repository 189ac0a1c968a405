"""Every page a participant, a clinician and an admin can reach from their home page, filled with
the demo data, writes dates and times through the named formats: no ISO dates, no 24-hour
clocks next to 12-hour ones, no IANA zone names, no "1 times"."""

import html
import re
from collections import deque
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from app.models import User
from tests.conftest import pass_second_step, post_form

DEMO_PASSWORD = "trellis-demo-password"  # noqa: S105 - the documented demo credential
#: Most pages a crawl opens per person (the demo's are well under it).
LIMIT = 150
SKIP = (".ics", ".csv", ".json", ".js", ".webmanifest", "/static/", "/calendar/", "/healthz",
        "/signout")

ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
CLOCK_24H = re.compile(r"\b(?:[01]?\d|2[0-3]):[0-5]\d\b(?![\s\u202f]?[AP]M)")
IANA_ZONE = re.compile(r"\b(?:America|Europe|Asia|Africa|Australia|Pacific|Atlantic|Indian)"
                       r"/[A-Z][A-Za-z_]+")
BAD_PLURAL = re.compile(r"\b1 (?:times|days|minutes|hours|sessions|answers|scores|events|"
                        r"programs|accounts|enrolments|notices|points|check-ins)\b")


def visible_text(page: str) -> str:
    """What a reader sees: no scripts, styles, tags or attributes (form values included)."""
    page = re.sub(r"<(script|style|textarea)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r'<option value="[^"]*"( selected)?>', "<option>", page)
    text = re.sub(r"<[^>]+>", " ", page)
    return re.sub(r"\s+", " ", html.unescape(text))


def problems_on(text: str) -> list[str]:
    found = []
    for name, pattern in (("ISO date", ISO_DATE), ("24-hour time", CLOCK_24H),
                          ("IANA zone name", IANA_ZONE), ("missing plural", BAD_PLURAL)):
        found += [f"{name}: …{text[max(0, m.start() - 30):m.end() + 30]}…"
                  for m in pattern.finditer(text)]
    return found


def test_the_checks_catch_what_they_should():
    assert problems_on("Sat 28 Nov 2026, 22:40")  # the old strftime shape
    assert problems_on("since 2026-11-08") and problems_on("(America/New_York)")
    assert problems_on("You checked in 1 times.")
    assert not problems_on("Nov 28, 2026, 10:40\u202fPM EST · 9:12 AM · 1 time · 2 times")


def _links(page: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(r'<a\b[^>]*\bhref="([^"]+)"', page)]


def _crawl(client, start: str) -> dict[str, list[str]]:
    seen, queue, found = {start}, deque([start]), {}
    while queue and len(seen) <= LIMIT:
        url = queue.popleft()
        response = client.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        page = response.get_data(as_text=True)
        if problems := problems_on(visible_text(page)):
            found[url] = problems
        for link in _links(page):
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                continue  # tel:, sms:, https: and other sites
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if target not in seen and not any(s in target for s in SKIP):
                seen.add(target)
                queue.append(target)
    assert len(seen) > 5, seen  # the crawl really walked the site
    return found


@pytest.mark.parametrize("email", ["alex@example.org", "sam@example.org",
                                   "clinician@example.org", "admin@example.org"])
def test_every_reachable_page_uses_the_named_formats(app, runner, db, email):
    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    user = db.session.scalar(sa.select(User).where(User.email == email))
    client = app.test_client()
    assert post_form(client, "/signin", {"email": email, "password": DEMO_PASSWORD}
                     ).status_code == 302
    if user.is_staff:
        pass_second_step(client, user)
        start = "/admin/" if user.is_admin else "/clinician/"
    else:
        post_form(client, "/consent", {"accept": "y"})
        start = "/today"
    assert _crawl(client, start) == {}
