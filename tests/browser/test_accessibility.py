"""WCAG 2.2 AA checks axe cannot make alone, measured in a real browser on a phone: target sizes,
status messages read out after htmx swaps, and participant pages at 200 % text size.

The page-by-page axe walk (light and dark, phone and desktop, 320 px reflow) is in
test_every_page.py; keyboard use and visible, unobscured focus are in test_keyboard.py.
"""

import pytest
from playwright.sync_api import expect

from app.skills import catalogue
from tests.browser.fixtures import settle

pytestmark = pytest.mark.browser

#: The main participant actions: at least 44×44 CSS px (the issue; WCAG 2.5.5's size).
MAIN_ACTIONS = ", ".join([
    ".bottom-nav a", ".topbar .button", "main .button", "main button", ".choice span",
    "main summary",
])
#: Every other control: at least 24×24 CSS px (WCAG 2.5.8), links inside a sentence excepted.
CONTROLS = "a[href], button, input:not([type=hidden]), select, textarea, summary"
PARTICIPANT_PAGES = ["/today", "/checkin", "/skills", "/skills/log?skill=box-breathing", "/me",
                     "/me/reminders", "/safety-plan", "/medications", "/schedule", "/crisis"]

SIZES = """([main, any]) => {
  const out = [];
  const shown = (el) => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && getComputedStyle(el).visibility !== 'hidden';
  };
  for (const el of document.querySelectorAll(main)) {
    if (!shown(el)) continue;
    const box = el.getBoundingClientRect();
    if (box.width < 44 || box.height < 44)
      out.push(`main action ${el.outerHTML.slice(0, 80)}: ${box.width}×${box.height}`);
  }
  for (const el of document.querySelectorAll(any)) {
    // inputs inside a .choice cover their drawn span, measured above
    if (!shown(el) || el.closest('.choice') || el.closest('.skip-link, .visually-hidden')) continue;
    const box = el.getBoundingClientRect();
    const inSentence = el.tagName === 'A' && getComputedStyle(el).display === 'inline'
      && el.parentElement.textContent.trim().length > el.textContent.trim().length + 1;
    if (!inSentence && (box.width < 24 || box.height < 24))
      out.push(`control ${el.outerHTML.slice(0, 80)}: ${box.width}×${box.height}`);
  }
  return out;
}"""


@pytest.fixture
def participant_page(app, open_page, sign_in, world):
    """Participant A signed in on a phone, the skill catalogue loaded."""
    with app.test_request_context():
        catalogue.sync()

    def open_(**options):
        page = open_page("phone", **options)
        sign_in(page, world.participant_a, lands_on="/today")
        return page

    return open_


def test_main_actions_are_44_px_and_every_control_at_least_24_px(participant_page):
    page = participant_page()
    problems = []
    for url in PARTICIPANT_PAGES:
        page.goto(url)
        settle(page)
        problems += [f"{url}: {p}" for p in page.evaluate(SIZES, [MAIN_ACTIONS, CONTROLS])]
    assert problems == []


def test_the_size_check_finds_a_small_target(participant_page):
    page = participant_page()
    page.goto("/today")
    settle(page)
    page.evaluate("document.querySelector('.bottom-nav a').style.minHeight = '10px';"
                  "document.querySelector('.bottom-nav a').style.height = '20px';"
                  "document.querySelector('.bottom-nav a').style.display = 'block'")
    assert page.evaluate(SIZES, [MAIN_ACTIONS, CONTROLS])


def test_a_status_message_from_an_htmx_swap_is_read_out(participant_page):
    """Saving the profile on Me swaps the form in place; its "Saved." reaches the page's polite
    live region, which stays on the page."""
    page = participant_page()
    page.goto("/me")
    settle(page)
    announcer = page.locator("#announcer")
    expect(announcer).to_have_attribute("aria-live", "polite")
    expect(announcer).to_have_text("")
    name = page.get_by_label("What should we call you?")
    name.fill("Robin")
    name.press("Enter")
    expect(page.locator("main [role=status]").filter(has_text="Saved.")).to_be_visible()
    expect(announcer).to_have_text("Saved.")


@pytest.mark.parametrize("url", ["/today", "/checkin", "/skills/log?skill=box-breathing",
                                 "/me", "/crisis", "/safety-plan"])
def test_participant_pages_work_at_200_percent_text(participant_page, url):
    """Text twice as large (the browser's text-size setting): nothing scrolls sideways at
    390 px, and the save button and the crisis link are still on the page and reachable."""
    page = participant_page()
    page.goto(url)
    settle(page)
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{url} is {width} px wide at 200 % text"
    help_link = page.get_by_role("link", name="Need help now?")
    help_link.focus()
    expect(help_link).to_be_in_viewport()
    for button in page.locator("main button[type=submit]").all():
        button.scroll_into_view_if_needed()
        expect(button).to_be_in_viewport()
