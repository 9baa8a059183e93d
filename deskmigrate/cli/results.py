"""``runs``, ``status`` and ``report``: what runs did, read from the state database."""

from __future__ import annotations

import json

import click

from ..core.humane import zone
from ..core.logs import scrub
from ..core.paths import write_file
from ..core.report import summary, to_csv, to_html, to_json
from .app import cli, emit, json_option, run_argument, state_of
from .summary import finish


@cli.command()
@json_option
@click.pass_context
def runs(ctx: click.Context, as_json: bool) -> None:
    """Every run, newest last.

    \b
    Example:
      deskmigrate runs --json
    """
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
@run_argument
@json_option
@click.pass_context
def status(ctx: click.Context, run_id: int, as_json: bool) -> None:
    """Where RUN stands: per-kind counts of migrated, skipped and failed records; the exit
    code says how it ended (docs/cli.md).

    \b
    Example:
      deskmigrate status 2
    """
    result = summary(state_of(ctx), run_id)
    finish(ctx, result, as_json)


@cli.command()
@run_argument
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "html"]), default="json",
              show_default=True, help="The report's format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to FILE.")
@click.option("--timezone", "tz_name", metavar="ZONE",
              help="Say times in ZONE (e.g. Europe/Paris); default $TZ, else this machine's.")
@json_option
@click.pass_context
def report(ctx: click.Context, run_id: int, fmt: str, output: str | None, tz_name: str | None,
           as_json: bool) -> None:
    """Every record of RUN with its outcome and reason.

    \b
    Example:
      deskmigrate report 2 --format html -o run-2.html --timezone Europe/Paris
    """
    state = state_of(ctx)
    summary(state, run_id)  # refuses an unknown run with one sentence
    tz = zone(tz_name)  # refuses an unknown zone with one sentence
    if fmt == "json":
        text = json.dumps(to_json(state, run_id, tz=tz), indent=2, default=str)
    elif fmt == "csv":
        text = to_csv(state, run_id, tz=tz)
    else:
        text = to_html(state, run_id, tz=tz)
    text = scrub(text)
    if output:
        write_file(output, text, "the report")
        emit({"run_id": run_id, "format": fmt, "output": output}, as_json,
             lambda: click.echo(f"Report of run {run_id} written to {output}."))
    else:
        click.echo(text)
