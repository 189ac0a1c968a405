"""Writing the drain benchmark's results into docs/benchmarks.md (its own section only)."""

import statistics
from pathlib import Path

START = "<!-- push-drain:start -->"
END = "<!-- push-drain:end -->"
#: The section the previous benchmark wrote (the machinery it measured is gone): replaced.
OLD = ("<!-- push-dispatch:start -->", "### Earlier full runs (kept by hand)")
DOC = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"


def _derived(run: dict) -> dict:
    """The figures the report shows, from one run's results."""
    drain, alone, peer, split = run["drain"], run["alone"], run["peer"], run["split"]
    encryption = sum(run["encryption_rates"]) / 2
    count = drain["reminders"]
    return {
        "seconds": drain["seconds"], "rate": drain["rate"],
        "alone_rate": alone["rate"], "ratio": alone["rate"] / encryption,
        "encryption": encryption, "peer_rate": peer["rate"],
        "peer_factor": drain["rate"] / peer["rate"],
        "alone_cpu_us": 1e6 * alone["cpu_seconds"] / alone["reminders"],
        "postgres_us": 1e6 * drain["postgres_cpu_seconds"] / count,
        "service_us": 1e6 * drain["service_cpu_seconds"] / count,
        "split": split,
    }


def _yes(met: bool) -> str:
    return "met" if met else "**missed**"


def section(runs: list[dict]) -> str:
    """The Markdown section for one or more runs (medians when there are several)."""
    first, derived = runs[0], [_derived(run) for run in runs]

    def median(key: str) -> float:
        return statistics.median(d[key] for d in derived)

    machine, drain = first["machine"], first["drain"]
    check = drain["check"]
    several = f" (median of {len(runs)} runs)" if len(runs) > 1 else ""
    lines = [
        START, "## Push reminders: draining one minute's reminders", "",
        f"Run {machine['when']} on {machine['cpus']} cores ({machine['cpu']}), "
        f"{machine['memory_gib']:.0f} GiB of memory, Python {machine['python']}, PostgreSQL "
        f"{machine['postgresql'].split()[0]}; load average {machine['load']:.1f} at the start "
        "(the machine is shared: figures move by tens of per cent between runs). "
        f"`.venv/bin/python bench/push_drain.py`: {drain['reminders']:,} check-in reminders, "
        f"PUSH_SEND_CONCURRENCY {first['concurrency']} per worker, the stand-in push service "
        f"answering after {first['delay_ms']:.0f} ± {first['jitter_ms']:.0f} ms.", "",
        "| figure | result" + several + " | target |", "| --- | --- | --- |",
        f"| Drain: {drain['reminders']:,} reminders due at once, two `flask reminders worker` "
        f"processes (one planning, one `--no-plan`) | **{median('seconds'):.1f} s** until "
        f"every one is recorded sent, {median('rate'):,.0f} sends/s | ≤ 90 s: "
        f"{_yes(median('seconds') <= 90)} |",
        f"| Exactly once (at the push service) | {check['received']:,} messages, "
        f"{check['distinct']:,} distinct ids, {check['duplicated']} duplicated, "
        f"{check['lost']} lost, {check['rejected']} refused by its checks | none lost or "
        "duplicated |",
        f"| One worker alone | {median('alone_rate'):,.0f} sends/s = **{median('ratio'):.2f}** "
        f"of the encryption-only rate ({median('encryption'):,.0f}/s on one core) | ≥ 0.5: "
        f"{_yes(median('ratio') >= 0.5)} |",
        f"| The peer: pywebpush's `webpush()` in a loop | {median('peer_rate'):,.1f} sends/s: "
        f"the drain is **{median('peer_factor'):,.0f}×** faster | — |", "",
        "Every run:", "",
        "| run | drain | sends/s | per worker: sent, CPU per message, peak RSS (VmHWM) "
        "| one worker alone (ratio) | encryption-only /s (before, after) | peer /s |",
        "| --- | --- | --- | --- | --- | --- | --- |"]
    for run, d in zip(runs, derived, strict=True):
        workers = "; ".join(
            f"{w['role']}: {w['sent']:,}, {1e6 * w['cpu_seconds'] / max(w['sent'], 1):.0f} µs, "
            f"{w['peak_rss_mib']:.0f} MiB" for w in run["drain"]["workers"])
        before, after = run["encryption_rates"]
        lines.append(
            f"| {run['machine']['when']} | {d['seconds']:.1f} s | {d['rate']:,.0f} | {workers} "
            f"| {d['alone_rate']:,.0f}/s ({d['ratio']:.2f}) | {before:,.0f}, {after:,.0f} "
            f"| {d['peer_rate']:.1f} |")
    split = derived[0]["split"]
    total = split["database_us"] + split["encryption_us"] + split["http_us"]
    lines += [
        "", "Where a worker's CPU goes, per message (`bench/push_split.py`, first run; each part "
        "measured alone with the process's CPU time, every thread included):", "",
        "| part | µs per message |", "| --- | --- |",
        f"| database and batch work in the worker: claim, still-wanted check, devices, payload, "
        f"Topic, snooze token, recording outcomes | {split['database_us']:.0f} |",
        f"| encryption: pywebpush `WebPusher.encode` (a new ECDH key each) | "
        f"{split['encryption_us']:.0f} |",
        f"| HTTP: aiohttp, the cached VAPID header, handing results between threads | "
        f"{split['http_us']:.0f} |",
        f"| **the worker, the parts added up** | **{total:.0f}** |",
        f"| the worker, measured in the drain (alone: {derived[0]['alone_cpu_us']:.0f}) | "
        + ", ".join(f"{1e6 * w['cpu_seconds'] / max(w['sent'], 1):.0f}"
                    for w in first["drain"]["workers"]) + " |",
        f"| PostgreSQL's server process for that connection (split) / all of the workers' "
        f"(drain) | {split['server_us']:.0f} / {derived[0]['postgres_us']:.0f} |",
        f"| the stand-in push service (aiohttp.web, its own process; not ours in production) "
        f"| {derived[0]['service_us']:.0f} |",
        "", NOTES, END]
    return "\n".join(lines)


def write_report(runs: list[dict]) -> None:
    """Replace this benchmark's section of docs/benchmarks.md (and the old dispatch one)."""
    text = DOC.read_text() if DOC.exists() else "# Benchmarks\n"
    new = section(runs)
    if START in text and END in text:
        text = text[:text.index(START)] + new + text[text.index(END) + len(END):]
    elif OLD[0] in text:
        end = text.find("\n## ", text.index(OLD[1])) if OLD[1] in text else -1
        text = text[:text.index(OLD[0])] + new + ("\n" + text[end:] if end >= 0 else "\n")
    else:
        text = text.rstrip("\n") + "\n\n" + new + "\n"
    DOC.write_text(text)


#: What the numbers mean (kept true by hand when the worker or the benchmark changes).
NOTES = """\
How the run goes. The stand-in push service (`bench/push_service.py`, aiohttp.web in its own
process) answers every `POST` after the delay; it checks every request's headers and VAPID
header (each distinct token in full, signature included) and keeps every body. After each
phase it decrypts every body with its device's key and returns every message id it received:
the run fails if one is missing, duplicated or unexpected. The two workers are real `flask
reminders worker` processes (REMINDERS_POLL_SECONDS 5, batches of 500). They start first; then
every reminder is inserted in one transaction (Core executemany, 5,000 rows a statement), due at
once, and the drain is timed from that commit until no reminder is pending or being sent (it
includes up to one poll interval before a worker notices). The participants have no
enrolment, so the planning worker has nobody to plan and sends as much as the other. "One
worker alone" is the `--no-plan` worker afterwards, on a fifth as many more, timed from the
first arrival at the stand-in. CPU comes from /proc (user + system time; PostgreSQL's: the
server processes of the workers' connections), peak memory from VmHWM. The peer sends one
message after another with `webpush()` (a claims dict per call, the key parsed each time, no
timeout) and does no database work at all.

What they mean. A push service takes tens to hundreds of milliseconds to answer, so a
worker's rate is bounded by PUSH_SEND_CONCURRENCY over the answer time (100 / about 0.09 s,
about 1,100 a second) before it is bounded by CPU: in the drain each worker used about half a
core. Two workers share the outbox through `FOR UPDATE SKIP LOCKED` and split it evenly; more
workers drain faster while cores last. The peer is slow because it waits for each answer before
the next request, not because it spends more CPU.

The ratio to the encryption-only rate is missed by design. A worker spends about four times the
encryption's CPU on each message (the table above): aiohttp costs more than the encryption
itself (the hand-written HTTP/1.1 client this replaced cost 25-30 µs, which is how that design
reached 0.7 with an encryption process beside it), and SQLAlchemy, the event loop and the
hand-over between the database thread and the sender's thread take the rest. So even a worker
with enough requests in flight to be CPU-bound reaches only about a fifth of the encryption-only
rate on one core (below). More throughput comes from more workers, one process each."""
