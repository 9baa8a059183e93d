"""``deskmigrate verify RUN``: the target read back and compared with the source."""

from __future__ import annotations

from typing import Any

import click

from ..core import host
from ..core.logs import scrub
from ..core.paths import write_file
from ..verify import render, verify_run
from .app import cli, emit, state_of
from .start import run_config


@cli.command()
@click.argument("run_id", type=int)
@click.option("--sample", type=click.IntRange(1), metavar="N",
              help="Check N records of each kind, drawn reproducibly (default: every one).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="Config to use (default: the one RUN was started with).")
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "html"]),
              help="Write the verification report in this format (with -o, or to stdout).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the report to FILE.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object.")
@click.pass_context
def verify(ctx: click.Context, run_id: int, sample: int | None, config_path: str | None,
           fmt: str | None, output: str | None, as_json: bool) -> None:
    """Read back what RUN (and its deltas) wrote and compare it with the source (read-only).

    Exit code 0 when every record checked is identical (differences the target cannot keep
    are listed as expected), 1 when some differ or are missing."""
    state = state_of(ctx)
    config, transports = run_config(state, run_id, config_path)
    result = verify_run(state, run_id, config, host.plugin_manager(), sample=sample,
                        transports=transports)
    if output or fmt:
        text = scrub(render(result, fmt or "json"))
        if output:
            write_file(output, text, "the verification report")
        else:
            click.echo(text)
    if not fmt or output:
        emit(result, as_json, lambda: _print(result, output))
    if not result["ok"]:
        ctx.exit(1)


def _print(result: dict[str, Any], output: str | None) -> None:
    click.echo(f"Verification of run {result['run_id']} ({result['source']} → "
               f"{result['target']}): {result['verdict']}")
    for kind, row in result["kinds"].items():
        click.echo(f"  {kind:<12} identical {row['identical']:>6}  differs {row['differs']:>4}"
                   f"  missing {row['missing']:>4}  unexpected {row['unexpected']:>4}")
    for what, count in result["expected"].items():
        click.echo(f"  expected: {what} ({count})")
    shown = [r for r in result["records"] if r["status"] != "identical"][:20]
    for row in shown:
        fields = ", ".join(d["field"] for d in row["differences"]) or row["status"]
        click.echo(f"  {row['kind']} {row['source_id']} → {row['target_id']}: {fields}")
    if output:
        click.echo(f"Verification report written to {output}.")
