"""What helps: which skills a participant (or a program's participants) use most, how much
distress changed with them, and a gentle weekly count.

The change in distress is averaged over practices with both a "before" and an "after"; a
practice with only one of them still counts as a practice but not in the change. Negative
changes mean distress went down.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _

from app.database import utcnow
from app.extensions import db
from app.models import SkillPractice, SkillVersion, User
from app.skills import library

#: How many weeks the weekly count shows, this week included.
WEEKS = 6


@dataclass(frozen=True)
class SkillInsight:
    """One skill's figures."""

    skill_id: int
    name: str
    key: str | None  #: set while the reader's list has the skill (a link)
    count: int  #: practices
    rated: int  #: practices with distress before and after
    average_change: float | None  #: mean of after - before over the rated practices
    helpful_count: int
    average_helpful: float | None
    participants: int = 1  #: how many people practised it (program figures)


def _both():
    return sa.and_(SkillPractice.distress_before.is_not(None),
                   SkillPractice.distress_after.is_not(None))


def _figures(conditions: list, by_person: bool = False) -> list[tuple]:
    both = _both()
    columns = [
        SkillPractice.skill_id,
        sa.func.count(),
        sa.func.sum(sa.case((both, 1), else_=0)),
        sa.func.avg(sa.case((both, SkillPractice.distress_after
                             - SkillPractice.distress_before))),
        sa.func.count(SkillPractice.helpful),
        sa.func.avg(SkillPractice.helpful),
        sa.func.max(SkillPractice.practised_at),
    ]
    if by_person:
        columns.append(sa.func.count(sa.distinct(SkillPractice.participant_id)))
    return db.session.execute(
        sa.select(*columns).where(SkillPractice.deleted_at.is_(None), *conditions)
        .group_by(SkillPractice.skill_id)).all()


def _latest_names(skill_ids: set[int]) -> dict[int, str]:
    """Each skill's newest name, for skills the reader's list no longer has."""
    names = {}
    for version in db.session.scalars(
            sa.select(SkillVersion).where(SkillVersion.skill_id.in_(skill_ids))
            .order_by(SkillVersion.id)):
        names[version.skill_id] = version.local_name
    return names


def _insights(rows: list[tuple], listed: dict[int, library.LibrarySkill]) -> list[SkillInsight]:
    missing = _latest_names({r[0] for r in rows if r[0] not in listed}) \
        if any(r[0] not in listed for r in rows) else {}
    result = []
    for row in rows:
        skill_id, count, rated, change, helpful_count, helpful, latest = row[:7]
        shown = listed.get(skill_id)
        result.append((latest, SkillInsight(
            skill_id=skill_id, name=shown.name if shown else missing.get(skill_id, "?"),
            key=shown.key if shown else None, count=count, rated=int(rated or 0),
            average_change=float(change) if change is not None else None,
            helpful_count=helpful_count,
            average_helpful=float(helpful) if helpful is not None else None,
            participants=row[7] if len(row) > 7 else 1)))
    result.sort(key=lambda pair: (-pair[1].count, -pair[0].timestamp(), pair[1].name))
    return [insight for _latest, insight in result]


def for_participant(participant: User, since: datetime | None = None,
                    *where) -> list[SkillInsight]:
    """The participant's skills, most practised first."""
    conditions = [SkillPractice.participant_id == participant.id, *where]
    if since is not None:
        conditions.append(SkillPractice.practised_at >= since)
    listed = {s.skill.id: s for s in library.visible_skills(participant)}
    return _insights(_figures(conditions), listed)


def for_program(program_id: int, since: datetime) -> list[SkillInsight]:
    """A program's participants' skills since an instant, most practised first (practices
    logged while in the program)."""
    conditions = [SkillPractice.program_id == program_id, SkillPractice.practised_at >= since]
    listed = {s.skill.id: s for s in library.program_library(program_id)}
    return _insights(_figures(conditions, by_person=True), listed)


def weekly_counts(participant: User, zone: str, now: datetime | None = None,
                  weeks: int = WEEKS) -> list[tuple[date, int]]:
    """Practices per local week (Monday first), this week first; weeks before the first
    practice are left out (this week always stays)."""
    today = (now or utcnow()).astimezone(ZoneInfo(zone)).date()
    monday = today - timedelta(days=today.weekday())
    first = monday - timedelta(weeks=weeks - 1)
    start = datetime.combine(first, time(0), tzinfo=ZoneInfo(zone))
    counts = dict.fromkeys((first + timedelta(weeks=n) for n in range(weeks)), 0)
    for (at,) in db.session.execute(sa.select(SkillPractice.practised_at).where(
            SkillPractice.participant_id == participant.id, SkillPractice.deleted_at.is_(None),
            SkillPractice.practised_at >= start)):
        day = at.astimezone(ZoneInfo(zone)).date()
        week = day - timedelta(days=day.weekday())
        if week in counts:
            counts[week] += 1
    rows = sorted(counts.items(), reverse=True)
    while len(rows) > 1 and rows[-1][1] == 0:
        rows.pop()
    return rows


# --- words ------------------------------------------------------------------------------------

def _points(value: float) -> tuple[str, int]:
    """A number of points as shown (one decimal at most) and the count its plural follows."""
    shown = round(abs(value), 1)
    return format_decimal(shown, "#,##0.#"), 1 if shown == 1 else 2


def change_text(insight: SkillInsight) -> str | None:
    """ "distress down 3 points on average" (None without rated practices)."""
    if insight.average_change is None:
        return None
    text, plural = _points(insight.average_change)
    if text == "0":
        return _("no change in distress on average")
    if insight.average_change < 0:
        return ngettext("distress down %(points)s point on average",
                        "distress down %(points)s points on average", plural, points=text)
    return ngettext("distress up %(points)s point on average",
                    "distress up %(points)s points on average", plural, points=text)


def times_text(count: int) -> str:
    """ "8 times"."""
    return ngettext("%(num)s time", "%(num)s times", count)


def summary_line(insight: SkillInsight) -> str:
    """ "Paced breathing: distress down 3 points on average, 8 times" (the times are the
    practices the average is over); without ratings, "Paced breathing: 8 times"."""
    change = change_text(insight)
    if change is None:
        return _("%(skill)s: %(times)s", skill=insight.name, times=times_text(insight.count))
    return _("%(skill)s: %(change)s, %(times)s", skill=insight.name, change=change,
             times=times_text(insight.rated))


def helpful_text(insight: SkillInsight) -> str | None:
    """ "Helpful: 4.2 of 5 on average"."""
    if insight.average_helpful is None:
        return None
    return _("Helpful: %(rating)s of 5 on average",
             rating=format_decimal(round(insight.average_helpful, 1), "#,##0.#"))
