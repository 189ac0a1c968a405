"""The catalogue: Trellis's skills as data, loaded idempotently; edits add versions and never
touch what was logged."""

import json
from collections import Counter

import pytest
import sqlalchemy as sa

from app.models import Skill, SkillPractice, SkillVersion
from app.skills import catalogue
from app.skills.categories import CATEGORIES
from app.skills.content import STEPS_MAX, STEPS_MIN
from tests.skills.helpers import count, current_text, practice_form


def _document(**changes) -> dict:
    document = json.loads(catalogue.CATALOGUE_FILE.read_text())
    for skill in document["skills"]:
        skill.update(changes.get(skill["key"], {}))
    return document


def test_the_shipped_catalogue_has_at_least_30_skills_in_every_category_with_3_to_6_steps():
    entries = catalogue.load()
    assert len(entries) >= 30
    per_category = Counter(e.text.category for e in entries)
    assert set(per_category) == set(CATEGORIES)
    keys = {e.key for e in entries}
    # The named skills are there.
    for key in ("paced-breathing", "grounding-54321", "thought-record", "one-small-thing",
                "urge-surfing", "halt", "play-the-tape-forward", "reach-out", "wise-mind",
                "stop", "check-the-facts", "ask-for-what-you-need"):
        assert key in keys
    for entry in entries:
        assert STEPS_MIN <= len(entry.text.steps) <= STEPS_MAX, entry.key
        assert entry.text.use_when.startswith("Use it when "), entry.key
        assert 1 <= entry.text.minutes <= 30, entry.key
        # Short sentences for someone reading on a phone while upset.
        assert all(len(step) <= 130 for step in entry.text.steps), entry.key
    guided = {e.key: e.text.guided["mode"] for e in entries if e.text.guided}
    assert guided["paced-breathing"] == "breathing" and guided["grounding-54321"] == "steps"


def test_sync_twice_adds_nothing_the_second_time(skills_catalogue, db):
    first = skills_catalogue
    assert len(first.added) == len(catalogue.load()) and first.updated == []
    skills, versions = count(Skill), count(SkillVersion)
    second = catalogue.sync()
    assert (second.added, second.updated, second.retired) == ([], [], [])
    assert second.unchanged == len(first.added)
    assert (count(Skill), count(SkillVersion)) == (skills, versions)


def test_an_edit_in_the_file_is_a_new_version_and_practices_keep_their_text(
        participant_client, db):
    practice_form(participant_client)
    logged = db.session.scalar(sa.select(SkillPractice))
    old_version_id = logged.skill_version_id
    document = _document(**{"paced-breathing": {"name": "Slow breathing"}})
    report = catalogue.sync(catalogue.parse(document))
    assert report.updated == ["paced-breathing"] and report.added == []
    assert current_text("paced-breathing").name == "Slow breathing"
    assert current_text("paced-breathing").number == 2
    db.session.refresh(logged)
    assert logged.skill_version_id == old_version_id
    assert logged.version.name == "Paced breathing"
    assert db.session.get(SkillVersion, old_version_id).is_current is False
    again = catalogue.sync(catalogue.parse(document))
    assert again.updated == [] and count(SkillVersion) == len(catalogue.load()) + 1


def test_a_skill_taken_out_of_the_file_is_retired_and_comes_back(participant_client, db):
    document = _document()
    document["skills"] = [s for s in document["skills"] if s["key"] != "halt"]
    assert catalogue.sync(catalogue.parse(document)).retired == ["halt"]
    assert participant_client.get("/skills/halt").status_code == 404
    assert "HALT check" not in participant_client.get("/skills").get_data(as_text=True)
    assert catalogue.sync().restored == ["halt"]
    assert participant_client.get("/skills/halt").status_code == 200


@pytest.mark.parametrize(("change", "message"), [
    ({"key": "Not A Key"}, "lower-case words"),
    ({"key": "log"}, "reserved"),
    ({"key": "p12-mine"}, "reserved"),
    ({"steps": ["Only one step."]}, "3 to 6 short steps"),
    ({"category": "astrology"}, "category"),
    ({"minutes": 0}, "minutes"),
    ({"guided": {"mode": "breathing", "in": 4}}, "Breathing needs"),
    ({"name": ""}, "name"),
])
def test_a_broken_catalogue_is_refused_with_where_and_why(change, message):
    document = _document()
    document["skills"][0] = {**document["skills"][0], **change}
    with pytest.raises(catalogue.CatalogueError) as error:
        catalogue.parse(document)
    assert "skill 1" in str(error.value) and message in str(error.value)


def test_a_key_used_twice_is_refused():
    document = _document()
    document["skills"].append(dict(document["skills"][0]))
    with pytest.raises(catalogue.CatalogueError, match="used twice"):
        catalogue.parse(document)


def test_the_sync_command_reports_what_it_did_and_reads_another_file(runner, db, tmp_path):
    result = runner.invoke(args=["skills", "sync"])
    assert result.exit_code == 0, result.output
    assert f"0 added, 0 updated, 0 retired, 0 restored, {len(catalogue.load())} unchanged" \
        in result.output
    edited = tmp_path / "catalogue.json"
    edited.write_text(json.dumps(_document(**{"halt": {"minutes": 4}})))
    result = runner.invoke(args=["skills", "sync", "--file", str(edited)])
    assert result.exit_code == 0 and "updated: halt" in result.output
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    result = runner.invoke(args=["skills", "sync", "--file", str(broken)])
    assert result.exit_code != 0 and "Cannot read" in result.output
