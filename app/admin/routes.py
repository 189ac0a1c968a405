"""The admin's home page: counts, and the way to each administrative page."""

import sqlalchemy as sa
from flask import render_template

from app.admin import bp
from app.extensions import db
from app.models import Enrolment, EnrolmentStatus, Program, Role, User


@bp.route("/")
def home():
    """Admin overview."""
    counts = {
        "programs": db.session.scalar(sa.select(sa.func.count(Program.id))),
        "staff": db.session.scalar(
            sa.select(sa.func.count(User.id)).where(User.role != Role.PARTICIPANT)
        ),
        "active": db.session.scalar(
            sa.select(sa.func.count(Enrolment.id))
            .where(Enrolment.status == EnrolmentStatus.ACTIVE)
        ),
    }
    return render_template("admin/home.html", counts=counts)
