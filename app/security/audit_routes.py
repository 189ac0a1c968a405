"""Admin: read, filter and export the audit trail. There is no route that changes it."""

import csv
import io
from datetime import datetime, time, timedelta

import sqlalchemy as sa
from flask import Response, render_template, request
from flask_babel import gettext as _

from app.database import utcnow
from app.extensions import db
from app.models import AuditEvent, User
from app.security import audit
from app.security import audit_bp as bp
from app.security.audit import Action
from app.security.ids import parse_id

PAGE_SIZE = 200
#: Years a date filter may name (the trail starts with Trellis; 9999-12-31 has no day after it).
FILTER_YEARS = (2000, 2200)


def _filtered() -> tuple[sa.Select, dict, list[str]]:
    """The audit query for the request's filters, which come from allowlists or parse strictly."""
    args, errors = {}, []
    query = sa.select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    action = request.args.get("action", "")
    if action in {a.value for a in Action}:
        query = query.where(AuditEvent.action == action)
        args["action"] = action
    for name, column in (("actor", AuditEvent.actor_id),
                         ("participant", AuditEvent.subject_participant_id)):
        value = request.args.get(name, "").strip()
        if value:
            number = parse_id(value)
            if number is not None:
                query = query.where(column == number)
                args[name] = value
            else:
                errors.append(_("%(field)s must be an id: a whole number from 1 to "
                                "2147483647.", field=name))
    for name, op in (("from", "ge"), ("to", "lt")):
        value = request.args.get(name, "").strip()
        if value:
            try:
                day = datetime.fromisoformat(value).date()
            except ValueError:
                errors.append(_("Dates look like 2027-03-14."))
                continue
            if not FILTER_YEARS[0] <= day.year <= FILTER_YEARS[1]:
                errors.append(_("Choose a date between %(first)d and %(last)d.",
                                first=FILTER_YEARS[0], last=FILTER_YEARS[1]))
                continue
            bound = datetime.combine(day + timedelta(days=1 if op == "lt" else 0), time(),
                                     tzinfo=utcnow().tzinfo)
            query = query.where(AuditEvent.at >= bound if op == "ge" else AuditEvent.at < bound)
            args[name] = value
    return query, args, errors


@bp.route("/audit")
def log():
    """The newest audit events, filtered."""
    query, args, errors = _filtered()
    events = db.session.scalars(query.limit(PAGE_SIZE)).all()
    ids = {e.actor_id for e in events} | {e.subject_participant_id for e in events}
    people = {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_(ids)))}
    return render_template("security/admin/audit.html", events=events, people=people, args=args,
                           errors=errors, actions=[a.value for a in Action],
                           page_size=PAGE_SIZE), (400 if errors else 200)


@bp.route("/audit.csv")
def export():
    """The filtered audit events as CSV (the export is itself audited)."""
    query, _args, errors = _filtered()
    if errors:
        return Response("\n".join(errors), status=400, mimetype="text/plain")
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["id", "at_utc", "actor_id", "actor_role", "action",
                     "subject_participant_id", "target", "ip", "request_id"])
    for e in db.session.scalars(query):
        writer.writerow([e.id, e.at.isoformat(), e.actor_id, e.actor_role, e.action,
                         e.subject_participant_id, e.target, e.ip, e.request_id])
    audit.record(Action.AUDIT_EXPORT)
    db.session.commit()
    return Response(buffer.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=trellis-audit.csv"})
