"""``runs``, ``status`` and ``report``: what runs did, read from the state database."""

from __future__ import annotations

import json

import click

from ..core.logs import scrub
from ..core.paths import write_file
from ..core.report import summary, to_csv, to_html, to_json
from .app import cli, emit, state_of
from .summary import print_summary


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON object.")
@click.pass_context
def runs(ctx: click.Context, as_json: bool) -> None:
    """Every run, newest last."""
    state = state_of(ctx)
    rows = [{"run_id": r["id"], "migration_id": r["migration_id"], "mode": r["mode"],
             "status": r["status"], "started_at": r["started_at"],
             "finished_at": r["finished_at"]} for r in state.runs()]

    def text() -> None:
        if not rows:
            click.echo("No runs yet: try `deskmigrate demo`.")
        for r in rows:
            click.echo(f"{r['run_id']:>4}  migration {r['migration_id']:<3} {r['mode']:<6} "
                       f"{r['status']:<12} {r['started_at']}")

    emit({"runs": rows}, as_json, text)


@cli.command()
@click.argument("run_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="One JSON object.")
@click.pass_context
def status(ctx: click.Context, run_id: int, as_json: bool) -> None:
    """Where RUN stands: per-kind counts of migrated, skipped and failed records."""
    result = summary(state_of(ctx), run_id)
    emit(result, as_json, lambda: print_summary(result))


@cli.command()
@click.argument("run_id", type=int)
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "html"]), default="json",
              show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to FILE.")
@click.pass_context
def report(ctx: click.Context, run_id: int, fmt: str, output: str | None) -> None:
    """Every record of RUN with its outcome and reason."""
    state = state_of(ctx)
    summary(state, run_id)  # refuses an unknown run with one sentence
    if fmt == "json":
        text = json.dumps(to_json(state, run_id), indent=2, default=str)
    elif fmt == "csv":
        text = to_csv(state, run_id)
    else:
        text = to_html(state, run_id)
    text = scrub(text)
    if output:
        write_file(output, text, "the report")
        click.echo(f"Report of run {run_id} written to {output}.")
    else:
        click.echo(text)
