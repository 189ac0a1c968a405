"""Standard scales as data: items, answer options, scoring, bands, the safety item, licence.

Adding a scale is adding one `Scale(...)` to SCALES (and its tests): the forms, scoring,
due dates, history, charts and safety rules all read this registry. Item wording and answer
options are the published English versions, word for word; a translation must be the
scale's own published translation, not ours.

Not here on purpose: the Columbia (C-SSRS) screener, whose electronic use is licensed.
"""

import re
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

#: Translated like the scales: each language's published form carries its own copyright line.
PHQ_COPYRIGHT = _l(
    "Developed by Drs. Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke and colleagues, "
    "with an educational grant from Pfizer Inc. No permission required to reproduce, "
    "translate, display or distribute."
)


@dataclass(frozen=True)
class Option:
    value: int
    label: str


@dataclass(frozen=True)
class Item:
    key: str
    text: str
    #: Unscored items (the PHQ's closing "how difficult" question) are optional.
    scored: bool = True
    #: Options of an unscored item; scored items use the scale's options.
    options: tuple[Option, ...] | None = None


@dataclass(frozen=True)
class Band:
    key: str
    low: int
    high: int
    label: str


@dataclass(frozen=True)
class Scale:
    key: str
    name: str  #: the published short name, e.g. "PHQ-9"
    title: str  #: what participants see
    instructions: str
    items: tuple[Item, ...]
    options: tuple[Option, ...]
    bands: tuple[Band, ...]
    licence: str
    #: A lead-in printed above the items, when the published form has one.
    stem: str | None = None
    #: The item whose answer at or above `safety_threshold` starts the crisis safety flow.
    safety_item: str | None = None
    safety_threshold: int = 1
    #: A change of this many points between two responses is clinically meaningful.
    meaningful_change: int | None = None
    #: Sub-scales: name -> item keys (summed).
    subscales: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: Asked by default in every program, and how often (days); programs can change both.
    default_enabled: bool = True
    default_cadence_days: int = 7
    #: What the scale is, in plain words, shown next to its name on participant pages.
    about: str = ""

    @property
    def scored_items(self) -> tuple[Item, ...]:
        return tuple(item for item in self.items if item.scored)

    @property
    def max_total(self) -> int:
        return len(self.scored_items) * max(o.value for o in self.options)

    def options_for(self, item: Item) -> tuple[Option, ...]:
        return item.options or self.options

    def band_for(self, total: int) -> Band:
        for band in self.bands:
            if band.low <= total <= band.high:
                return band
        raise ValueError(f"{self.key}: no band for {total}")

    def band(self, key: str) -> Band | None:
        return next((b for b in self.bands if b.key == key), None)

    def item(self, key: str) -> Item | None:
        return next((i for i in self.items if i.key == key), None)


FREQUENCY = (
    Option(0, _l("Not at all")),
    Option(1, _l("Several days")),
    Option(2, _l("More than half the days")),
    Option(3, _l("Nearly every day")),
)

DIFFICULTY = (
    Option(0, _l("Not difficult at all")),
    Option(1, _l("Somewhat difficult")),
    Option(2, _l("Very difficult")),
    Option(3, _l("Extremely difficult")),
)

PHQ9 = Scale(
    key="phq9",
    name="PHQ-9",
    title=_l("Mood questionnaire (PHQ-9)"),
    about=_l("PHQ-9 is a short questionnaire about mood. It has 9 questions about the last "
             "2 weeks."),
    instructions=_l("Over the last 2 weeks, how often have you been bothered by any of the "
                    "following problems?"),
    items=(
        Item("q1", _l("Little interest or pleasure in doing things")),
        Item("q2", _l("Feeling down, depressed, or hopeless")),
        Item("q3", _l("Trouble falling or staying asleep, or sleeping too much")),
        Item("q4", _l("Feeling tired or having little energy")),
        Item("q5", _l("Poor appetite or overeating")),
        Item("q6", _l("Feeling bad about yourself — or that you are a failure or have let "
                      "yourself or your family down")),
        Item("q7", _l("Trouble concentrating on things, such as reading the newspaper or "
                      "watching television")),
        Item("q8", _l("Moving or speaking so slowly that other people could have noticed? Or "
                      "the opposite — being so fidgety or restless that you have been moving "
                      "around a lot more than usual")),
        Item("q9", _l("Thoughts that you would be better off dead or of hurting yourself in "
                      "some way")),
        Item("difficulty", _l("If you checked off any problems, how difficult have these "
                              "problems made it for you to do your work, take care of things "
                              "at home, or get along with other people?"),
             scored=False, options=DIFFICULTY),
    ),
    options=FREQUENCY,
    bands=(
        Band("minimal", 0, 4, _l("Minimal")),
        Band("mild", 5, 9, _l("Mild")),
        Band("moderate", 10, 14, _l("Moderate")),
        Band("moderately_severe", 15, 19, _l("Moderately severe")),
        Band("severe", 20, 27, _l("Severe")),
    ),
    licence=PHQ_COPYRIGHT,
    safety_item="q9",
    safety_threshold=1,
    meaningful_change=5,
)

GAD7 = Scale(
    key="gad7",
    name="GAD-7",
    title=_l("Anxiety questionnaire (GAD-7)"),
    about=_l("GAD-7 is a short questionnaire about worry and feeling nervous. It has 7 "
             "questions about the last 2 weeks."),
    instructions=_l("Over the last 2 weeks, how often have you been bothered by the following "
                    "problems?"),
    items=(
        Item("q1", _l("Feeling nervous, anxious, or on edge")),
        Item("q2", _l("Not being able to stop or control worrying")),
        Item("q3", _l("Worrying too much about different things")),
        Item("q4", _l("Trouble relaxing")),
        Item("q5", _l("Being so restless that it is hard to sit still")),
        Item("q6", _l("Becoming easily annoyed or irritable")),
        Item("q7", _l("Feeling afraid, as if something awful might happen")),
        Item("difficulty", _l("If you checked any problems, how difficult have they made it "
                              "for you to do your work, take care of things at home, or get "
                              "along with other people?"),
             scored=False, options=DIFFICULTY),
    ),
    options=FREQUENCY,
    bands=(
        Band("minimal", 0, 4, _l("Minimal")),
        Band("mild", 5, 9, _l("Mild")),
        Band("moderate", 10, 14, _l("Moderate")),
        Band("severe", 15, 21, _l("Severe")),
    ),
    licence=PHQ_COPYRIGHT,
)

PCL5 = Scale(
    key="pcl5",
    name="PCL-5",
    title=_l("Stress questionnaire (PCL-5)"),
    about=_l("PCL-5 is a questionnaire about stress after a very upsetting event. It has 20 "
             "questions about the last month."),
    instructions=_l("Below is a list of problems that people sometimes have in response to a "
                    "very stressful experience. Please read each problem carefully and then "
                    "select one of the options to indicate how much you have been bothered by "
                    "that problem in the past month."),
    stem=_l("In the past month, how much were you bothered by:"),
    items=(
        Item("q1", _l("Repeated, disturbing, and unwanted memories of the stressful "
                      "experience?")),
        Item("q2", _l("Repeated, disturbing dreams of the stressful experience?")),
        Item("q3", _l("Suddenly feeling or acting as if the stressful experience were actually "
                      "happening again (as if you were actually back there reliving it)?")),
        Item("q4", _l("Feeling very upset when something reminded you of the stressful "
                      "experience?")),
        Item("q5", _l("Having strong physical reactions when something reminded you of the "
                      "stressful experience (for example, heart pounding, trouble breathing, "
                      "sweating)?")),
        Item("q6", _l("Avoiding memories, thoughts, or feelings related to the stressful "
                      "experience?")),
        Item("q7", _l("Avoiding external reminders of the stressful experience (for example, "
                      "people, places, conversations, activities, objects, or situations)?")),
        Item("q8", _l("Trouble remembering important parts of the stressful experience?")),
        Item("q9", _l("Having strong negative beliefs about yourself, other people, or the "
                      "world (for example, having thoughts such as: I am bad, there is "
                      "something seriously wrong with me, no one can be trusted, the world is "
                      "completely dangerous)?")),
        Item("q10", _l("Blaming yourself or someone else for the stressful experience or what "
                       "happened after it?")),
        Item("q11", _l("Having strong negative feelings such as fear, horror, anger, guilt, or "
                       "shame?")),
        Item("q12", _l("Loss of interest in activities that you used to enjoy?")),
        Item("q13", _l("Feeling distant or cut off from other people?")),
        Item("q14", _l("Trouble experiencing positive feelings (for example, being unable to "
                       "feel happiness or have loving feelings for people close to you)?")),
        Item("q15", _l("Irritable behavior, angry outbursts, or acting aggressively?")),
        Item("q16", _l("Taking too many risks or doing things that could cause you harm?")),
        Item("q17", _l('Being "superalert" or watchful or on guard?')),
        Item("q18", _l("Feeling jumpy or easily startled?")),
        Item("q19", _l("Having difficulty concentrating?")),
        Item("q20", _l("Trouble falling or staying asleep?")),
    ),
    options=(
        Option(0, _l("Not at all")),
        Option(1, _l("A little bit")),
        Option(2, _l("Moderately")),
        Option(3, _l("Quite a bit")),
        Option(4, _l("Extremely")),
    ),
    # The National Center for PTSD gives no severity bands, only a provisional cut-point of
    # 31-33; Trellis flags 33 and above, the upper end, and says it needs a clinician's review.
    bands=(
        Band("below_cutpoint", 0, 32, _l("Below the cut-point")),
        Band("probable_ptsd", 33, 80, _l("At or above the cut-point (33)")),
    ),
    licence=_l("PCL-5 (Weathers, Litz, Keane, Palmieri, Marx & Schnurr, 2013), National "
               "Center for PTSD, U.S. Department of Veterans Affairs. Public domain."),
    subscales={
        "B": ("q1", "q2", "q3", "q4", "q5"),
        "C": ("q6", "q7"),
        "D": ("q8", "q9", "q10", "q11", "q12", "q13", "q14"),
        "E": ("q15", "q16", "q17", "q18", "q19", "q20"),
    },
    default_enabled=False,  # for trauma tracks: a program turns it on
    default_cadence_days=14,
)

SCALES: dict[str, Scale] = {scale.key: scale for scale in (PHQ9, GAD7, PCL5)}


@dataclass(frozen=True)
class Score:
    total: int
    band: Band
    subscores: dict[str, int] | None


def validate_answers(scale: Scale, raw) -> tuple[dict[str, int], dict[str, str]]:
    """Check answers from a form or JSON: every scored item answered with one of its options.

    Returns (answers, errors); `answers` keeps every valid value so the form can show them again.
    """
    answers: dict[str, int] = {}
    errors: dict[str, str] = {}
    for item in scale.items:
        value = raw.get(item.key)
        if value is None or value == "":
            if item.scored:
                errors[item.key] = str(_l("Answer this question."))
            continue
        allowed = {o.value for o in scale.options_for(item)}
        number = _as_int(value)
        if number is None or number not in allowed:
            errors[item.key] = str(_l("Choose one of the answers."))
            continue
        answers[item.key] = number
    return answers, errors


def _as_int(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"-?[0-9]{1,9}", value.strip()):
        return int(value.strip())
    return None


def score(scale: Scale, answers: dict[str, int]) -> Score:
    """Score complete answers by the published rule: the sum of the scored items."""
    missing = [i.key for i in scale.scored_items if i.key not in answers]
    if missing:
        raise ValueError(f"{scale.key}: unanswered items {missing}")
    total = sum(answers[i.key] for i in scale.scored_items)
    subscores = (
        {name: sum(answers[k] for k in keys) for name, keys in scale.subscales.items()}
        if scale.subscales else None
    )
    return Score(total=total, band=scale.band_for(total), subscores=subscores)
