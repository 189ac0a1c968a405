"""The registry of reminder kinds: one entry says everything about a kind.

What triggers it (`plan_person` for reminders planned per person from their schedule and
answers, `plan_everyone` for event-driven ones such as safety alerts), its lead time, urgency,
when it goes stale, whether quiet hours apply, its discreet and detailed texts, the page a tap
opens, its notification tag and push Topic, and a check just before sending that it is still
wanted. Adding a kind (homework nudges, clinician messages, medication reminders) is one entry
here plus its trigger function in `triggers`.

Texts never name the person, a scale, a diagnosis or a session's title; the detailed text of a
session says only "Group" or "Appointment" and the time. Discreet text is the default.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from py_vapid.utils import b64urlencode

from app.formatting import format_clock, format_day
from app.push import triggers

#: The lock-screen text when the person has not chosen details (docs/clinical.md, Tone).
DISCREET_BODY = _l("You have a reminder")

PARTICIPANT = "participant"
STAFF = "staff"


@dataclass(frozen=True)
class Kind:
    """One kind of reminder."""

    key: str
    audience: str  #: PARTICIPANT or STAFF
    label: object  #: shown on Me → Reminders ("Check-in reminder")
    trigger: str  #: what makes one, in a sentence (for people reading the code and docs)
    lead: str  #: when it is due relative to what it is about
    urgency: str  #: Urgency header: "high" for safety alerts, else "normal"
    #: How long after it is due a reminder is still worth showing, when the trigger does not
    #: say (snoozes and tests; planned reminders carry their own stale time).
    stale_after: timedelta
    quiet_hours: bool  #: moved to the end of quiet hours (or dropped when stale by then)
    detailed: Callable[[dict], str]  #: the detailed text, from the row's context
    tag: str  #: notification tag: a newer notification of the kind replaces the older
    #: What the push Topic is made from: a queued older message with the same Topic is replaced.
    topic_source: Callable[[int, dict, str], str]
    plan_person: Callable | None = None  #: (PlanContext) -> list[Desired]
    plan_everyone: Callable | None = None  #: (now) -> list[Desired]
    #: (rows) -> ids of rows that are no longer wanted; run just before sending.
    unwanted: Callable | None = None
    discreet: object = DISCREET_BODY
    snooze: bool = False  #: offers "remind me in 30 min / 1 h"
    #: The notification's own actions instead of the snooze pair: () -> [(action, title)].
    actions: Callable[[], list] | None = None
    #: Extra fields for the notification's data (reminder id, user id, context) -> dict, for
    #: actions the service worker answers itself (a medication's "Taken").
    action_data: Callable[[int, int, dict], dict] | None = None
    #: Participants may choose details for this kind on Me → Reminders.
    detail_choice: bool = True
    #: The kind whose detail choice this one follows (the evening-before follows "session").
    detail_key: str | None = None

    def topic(self, user_id: int, context: dict, dedupe_key: str) -> str:
        """The push Topic: base64url, at most 32 characters, from `topic_source`."""
        digest = hashlib.sha256(self.topic_source(user_id, context, dedupe_key).encode()).digest()
        return b64urlencode(digest[:18])  # 24 characters

    @property
    def choice_key(self) -> str:
        """The key stored in a person's detailed_kinds for this kind."""
        return self.detail_key or self.key


def _what(context: dict, capital: bool = True) -> str:
    if context.get("what") == "appointment":
        return _("Appointment") if capital else _("appointment")
    return _("Group") if capital else _("group")


def _day(context: dict) -> str:
    from datetime import date

    return format_day(date.fromisoformat(context["day"]), "short")


def _time(context: dict) -> str:
    """The session's local wall-clock time ("at" is stored as HH:MM) in the reader's style."""
    from datetime import time

    return format_clock(time.fromisoformat(context["at"]))


def _session_text(context: dict) -> str:
    return _("%(what)s at %(time)s — tap to see", what=_what(context), time=_time(context))


def _evening_text(context: dict) -> str:
    return _("Tomorrow: %(what)s at %(time)s — tap to see", what=_what(context, False),
             time=_time(context))


def _change_text(context: dict) -> str:
    if context.get("change") == "cancelled":
        return _("%(what)s on %(day)s at %(time)s is cancelled — tap to see",
                 what=_what(context), day=_day(context), time=_time(context))
    return _("%(what)s on %(day)s has moved to %(time)s — tap to see",
             what=_what(context), day=_day(context), time=_time(context))


def _medication_text(context: dict) -> str:
    if context.get("follow_up"):
        return _("Still open: the reminder for %(time)s — tap to see", time=context["at"])
    return _("Reminder for %(time)s — tap to see", time=context["at"])


def _medication_actions() -> list:
    return [("taken", _("Taken")), ("snooze-30", _("Remind me in 30 min"))]


def _by_occurrence(user_id: int, context: dict, _key: str) -> str:
    return f"session:{user_id}:{context.get('occurrence')}"


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    """Add a kind to the registry."""
    KINDS[kind.key] = kind
    return kind


register(Kind(
    key="session", audience=PARTICIPANT, label=_l("Session reminder"),
    trigger="a session the participant attends (program group or own appointment)",
    lead="15, 30, 60 (default) or 120 minutes before, or off",
    urgency="normal", stale_after=timedelta(hours=1), quiet_hours=True,
    detailed=_session_text, tag="trellis-session", topic_source=_by_occurrence,
    plan_person=triggers.plan_session_reminders, unwanted=triggers.unwanted_sessions,
))
register(Kind(
    key="session_evening", audience=PARTICIPANT, label=_l("Evening before a session"),
    trigger="a session the next day, when the participant asked for it",
    lead="19:00 local the evening before (optional, off by default)",
    urgency="normal", stale_after=timedelta(hours=12), quiet_hours=True,
    detailed=_evening_text, tag="trellis-session", topic_source=_by_occurrence,
    plan_person=triggers.plan_evening_reminders, unwanted=triggers.unwanted_sessions,
    detail_choice=False, detail_key="session",
))
register(Kind(
    key="session_change", audience=PARTICIPANT, label=_l("Session cancelled or moved"),
    trigger="staff cancelled or moved one of the participant's sessions in the last day",
    lead="at once (after quiet hours); stale when the session starts",
    urgency="normal", stale_after=timedelta(hours=12), quiet_hours=True,
    detailed=_change_text, tag="trellis-session-change", topic_source=_by_occurrence,
    plan_person=triggers.plan_session_changes,
))
register(Kind(
    key="checkin", audience=PARTICIPANT, label=_l("Check-in reminder"),
    trigger="every day at the participant's chosen local time, unless they checked in that day",
    lead="at the chosen time (default 18:00); stale at local midnight; snooze 30 min or 1 h",
    urgency="normal", stale_after=timedelta(hours=3), quiet_hours=True,
    detailed=lambda _c: _("Time for your check-in — tap to start"), tag="trellis-checkin",
    topic_source=lambda user_id, context, _k: f"checkin:{user_id}:{context.get('day')}",
    plan_person=triggers.plan_checkin_reminders, unwanted=triggers.unwanted_checkins,
    snooze=True,
))
register(Kind(
    key="scale", audience=PARTICIPANT, label=_l("Questionnaire due"),
    trigger="a weekly scale (PHQ-9, GAD-7) the program asks is due; once per due cycle",
    lead="at the check-in time on the day it is due",
    urgency="normal", stale_after=timedelta(hours=12), quiet_hours=True,
    detailed=lambda _c: _("A short questionnaire is ready — tap to start"), tag="trellis-scale",
    topic_source=lambda user_id, context, _k: f"scale:{user_id}:{context.get('scale')}",
    plan_person=triggers.plan_scale_reminders, unwanted=triggers.unwanted_scales,
))
register(Kind(
    key="homework", audience=PARTICIPANT, label=_l("Skills practice from your care team"),
    trigger="a day with skills homework still to do, when the participant turned it on (off by "
            "default); skipped on days they practised a homework skill",
    lead="at the chosen local time (default 17:00); stale at local midnight",
    urgency="normal", stale_after=timedelta(hours=6), quiet_hours=True,
    detailed=lambda _c: _("A skill to practise today — tap to see"), tag="trellis-homework",
    topic_source=lambda user_id, context, _k: f"homework:{user_id}:{context.get('day')}",
    plan_person=triggers.plan_homework_reminders, unwanted=triggers.unwanted_homework,
))
register(Kind(
    key="message", audience=PARTICIPANT, label=_l("Message from your care team"),
    trigger="a clinician wrote the participant a message they have not read yet (the newest)",
    lead="at once (after quiet hours); stale after a day or once read",
    urgency="normal", stale_after=timedelta(hours=24), quiet_hours=True,
    detailed=lambda _c: _("You have a new message — tap to read"), tag="trellis-message",
    topic_source=lambda user_id, _c, _k: f"message:{user_id}",
    plan_person=triggers.plan_message_reminders, unwanted=triggers.unwanted_messages,
))
register(Kind(
    key="dose", audience=PARTICIPANT, label=_l("Medication reminder"),
    trigger="each dose time on the participant's medication list (doses due at the same time "
            "are one reminder), and a follow-up after the chosen delay while still unmarked",
    lead="at the dose time (the participant's own times; quiet hours do not apply); follow-up "
         "15, 30 (default) or 60 min later, or none; stale 4 h after the dose time",
    urgency="normal", stale_after=timedelta(hours=1), quiet_hours=False,
    detailed=_medication_text, tag="trellis-dose",
    topic_source=lambda user_id, context, _k: f"dose:{user_id}:{context.get('doses')}",
    plan_person=triggers.plan_medication_reminders, unwanted=triggers.unwanted_medications,
    snooze=True, actions=_medication_actions, action_data=triggers.medication_action_data,
))
register(Kind(
    key="safety_alert", audience=STAFF, label=_l("Safety alert"),
    trigger="a participant's answer raised a safety alert: every device of the primary "
            "clinician at once, the program's other clinicians after its escalation time",
    lead="at once; escalation after the program's minutes (default 30) while still open",
    urgency="high", stale_after=timedelta(hours=24), quiet_hours=False,
    detailed=lambda _c: _("A safety alert needs attention — tap to see"), tag="trellis-alert",
    topic_source=lambda _u, context, _k: f"alert:{context.get('alert_id')}",
    plan_everyone=triggers.plan_safety_alerts, unwanted=triggers.unwanted_alerts,
))
register(Kind(
    key="test", audience=PARTICIPANT, label=_l("Test reminder"),
    trigger="the person pressed “Send a test reminder” on Me → Reminders",
    lead="at once", urgency="normal", stale_after=timedelta(hours=1), quiet_hours=False,
    detailed=lambda _c: _("Test reminder: reminders reach this device"), tag="trellis-test",
    topic_source=lambda _u, _c, key: key,
    discreet=_l("Test reminder: reminders reach this device"), detail_choice=False,
))


def participant_detail_kinds() -> list[Kind]:
    """Kinds a participant can choose detailed text for."""
    return [k for k in KINDS.values() if k.audience == PARTICIPANT and k.detail_choice]
