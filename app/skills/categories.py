"""The six categories of coping skills, in the order participants see them.

Participants read plain names ("Getting through hard moments"); staff also see the clinical
name of the module it comes from ("Distress tolerance").
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Category:
    key: str
    label: object  #: what participants read
    clinical: object  #: what staff read beside it


CATEGORIES: dict[str, Category] = {c.key: c for c in (
    Category("mindfulness", _l("Being present"), _l("Mindfulness")),
    Category("distress_tolerance", _l("Getting through hard moments"),
             _l("Distress tolerance")),
    Category("emotion_regulation", _l("Handling strong feelings"), _l("Emotion regulation")),
    Category("interpersonal_effectiveness", _l("People and relationships"),
             _l("Interpersonal effectiveness")),
    Category("cbt", _l("Thoughts, body and actions"), _l("CBT skills")),
    Category("relapse_prevention", _l("Staying on track"), _l("Relapse prevention")),
)}


def order(key: str) -> int:
    """Position of a category in the list (unknown ones last)."""
    keys = list(CATEGORIES)
    return keys.index(key) if key in keys else len(keys)
