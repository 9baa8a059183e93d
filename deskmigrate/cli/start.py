"""Commands that run a migration: ``demo``, ``migrate``, ``delta``, ``retry``, ``resume``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from ..core import host
from ..core import runner as rn
from ..core.config import Config, load
from ..core.paths import sandbox_dir
from ..core.sandboxes import builtin_demo
from ..core.state import StateStore
from .app import cli, json_option, notify, run_argument, run_of, state_of
from .progress import progress_display
from .selecting import select_options, with_select
from .summary import finish


@cli.command()
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="TOML config (default: the built-in sandboxes).")
@click.option("--seed", type=click.IntRange(-(2**63), 2**63 - 1),
              help="Seed of the random ticket sample (reproducible).")
@select_options
@json_option
@click.pass_context
def demo(ctx: click.Context, config_path: str | None, seed: int | None, as_json: bool,
         select: dict[str, Any]) -> None:
    """Free demo: count everything, migrate 20 tickets with all they need, quote.

    \b
    Examples:
      deskmigrate demo
      deskmigrate demo --config deskmigrate.toml --seed 3
    """
    transports = None
    if config_path is None:
        config, transports = builtin_demo(host.plugin_manager())
        if not as_json:
            click.echo(f"No config given: demo from the built-in {config.source.platform} "
                       f"sandbox (seeded) into the built-in {config.target.platform} sandbox "
                       f"(in {sandbox_dir()}).", err=True)
    else:
        config = load(config_path)
    _start(ctx, with_select(config, select), "demo", as_json, transports=transports, seed=seed,
           config_path=rn.config_path(config_path))


def _interval_options(command: Callable[..., Any]) -> Callable[..., Any]:
    command = click.option("--timezone", help="Time zone of the windows (default: local), "
                           "e.g. Europe/Paris.")(command)
    return click.option("--window", "windows", multiple=True,
                        help='Run only inside this window, e.g. "sat 00:00-sun 23:59" or '
                        '"mon-fri 19:00-23:30" (repeatable).')(command)


@cli.command()
@click.option("--config", "config_path", type=click.Path(dir_okay=False), required=True,
              help="TOML config with [source] and [target].")
@click.option("--again", "again", type=int, metavar="RUN",
              help="Re-migrate: remove what full run RUN created, then migrate again.")
@_interval_options
@select_options
@json_option
@click.pass_context
def migrate(ctx: click.Context, config_path: str, again: int | None, windows: tuple[str, ...],
            timezone: str | None, as_json: bool, select: dict[str, Any]) -> None:
    """Full migration of everything [select] keeps, in dependency order.

    \b
    Examples:
      deskmigrate migrate --config deskmigrate.toml
      deskmigrate migrate --config deskmigrate.toml --window "mon-fri 19:00-23:30"
    """
    config = with_select(load(config_path), select)
    _start(ctx, config, "remigrate" if again else "full", as_json, again,
           windows=list(windows), timezone=timezone, config_path=rn.config_path(config_path))


@cli.command()
@run_argument
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="Config to use (default: the one RUN was started with).")
@_interval_options
@json_option
@click.pass_context
def delta(ctx: click.Context, run_id: int, config_path: str | None, windows: tuple[str, ...],
          timezone: str | None, as_json: bool) -> None:
    """Migrate what changed in the source since full run RUN (or its latest delta) started.

    \b
    Example:
      deskmigrate delta 2
    """
    _follow(ctx, "delta", run_id, config_path, as_json, windows=list(windows),
            timezone=timezone)


@cli.command()
@run_argument
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="Config to use (default: the one RUN was started with).")
@json_option
@click.pass_context
def retry(ctx: click.Context, run_id: int, config_path: str | None, as_json: bool) -> None:
    """Write again only the records completed run RUN failed or skipped (every plan).

    \b
    Example:
      deskmigrate retry 2
    """
    _follow(ctx, "retry", run_id, config_path, as_json)


def _follow(ctx: click.Context, mode: str, run_id: int, config_path: str | None,
            as_json: bool, **launch: Any) -> None:
    """Start a run that follows run ``run_id`` (a delta or a retry)."""
    run = run_of(state_of(ctx), run_id)
    config = load(config_path) if config_path else rn.config_of(run)
    _start(ctx, config, mode, as_json, run_id, **launch,
           config_path=rn.config_path(config_path) or run["config"].get("config_path"))


def _start(ctx: click.Context, config: Config, mode: str, as_json: bool,
           base_run_id: int | None = None, **launch: Any) -> None:
    """Start a run with a progress display (not with --json) and print its summary."""
    with progress_display(ctx, as_json) as progress:
        result = rn.start_run(config, mode, state=state_of(ctx), pm=host.plugin_manager(),
                              launch=rn.Launch(progress=progress, notify=notify, **launch),
                              base_run_id=base_run_id)
    finish(ctx, result, as_json)


def resume_config(run: dict[str, Any], config_path: str | None
                   ) -> tuple[Config | None, rn.Transports | None]:
    if config_path:
        return load(config_path), None
    if run["config"].get("run", {}).get("builtin_demo"):
        return builtin_demo(host.plugin_manager())
    return None, None


def run_config(state: StateStore, run_id: int, config_path: str | None
               ) -> tuple[Config, rn.Transports | None]:
    """The config (and in-process transports, for the built-in demo) to reach the accounts
    of run ``run_id``: ``config_path`` if given, else the one the run was started with."""
    run = run_of(state, run_id)
    config, transports = resume_config(run, config_path)
    return config or rn.config_of(run), transports


@cli.command()
@run_argument
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="Config to use (default: the one the run was started with).")
@_interval_options
@json_option
@click.pass_context
def resume(ctx: click.Context, run_id: int, config_path: str | None,
           windows: tuple[str, ...], timezone: str | None, as_json: bool) -> None:
    """Finish a killed or paused run where it stopped.

    \b
    Example:
      deskmigrate resume 2
    """
    state = state_of(ctx)
    run = run_of(state, run_id)
    config, transports = resume_config(run, config_path)
    with progress_display(ctx, as_json) as progress:
        launch = rn.Launch(progress=progress, notify=notify, transports=transports,
                           windows=list(windows), timezone=timezone)
        result = rn.resume_run(run_id, state=state, pm=host.plugin_manager(), config=config,
                               launch=launch)
    finish(ctx, result, as_json)
