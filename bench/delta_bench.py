"""Benchmark a delta: a full migration, then activity in the source through its API (new and
updated tickets), then ``deskmigrate delta``; compares the requests each cost.

    python bench/delta_bench.py --tickets 10000 --new 20 --updated 80

The aim: a delta costs requests in proportion to what changed (≤ 5 % of the full run's).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from migrate_bench import account, serve


def deskmigrate(*args: str) -> dict:
    run = subprocess.run([sys.executable, "-m", "deskmigrate", *args], capture_output=True,
                         text=True)
    if run.returncode != 0:
        raise SystemExit(run.stderr)
    return json.loads(run.stdout) if "--json" in args else {"output": run.stdout.strip()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--platform", default="zendesk")
    parser.add_argument("--tickets", type=int, default=2000)
    parser.add_argument("--new", type=int, default=20)
    parser.add_argument("--updated", type=int, default=80)
    parser.add_argument("--rate-limit", type=int, default=700)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="deskmigrate-delta-bench-") as tmp:
        folder = Path(tmp)
        source, source_info = serve(args.platform, folder, "source", args.tickets, args.seed,
                                    args.rate_limit, False)
        target, target_info = serve(args.platform, folder, "target", 0, args.seed,
                                    args.rate_limit, True)
        config = folder / "bench.toml"
        config.write_text(account("source", args.platform, source_info, args.rate_limit)
                          + account("target", args.platform, target_info, args.rate_limit)
                          + "[billing]\nenforce = false\n")
        db = str(folder / "state.sqlite")
        try:
            began = time.monotonic()
            full = deskmigrate("--db", db, "migrate", "--config", str(config), "--json")
            full_seconds = time.monotonic() - began
            port = source_info["url"].rsplit(":", 1)[1]
            activity = deskmigrate("sandbox", "activity", args.platform, "--port", port,
                                   "--data", str(folder / "source.sqlite"), "--new",
                                   str(args.new), "--updated", str(args.updated))
            began = time.monotonic()
            delta = deskmigrate("--db", db, "delta", str(full["run_id"]), "--json")
            delta_seconds = time.monotonic() - began
        finally:
            source.terminate()
            target.terminate()

    full_total = full["requests"]["source"] + full["requests"]["target"]
    delta_total = delta["requests"]["source"] + delta["requests"]["target"]
    print(json.dumps({
        "platform": args.platform,
        "tickets": args.tickets,
        "activity": activity["output"],
        "full": {"seconds": round(full_seconds, 1), **full["requests"]},
        "delta": {"seconds": round(delta_seconds, 1), **delta["requests"],
                  "tickets_migrated": delta["records"].get("ticket", {}).get("migrated", 0),
                  "by_kind": delta["requests_by_kind"]},
        "delta_share_of_full_requests": round(delta_total / full_total, 4),
        "load_average": [round(x, 1) for x in os.getloadavg()],
    }, indent=2))


if __name__ == "__main__":
    main()
