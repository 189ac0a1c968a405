"""XSS payloads in every free-text field render inert in every view, participant and staff."""

from html.parser import HTMLParser

import pytest
import sqlalchemy as sa
from markupsafe import escape

from app.database import utcnow
from app.models import BreakGlassGrant, Invite
from tests.conftest import csrf_token
from tests.security.matrix import EXPECTED, SKIPPED_IN_WALK, url_values

PAYLOADS = [
    "<script>alert('x1')</script>",
    '"><img src=x onerror=alert(2)>',
    "'><svg onload=alert(3)>",
    "&lt;script&gt;alert(4)&lt;/script&gt;",  # double-encoded
    "javascript:alert(5)//<a href=javascript:alert(6)>",
    '<div hx-get="/signout" hx-trigger="load">',
]


def _plant_feature_text(app, db, world, payload):
    """The payload in the features' free text: a session, a check-in note, the safety plan and
    what a clinician wrote when acknowledging the alert that check-in raised."""
    from datetime import date, time

    from app.checkins import service as checkins
    from app.models import SafetyAlert, SessionKind
    from app.safety import alerts as safety
    from app.safety import plans as safety_plans
    from app.schedule import series as session_series

    with app.test_request_context():
        session_series.create_series(world.iop, session_series.SeriesDetails(
            kind=SessionKind.GROUP_THERAPY, title=f"Group {payload}", time_zone="America/New_York",
            start_time=time(23, 30), duration_minutes=20, start_date=date.today(),
            recurrence="FREQ=DAILY", facilitator=payload, location=payload,
            what_to_bring=payload), world.clinician_a, None)
        checkins.save(world.participant_a, {"mood": "2", "note": payload,
                                            "safety_thoughts": "yes"})
        safety_plans.save(world.participant_a, dict.fromkeys(safety_plans.SECTION_KEYS, payload),
                          world.participant_a, seen_version=0)
        db.session.commit()
        alert = db.session.scalar(sa.select(SafetyAlert))
        safety.acknowledge(alert, world.clinician_a, payload)
        db.session.commit()


def _plant(db, world, payload):
    """Put the payload into every free-text field that pages show."""
    for user in (world.participant_a, world.participant_b, world.clinician_a):
        user.display_name = f"{user.display_name} {payload}"
    world.iop.name = f"North {payload}"
    world.iop.crisis_text = payload
    world.iop.privacy_notice = payload
    db.session.add(BreakGlassGrant(admin_id=world.admin.id, participant_id=world.participant_a.id,
                                   reason=f"Reason long enough {payload}", granted_at=utcnow(),
                                   expires_at=utcnow()))
    db.session.commit()


def _dangerous_fragments(payload: str) -> list[str]:
    """What must never appear verbatim: the payload's markup."""
    return [f for f in ("<script>", "<img src=x", "<svg onload", "<a href=javascript",
                        '<div hx-get="/signout"', "&lt;script&gt;alert(4)")
            if f.replace("&lt;", "<").replace("&gt;", ">") in payload.replace("&lt;", "<")
            .replace("&gt;", ">") or f in payload]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_render_inert_everywhere(app, world, login_as, db, payload):
    values = url_values(app, world, db)
    invite = db.session.scalar(sa.select(Invite))
    invite.display_name = payload
    _plant(db, world, payload)
    _plant_feature_text(app, db, world, payload)
    fragments = _dangerous_fragments(payload)
    assert fragments
    shown = set()
    for actor in ("participant_a", "clinician_a", "admin"):
        client = app.test_client()
        login_as(getattr(world, actor), on=client)
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint in SKIPPED_IN_WALK \
                    or rule.endpoint == "static" or rule.endpoint not in EXPECTED:
                continue
            url = rule.build({k: values[k] for k in rule.arguments}, append_unknown=False)[1]
            response = client.get(url, headers={"X-CSRFToken": csrf_token(client)})
            html = response.get_data(as_text=True)
            for fragment in fragments:
                assert fragment not in html, f"{fragment!r} unescaped in {url} as {actor}"
            if str(escape(payload)) in html:
                shown.add(url)
    # the payload was really on the pages walked: the safety plan, the clinician's view of the
    # participant (alert action, check-in note), today's session
    assert "/safety-plan" in shown and "/today" in shown
    assert f"/clinician/participants/{world.participant_a.id}" in shown


class _TextOutsideHxDisable(HTMLParser):
    """Collects text containing a marker that is not inside an hx-disable element."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
            "source", "track", "wbr"}

    def __init__(self, marker):
        super().__init__()
        self.marker, self.stack, self.exposed = marker, [], []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append("hx-disable" in dict(attrs))

    def handle_endtag(self, tag):
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if self.marker in data and not any(self.stack):
            self.exposed.append(data.strip())


@pytest.mark.parametrize(("actor", "paths"), [
    ("clinician_a", ["/clinician/", "/clinician/participants/{pid}", "/clinician/invites"]),
    ("admin", ["/admin/enrolments?status=all", "/admin/clinicians"]),
])
def test_user_text_on_staff_pages_sits_inside_hx_disable(app, world, login_as, db, actor, paths):
    _plant(db, world, "MARKER-TEXT")
    client = app.test_client()
    login_as(getattr(world, actor), on=client)
    for path in paths:
        html = client.get(path.format(pid=world.participant_a.id)).get_data(as_text=True)
        assert "MARKER-TEXT" in html, path
        parser = _TextOutsideHxDisable("MARKER-TEXT")
        parser.feed(html)
        assert parser.exposed == [], path
