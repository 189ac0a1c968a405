"""Keyboard only, on a phone-sized screen: a participant completes a check-in and logs a skill
practice with Tab, Shift+Tab, Space and Enter, and every focus stop is visible and not hidden
behind the sticky header or the bottom navigation (WCAG 2.1.1, 2.4.7, 2.4.11).

The check-in's mood is a native radio group: Tab lands on its first option and Space chooses
it. Choosing another option of a native radio group takes the arrow keys (the browser's own
behaviour, which screen-reader and keyboard users expect); this test keeps to the four keys
and so answers "Very low", then shows Shift+Tab returns to the group.
"""

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.models import Checkin
from app.models.skills import SkillPractice
from app.skills import catalogue
from tests.browser.fixtures import settle

pytestmark = pytest.mark.browser

#: Where the focus is and whether a person can see it. A radio or checkbox inside a `.choice`
#: is drawn by the span after it, so that span must carry the focus ring.
FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const drawn = el.matches('.choice input') ? el.nextElementSibling : el;
  const style = getComputedStyle(drawn);
  const box = drawn.getBoundingClientRect();
  const fixed = (selector, side) => {
    const bar = document.querySelector(selector);
    if (!bar || bar.contains(el)) return side === 'top' ? 0 : innerHeight;
    const position = getComputedStyle(bar).position;
    if (position !== 'fixed' && position !== 'sticky') return side === 'top' ? 0 : innerHeight;
    const rect = bar.getBoundingClientRect();
    return side === 'top' ? Math.max(0, rect.bottom) : rect.top;
  };
  return {
    label: (el.name ? el.name + '=' + el.value : '') || el.textContent.trim().slice(0, 40)
           || el.id,
    ring: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
    top: box.top, bottom: box.bottom,
    uncovered_from: fixed('.topbar', 'top'), uncovered_to: fixed('.bottom-nav', 'bottom'),
    skip: el.matches('.skip-link'),
  };
}"""


def _press(page, key: str, problems: list[str]) -> dict | None:
    page.keyboard.press(key)
    focus = page.evaluate(FOCUS)
    if focus is None:
        return None
    if not focus["ring"]:
        problems.append(f"no visible focus on {focus['label']!r}")
    if not focus["skip"] and (focus["bottom"] <= focus["uncovered_from"] + 1
                              or focus["top"] >= focus["uncovered_to"] - 1):
        problems.append(f"{focus['label']!r} is hidden behind a bar: {focus}")
    return focus


def _tab_to(page, wanted, problems: list[str], key: str = "Tab", limit: int = 120) -> dict:
    """Press `key` until the focused element's label satisfies `wanted`."""
    seen = []
    for _ in range(limit):
        focus = _press(page, key, problems)
        seen.append(focus and focus["label"])
        if focus and wanted(focus["label"]):
            return focus
    raise AssertionError(f"never reached the wanted element with {key}: {seen}")


def test_a_check_in_and_a_skill_practice_with_the_keyboard_alone(app, open_page, sign_in, world,
                                                                  db):
    with app.test_request_context():
        catalogue.sync()  # the skills Trellis ships, as `flask skills sync` loads them
    page = open_page("phone")
    sign_in(page, world.participant_a, lands_on="/today")
    problems: list[str] = []

    page.goto("/checkin")
    settle(page)
    _tab_to(page, lambda label: label.startswith("mood="), problems)
    page.keyboard.press("Space")
    expect(page.locator("input[name=mood][value='1']")).to_be_checked()
    # past the rest of the form (optional answers left empty), then back with Shift+Tab
    _tab_to(page, lambda label: label == "Save check-in", problems)
    _tab_to(page, lambda label: label.startswith("mood="), problems, key="Shift+Tab")
    _tab_to(page, lambda label: label == "Save check-in", problems)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Thank you. Your check-in is saved.")).to_be_focused()
    checkin = db.session.scalar(sa.select(Checkin).where(
        Checkin.participant_id == world.participant_a.id))
    assert checkin is not None and checkin.mood == 1

    page.goto("/skills/log")
    settle(page)
    focus = _tab_to(page, lambda label: label and "Box breathing" in label, problems)
    page.keyboard.press("Enter")
    page.wait_for_url("**/skills/log?skill=*")
    settle(page)
    _tab_to(page, lambda label: label.startswith("helpful="), problems)
    page.keyboard.press("Space")
    _tab_to(page, lambda label: label == "Save practice", problems)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Saved. Well done for taking this time for "
                                            "yourself.")).to_be_focused()
    practice = db.session.scalar(sa.select(SkillPractice).where(
        SkillPractice.participant_id == world.participant_a.id))
    assert practice is not None and practice.helpful == 1, focus
    assert problems == []
