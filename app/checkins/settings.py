"""Per-program choices: which check-in items participants see, which scales and how often."""

from dataclasses import dataclass

from app.checkins.items import ITEMS, OPTIONAL_KEYS
from app.database import utcnow
from app.extensions import db
from app.models import CheckinSettings, Program, User
from app.scales.registry import SCALES, Scale

CADENCE_MIN, CADENCE_MAX = 1, 90


@dataclass(frozen=True)
class ScaleSetting:
    scale: Scale
    enabled: bool
    cadence_days: int


@dataclass(frozen=True)
class ProgramCheckin:
    """What a program asks: the visible items (in form order) and each scale's setting."""

    visible_items: tuple[str, ...]
    scales: dict[str, ScaleSetting]

    def shows(self, key: str) -> bool:
        return key in self.visible_items

    @property
    def enabled_scales(self) -> list[ScaleSetting]:
        return [s for s in self.scales.values() if s.enabled]


def _scale_settings(stored: dict) -> dict[str, ScaleSetting]:
    result = {}
    for key, scale in SCALES.items():
        saved = stored.get(key) or {}
        cadence = saved.get("cadence_days", scale.default_cadence_days)
        if not isinstance(cadence, int) or not CADENCE_MIN <= cadence <= CADENCE_MAX:
            cadence = scale.default_cadence_days
        result[key] = ScaleSetting(scale, bool(saved.get("enabled", scale.default_enabled)),
                                   cadence)
    return result


def for_program(program: Program | None) -> ProgramCheckin:
    """The program's settings, or the defaults (every item; scales as the registry says)."""
    row = db.session.get(CheckinSettings, program.id) if program is not None else None
    hidden = set(row.hidden_items or []) if row else set()
    visible = tuple(i.key for i in ITEMS if not (i.optional and i.key in hidden))
    return ProgramCheckin(visible_items=visible, scales=_scale_settings(row.scales if row else {}))


def save(program: Program, visible: set[str], scales: dict[str, tuple[bool, int]],
         admin: User) -> CheckinSettings:
    """Store an admin's choices (the caller commits). Mood and the safety question stay on."""
    row = db.session.get(CheckinSettings, program.id)
    if row is None:
        row = CheckinSettings(program_id=program.id)
        db.session.add(row)
    # New lists and dicts (not edits in place), so SQLAlchemy sees the JSON change.
    row.hidden_items = sorted(k for k in OPTIONAL_KEYS if k not in visible)
    row.scales = {key: {"enabled": enabled, "cadence_days": cadence}
                  for key, (enabled, cadence) in scales.items() if key in SCALES}
    row.updated_at = utcnow()
    row.updated_by_id = admin.id
    return row
