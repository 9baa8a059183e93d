"""deskmigrate against the peer (``bench/peer_zenpy.py``, the copy script an admin writes
with zenpy): both copy the same seeded Zendesk sandbox into an empty one, served on loopback
in their own processes under the same per-minute limit, runs interleaved, several per size.

    python bench/compare.py --sizes 100,300,1000,5000 --runs 3 --rate-limit 700
    python bench/compare.py --sizes 1000 --runs 3 --latency 150

Each sandbox is seeded once per size and copied for every run, so every run starts from the
same help desk. Prints, per size, the median wall time and requests of each side and the
ratio (peer / deskmigrate), the share of the limit each sandbox counted in the minute
windows the run spanned whole (steady state), plus the load average before and after.
``--latency MS`` makes both sandboxes take that long to answer each request, as a distant
service does (loopback answers in about a millisecond).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from migrate_bench import account, serve, steady_use, stop

BENCH = Path(__file__).parent


def seeded(folder: Path, name: str, tickets: int, seed: int, attachments: bool) -> Path:
    """A sandbox file seeded once (the server seeds an empty file, then is stopped)."""
    process, _ = serve("zendesk", folder, name, tickets, seed, 700, attachments)
    process.terminate()
    process.wait()
    return folder / f"{name}.sqlite"


def fresh(template: Path, folder: Path, name: str) -> None:
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{template}{suffix}").exists():
            shutil.copyfile(f"{template}{suffix}", folder / f"{name}.sqlite{suffix}")


def run_deskmigrate(folder: Path, source: dict, target: dict, rate: int) -> dict:
    config = folder / "bench.toml"
    config.write_text(account("source", "zendesk", source, rate)
                      + account("target", "zendesk", target, rate)
                      + "[billing]\nenforce = false\n")
    began = time.monotonic()
    run = subprocess.run([sys.executable, "-m", "deskmigrate", "--db", str(folder / "state.db"),
                          "migrate", "--config", str(config), "--json"],
                         capture_output=True, text=True)
    seconds = time.monotonic() - began
    if run.returncode != 0:
        raise SystemExit(run.stderr)
    result = json.loads(run.stdout)
    return {"seconds": seconds, "source": result["requests"]["source"],
            "target": result["requests"]["target"],
            "tickets": result["records"]["ticket"]["migrated"],
            "429": result["requests"].get("source_429", 0)
            + result["requests"].get("target_429", 0)}


def run_peer(source: dict, target: dict) -> dict:
    began = time.monotonic()
    run = subprocess.run([sys.executable, str(BENCH / "peer_zenpy.py"), source["url"],
                          target["url"],
                          "--source-email", source["credentials"]["email"],
                          "--source-token", source["credentials"]["token"],
                          "--target-email", target["credentials"]["email"],
                          "--target-token", target["credentials"]["token"]],
                         capture_output=True, text=True)
    seconds = time.monotonic() - began
    if run.returncode != 0:
        raise SystemExit(run.stderr)
    result = json.loads(run.stdout)
    return {"seconds": seconds, "source": result["source_requests"],
            "target": result["target_requests"], "tickets": result["tickets"],
            "429": result["source_429"] + result["target_429"]}


def one_run(tool: str, folder: Path, templates: tuple[Path, Path], args: argparse.Namespace,
            size: int) -> dict:
    """One migration by ``tool`` between copies of the seeded sandboxes (served with the
    arguments they were seeded with, so that they are not seeded again)."""
    fresh(templates[0], folder, "source")
    fresh(templates[1], folder, "target")
    rate = args.rate_limit
    extra = ("--latency", str(args.latency))
    if args.export_rate_limit is not None:
        extra += ("--export-rate-limit", str(args.export_rate_limit))
    source, source_info = serve("zendesk", folder, "source", size, args.seed, rate,
                                not args.no_attachments, extra)
    target, target_info = serve("zendesk", folder, "target", 0, args.seed, rate, True, extra)
    row: dict = {}
    try:
        if tool == "peer":
            row = run_peer(source_info, target_info)
        else:
            row = run_deskmigrate(folder, source_info, target_info, rate)
    finally:
        row["source_use"] = steady_use(stop(source), rate)
        row["target_use"] = steady_use(stop(target), rate)
    return row


def median(rows: list[dict], key: str) -> float:
    return statistics.median(row[key] for row in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,300,1000,5000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rate-limit", type=int, default=700)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--no-attachments", action="store_true")
    parser.add_argument("--latency", type=int, default=0,
                        help="milliseconds each sandbox takes to answer (default 0)")
    parser.add_argument("--tools", default="deskmigrate,peer",
                        help="which of deskmigrate,peer to run (default both)")
    parser.add_argument("--export-rate-limit", type=int,
                        help="incremental exports a minute (default: the sandbox's, 10)")
    args = parser.parse_args()
    # the sandboxes are stopped with Ctrl-C (then they print their windows' counts): give
    # them a SIGINT handler even when this bench runs in the background (SIGINT ignored)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    print(json.dumps({"load_before": os.getloadavg(), "cpus": os.cpu_count()}), flush=True)
    for size in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory(prefix="deskmigrate-compare-") as tmp:
            base = Path(tmp)
            (base / "seed").mkdir()
            templates = (seeded(base / "seed", "source", size, args.seed,
                                not args.no_attachments),
                         seeded(base / "seed", "target", 0, args.seed, True))
            tools = [t for t in ("deskmigrate", "peer") if t in args.tools.split(",")]
            rows: dict[str, list[dict]] = {tool: [] for tool in tools}
            for n in range(args.runs):
                for tool in tools if n % 2 == 0 else tools[::-1]:
                    folder = base / f"{tool}-{n}"
                    folder.mkdir()
                    rows[tool].append(one_run(tool, folder, templates, args, size))
        summary = {tool: {"seconds": round(median(r, "seconds"), 1),
                          "source_requests": median(r, "source"),
                          "target_requests": median(r, "target"),
                          "tickets": median(r, "tickets"),
                          "runs_seconds": [round(x["seconds"], 1) for x in r]}
                   for tool, r in rows.items()}
        for tool, r in rows.items():
            summary[tool]["429"] = sum(row["429"] for row in r)
            for side in ("source_use", "target_use"):
                summary[tool][side] = [row[side] for row in r]
        print(json.dumps({"tickets": size, "attachments": not args.no_attachments,
                          "rate_limit": args.rate_limit, "latency_ms": args.latency, **summary,
                          "wall_ratio": round(summary["peer"]["seconds"]
                                              / summary["deskmigrate"]["seconds"], 2)
                          if len(tools) == 2 else None,
                          "load": os.getloadavg()}), flush=True)


if __name__ == "__main__":
    main()
