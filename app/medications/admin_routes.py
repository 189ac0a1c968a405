"""Each program's own list of medication names, suggested as people type a name."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from app.database import utcnow
from app.extensions import db
from app.medications import admin_bp
from app.medications.forms import ProgramNamesForm
from app.models import Program, ProgramMedicationList
from app.security import audit
from app.security.audit import Action


@admin_bp.route("/programs/<int:program_id>/medication-names", methods=["GET", "POST"])
def program_names(program_id: int):
    """The names a program suggests (one per line); any other name can still be typed."""
    program = db.get_or_404(Program, program_id)
    saved = db.session.get(ProgramMedicationList, program.id)
    form = ProgramNamesForm()
    if not form.is_submitted():
        form.names.data = "\n".join(saved.names) if saved else ""
    elif form.validate_on_submit():
        if saved is None:
            saved = ProgramMedicationList(program_id=program.id)
            db.session.add(saved)
        saved.names = form.name_list()
        saved.updated_at = utcnow()
        audit.record(Action.PROGRAM_EDIT, target=f"program:{program.id}")
        db.session.commit()
        flash(_("Medication names saved."), "success")
        return redirect(url_for("care_admin.programs"))
    status = 400 if form.errors else 200
    return render_template("medications/admin/names.html", form=form, program=program), status
