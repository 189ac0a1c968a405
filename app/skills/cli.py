"""`skills sync`: load Trellis's coping-skills catalogue into the database."""

from pathlib import Path

import click
from flask.cli import AppGroup

from app.skills import catalogue

skills_cli = AppGroup("skills", help="The coping-skills catalogue.")


@skills_cli.command("sync")
@click.option("--file", "path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, help="A catalogue file to load instead of the one Trellis ships.")
def sync(path: Path | None) -> None:
    """Add new catalogue skills and new versions of changed ones. Safe to run again:
    practices keep the text they were logged with, and programs keep their own choices."""
    try:
        entries = catalogue.load(path) if path else None
        report = catalogue.sync(entries)
    except catalogue.CatalogueError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Skills catalogue: {len(report.added)} added, {len(report.updated)} updated, "
               f"{len(report.retired)} retired, {len(report.restored)} restored, "
               f"{report.unchanged} unchanged.")
    for label, keys in (("added", report.added), ("updated", report.updated),
                        ("retired", report.retired), ("restored", report.restored)):
        if keys:
            click.echo(f"  {label}: {', '.join(keys)}")
