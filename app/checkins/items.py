"""The daily check-in's items as data: names (shared by the form and the API), ranges, labels.

A program chooses which optional items its participants see (app.checkins.settings).
Mood and the safety question are always asked: mood is the one required answer, and a danger
signal must never be missed because an item was switched off.
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class CheckinItem:
    key: str  #: form field and API name
    kind: str  #: "scale" (whole numbers low..high), "yes_no", "number", "feelings", "text"
    label: str
    low: int = 0
    high: int = 0
    hint: str | None = None
    #: A program may hide it.
    optional: bool = True
    #: Must be answered.
    required: bool = False


MOOD_LABELS = {
    1: _l("Very low"),
    2: _l("Low"),
    3: _l("Okay"),
    4: _l("Good"),
    5: _l("Very good"),
}

FEELINGS = {
    "calm": _l("Calm"),
    "hopeful": _l("Hopeful"),
    "grateful": _l("Grateful"),
    "happy": _l("Happy"),
    "anxious": _l("Anxious"),
    "sad": _l("Sad"),
    "angry": _l("Angry"),
    "irritable": _l("Irritable"),
    "lonely": _l("Lonely"),
    "ashamed": _l("Ashamed"),
    "numb": _l("Numb"),
    "overwhelmed": _l("Overwhelmed"),
    "tired": _l("Tired"),
}

SAFETY_QUESTION = _l("Since your last check-in, have you had thoughts of killing yourself or of "
                     "being better off dead?")

NOTE_MAX = 2000
SLEEP_MAX = 24
SELF_HARM_MAX = 5

ITEMS: tuple[CheckinItem, ...] = (
    CheckinItem("mood", "scale", _l("How is your mood?"), 1, 5, optional=False, required=True),
    CheckinItem("feelings", "feelings", _l("Feelings"), hint=_l("Choose any that fit.")),
    CheckinItem("anxiety", "scale", _l("Anxiety"), 0, 10,
                hint=_l("0 is none, 10 is the most you can imagine.")),
    CheckinItem("craving", "scale", _l("Craving or urge to use"), 0, 10,
                hint=_l("0 is none, 10 is the strongest.")),
    CheckinItem("sleep_hours", "number", _l("Hours of sleep last night"), 0, SLEEP_MAX),
    CheckinItem("used_substances", "yes_no",
                _l("Have you used alcohol or drugs since your last check-in?")),
    CheckinItem("took_medications", "yes_no", _l("Did you take your medications as prescribed?")),
    CheckinItem("self_harm_urge", "scale", _l("Urge to harm yourself"), 0, SELF_HARM_MAX,
                hint=_l("0 is none, 5 is the strongest.")),
    CheckinItem("safety_thoughts", "yes_no", SAFETY_QUESTION, optional=False),
    CheckinItem("note", "text", _l("Anything else you want to note?"),
                hint=_l("Your care team can read this.")),
)

ITEMS_BY_KEY = {item.key: item for item in ITEMS}
#: Items a program can switch off.
OPTIONAL_KEYS = tuple(item.key for item in ITEMS if item.optional)
#: Items drawn as charts on the Progress page.
CHARTED = ("mood", "anxiety", "craving")
