"""``pause`` and ``rollback``: act on a run that exists."""

from __future__ import annotations

import click

from ..core import host
from ..core import runner as rn
from ..core.errors import ConfigError, DeskmigrateError
from ..core.run import RunRequest
from .app import cli, emit, json_option, run_argument, run_of, state_of
from .start import run_config


@cli.command()
@run_argument
@json_option
@click.pass_context
def pause(ctx: click.Context, run_id: int, as_json: bool) -> None:
    """Ask a running run to stop at its next safe point (resume it later).

    \b
    Example:
      deskmigrate pause 2
    """
    state = state_of(ctx)
    run = run_of(state, run_id)
    config = run["config"]
    rn.authorize(host.plugin_manager(), RunRequest(  # refused up front on plans without it
        mode="pause", migration_id=run["migration_id"], state=state, run_id=run_id,
        source_platform=config.get("source", {}).get("platform", ""),
        target_platform=config.get("target", {}).get("platform", ""),
        options=run["options"], billing=config.get("billing") or {}))
    status = state.request_pause(run_id)  # re-checked inside its transaction
    if status not in ("running", "waiting"):
        why = run["error"] if status == "interrupted" else None
        raise DeskmigrateError(f"Run {run_id} is {status}, not running"
                               f"{f': {why}' if why else ''}.")
    emit({"run_id": run_id, "status": "pausing"}, as_json,
         lambda: click.echo(f"Run {run_id} will pause at its next safe point; "
                            f"`deskmigrate status {run_id}` shows when it has."))


@cli.command()
@run_argument
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="Config to use (default: the one the run was started with).")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@json_option
@click.pass_context
def rollback(ctx: click.Context, run_id: int, config_path: str | None, yes: bool,
             as_json: bool) -> None:
    """Delete from the target what RUN created (never what was there before).

    \b
    Example:
      deskmigrate rollback 1 --yes
    """
    state = state_of(ctx)
    config, transports = run_config(state, run_id, config_path)
    if not yes:
        if as_json:
            raise ConfigError("Pass --yes with --json: a rollback asks for confirmation.")
        click.confirm(f"Delete from {config.target.platform} everything run {run_id} created?",
                      abort=True)
    with rn.open_accounts(config, host.plugin_manager(), transports=transports) as accounts:
        deleted = rn.rollback(state, accounts.target, run_id, source=accounts.source)
    total, left = sum(deleted.values()), state.created_remaining(run_id)
    counts = ", ".join(f"{k} {n}" for k, n in deleted.items()) or "nothing to delete"
    if left:
        raise DeskmigrateError(f"Run {run_id} is partly rolled back: {total} records deleted "
                               f"({counts}), {left} the target did not confirm; run "
                               f"`deskmigrate rollback {run_id}` again.")
    emit({"run_id": run_id, "status": "rolled_back", "deleted": deleted}, as_json,
         lambda: click.echo(f"Run {run_id} rolled back: {total} records deleted ({counts})."))
