"""`reminders worker` (long-running) and `reminders run-once` (cron): plan and send reminders."""

import signal

import click
from flask import current_app
from flask.cli import AppGroup

from app.database import utcnow
from app.push import planner
from app.push.dispatcher import Dispatcher
from app.push.vapid import VapidConfigError

reminders_cli = AppGroup("reminders", help="Plan and send push reminders.")

_NO_PLAN = click.option("--no-plan", is_flag=True,
                        help="Only send; another worker plans (several senders, one planner).")


def _dispatcher() -> Dispatcher:
    try:
        return Dispatcher(current_app._get_current_object())
    except VapidConfigError as error:
        raise click.ClickException(str(error)) from None


@reminders_cli.command("worker")
@_NO_PLAN
def worker(no_plan: bool) -> None:
    """Plan the coming hours and send what is due, until stopped.

    SIGTERM or Ctrl-C stops it after the batch it is sending, so nothing is left half-recorded.
    On PostgreSQL run as many as you like, on as many machines (one plans, the others may take
    --no-plan); a worker is one process, so more workers use more cores. On SQLite one sends at
    a time.
    """
    dispatcher = _dispatcher()
    signal.signal(signal.SIGTERM, dispatcher.stop)
    signal.signal(signal.SIGINT, dispatcher.stop)
    try:
        dispatcher.run_forever(plan=not no_plan)
    finally:
        dispatcher.close()
    click.echo(_summary(dispatcher.totals))


def _summary(stats) -> str:
    return (f"claimed {stats.claimed}, sent {stats.sent}, retrying {stats.retrying}, "
            f"failed {stats.failed}, dropped {stats.dropped}, cancelled {stats.cancelled}")


@reminders_cli.command("run-once")
@_NO_PLAN
def run_once(no_plan: bool) -> None:
    """Plan, send everything that is due, and exit (for cron)."""
    dispatcher = _dispatcher()
    try:
        stats = dispatcher.run_once(plan=not no_plan)
    finally:
        dispatcher.close()
    click.echo(_summary(stats))


@reminders_cli.command("plan")
def plan() -> None:
    """Plan reminders now without sending anything."""
    totals = planner.plan_all(utcnow())
    click.echo(", ".join(f"{name} {value}" for name, value in totals.items()))
