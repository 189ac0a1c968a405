"""`push public-key`, `push generate-key`, `push status` and `push test`."""

from datetime import timedelta

import click
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric import ec
from flask.cli import AppGroup
from py_vapid.utils import b64urlencode

from app.auth import accounts
from app.database import utcnow
from app.extensions import db
from app.models import PushSubscription, Reminder, ReminderDelivery
from app.push import actions
from app.push.vapid import VapidConfigError, keys, public_key_b64

push_cli = AppGroup("push", help="Web Push keys, devices and a test message.")


@push_cli.command("public-key")
def public_key() -> None:
    """Print the VAPID public key (browsers subscribe with it)."""
    try:
        click.echo(keys().public_key)
    except VapidConfigError as error:
        raise click.ClickException(str(error)) from None


@push_cli.command("generate-key")
def generate_key() -> None:
    """Print a new private key for VAPID_PRIVATE_KEY, and its public key.

    Changing the key of a running installation makes every device turn reminders on again.
    """
    key = ec.generate_private_key(ec.SECP256R1())
    raw = key.private_numbers().private_value.to_bytes(32, "big")
    click.echo(f"VAPID_PRIVATE_KEY={b64urlencode(raw)}")
    click.echo(f"public key: {public_key_b64(key)}")


@push_cli.command("status")
def status() -> None:
    """Devices per push service, paused devices, and the outbox by status."""
    click.echo("devices:")
    for service, count in db.session.execute(
            sa.select(PushSubscription.push_service, sa.func.count())
            .group_by(PushSubscription.push_service).order_by(PushSubscription.push_service)):
        click.echo(f"  {service:<10} {count}")
    paused = db.session.execute(
        sa.select(PushSubscription.id, PushSubscription.push_service,
                  PushSubscription.disabled_at, PushSubscription.disabled_reason)
        .where(PushSubscription.disabled_at.is_not(None)).order_by(PushSubscription.id)).all()
    click.echo(f"paused devices (the push service refused our key): {len(paused)}")
    for row in paused:
        click.echo(f"  #{row.id} {row.push_service} since {row.disabled_at:%Y-%m-%d %H:%M} UTC: "
                   f"{row.disabled_reason}")
    click.echo("outbox:")
    for state, count in db.session.execute(
            sa.select(Reminder.status, sa.func.count()).group_by(Reminder.status)):
        click.echo(f"  {state.value:<10} {count}")
    since = utcnow() - timedelta(days=1)
    click.echo("deliveries in the last 24 hours:")
    for outcome, count in db.session.execute(
            sa.select(ReminderDelivery.outcome, sa.func.count())
            .where(ReminderDelivery.attempted_at >= since).group_by(ReminderDelivery.outcome)):
        click.echo(f"  {outcome.value:<10} {count}")


@push_cli.command("test")
@click.option("--email", required=True, help="Whose devices get the test reminder.")
def test(email: str) -> None:
    """Queue a test reminder to every device of a person (a worker sends it)."""
    user = accounts.find_by_email(email)
    if user is None:
        raise click.ClickException(f"no account with the email {email}")
    count = db.session.scalar(sa.select(sa.func.count()).select_from(PushSubscription)
                              .where(PushSubscription.user_id == user.id))
    if not count:
        raise click.ClickException("this person has not turned reminders on on any device")
    actions.send_test(user)
    db.session.commit()
    click.echo(f"queued a test reminder to {count} device(s)")
