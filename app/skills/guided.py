"""Guided modes: a breathing pacer (in, hold, out, rest, in seconds) or a skill's steps one at
a time. Both work without JavaScript: the pacer page also lists the steps, and the steps are
separate pages (`?step=2`)."""

from dataclasses import dataclass

#: The two exercises the crisis page offers ("While you wait"), by their public page name.
PUBLIC = {"breathing": "paced-breathing", "grounding": "grounding-54321"}


@dataclass(frozen=True)
class Breathing:
    inhale: int
    hold: int
    exhale: int
    rest: int

    @property
    def cycle(self) -> int:
        """Seconds per breath."""
        return self.inhale + self.hold + self.exhale + self.rest


def mode_of(text) -> Breathing | str | None:
    """A Breathing pace, "steps", or None, from a version's (or catalogue entry's) `guided`."""
    guided = text.guided or None
    if guided is None:
        return None
    if guided.get("mode") == "breathing":
        return Breathing(inhale=guided["in"], hold=guided["hold"], exhale=guided["out"],
                         rest=guided["rest"])
    return "steps"


def step_number(raw: str | None, count: int) -> int:
    """The step to show, 1..count, or count + 1 for "finished"; anything else is step 1."""
    try:
        number = int(raw or 1)
    except ValueError:
        return 1
    return number if 1 <= number <= count + 1 else 1
