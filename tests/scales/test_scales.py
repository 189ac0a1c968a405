"""The scale registry: published wording and options, scoring at every band edge, validation."""

import pytest

from app.scales.registry import GAD7, PCL5, PHQ9, PHQ_COPYRIGHT, SCALES, score, validate_answers


def _answers_totalling(scale, total: int) -> dict[str, int]:
    """Answers to the scored items that add up to `total` (filled item by item)."""
    top = max(o.value for o in scale.options)
    answers = {}
    for item in scale.scored_items:
        answers[item.key] = min(top, total)
        total -= answers[item.key]
    assert total == 0
    return answers


@pytest.mark.parametrize("total, band", [
    (0, "minimal"), (4, "minimal"), (5, "mild"), (9, "mild"), (10, "moderate"),
    (14, "moderate"), (15, "moderately_severe"), (19, "moderately_severe"), (20, "severe"),
    (27, "severe"),
])
def test_phq9_band_edges(total, band):
    result = score(PHQ9, _answers_totalling(PHQ9, total))
    assert (result.total, result.band.key) == (total, band)


@pytest.mark.parametrize("total, band", [
    (0, "minimal"), (4, "minimal"), (5, "mild"), (9, "mild"), (10, "moderate"),
    (14, "moderate"), (15, "severe"), (21, "severe"),
])
def test_gad7_band_edges(total, band):
    result = score(GAD7, _answers_totalling(GAD7, total))
    assert (result.total, result.band.key) == (total, band)


@pytest.mark.parametrize("total, band", [(0, "below_cutpoint"), (32, "below_cutpoint"),
                                         (33, "probable_ptsd"), (80, "probable_ptsd")])
def test_pcl5_cut_point_and_clusters(total, band):
    result = score(PCL5, _answers_totalling(PCL5, total))
    assert (result.total, result.band.key) == (total, band)
    assert sum(result.subscores.values()) == total
    assert set(result.subscores) == {"B", "C", "D", "E"}


def test_pcl5_clusters_follow_the_published_item_ranges():
    assert PCL5.subscales == {
        "B": ("q1", "q2", "q3", "q4", "q5"), "C": ("q6", "q7"),
        "D": tuple(f"q{n}" for n in range(8, 15)), "E": tuple(f"q{n}" for n in range(15, 21)),
    }
    answers = {f"q{n}": (4 if n in (6, 7) else 0) for n in range(1, 21)}
    assert score(PCL5, answers).subscores == {"B": 0, "C": 8, "D": 0, "E": 0}


@pytest.mark.parametrize("scale", list(SCALES.values()), ids=list(SCALES))
def test_every_scale_is_complete_data(scale):
    """Adding a scale is adding data: its bands cover 0..max without gaps or overlaps."""
    edges = [(b.low, b.high) for b in scale.bands]
    assert edges[0][0] == 0 and edges[-1][1] == scale.max_total
    assert all(high + 1 == low for (_l, high), (low, _h) in zip(edges, edges[1:], strict=False))
    assert len({i.key for i in scale.items}) == len(scale.items)
    assert scale.licence
    if scale.safety_item:
        assert scale.item(scale.safety_item).scored
    assert score(scale, _answers_totalling(scale, scale.max_total)).band == scale.bands[-1]


def test_phq9_and_gad7_use_the_published_wording_options_and_copyright():
    assert len(PHQ9.scored_items) == 9 and PHQ9.max_total == 27
    assert len(GAD7.scored_items) == 7 and GAD7.max_total == 21
    assert [str(o.label) for o in PHQ9.options] == [
        "Not at all", "Several days", "More than half the days", "Nearly every day"]
    assert [o.value for o in GAD7.options] == [0, 1, 2, 3]
    assert str(PHQ9.instructions) == ("Over the last 2 weeks, how often have you been bothered "
                                      "by any of the following problems?")
    assert str(PHQ9.item("q9").text) == ("Thoughts that you would be better off dead or of "
                                         "hurting yourself in some way")
    assert str(PHQ9.item("q2").text) == "Feeling down, depressed, or hopeless"
    assert str(GAD7.item("q1").text) == "Feeling nervous, anxious, or on edge"
    assert str(GAD7.item("q7").text) == "Feeling afraid, as if something awful might happen"
    assert str(PHQ_COPYRIGHT) == (
        "Developed by Drs. Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke and colleagues, "
        "with an educational grant from Pfizer Inc. No permission required to reproduce, "
        "translate, display or distribute.")
    assert str(PHQ9.licence) == str(GAD7.licence) == str(PHQ_COPYRIGHT)
    assert PHQ9.safety_item == "q9" and PHQ9.meaningful_change == 5
    assert GAD7.safety_item is None


def test_pcl5_has_its_20_published_items_and_options_and_is_public_domain():
    assert len(PCL5.scored_items) == 20 and PCL5.max_total == 80
    assert [str(o.label) for o in PCL5.options] == [
        "Not at all", "A little bit", "Moderately", "Quite a bit", "Extremely"]
    assert str(PCL5.item("q17").text) == 'Being "superalert" or watchful or on guard?'
    assert str(PCL5.item("q20").text) == "Trouble falling or staying asleep?"
    assert "Public domain" in str(PCL5.licence) and "National Center for PTSD" in str(PCL5.licence)
    assert not PCL5.default_enabled  # for trauma tracks only


def test_the_columbia_screener_is_not_embedded():
    names = " ".join(f"{s.key} {s.name} {s.title}" for s in SCALES.values()).lower()
    assert "c-ssrs" not in names and "columbia" not in names


def test_a_phq9_with_a_missing_item_is_refused_item_by_item():
    raw = {f"q{n}": "1" for n in range(1, 9)}  # q9 missing
    answers, errors = validate_answers(PHQ9, raw)
    assert errors == {"q9": "Answer this question."}
    assert answers["q1"] == 1 and "difficulty" not in errors  # unscored item is optional
    with pytest.raises(ValueError):
        score(PHQ9, answers)


@pytest.mark.parametrize("bad", ["4", "-1", "x", "1.5", True, None, ""])
def test_answers_outside_the_options_are_refused(bad):
    raw = {f"q{n}": 0 for n in range(1, 8)} | {"q3": bad}
    _answers, errors = validate_answers(GAD7, raw)
    assert "q3" in errors


def test_the_difficulty_question_is_kept_but_not_scored():
    answers, errors = validate_answers(PHQ9, {f"q{n}": 3 for n in range(1, 10)} | {
        "difficulty": "2"})
    assert errors == {} and answers["difficulty"] == 2
    assert score(PHQ9, answers).total == 27


@pytest.mark.parametrize("bad", ["²", "٣", "1e2", " ", "+1"])
def test_only_plain_digits_count_as_answers(bad):
    _answers, errors = validate_answers(GAD7, {f"q{n}": 0 for n in range(1, 8)} | {"q1": bad})
    assert "q1" in errors
