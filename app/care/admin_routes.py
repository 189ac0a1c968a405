"""Admin pages for the organisation of care: programs, staff and their programs, enrolments
and transitions."""

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload

from app.auth import accounts, invites, mfa
from app.auth.accounts import AccountError
from app.care import admin_bp as bp
from app.care import enrolments, memberships
from app.care.enrolments import EnrolmentError
from app.care.forms import (
    ClinicianForm,
    ClinicianProgramsForm,
    EnrolmentForm,
    ProgramForm,
    TransitionForm,
    primary_choice_form,
)
from app.extensions import db
from app.forms import options
from app.models import (
    Enrolment,
    EnrolmentStatus,
    LevelOfCare,
    Program,
    Role,
    User,
)
from app.security import audit
from app.security.audit import Action

# --- programs -------------------------------------------------------------------------------

@bp.route("/programs")
def programs():
    """All programs."""
    rows = db.session.scalars(sa.select(Program).order_by(Program.name)).all()
    return render_template("care/admin/programs.html", programs=rows)


def _name_taken(name: str, program_id: int | None) -> bool:
    query = sa.select(Program.id).where(sa.func.lower(Program.name) == name.strip().lower())
    if program_id is not None:
        query = query.where(Program.id != program_id)
    return db.session.scalar(query) is not None


def _save_program(form: ProgramForm, program: Program | None):
    if form.validate_on_submit():
        if _name_taken(form.name.data, program.id if program else None):
            form.name.errors.append(_("Another program already has this name."))
        else:
            form_is_edit = program is not None
            program = program or Program()
            program.name = form.name.data.strip()
            program.level_of_care = LevelOfCare(form.level_of_care.data)
            program.time_zone = form.time_zone.data.strip()
            program.phone = (form.phone.data or "").strip() or None
            program.crisis_text = (form.crisis_text.data or "").strip() or None
            program.app_name = (form.app_name.data or "").strip() or None
            program.app_icon = form.app_icon.data
            if form.alert_escalation_minutes.data is not None:
                program.alert_escalation_minutes = form.alert_escalation_minutes.data
            notice = (form.privacy_notice.data or "").strip() or None
            if form_is_edit and notice != program.privacy_notice:
                program.privacy_notice_version += 1  # everyone reads the new notice
            program.privacy_notice = notice
            db.session.add(program)
            db.session.flush()
            audit.record(Action.PROGRAM_EDIT if form_is_edit else Action.PROGRAM_CREATE,
                         target=f"program:{program.id}")
            db.session.commit()
            flash(_("Program saved."), "success")
            return redirect(url_for("care_admin.programs"))
    status = 400 if form.errors else 200
    return render_template("care/admin/program_form.html", form=form, program=program), status


@bp.route("/programs/new", methods=["GET", "POST"])
def program_new():
    """Create a program."""
    return _save_program(ProgramForm(), None)


@bp.route("/programs/<int:program_id>/edit", methods=["GET", "POST"])
def program_edit(program_id: int):
    """Edit a program's name, level, zone, phone and crisis text."""
    program = db.get_or_404(Program, program_id)
    form = ProgramForm(obj=program)
    if not form.is_submitted():
        form.level_of_care.data = program.level_of_care.value
    return _save_program(form, program)


# --- staff ----------------------------------------------------------------------------------

@bp.route("/clinicians")
def clinicians():
    """Staff accounts and the programs they work in."""
    rows = db.session.scalars(
        sa.select(User).where(User.role != Role.PARTICIPANT)
        .options(sa.orm.selectinload(User.programs)).order_by(User.display_name)
    ).all()
    return render_template("care/admin/clinicians.html", staff=rows)


def _program_choices() -> list[tuple[int, str]]:
    return [(p.id, p.name) for p in db.session.scalars(sa.select(Program).order_by(Program.name))]


@bp.route("/clinicians/new", methods=["GET", "POST"])
def clinician_new():
    """Create a staff account; its owner sets their password through a one-time link."""
    form = ClinicianForm()
    form.program_ids.choices = options(_program_choices())
    if form.validate_on_submit():
        try:
            user = accounts.create_user(form.email.data, form.display_name.data,
                                        Role(form.role.data))
            user.programs = [db.session.get(Program, pid) for pid in form.program_ids.data]
            db.session.flush()
            _invite, token = invites.invite_staff(user, current_user._get_current_object())
            audit.record(Action.STAFF_CREATE, target=f"user:{user.id}")
            memberships.record_initial_programs(user, current_user._get_current_object())
            db.session.commit()
        except AccountError as error:
            db.session.rollback()
            getattr(form, error.field).errors.append(error.message)
        else:
            url = invites.invite_url(token)
            return render_template("care/admin/clinician_created.html", user=user, url=url,
                                   qr=invites.qr_code_svg(url))
    status = 400 if form.errors else 200
    return render_template("care/admin/clinician_form.html", form=form), status


@bp.route("/clinicians/<int:user_id>/programs", methods=["GET", "POST"])
def clinician_programs(user_id: int):
    """Change which programs a staff member works in (another admin's, never one's own).

    Removing someone who is a primary clinician in a program asks, as a second step, who takes
    over there (or that their participants go without a primary clinician for now).
    """
    user = db.get_or_404(User, user_id)
    if not user.is_staff:
        return redirect(url_for("care_admin.clinicians"))
    if user.id == current_user.id:
        return render_template("care/admin/clinician_programs.html", form=None, user=user,
                               own=True), 400
    form = ClinicianProgramsForm(program_ids=[p.id for p in user.programs])
    form.program_ids.choices = options(_program_choices())
    if not form.validate_on_submit():
        return render_template("care/admin/clinician_programs.html", form=form, user=user), (
            400 if form.errors else 200)
    chosen = [db.session.get(Program, pid) for pid in form.program_ids.data]
    removed = {p.id for p in user.programs} - {p.id for p in chosen}
    replacing = memberships.primaries_to_replace(user, removed)
    successors = primary_choice_form(replacing) if replacing else None
    if successors is not None and not (request.form.get("step") == "primaries"
                                       and successors.validate()):
        status = 400 if successors.errors else 200
        return render_template("care/admin/clinician_primaries.html", form=form, user=user,
                               replacing=replacing, successors=successors), status
    new_primaries = successors.chosen(replacing) if successors is not None else {}
    try:
        memberships.change_programs(user, chosen, current_user._get_current_object(),
                                    new_primaries)
        db.session.commit()
    except memberships.MembershipError as error:
        db.session.rollback()
        form.form_errors.append(error.message)
        return render_template("care/admin/clinician_programs.html", form=form, user=user), 400
    flash(_("Programs saved."), "success")
    return redirect(url_for("care_admin.clinicians"))


@bp.route("/clinicians/<int:user_id>/deactivate", methods=["POST"])
def clinician_deactivate(user_id: int):
    """Deactivate a staff account; its sessions end at once."""
    user = db.get_or_404(User, user_id)
    if user.id == current_user.id:
        flash(_("You cannot deactivate your own account."), "error")
    elif user.is_staff and user.is_active:
        accounts.deactivate(user)
        audit.record(Action.STAFF_DEACTIVATE, target=f"user:{user.id}")
        db.session.commit()
        flash(_("%(name)s can no longer sign in.", name=user.display_name), "success")
    return redirect(url_for("care_admin.clinicians"))


@bp.route("/clinicians/<int:user_id>/reset-second-step", methods=["POST"])
def clinician_reset_mfa(user_id: int):
    """Remove a staff member's second factor (lost phone); their sessions end."""
    user = db.get_or_404(User, user_id)
    if user.is_staff and user.has_mfa:
        mfa.reset(user)
        audit.record(Action.MFA_RESET, target=f"user:{user.id}")
        db.session.commit()
        flash(_("%(name)s will set up a new second step at their next sign-in.",
                name=user.display_name), "success")
    return redirect(url_for("care_admin.clinicians"))


# --- enrolments -----------------------------------------------------------------------------

STATUS_FILTERS = {s.value for s in EnrolmentStatus}


@bp.route("/enrolments")
def enrolment_list():
    """Enrolments, filtered by status (from an allowlist)."""
    status = request.args.get("status", "active")
    query = (
        sa.select(Enrolment)
        .options(joinedload(Enrolment.participant), joinedload(Enrolment.program),
                 joinedload(Enrolment.primary_clinician))
        .order_by(Enrolment.start_date.desc(), Enrolment.id.desc())
    )
    if status in STATUS_FILTERS:
        query = query.where(Enrolment.status == EnrolmentStatus(status))
    else:
        status = "all"
    rows = db.session.scalars(query.limit(500)).all()
    my_program_ids = {p.id for p in current_user.programs}
    return render_template("care/admin/enrolments.html", enrolments=rows, status=status,
                           my_program_ids=my_program_ids)


def _clinician_choices() -> list[tuple[int, str]]:
    staff = db.session.scalars(
        sa.select(User).where(User.role != Role.PARTICIPANT, User.is_active.is_(True))
        .order_by(User.display_name)
    )
    return [(0, _("None yet"))] + [(u.id, u.display_name) for u in staff]


@bp.route("/enrolments/new", methods=["GET", "POST"])
def enrolment_new():
    """Enrol an existing participant (for example, one who returns after discharge)."""
    form = EnrolmentForm()
    form.participant_id.choices = options([
        (u.id, f"{u.display_name} <{u.email}>")
        for u in db.session.scalars(
            sa.select(User).where(User.role == Role.PARTICIPANT).order_by(User.display_name)
        )
    ])
    form.program_id.choices = options(_program_choices())
    form.primary_clinician_id.choices = options(_clinician_choices())
    if form.validate_on_submit():
        participant = db.session.get(User, form.participant_id.data)
        program = db.session.get(Program, form.program_id.data)
        clinician = (db.session.get(User, form.primary_clinician_id.data)
                     if form.primary_clinician_id.data else None)
        try:
            enrolment = enrolments.enrol(participant, program, form.start_date.data, clinician)
            db.session.flush()
            audit.record(Action.ENROL, subject=participant, target=f"enrolment:{enrolment.id}")
            db.session.commit()
        except EnrolmentError as error:
            db.session.rollback()
            getattr(form, f"{error.field}_id").errors.append(error.message)
        else:
            flash(_("Enrolment saved."), "success")
            return redirect(url_for("care_admin.enrolment_list"))
    status = 400 if form.errors else 200
    return render_template("care/admin/enrolment_form.html", form=form), status


@bp.route("/enrolments/<int:enrolment_id>/transition", methods=["GET", "POST"])
def enrolment_transition(enrolment_id: int):
    """Record a step-down, step-up or discharge, dated, keeping the history."""
    enrolment = db.get_or_404(Enrolment, enrolment_id)
    form = TransitionForm()
    form.to_program_id.choices = options([(0, _("—"))] + [
        (pid, name) for pid, name in _program_choices() if pid != enrolment.program_id
    ])
    if form.validate_on_submit():
        to_program = None
        if form.change.data == "program":
            if not form.to_program_id.data:
                form.to_program_id.errors.append(_("Choose the new program."))
            to_program = db.session.get(Program, form.to_program_id.data)
        if not form.errors:
            try:
                enrolments.transition(
                    enrolment, form.effective_date.data, current_user._get_current_object(),
                    to_program=to_program, discharge=form.change.data == "discharge",
                )
                audit.record(Action.TRANSITION, subject=enrolment.participant_id,
                             target=f"enrolment:{enrolment.id}")
                db.session.commit()
            except EnrolmentError as error:
                db.session.rollback()
                field = {"to_program": form.to_program_id}.get(error.field, form.effective_date)
                field.errors.append(error.message)
            else:
                flash(_("Change recorded."), "success")
                return redirect(url_for("care_admin.enrolment_list"))
    status = 400 if form.errors else 200
    return render_template("care/admin/transition_form.html", form=form,
                           enrolment=enrolment), status
