"""The crisis safety flow: which answers trigger it, and the alerts it leaves for the care team.

`triggers()` is a pure function of the answers, so the help a participant sees never depends on
a server round trip: static/js/safety.js carries the same rules (a test checks they agree) for
the page and, later, the offline queue.
"""

import sqlalchemy as sa
from flask import abort
from flask_babel import lazy_gettext as _l

from app.care.scope import care_access, staff_program_ids
from app.care.team import care_enrolment
from app.checkins.items import SELF_HARM_MAX
from app.database import utcnow
from app.extensions import db
from app.models import Checkin, Enrolment, Role, SafetyAlert, ScaleResponse, User
from app.scales import registry as scale_registry

CHECKIN = "checkin"
ACTION_MAX = 1000


def rules() -> dict:
    """Every trigger rule as JSON-ready data: {"checkin": [...], "scales": {key: [...]}}.

    A rule names a field and either `equals` (a yes/no answer) or `at_least` (a number).
    """
    scale_rules = {}
    for scale in scale_registry.SCALES.values():
        if scale.safety_item:
            scale_rules[scale.key] = [{
                "code": f"{scale.key}_{scale.safety_item}",
                "field": scale.safety_item,
                "at_least": scale.safety_threshold,
            }]
    return {
        "checkin": [
            {"code": "safety_question", "field": "safety_thoughts", "equals": True},
            {"code": "self_harm_urge_top", "field": "self_harm_urge", "at_least": SELF_HARM_MAX},
        ],
        "scales": scale_rules,
    }


def _matches(rule: dict, value) -> bool:
    if value is None:
        return False
    if "equals" in rule:
        expected = rule["equals"]
        return type(value) is type(expected) and value == expected
    return isinstance(value, int) and not isinstance(value, bool) and value >= rule["at_least"]


def triggers(kind: str, answers: dict) -> list[dict]:
    """The rules these (validated) answers set off: [{"code": ..., "value": ...}], maybe empty.

    `kind` is "checkin" or a scale key such as "phq9".
    """
    table = rules()
    kind_rules = table["checkin"] if kind == CHECKIN else table["scales"].get(kind, [])
    return [
        {"code": rule["code"], "value": answers.get(rule["field"])}
        for rule in kind_rules
        if _matches(rule, answers.get(rule["field"]))
    ]


def describe(trigger: dict) -> str:
    """A clinician-facing sentence for one trigger."""
    code, value = trigger.get("code"), trigger.get("value")
    if code == "safety_question":
        return str(_l("Answered yes to the safety question (thoughts of killing themself or "
                      "of being better off dead)."))
    if code == "self_harm_urge_top":
        return str(_l("Urge to self-harm at the top of the scale (%(value)s of %(max)s).",
                      value=value, max=SELF_HARM_MAX))
    for scale in scale_registry.SCALES.values():
        if scale.safety_item and code == f"{scale.key}_{scale.safety_item}":
            item = scale.item(scale.safety_item)
            answer = next((o.label for o in scale.options_for(item) if o.value == value), value)
            return str(_l("%(scale)s item %(number)s (“%(item)s”): %(answer)s.",
                          scale=scale.name, number=scale.safety_item.lstrip("q"),
                          item=item.text, answer=answer))
    return str(code)


def raise_alert(
    participant: User,
    found: list[dict],
    checkin: Checkin | None = None,
    scale_response: ScaleResponse | None = None,
    enrolment: Enrolment | None = None,
    client_recorded_at=None,
) -> SafetyAlert:
    """Add an alert to the caller's transaction, so the answer and the alert commit together.

    Pass the participant's `enrolment` when the caller has it: looking it up here would flush
    the pending answer early. `client_recorded_at` is when the phone says the answer was given
    (answers sent later by the offline queue); the alert's `created_at` is the receipt.

    The alert waits, `notified_at` empty, for the reminders dispatcher to push it to the
    primary clinician; until then the care team sees it at the top of their pages.
    """
    enrolment = enrolment or care_enrolment(participant)
    alert = SafetyAlert(
        participant_id=participant.id,
        program_id=enrolment.program_id if enrolment else None,
        primary_clinician_id=enrolment.primary_clinician_id if enrolment else None,
        checkin=checkin,
        scale_response=scale_response,
        triggers=[dict(t) for t in found],
        created_at=utcnow(),
        client_recorded_at=client_recorded_at,
    )
    db.session.add(alert)
    return alert


def open_alerts_for_staff(staff: User) -> list[SafetyAlert]:
    """Unacknowledged alerts in the staff member's programs, the longest-waiting first."""
    return list(db.session.scalars(
        alerts_for_staff(staff)
        .options(sa.orm.joinedload(SafetyAlert.participant),
                 sa.orm.joinedload(SafetyAlert.program))
        .order_by(SafetyAlert.created_at, SafetyAlert.id)
    ))


def count_open_alerts_for_staff(staff: User) -> int:
    """How many unacknowledged alerts the staff member can see."""
    query = alerts_for_staff(staff)
    return db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))


def alerts_of_participant(staff: User, participant_id: int) -> list[SafetyAlert]:
    """One participant's alerts that the staff member may see, newest first."""
    return list(db.session.scalars(
        sa.select(SafetyAlert).where(SafetyAlert.participant_id == participant_id,
                                     _visible_alert(staff, participant_id))
        .order_by(SafetyAlert.created_at.desc(), SafetyAlert.id.desc())
    ))


def acknowledge(alert: SafetyAlert, staff: User, action_taken: str) -> bool:
    """Record who acknowledged the alert, when and what they did.

    One conditional UPDATE, so when two clinicians acknowledge at once the first one wins and
    the second is told; returns False when the alert was already acknowledged.
    """
    result = db.session.execute(
        sa.update(SafetyAlert)
        .where(SafetyAlert.id == alert.id, SafetyAlert.acknowledged_at.is_(None))
        .values(acknowledged_at=utcnow(), acknowledged_by_id=staff.id,
                action_taken=action_taken.strip())
        .execution_options(synchronize_session=False)
    )
    db.session.expire(alert)
    return result.rowcount == 1


# --- what a staff member may see --------------------------------------------------------------

def alerts_for_staff(staff: User) -> sa.Select:
    """Open safety alerts of the staff member's programs (plus break-glass), as a query.

    An open alert stays with the program it was raised in until someone there acknowledges
    it, whether or not the participant has moved on since: it must never fall out of sight.
    Acknowledged alerts follow the participant's records (`alerts_of_participant`).
    """
    visible = SafetyAlert.program_id.in_(staff_program_ids(staff))
    if staff.role == Role.ADMIN:
        from app.care.break_glass import granted_participant_ids

        visible = visible | SafetyAlert.participant_id.in_(granted_participant_ids(staff))
    return sa.select(SafetyAlert).where(visible, SafetyAlert.acknowledged_at.is_(None))


def _visible_alert(staff: User, participant_id: int) -> sa.ColumnElement[bool]:
    """One participant's alerts a staff member may see: open ones of their programs, and any
    raised during an enrolment they may see (`app.care.scope`)."""
    access = care_access(staff, participant_id)
    open_here = sa.and_(SafetyAlert.program_id.in_(staff_program_ids(staff)),
                        SafetyAlert.acknowledged_at.is_(None))
    return sa.or_(open_here, access.records(SafetyAlert.program_id, SafetyAlert.created_at))


def get_alert_for_staff(staff: User, alert_id: int) -> SafetyAlert:
    """A safety alert the staff member may see, or 404."""
    participant_id = db.session.scalar(
        sa.select(SafetyAlert.participant_id).where(SafetyAlert.id == alert_id))
    alert = None
    if participant_id is not None:
        alert = db.session.scalar(sa.select(SafetyAlert).where(
            SafetyAlert.id == alert_id, _visible_alert(staff, participant_id)))
    if alert is None:
        abort(404)
    return alert
