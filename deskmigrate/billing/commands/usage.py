"""``usage`` and ``retention``: what a migration's meter holds, and purging per-record data
once its plan stops keeping it."""

from __future__ import annotations

import click

from ..metering import metered_actuals, option_usage
from ..pricebook import load_pricebook
from ..retention import retention
from ..runs import get_run
from .common import emit, json_option, pricebook_path, state_of


@click.command("usage")
@click.argument("run", type=int)
@json_option
@click.pass_context
def usage_cmd(ctx: click.Context, run: int, as_json: bool) -> None:
    """Metered records and option usage of RUN's migration (demo runs are not metered).

    \b
    Example:
      deskmigrate billing usage 2
    """
    state = state_of(ctx)
    found = get_run(state, run)
    migration = found["migration_id"]
    records, options = metered_actuals(state, migration), option_usage(state, migration)
    if emit({"run_id": run, "migration_id": migration, "records": records,
             "options": options}, as_json):
        return
    if not records and not options:
        why = (f"run {run} is a demo, and demos are free" if found["mode"] == "demo" else
               "its runs have migrated no billable record yet")
        click.echo(f"Nothing is metered for migration {migration}: {why}.")
        return
    click.echo(f"Migration {migration}, records migrated by its runs (each counted once):")
    for kind, n in records.items():
        click.echo(f"  {kind.replace('_', ' '):<12} {n:>9,}")
    for name, n in options.items():
        click.echo(f"  option {name}: applied to {n:,} records")


@click.command("retention")
@click.option("--apply", is_flag=True, help="Purge (default: a dry run that only lists).")
@json_option
@click.pass_context
def retention_cmd(ctx: click.Context, apply: bool, as_json: bool) -> None:
    """Purge the per-record data of migrations whose plan's data retention is over.

    \b
    Example:
      deskmigrate billing retention --apply
    """
    due = retention(state_of(ctx), load_pricebook(pricebook_path(ctx)), apply=apply)
    if emit({"applied": apply, "migrations": [e.as_dict() for e in due]}, as_json):
        return
    if not due:
        click.echo("No migration has reached the end of its data retention.")
        return
    for e in due:
        click.echo(f"Migration {e.migration_id} ({e.plan} plan, {e.since} finished "
                   f"{e.finished:%Y-%m-%d}): kept until {e.until:%Y-%m-%d}; "
                   f"{e.rows['id_map']:,} id-map rows and {e.rows['outcomes']:,} record "
                   f"outcomes {'purged' if apply else 'to purge'}.")
    if not apply:
        click.echo("Dry run: nothing was purged; `deskmigrate billing retention --apply` "
                   "purges it (counts, invoices and the meter are kept).")
