"""Writing the drain benchmark's results into docs/benchmarks.md (its own section)."""


def write_report(runs: list[dict]) -> None:
    raise NotImplementedError
