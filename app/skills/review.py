"""What skills adds to clinician review (app.review): practices and homework on a participant's
timeline, an "Open homework" caseload column (also in the pre-group summary), and a CSV export
of skill practices. Registered from `app.skills.register`."""

from collections import defaultdict
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from app.extensions import db
from app.formatting import format_day
from app.models import Program, SkillHomework, SkillPractice, SkillVersion, User
from app.skills.homework import window


def _names(skill_ids: set[int]) -> dict[int, str]:
    """Each skill's latest name (one query)."""
    if not skill_ids:
        return {}
    latest = sa.select(SkillVersion.skill_id, sa.func.max(SkillVersion.id).label("id")) \
        .where(SkillVersion.skill_id.in_(skill_ids)).group_by(SkillVersion.skill_id).subquery()
    return dict(db.session.execute(
        sa.select(SkillVersion.skill_id, SkillVersion.name)
        .join(latest, latest.c.id == SkillVersion.id)).tuples().all())


def open_homework(ctx) -> dict[int, str]:
    """Homework each participant is working on, with progress: "Box breathing: 1 of 3"."""
    items = list(db.session.scalars(sa.select(SkillHomework).where(
        SkillHomework.participant_id.in_(ctx.participant_ids),
        SkillHomework.ended_at.is_(None),
        ctx.records(SkillHomework.participant_id, SkillHomework.program_id,
                    SkillHomework.created_at))))
    today = {pid: ctx.now.astimezone(ZoneInfo(ctx.zones.get(pid, "UTC"))).date()
             for pid in ctx.participant_ids}
    items = [h for h in items if h.starts_on <= today[h.participant_id] <= h.due_on]
    if not items:
        return {}
    bounds = {h.id: window(h.starts_on, h.due_on, ctx.zones.get(h.participant_id, "UTC"))
              for h in items}
    practised = db.session.execute(sa.select(
        SkillPractice.participant_id, SkillPractice.skill_id, SkillPractice.practised_at).where(
        SkillPractice.participant_id.in_({h.participant_id for h in items}),
        SkillPractice.skill_id.in_({h.skill_id for h in items}),
        SkillPractice.deleted_at.is_(None),
        SkillPractice.practised_at >= min(b[0] for b in bounds.values()),
        SkillPractice.practised_at < max(b[1] for b in bounds.values()))).all()
    names = _names({h.skill_id for h in items})
    found: dict[int, list[str]] = defaultdict(list)
    for h in sorted(items, key=lambda h: (h.due_on, h.id)):
        done = sum(1 for who, skill_id, at in practised
                   if who == h.participant_id and skill_id == h.skill_id
                   and bounds[h.id][0] <= at < bounds[h.id][1])
        found[h.participant_id].append(str(_l("%(skill)s: %(done)s of %(target)s",
                                              skill=names.get(h.skill_id, "?"), done=done,
                                              target=h.target_count)))
    return {pid: "; ".join(lines) for pid, lines in found.items()}


def _practice_details(p: SkillPractice) -> list[str]:
    parts = []
    if p.distress_before is not None or p.distress_after is not None:
        parts.append(str(_l("distress %(before)s → %(after)s",
                            before="—" if p.distress_before is None else p.distress_before,
                            after="—" if p.distress_after is None else p.distress_after)))
    if p.helpful is not None:
        parts.append(str(_l("helped %(value)s/5", value=p.helpful)))
    if p.minutes is not None:
        parts.append(ngettext("%(num)s min", "%(num)s min", p.minutes))
    return [", ".join(parts)] if parts else []


def practice_entries(query) -> list:
    """Skill practices in the range, for the timeline."""
    from app.review.timeline import Entry

    rows = db.session.execute(
        sa.select(SkillPractice, SkillVersion.name)
        .join(SkillVersion, SkillVersion.id == SkillPractice.skill_version_id)
        .where(SkillPractice.participant_id == query.participant.id,
               SkillPractice.deleted_at.is_(None),
               query.records(SkillPractice.program_id, SkillPractice.practised_at))).tuples()
    return [Entry(p.practised_at, "practice", str(_l("Skill practice: %(skill)s", skill=name)),
                  _practice_details(p), p.note) for p, name in rows]


def homework_entries(query) -> list:
    """Homework assigned in the range, for the timeline."""
    from app.review.timeline import Entry

    items = list(db.session.scalars(sa.select(SkillHomework).where(
        SkillHomework.participant_id == query.participant.id,
        query.records(SkillHomework.program_id, SkillHomework.created_at))))
    names = _names({h.skill_id for h in items})
    return [Entry(h.created_at, "homework", str(_l("Homework assigned: %(skill)s",
                                                    skill=names.get(h.skill_id, "?"))),
                  [ngettext("%(num)s time, %(start)s to %(end)s",
                            "%(num)s times, %(start)s to %(end)s", h.target_count,
                            start=format_day(h.starts_on, "short"),
                            end=format_day(h.due_on, "short"))]
                  + ([str(_l("ended early"))] if h.ended_at else []), h.note)
            for h in items]


def practice_rows(scope) -> Iterator[list]:
    """Skill practices for the CSV export, in time order."""
    from app.review.export import BATCH, iso, zone_of

    query = (sa.select(SkillPractice, SkillVersion.name, User, Program)
             .join(SkillVersion, SkillVersion.id == SkillPractice.skill_version_id)
             .join(User, User.id == SkillPractice.participant_id)
             .outerjoin(Program, Program.id == SkillPractice.program_id)
             .where(SkillPractice.deleted_at.is_(None),
                    scope.records(SkillPractice.participant_id, SkillPractice.program_id,
                                  SkillPractice.practised_at))
             .order_by(SkillPractice.practised_at, SkillPractice.id)
             .execution_options(yield_per=BATCH))
    for p, name, person, program in db.session.execute(query).tuples():
        yield [person.id, person.display_name, program.name if program else "",
               iso(p.practised_at, zone_of(person, scope)), name, p.distress_before,
               p.distress_after, p.helpful, p.minutes, p.note]


def register_with_review() -> None:
    """Add the skills column, timeline sources and export to clinician review."""
    from app.review import caseload, export, timeline

    caseload.register_column(caseload.Column("homework", _l("Open homework"), open_homework))
    timeline.register_source(timeline.Source("practice", _l("Skill practices"),
                                             practice_entries))
    timeline.register_source(timeline.Source("homework", _l("Homework"), homework_entries))
    export.register_dataset(export.Dataset(
        "practices", _l("Skill practices"),
        ("participant_id", "participant", "program", "practised_at", "skill",
         "distress_before", "distress_after", "helpful", "minutes", "note"),
        practice_rows,
        export.participants_of(SkillPractice.participant_id, SkillPractice.program_id,
                               SkillPractice.practised_at)))
