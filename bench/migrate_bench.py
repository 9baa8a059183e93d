"""Benchmark a full migration between two sandboxes served on loopback, each in its own
process with its rate limit on, and the migration in a third process.

    python bench/migrate_bench.py --source zendesk --target zendesk --tickets 10000 \\
        --rate-limit 700 --no-attachments

Prints requests per ticket (source and target apart), requests/minute achieved against the
limit, records/s, wall time and the migration process's peak memory (max RSS).
``--tracemalloc`` runs the migration under tracemalloc (``bench/traced_migrate.py``) and adds
what grew during the ticket stage, by allocation site (it slows the run down and adds the
tracer's own memory to the peak: profile with it, measure without it).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def serve(platform: str, folder: Path, name: str, tickets: int, seed: int, rate: int,
          attachments: bool, extra: tuple[str, ...] = ()) -> tuple[subprocess.Popen[str], dict]:
    """A sandbox served in its own process (``extra``: more ``sandbox serve`` options)."""
    command = [sys.executable, "-m", "deskmigrate", "sandbox", "serve", platform, "--port", "0",
               "--tickets", str(tickets), "--seed", str(seed), "--rate-limit", str(rate),
               "--data", str(folder / f"{name}.sqlite"), "--json", *extra]
    if not attachments:
        command.append("--no-attachments")
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line:
        raise SystemExit(f"the {name} sandbox did not start")
    return process, json.loads(line)


def stop(sandbox: subprocess.Popen[str]) -> dict[int, int]:
    """Stop a served sandbox (Ctrl-C); what each of its rate-limit windows counted."""
    sandbox.send_signal(signal.SIGINT)
    out, _ = sandbox.communicate(timeout=60)
    last = out.strip().splitlines()[-1] if out.strip() else "{}"
    return {int(k): v for k, v in json.loads(last).get("windows", {}).items()}


def steady_use(windows: dict[int, int], rate: int) -> float | None:
    """The least share of the limit counted in a window the run spanned whole (not its
    first and last, which it only began or ended in); None when it spanned none."""
    starts = sorted(windows)
    whole = [windows[start] for start in starts[1:-1]]
    return round(min(whole) / rate, 3) if whole else None


def account(table: str, platform: str, info: dict, rate: int) -> str:
    lines = [f"[{table}]", f'platform = "{platform}"', f'url = "{info["url"]}"',
             f"rate_limit = {rate}"]
    lines += [f'{k} = "{v}"' for k, v in info["credentials"].items()]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", default="zendesk")
    parser.add_argument("--target", default="zendesk")
    parser.add_argument("--tickets", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--rate-limit", type=int, default=700)
    parser.add_argument("--source-rate-limit", type=int,
                        help="the source's requests a minute (default: --rate-limit)")
    parser.add_argument("--no-attachments", action="store_true")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--stages", action="store_true",
                        help="report the migration's peak RSS in each stage (kind)")
    parser.add_argument("--tracemalloc", action="store_true",
                        help="report the ticket stage's memory growth by allocation site")
    args = parser.parse_args()
    # the sandboxes are stopped with Ctrl-C (then they print their windows' counts): give
    # them a SIGINT handler even when this bench runs in the background (SIGINT ignored)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    source_rate = args.source_rate_limit or args.rate_limit

    with tempfile.TemporaryDirectory(prefix="deskmigrate-bench-") as tmp:
        folder = Path(tmp)
        started = time.monotonic()
        source, source_info = serve(args.source, folder, "source", args.tickets, args.seed,
                                    source_rate, not args.no_attachments)
        target, target_info = serve(args.target, folder, "target", 0, args.seed,
                                    args.rate_limit, True)
        seeded = time.monotonic() - started
        config = folder / "bench.toml"
        config.write_text(account("source", args.source, source_info, source_rate)
                          + account("target", args.target, target_info, args.rate_limit)
                          + f"[run]\nconcurrency = {args.concurrency}\n"
                          + "[billing]\nenforce = false\n")
        try:
            traced = folder / "tracemalloc.json"
            watched = args.stages or args.tracemalloc
            launcher = [str(Path(__file__).with_name("traced_migrate.py")), str(traced),
                        *(["--tracemalloc"] if args.tracemalloc else []), "--"] \
                if watched else ["-m", "deskmigrate"]
            began, phase = time.monotonic(), time.time() % 60
            run = subprocess.run([sys.executable, *launcher, "--db",
                                  str(folder / "state.sqlite"), "migrate", "--config",
                                  str(config), "--json"], capture_output=True, text=True)
            elapsed = time.monotonic() - began
            peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        finally:
            use = {"source": steady_use(stop(source), source_rate),
                   "target": steady_use(stop(target), args.rate_limit)}
        if run.returncode != 0:
            raise SystemExit(run.stderr)
        result = json.loads(run.stdout)
        profile = json.loads(traced.read_text()) if watched else None

    records = sum(row["migrated"] for row in result["records"].values())
    ticket_requests = result["requests_by_kind"].get("ticket", {"source": 0, "target": 0})
    tickets = result["records"].get("ticket", {}).get("migrated", 0)
    minutes = elapsed / 60
    report = {
        "pair": f"{args.source} -> {args.target}",
        "tickets": tickets,
        "attachments": not args.no_attachments,
        "rate_limit_per_minute": {"source": source_rate, "target": args.rate_limit},
        "seconds": round(elapsed, 1),
        # the sandboxes count fixed minute windows: a run needing n windows of the limit
        # cannot end before the (n-1)th minute boundary, (n-1) * 60 - this, seconds in
        "started_at_second_of_minute": round(phase, 1),
        "seed_seconds": round(seeded, 1),
        "records": records,
        "records_per_second": round(records / elapsed, 1),
        "source_requests": result["requests"]["source"],
        "target_requests": result["requests"]["target"],
        "source_429": result["requests"].get("source_429"),
        "target_429": result["requests"].get("target_429"),
        "source_requests_per_ticket": round(result["requests"]["source"] / max(tickets, 1), 4),
        "target_requests_per_ticket": round(result["requests"]["target"] / max(tickets, 1), 4),
        "ticket_stage_source_requests_per_ticket":
            round(ticket_requests["source"] / max(tickets, 1), 4),
        "ticket_stage_target_requests_per_ticket":
            round(ticket_requests["target"] / max(tickets, 1), 4),
        "requests_by_kind": result["requests_by_kind"],
        "source_requests_per_minute": round(result["requests"]["source"] / minutes, 1),
        "target_requests_per_minute": round(result["requests"]["target"] / minutes, 1),
        "source_steady_use": use["source"],
        "target_steady_use": use["target"],
        "peak_memory_mb": round(peak_mb, 1),
        "load_average": [round(x, 1) for x in os.getloadavg()],
    }
    if profile is not None:
        report["memory_profile"] = profile
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
