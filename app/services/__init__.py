"""Logic that is not HTTP: used by routes, the CLI and the demo seed alike."""
