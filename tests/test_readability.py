"""Plain language: every page the demo participant reaches reads at about a 6th-grade level.

The measure is tools/readability.py (textstat's Flesch-Kincaid grade over the prose in <main>,
the published scale wording left out); docs/accessibility.md reports its figures.
"""

import re

import pytest
import sqlalchemy as sa

from app.models import User
from tools import readability

SIMPLE = ("You can call or text 988 at any time. It is free. Someone will listen to you. "
          "You do not have to give your name.")
HARD = ("Participants demonstrating persistent symptomatology necessitating intensified "
        "therapeutic intervention should consult their multidisciplinary treatment team "
        "regarding individualized pharmacological considerations.")


def test_the_measure_tells_plain_from_hard_english():
    assert readability.grade(SIMPLE) < 4 < readability.TARGET < 12 < readability.grade(HARD)


def test_the_measure_reads_main_only_and_leaves_out_the_published_scale_wording(app):
    with app.app_context():
        validated = readability.validated_wording()
    item = "Little interest or pleasure in doing things"
    assert item in validated
    page = (f"<header><p>{HARD}</p></header><main><h1>Mood</h1><fieldset><legend>1. {item}"
            f"</legend></fieldset><p>{SIMPLE}</p><nav><a href='/x'>{HARD}</a></nav>"
            "<p hidden>Hidden text is not read by anyone here.</p></main>")
    blocks = readability.prose(page, validated)
    assert blocks == [SIMPLE.rstrip(".")]


@pytest.fixture
def demo_pages(app, runner, db):
    """Every HTML page the demo participant reaches from Today and the crisis page."""
    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    assert db.session.scalar(sa.select(User).where(User.email == readability.PARTICIPANT))
    pages = readability.crawl(readability.signed_in_participant_client(app))
    assert {"/today", "/checkin", "/skills", "/me", "/crisis", "/safety-plan"} <= set(pages)
    return pages


@pytest.mark.rendering
def test_every_participant_page_reads_at_about_a_sixth_grade_level(app, demo_pages):
    with app.test_request_context():
        scores = readability.score_pages(demo_pages)
    assert len(scores) > 50  # the walk reached the skill library, history and settings pages
    too_hard = [f"{s.url}: grade {s.grade} — hardest: {s.hardest[:1]}" for s in scores
                if s.grade > readability.TARGET]
    assert too_hard == []


@pytest.mark.rendering
def test_participant_pages_explain_the_scale_names(demo_pages):
    """No bare "PHQ-9" on a participant page: where a scale name shows, its plain title or a
    sentence saying what it is is on the same page."""
    explained = {"PHQ-9": "questionnaire about mood", "GAD-7": "questionnaire about worry",
                 "PCL-5": "questionnaire about stress"}
    unexplained = []
    for url, page in demo_pages.items():
        text = " ".join(readability.prose(page)) + " " + " ".join(
            re.findall(r"<h[12][^>]*>([^<]+)</h[12]>", page))
        for name, plain in explained.items():
            if name in text and plain not in text and f"questionnaire ({name})" not in text:
                unexplained.append(f"{url}: {name}")
    assert unexplained == []
