"""Run summaries (the ``--json`` shape of PRODUCT.md) and per-record reports."""

from __future__ import annotations

import csv
import html
import io
from typing import Any

from . import state as st
from .errors import DeskmigrateError


def summary(state: st.StateStore, run_id: int) -> dict[str, Any]:
    """``run_id, mode, status, source, target, records{kind: total/migrated/skipped/failed}``."""
    run = state.run(run_id)
    if run is None:
        raise DeskmigrateError(f"There is no run {run_id}.")
    migration = state.migration(run["migration_id"]) or {}
    tally = state.tally(run_id)
    counts: dict[str, int] = run["counts"]
    records = {}
    for kind in sorted(set(counts) | set(tally)):
        row = tally.get(kind, {})
        done = {key: row.get(key, 0) for key in (st.MIGRATED, st.SKIPPED, st.FAILED)}
        total = counts.get(kind, sum(done.values()) + row.get(st.PENDING, 0))
        records[kind] = {"total": total, **done}
    options = {e["record_type"].removeprefix("option:"): int(e["source_id"])
               for e in state.meter_events(run["migration_id"])
               if e["run_id"] == run_id and e["record_type"].startswith("option:")}
    return {
        "run_id": run_id,
        "migration_id": run["migration_id"],
        "mode": run["mode"],
        "status": run["status"],
        "source": migration.get("source_platform"),
        "target": migration.get("target_platform"),
        "started_at": run["started_at"],
        "finished_at": run["finished_at"],
        "seed": run["seed"],
        "records": records,
        "select": run["config"].get("select") or {},  # the filters and order it ran with
        "phases": run["config"].get("phases") or {},  # express order: tickets per phase
        "options": options,
        "warnings": state.warnings(run_id),
        "requests_by_kind": run["requests"],
        "error": run["error"],
        "archived_at": (state.archive(run_id) or {}).get("archived_at"),
    }


REPORT_COLUMNS = ("kind", "source_id", "status", "target_id", "reason")


def to_csv(state: st.StateStore, run_id: int) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=REPORT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(state.outcomes(run_id))
    return buffer.getvalue()


def to_json(state: st.StateStore, run_id: int) -> dict[str, Any]:
    return {**summary(state, run_id), "outcomes": list(state.outcomes(run_id))}


def to_html(state: st.StateStore, run_id: int) -> str:
    data = summary(state, run_id)
    rows = "".join(
        f"<tr><td>{html.escape(k)}</td><td>{v['total']}</td><td>{v['migrated']}</td>"
        f"<td>{v['skipped']}</td><td>{v['failed']}</td></tr>"
        for k, v in data["records"].items())
    problems = "".join(
        f"<tr><td>{html.escape(o['kind'])}</td><td>{html.escape(o['source_id'])}</td>"
        f"<td>{html.escape(o['status'])}</td><td>{html.escape(o['reason'] or '')}</td></tr>"
        for o in state.outcomes(run_id) if o["status"] != st.MIGRATED)
    warnings = "".join(f"<li>{html.escape(w['kind'])} {html.escape(w['source_id'])}: "
                       f"{html.escape(w['message'])}</li>" for w in data["warnings"])
    return (
        "<!doctype html><meta charset='utf-8'>"
        f"<title>deskmigrate run {run_id}</title>"
        "<style>body{font-family:sans-serif;margin:2em}td,th{padding:.2em .8em;"
        "border-bottom:1px solid #ddd;text-align:left}</style>"
        f"<h1>Run {run_id}: {html.escape(data['mode'])} {html.escape(data['source'] or '')}"
        f" → {html.escape(data['target'] or '')}</h1>"
        f"<p>Status: <b>{html.escape(data['status'])}</b>; started {data['started_at']}, "
        f"finished {data['finished_at'] or '—'}.</p>"
        "<table><tr><th>Record</th><th>Total</th><th>Migrated</th><th>Skipped</th>"
        f"<th>Failed</th></tr>{rows}</table>{_phases_html(data['phases'])}"
        "<h2>Skipped and failed</h2><table><tr><th>Record</th><th>Source id</th>"
        f"<th>Status</th><th>Reason</th></tr>{problems}</table>"
        f"<h2>Warnings</h2><ul>{warnings}</ul>"
    )


def _phases_html(phases: dict[str, int]) -> str:
    if not phases:
        return ""
    return (f"<p>Express order: {phases.get('express', 0)} open and recent tickets first, "
            f"then {phases.get('history', 0)} of history.</p>")
