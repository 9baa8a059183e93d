"""How long real Zendesk takes to answer, from responses recorded off real accounts: the
``X-Runtime`` header (the service's own time, in seconds, network not included) of every
answer in a folder of Betamax cassettes, such as zenpy's ``tests/test_api/betamax``.

    git clone https://github.com/facetoe/zenpy /tmp/zenpy
    python bench/zendesk_service_time.py /tmp/zenpy/tests/test_api/betamax

Prints one JSON object: the median and 90th percentile over all answers, and per kind of
request (reads, writes, uploads); and, of the bulk jobs the cassettes follow to the end, how
many answers about each were still unfinished before it was done (the creation's included).
``bench/compare.py --latency`` takes the overall median as the time both sandboxes add to
every answer (docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import base64
import gzip
import json
import statistics
from collections import Counter
from pathlib import Path
from typing import Any


def kind(method: str, uri: str) -> str:
    """The request's kind: an upload, another write, or a read."""
    if "/uploads" in uri and method == "POST":
        return "upload"
    return "read" if method == "GET" else "write"


def runtimes(folder: Path) -> dict[str, list[float]]:
    """Every recorded ``X-Runtime`` in the folder's cassettes, by kind of request."""
    found: dict[str, list[float]] = {"read": [], "write": [], "upload": []}
    for cassette in sorted(folder.glob("*.json")):
        for interaction in json.loads(cassette.read_text()).get("http_interactions", []):
            headers = {name.lower(): value
                       for name, value in interaction["response"]["headers"].items()}
            value = headers.get("x-runtime")
            if value is not None:
                request = interaction["request"]
                found[kind(request["method"], request["uri"])].append(
                    float(value[0] if isinstance(value, list) else value))
    return found


def body(response: dict[str, Any]) -> Any:
    """A recorded answer's JSON (Betamax keeps a compressed body in base64), or None."""
    recorded = response.get("body", {})
    raw: bytes | str = recorded.get("string") or ""
    if not raw and recorded.get("base64_string"):
        raw = base64.b64decode(recorded["base64_string"])
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
    try:
        return json.loads(raw)
    except ValueError:
        return None


def job_waits(folder: Path) -> dict[int, int]:
    """For each bulk job seen to the end: how many unfinished answers came before the done one
    (the creation's answer is the first), counted by that number."""
    seen: dict[tuple[str, str], list[str]] = {}
    for cassette in sorted(folder.glob("*.json")):
        for interaction in json.loads(cassette.read_text()).get("http_interactions", []):
            answer = body(interaction["response"])
            job = answer.get("job_status") if isinstance(answer, dict) else None
            if isinstance(job, dict) and job.get("id"):
                seen.setdefault((cassette.name, job["id"]), []).append(job.get("status", ""))
    return dict(sorted(Counter(statuses.index("completed") for statuses in seen.values()
                               if "completed" in statuses).items()))


def summary(values: list[float]) -> dict[str, Any]:
    ordered = sorted(values)
    return {"answers": len(ordered),
            "median_ms": round(statistics.median(ordered) * 1000),
            "p90_ms": round(ordered[max(0, int(len(ordered) * 0.9) - 1)] * 1000)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="a folder of Betamax cassettes (*.json)")
    folder = parser.parse_args().folder
    found = runtimes(folder)
    every = [value for values in found.values() for value in values]
    if not every:
        raise SystemExit(f"No answer with an X-Runtime header in {folder}/*.json.")
    print(json.dumps({"all": summary(every),
                      **{name: summary(values) for name, values in found.items() if values},
                      "jobs_by_unfinished_answers_before_done": job_waits(folder)}))


if __name__ == "__main__":
    main()
