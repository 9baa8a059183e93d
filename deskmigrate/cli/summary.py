"""The run summary printed for people (``--json`` prints the same data as JSON)."""

from __future__ import annotations

from typing import Any

import click

from ..core.seats import describe


def print_summary(result: dict[str, Any]) -> None:
    click.echo(f"Run {result['run_id']} ({result['mode']}, {result['source']} → "
               f"{result['target']}): {result['status']}")
    for kind, row in result["records"].items():
        click.echo(f"  {kind:<12} total {row['total']:>6}  migrated {row['migrated']:>6}  "
                   f"skipped {row['skipped']:>4}  failed {row['failed']:>4}")
    phases = result.get("phases")
    if phases:
        click.echo(f"  express order: {phases.get('express', 0)} open and recent tickets "
                   f"first, then {phases.get('history', 0)} of history")
    for name, count in result.get("options", {}).items():
        click.echo(f"  option {name}: applied to {count} records")
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
