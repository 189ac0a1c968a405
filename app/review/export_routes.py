"""Exports for staff: CSV (streamed) of a participant's or a program's records, and a
participant's FHIR bundle. Every export is audited before its first byte is sent; a participant
outside the staff member's programs is a 404 and an audit event of the attempt."""

import json
from datetime import timedelta

from flask import Response, abort, render_template, request, stream_with_context
from flask_babel import gettext as _
from flask_login import current_user

from app.care import scope
from app.database import utcnow
from app.extensions import db
from app.forms import options
from app.review import bp, fhir
from app.review import export as exports
from app.review.forms import ExportForm
from app.security import audit
from app.security.audit import Action


def _form(person) -> ExportForm:
    form = ExportForm()
    programs = list(current_user.programs)
    form.program.choices = options((p.id, p.name) for p in programs)
    form.dataset.choices = options((d.key, d.label) for d in exports.DATASETS.values())
    formats = [("csv", _("CSV, for a spreadsheet"))]
    if person is not None:
        formats.append(("fhir", _("FHIR R4 JSON, for an EHR (PHQ-9, GAD-7 and mood)")))
    form.file_format.choices = options(formats)
    if not form.is_submitted():
        today = utcnow().date()
        form.start.data, form.end.data = today - timedelta(days=29), today
        form.dataset.data = "checkins"
    return form


def _person():
    participant_id = request.values.get("participant", type=int)
    if participant_id is None:
        return None
    return scope.get_participant_or_audited_404(current_user, participant_id)


@bp.route("/export", methods=["GET", "POST"], endpoint="export")
def export_page():
    """Choose what to export; a valid POST answers with the file."""
    person = _person()
    form = _form(person)
    chosen = request.form.get("program", "")
    if person is None and chosen and chosen not in {str(c.value) for c in form.program.choices}:
        abort(404)  # another program's records
    if form.validate_on_submit():
        try:
            exports.check_range(form.start.data, form.end.data)
        except exports.RangeError as error:
            getattr(form, error.field).errors.append(error.message)
        else:
            if form.file_format.data == "fhir" and person is not None:
                return _fhir(person, form)
            if form.dataset.data in exports.DATASETS:
                return _csv(person, form)
    status = 400 if form.is_submitted() else 200
    return render_template("review/export.html", form=form, person=person), status


def _csv(person, form: ExportForm):
    dataset = exports.DATASETS[form.dataset.data]
    if person is not None:
        access = scope.care_access(current_user, person.id)
        zone = person.time_zone or _program_zone(person)
        subject = exports.scope_for(current_user, form.start.data, form.end.data, zone,
                                   participant=person, access=access)
        name = f"trellis-{dataset.key}-participant-{person.id}"
    else:
        program = scope.get_program_for_staff(current_user, form.program.data or 0)
        if not scope.works_in(current_user, program.id):
            abort(404)
        subject = exports.scope_for(current_user, form.start.data, form.end.data,
                                   program.time_zone, program=program)
        name = f"trellis-{dataset.key}-program-{program.id}"
    target = f"export:{dataset.key}:{form.start.data}:{form.end.data}"
    for participant_id in dataset.participants(subject):
        audit.record(Action.EXPORT, subject=participant_id, target=target[:64])
    if person is not None and person.id not in dataset.participants(subject):
        audit.record(Action.EXPORT, subject=person, target=target[:64])
    db.session.commit()  # the audit trail is written before the first byte leaves
    filename = f"{name}-{form.start.data}-{form.end.data}.csv"
    return Response(stream_with_context(exports.stream(dataset, subject)),
                    mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _program_zone(person) -> str:
    from app.care.team import participant_zone

    return participant_zone(person)


def _fhir(person, form: ExportForm):
    access = scope.care_access(current_user, person.id)
    zone = person.time_zone or _program_zone(person)
    span = exports.scope_for(current_user, form.start.data, form.end.data, zone,
                            participant=person, access=access)
    now = utcnow()
    document = fhir.bundle(person, access, span.start, span.end, now)
    audit.record(Action.EXPORT, subject=person,
                 target=f"export:fhir:{form.start.data}:{form.end.data}")
    db.session.commit()
    filename = f"trellis-fhir-participant-{person.id}-{form.start.data}-{form.end.data}.json"
    return Response(json.dumps(document, ensure_ascii=False, indent=1),
                    mimetype="application/fhir+json",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
