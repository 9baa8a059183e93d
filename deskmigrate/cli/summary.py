"""The run summary printed for people (``--json`` prints the same data as JSON), what to
run next, and the exit code that tells a script how the run ended."""

from __future__ import annotations

import shlex
from typing import Any

import click

from ..core import exits
from ..core.seats import describe
from .app import emit, state_of


def next_steps(result: dict[str, Any], commands: set[str], config: dict[str, Any]
               ) -> list[str]:
    """The commands that make sense after this run, the one to run next first (the summary
    prints only that one); ``commands``: those installed; ``config``: the run's stored one."""
    run, status, mode = result["run_id"], result["status"], result["mode"]
    if status in ("paused", "interrupted"):
        return [f"deskmigrate resume {run}"]
    if status in ("running", "waiting", "pausing"):
        return [f"deskmigrate status {run}", f"deskmigrate pause {run}"]
    if status != "completed":  # rolled back
        return ["deskmigrate runs"]
    failed = _unsettled(result)
    skipped = sum(row["skipped"] for row in result["records"].values())
    report = f"deskmigrate report {run} --format html -o run-{run}.html"
    steps = [report] if failed else []
    if mode == "demo":
        steps += _after_demo(result, commands, config)
    else:
        steps += [f"deskmigrate retry {run}"] if failed else []
        steps += [f"deskmigrate verify {run}"] if "verify" in commands else []
        steps.append(f"deskmigrate delta {run}")
    return steps + ([report] if skipped and not failed else [])


def _after_demo(result: dict[str, Any], commands: set[str], config: dict[str, Any]
                ) -> list[str]:
    """After a demo: a config for one's own accounts (built-in sandboxes), else the order."""
    if (config.get("run") or {}).get("builtin_demo"):
        return [f"deskmigrate init {result['source']} {result['target']}"]
    invoice = [f"deskmigrate billing invoice {result['run_id']}"] if "billing" in commands \
        else []
    return [*invoice, "deskmigrate migrate --config "
            + shlex.quote(config.get("config_path") or "FILE")]


def exit_code(result: dict[str, Any]) -> int:
    """How the run ended, as the documented exit code (docs/cli.md)."""
    return exits.of_run(result["status"], _unsettled(result))


def _unsettled(result: dict[str, Any]) -> int:
    return sum(row["failed"] for row in result["records"].values()) + result.get("pending", 0)


def print_summary(result: dict[str, Any]) -> None:
    click.echo(f"Run {result['run_id']} ({result['mode']}, {result['source']} → "
               f"{result['target']}): {result['status']}")
    for kind, row in result["records"].items():
        click.echo(f"  {kind:<12} total {row['total']:>6}  migrated {row['migrated']:>6}  "
                   f"skipped {row['skipped']:>4}  failed {row['failed']:>4}")
    if result.get("pending"):
        click.echo(f"  {result['pending']} records unsettled: the target could not tell "
                   "whether they were written")
    not_updated = result.get("not_updated")
    if not_updated and not_updated["kinds"]:
        click.echo(f"  not selected: {', '.join(not_updated['kinds'])} records already "
                   f"migrated — {not_updated['reason']}")
    phases = result.get("phases")
    if phases:
        click.echo(f"  express order: {phases.get('express', 0)} open and recent tickets "
                   f"first, then {phases.get('history', 0)} of history")
    for name, count in result.get("options", {}).items():
        click.echo(f"  option {name}: applied to {count} records")
    for loss in result.get("cannot_keep", []):
        if loss["records"] is None:
            click.echo(f"  not kept: {loss['what']}")
        elif loss["records"]:
            click.echo(f"  not kept ({loss['records']} records): {loss['what']}")
    if result.get("warnings"):
        click.echo(f"  {len(result['warnings'])} warnings: "
                   f"`deskmigrate report {result['run_id']}` lists them")
    if result.get("seats"):
        click.echo(f"  {describe(result['seats'])}")
    quote = result.get("quote")
    if quote:
        click.echo(f"  quote for the full migration: {quote['total']} {quote['currency']}")
    if result.get("error"):
        click.echo(f"  stopped: {result['error']}")
    for note in result.get("notes", []):
        click.echo(f"  {note}")
    if result.get("archived_at"):
        click.echo(f"  archived {result['archived_at'][:10]}: the per-record data was purged "
                   "at the end of the plan's data retention; counts, invoices and the meter "
                   "are kept")
    if result.get("next"):
        click.echo(f"Next: `{result['next'][0]}`")


def finish(ctx: click.Context, result: dict[str, Any], as_json: bool) -> None:
    """Print a run's summary, ending with the one command to run next, and exit with the
    run's code."""
    root = ctx.find_root().command
    commands = set(root.commands) if isinstance(root, click.Group) else set()
    run = state_of(ctx).run(result["run_id"]) or {}
    result["next"] = next_steps(result, commands, run.get("config") or {})
    emit(result, as_json, lambda: print_summary(result))
    ctx.exit(exit_code(result))
