"""Demo data for trying Trellis out: `flask demo seed` (development and demo mode only).

`seed` creates the demo programs and people and asks each capability for its own demo data
(`app.<capability>.demo`); running it again updates, never duplicates.
"""

from flask import Flask


def register(app: Flask) -> None:
    """Register the `demo` command group."""
    from app.demo.cli import demo_cli

    app.cli.add_command(demo_cli)
