"""``check``: the whole config, then the credentials, permissions and contents of its source
and target, each side checked even when the other fails."""

from __future__ import annotations

from typing import Any

import click

from ..core import exits, host
from ..core.checkup import checkup
from .app import cli, emit, json_option


@cli.command()
@click.option("--config", "config_path", type=click.Path(dir_okay=False), required=True,
              help="TOML config with [source] and [target] (`deskmigrate init` writes one).")
@json_option
@click.pass_context
def check(ctx: click.Context, config_path: str, as_json: bool) -> None:
    """Validate the config, then check both accounts: credentials, each permission the run
    needs, what the source holds, the agent seats the target needs, and what it cannot keep.

    \b
    Example:
      deskmigrate check --config deskmigrate.toml
    """
    result = checkup(config_path, host.plugin_manager())
    emit(result, as_json, lambda: _print(result))
    if not result["ok"]:
        message, code = _first_failure(result)
        if not as_json:  # the report above, and the first failure as the error sentence
            click.echo(f"Error: {message}", err=True)
        ctx.exit(code)


def _first_failure(result: dict[str, Any]) -> tuple[str, int]:
    """The first problem found and its exit code (2 for the config, else the error's)."""
    if result["config"]["problems"]:
        return str(result["config"]["problems"][0]), exits.USAGE
    steps = [*(s for side in ("source", "target") for s in result[side]["checks"]),
             *result.get("pair", [])]
    step = next(step for step in steps if not step["ok"])
    return str(step["detail"]), int(step["exit_code"])


def _print(result: dict[str, Any]) -> None:
    config = result["config"]
    if config["problems"]:
        click.echo(f"config {config['path']}: {len(config['problems'])} problem(s)")
        for problem in config["problems"]:
            click.echo(f"  - {problem}")
    else:
        click.echo(f"config {config['path']}: OK")
    for side in ("source", "target"):
        if side not in result:
            continue
        info = result[side]
        click.echo(f"{side}: {info['platform']} at {info['url']}")
        for step in info["checks"]:
            click.echo(f"  {'OK  ' if step['ok'] else 'FAIL'}  {step['name']}: {step['detail']}")
    if "pair" in result:
        click.echo(f"{result['source']['platform']} → {result['target']['platform']}:")
    for step in result.get("pair", []):
        click.echo(f"  {'OK  ' if step['ok'] else 'FAIL'}  {step['name']}: {step['detail']}")
    if result.get("cannot_keep"):
        click.echo(f"What {result['target']['platform']} cannot keep of "
                   f"{result['source']['platform']}:")
        for loss in result["cannot_keep"]:
            click.echo(f"  - {loss['what']}")
    if result["ok"]:
        click.echo("All checks passed.")
