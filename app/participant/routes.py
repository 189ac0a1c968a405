"""Participant pages. Each shows only the signed-in participant's own data."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import refresh
from flask_login import current_user

from app.auth import accounts
from app.auth.forms import ChangePasswordForm
from app.care.enrolments import enrolment_history
from app.care.team import participant_zone
from app.checkins import today as checkins_today
from app.extensions import db
from app.medications import today as medications_today
from app.participant import bp
from app.participant.forms import ContactForm, ProfileForm
from app.review import notes as review_notes
from app.scales import service as scale_service
from app.schedule import pages as schedule_pages
from app.security import audit
from app.security.audit import Action
from app.security.passwords import verify_password
from app.security.sessions import start_session
from app.skills import pages as skills_pages
from app.templating import render, wants_fragment


@bp.route("/today")
def today():
    """Home: the next session, the rest of today, the daily check-in, and ways to help."""
    return render_template("participant/today.html",
                           due_scales=scale_service.due_scales(current_user),
                           **schedule_pages.today_context(current_user),
                           **skills_pages.today_context(current_user),
                           **checkins_today.today_context(current_user),
                           **review_notes.today_context(current_user),
                           **medications_today.today_context(current_user))


@bp.route("/schedule")
def schedule():
    """This week's and the next four weeks' sessions, grouped by day."""
    return render_template("participant/schedule.html",
                           **schedule_pages.schedule_context(current_user))


@bp.route("/me")
def me():
    """Profile: name, language, password, sign out; and the participant's enrolment history."""
    return _me_page(_profile_form(obj=current_user), ChangePasswordForm(prefix="password"))


def _profile_form(**kwargs) -> ProfileForm:
    """The profile form; its time zone list offers "my program's zone" by name."""
    return ProfileForm(prefix="profile", program_zone=schedule_pages.program_zone(current_user),
                       **kwargs)


@bp.route("/me/contact", methods=["POST"])
def update_contact():
    """Save the participant's phone number and emergency contact (for their care team)."""
    form = ContactForm(prefix="contact")
    if not form.validate_on_submit():
        page = render("participant/me.html", "participant/_contact_form.html",
                      profile=_profile_form(obj=current_user),
                      password_form=ChangePasswordForm(prefix="password"), contact=form,
                      **_me_context())
        return page, 400
    form.apply_to(current_user)
    audit.record(Action.PARTICIPANT_EDIT, subject=current_user.id, target="contact")
    db.session.commit()
    if wants_fragment():
        return render_template("participant/_contact_form.html", contact=form, saved=True)
    flash(_("Saved."), "success")
    return redirect(url_for("participant.me") + "#contact")


def _me_context() -> dict:
    """What the Me page shows besides its forms."""
    return {
        "history": enrolment_history(current_user.id),
        "staff_views": audit.staff_views_of(current_user.id),
        "zone": participant_zone(current_user),
    }


def _contact_form() -> ContactForm:
    return ContactForm(obj=current_user, prefix="contact", formdata=None)


def _me_page(profile, password_form, status=200):
    return (
        render_template(
            "participant/me.html", profile=profile, password_form=password_form,
            contact=_contact_form(), **_me_context()
        ),
        status,
    )


@bp.route("/me/profile", methods=["POST"])
def update_profile():
    """Save name, language and time zone; htmx gets the profile card back, others the whole page."""
    profile = _profile_form()
    if not profile.validate_on_submit():
        page = render("participant/me.html", "participant/_profile_form.html", profile=profile,
                      password_form=ChangePasswordForm(prefix="password"),
                      contact=_contact_form(), **_me_context())
        return page, 400
    language_changed = current_user.language != profile.language.data
    current_user.display_name = profile.display_name.data.strip()
    current_user.language = profile.language.data
    current_user.time_zone = profile.time_zone.data or None
    db.session.commit()
    if language_changed:
        refresh()  # the rest of this response (its "Saved.") speaks the new language
    if wants_fragment() and not language_changed:
        return render_template("participant/_profile_form.html", profile=profile, saved=True)
    flash(_("Saved."), "success")
    if wants_fragment():  # a new language needs the whole page in it
        return "", 204, {"HX-Redirect": url_for("participant.me")}
    return redirect(url_for("participant.me"))


@bp.route("/me/password", methods=["POST"])
def change_password():
    """Change password; every other session of this person ends."""
    profile = _profile_form(obj=current_user)
    form = ChangePasswordForm(prefix="password")
    if form.validate_on_submit():
        user = current_user._get_current_object()
        if not verify_password(user.password_hash, form.current.data):
            form.current.errors.append(_("That is not your current password."))
        else:
            try:
                accounts.set_password(user, form.password.data)
            except accounts.AccountError as error:
                form.password.errors.append(error.message)
            else:
                start_session(user)  # this device stays signed in with the new token
                audit.record(Action.PASSWORD_CHANGE)
                db.session.commit()
                flash(_("Your password is changed. Other devices are signed out."), "success")
                return redirect(url_for("participant.me"))
    return _me_page(profile, form, 400)
