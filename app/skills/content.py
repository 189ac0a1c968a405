"""A skill's text (name, category, "use it when…", steps, minutes, guided mode) and its rules.

The catalogue file and the staff editor both pass through `check`, so a program's own skill
follows the same rules as Trellis's.
"""

import re
from dataclasses import asdict, dataclass

from flask_babel import get_locale, ngettext
from flask_babel import lazy_gettext as _l

from app.skills.categories import CATEGORIES

KEY = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
#: Keys that are page names under /skills/ and can never name a skill.
RESERVED_KEYS = {"log", "history", "what-helps", "practices", "new"}
#: Keys of programs' own skills start with this (p12-…): the catalogue may not use it.
PROGRAM_KEY = re.compile(r"p[0-9]+-.*")
NAME_MAX = 120
USE_WHEN_MAX = 300
STEP_MAX = 300
STEPS_MIN, STEPS_MAX = 3, 6
MINUTES_MIN, MINUTES_MAX = 1, 120
#: Breathing pacer phases (seconds): in, hold after in, out, rest after out.
BREATHING_LIMITS = {"in": (2, 10), "hold": (0, 10), "out": (2, 12), "rest": (0, 10)}
GUIDED_MODES = ("breathing", "steps")


@dataclass(frozen=True)
class SkillText:
    """Everything a version of a skill says."""

    category: str
    name: str
    use_when: str
    steps: tuple[str, ...]
    minutes: int
    guided: dict | None = None
    #: The text in other languages: {"es": {"name": …, "use_when": …, "steps": [...]}}, with
    #: as many steps as the English (Trellis's catalogue has them; a program's own text not).
    translations: dict | None = None

    def as_columns(self) -> dict:
        """The values of a SkillVersion's text columns."""
        values = asdict(self)
        values["steps"] = list(self.steps)
        return values

    @classmethod
    def of(cls, version) -> "SkillText":
        """The text of a stored version."""
        return cls(category=version.category, name=version.name, use_when=version.use_when,
                   steps=tuple(version.steps), minutes=version.minutes,
                   guided=version.guided or None, translations=version.translations or None)

    @property
    def local_name(self) -> str:
        return localized(self, "name")

    @property
    def local_use_when(self) -> str:
        return localized(self, "use_when")

    @property
    def local_steps(self) -> list[str]:
        return localized(self, "steps")


def localized(text, field: str):
    """A skill text's `field` (name, use_when or steps) in the reader's language when it has
    one, else as written. `text` is a SkillText or a SkillVersion."""
    locale = get_locale()
    language = locale.language if locale else "en"
    translated = (getattr(text, "translations", None) or {}).get(language) or {}
    return translated.get(field) or getattr(text, field)


def check_translations(raw, steps: int) -> tuple[dict | None, str | None]:
    """The translations of a skill's text, cleaned, or a message saying what is wrong."""
    if raw is None:
        return None, None
    if not isinstance(raw, dict):
        return None, "translations must map a language code to a text"
    cleaned = {}
    for language, text in raw.items():
        if not isinstance(text, dict):
            return None, f"{language}: a text needs a name, use_when and steps"
        name, use_when = _clean(text.get("name")), _clean(text.get("use_when"))
        raw_steps = text.get("steps") if isinstance(text.get("steps"), list) else []
        translated_steps = [s for s in (_clean(v) for v in raw_steps) if s]
        if not name or len(name) > NAME_MAX or not use_when or len(use_when) > USE_WHEN_MAX:
            return None, f"{language}: name and use_when must be filled in and short enough"
        if len(translated_steps) != steps or any(len(s) > STEP_MAX for s in translated_steps):
            return None, f"{language}: give the same {steps} steps, each short enough"
        cleaned[language] = {"name": name, "use_when": use_when, "steps": translated_steps}
    return cleaned or None, None


def _clean(value) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def check_guided(guided) -> str | None:
    """A message when a guided mode is not one Trellis can run, else None."""
    if guided is None:
        return None
    if not isinstance(guided, dict) or guided.get("mode") not in GUIDED_MODES:
        return str(_l("Choose a guided mode: breathing or steps."))
    if guided["mode"] == "breathing":
        for phase, (low, high) in BREATHING_LIMITS.items():
            value = guided.get(phase)
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                return str(_l("Breathing needs whole seconds for in, hold, out and rest."))
    return None


def check(raw: dict) -> tuple[SkillText | None, dict[str, str]]:
    """Validate a skill's text. Returns (text, {}) or (None, {field: message})."""
    errors: dict[str, str] = {}
    category = raw.get("category")
    if category not in CATEGORIES:
        errors["category"] = str(_l("Choose a category."))
    name = _clean(raw.get("name"))
    if not name:
        errors["name"] = str(_l("Give the skill a name."))
    elif len(name) > NAME_MAX:
        errors["name"] = ngettext("Keep the name to %(num)s character or fewer.",
                                  "Keep the name to %(num)s characters or fewer.", NAME_MAX)
    use_when = _clean(raw.get("use_when"))
    if not use_when:
        errors["use_when"] = str(_l("Say when to use it, in one line."))
    elif len(use_when) > USE_WHEN_MAX:
        errors["use_when"] = ngettext("Keep this to %(num)s character or fewer.",
                                      "Keep this to %(num)s characters or fewer.", USE_WHEN_MAX)
    raw_steps = raw.get("steps")
    steps = tuple(s for s in (_clean(v) for v in raw_steps) if s) \
        if isinstance(raw_steps, list | tuple) else ()
    if not STEPS_MIN <= len(steps) <= STEPS_MAX:
        errors["steps"] = str(_l("Write %(low)s to %(high)s short steps.", low=STEPS_MIN,
                                 high=STEPS_MAX))
    elif any(len(s) > STEP_MAX for s in steps):
        errors["steps"] = ngettext("Keep each step to %(num)s character or fewer.",
                                   "Keep each step to %(num)s characters or fewer.", STEP_MAX)
    minutes = raw.get("minutes")
    if isinstance(minutes, bool) or not isinstance(minutes, int) \
            or not MINUTES_MIN <= minutes <= MINUTES_MAX:
        errors["minutes"] = str(_l("Enter the minutes it takes, from %(low)s to %(high)s.",
                                   low=MINUTES_MIN, high=MINUTES_MAX))
    guided = raw.get("guided") or None
    if (message := check_guided(guided)) is not None:
        errors["guided"] = message
    elif guided is not None:  # only what the guided pages read
        guided = {"mode": guided["mode"], **({p: guided[p] for p in BREATHING_LIMITS}
                                             if guided["mode"] == "breathing" else {})}
    translations, problem = check_translations(raw.get("translations"), len(steps))
    if problem is not None:
        errors["translations"] = problem
    if errors:
        return None, errors
    return SkillText(category=category, name=name, use_when=use_when, steps=steps,
                     minutes=minutes, guided=guided, translations=translations), {}
