"""Run summaries (the ``--json`` shape of PRODUCT.md) and the run report: every record with
its outcome, reason as a sentence and link to the target, grouped warnings, times in the
operator's zone, a verdict. The same data as JSON, CSV and HTML (:mod:`.report_html`)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import tzinfo
from typing import Any

import pluggy

from . import fidelity, host
from . import state as st
from .errors import ConfigError, DeskmigrateError
from .humane import duration, masked, sentence, when, zone
from .report_html import render


def summary(state: st.StateStore, run_id: int) -> dict[str, Any]:
    """``run_id, mode, status, source, target, records{kind: total/migrated/skipped/failed}``."""
    run = state.run(run_id)
    if run is None:
        raise DeskmigrateError(f"There is no run {run_id}.")
    migration = state.migration(run["migration_id"]) or {}
    tally = state.tally(run_id)
    counts: dict[str, int] = run["counts"]
    records, pending = {}, 0
    for kind in sorted(set(counts) | set(tally)):
        row = tally.get(kind, {})
        done = {key: row.get(key, 0) for key in (st.MIGRATED, st.SKIPPED, st.FAILED)}
        total = counts.get(kind, sum(done.values()) + row.get(st.PENDING, 0))
        records[kind] = {"total": total, **done}
        pending += row.get(st.PENDING, 0)
    options = state.option_counts(run["migration_id"], run_id)
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
        "pending": pending,
        **fidelity.of_run(migration.get("source_platform"), migration.get("target_platform"),
                          run["mode"], records, options),
    }


def build(state: st.StateStore, run_id: int, *, tz: tzinfo | None = None,
          pm: pluggy.PluginManager | None = None) -> dict[str, Any]:
    """The whole report of ``run_id``: the summary plus times in words (zone ``tz``, default
    the operator's), duration, config with secrets masked, verdict, warnings grouped, and
    every record's outcome with its reason as a sentence and its target page."""
    data = summary(state, run_id)
    run = state.run(run_id) or {}
    tz = tz or zone()
    link = _linker(data["target"], (run["config"].get("target") or {}).get("url"), pm)
    seconds, words = duration(data["started_at"], data["finished_at"])
    outcomes = [{**row, "reason": sentence(row["reason"]),
                 "target_url": link(row["kind"], row["target_id"])}
                for row in state.outcomes(run_id)]
    return {
        **data,
        "time_zone": str(tz),
        "started": when(data["started_at"], tz),
        "finished": when(data["finished_at"], tz),
        "duration_seconds": seconds,
        "duration": words,
        "config": masked({k: v for k, v in run["config"].items() if v not in (None, {}, [])}),
        "verdict": verdict(data),
        "warning_groups": group_warnings(data["warnings"]),
        "error": sentence(data["error"]) or None,
        "outcomes": outcomes,
    }


def _linker(platform: str | None, url: str | None, pm: pluggy.PluginManager | None
            ) -> Callable[[str, str | None], str | None]:
    """``link(kind, target_id)``: the target platform's page of a record, or None."""
    try:
        target = host.platform(platform or "", pm)
    except ConfigError:  # the plugin that wrote the run is not installed: no links
        return lambda kind, target_id: None
    return lambda kind, target_id: (target.record_url(url, kind, target_id)
                                    if url and target_id else None)


def verdict(data: dict[str, Any]) -> dict[str, str]:
    """``{"level": "ok" | "failed" | "unfinished", "text": one sentence}``."""
    run_id, status = data["run_id"], data["status"]
    failed = sum(row["failed"] for row in data["records"].values())
    skipped = sum(row["skipped"] for row in data["records"].values())
    if failed:
        return {"level": "failed", "text": (
            f"{failed} record{'s' if failed != 1 else ''} failed: run {run_id} is {status} "
            f"with failures. The reasons are listed under “Failed”; `deskmigrate retry "
            f"{run_id}` writes those records again.")}
    if status == st.ROLLED_BACK:
        return {"level": "unfinished", "text": f"Run {run_id} was rolled back: what it "
                "created was deleted from the target."}
    if status != st.COMPLETED:
        return {"level": "unfinished", "text": f"Run {run_id} is {status}, not finished: "
                f"`deskmigrate resume {run_id}` carries on where it stopped."}
    text = "Every selected record migrated"
    if skipped:
        text += f"; {skipped} skipped, each for the reason given under “Skipped”"
    return {"level": "ok", "text": text + "."}


def group_warnings(warnings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Identical warnings once, with how many records and which: most frequent first."""
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    for w in warnings:
        message = sentence(w["message"])
        group = groups.setdefault((w["kind"], message), {
            "kind": w["kind"], "message": message, "count": 0, "source_ids": []})
        group["count"] += 1
        group["source_ids"].append(w["source_id"])
    return sorted(groups.values(), key=lambda g: (-g["count"], g["kind"], g["message"]))


REPORT_COLUMNS = ("kind", "source_id", "status", "target_id", "target_url", "reason")


def to_csv(state: st.StateStore, run_id: int, *, tz: tzinfo | None = None,
           pm: pluggy.PluginManager | None = None) -> str:
    """One row per record: its outcome, target id and page, reason. The run-wide
    ``cannot_keep`` and ``not_updated`` counts are in the JSON and HTML only."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=REPORT_COLUMNS, lineterminator="\n",
                            extrasaction="ignore")
    writer.writeheader()
    writer.writerows(build(state, run_id, tz=tz, pm=pm)["outcomes"])
    return buffer.getvalue()


def to_json(state: st.StateStore, run_id: int, *, tz: tzinfo | None = None,
            pm: pluggy.PluginManager | None = None) -> dict[str, Any]:
    return build(state, run_id, tz=tz, pm=pm)


def to_html(state: st.StateStore, run_id: int, *, tz: tzinfo | None = None,
            pm: pluggy.PluginManager | None = None) -> str:
    return render(build(state, run_id, tz=tz, pm=pm))
