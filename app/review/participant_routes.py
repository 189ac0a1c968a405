"""The participant's Messages: what their care team wrote to them, read once opened."""

from flask import redirect, render_template, request, url_for
from flask_login import current_user

from app.review import notes, participant_bp


@participant_bp.route("/messages")
def index():
    """Every message, newest first; opening the list marks them read."""
    messages = notes.messages_for(current_user)
    unread = {m.id for m in messages if not m.is_read}
    page = render_template("review/participant/messages.html", care_messages=messages,
                           unread=unread)
    notes.mark_read(current_user, list(unread))
    return page


@participant_bp.route("/messages/read", methods=["POST"])
def mark_read():
    """"Got it" on Today: the shown messages are read."""
    ids = [int(v) for v in request.form.getlist("message") if v.isdigit() and len(v) < 12]
    notes.mark_read(current_user, ids)
    return redirect(url_for("participant.today"))
