"""The ``deskmigrate`` command line: a thin layer over :mod:`deskmigrate.core`."""

from __future__ import annotations

import json
import socket
import sqlite3
import sys
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
import httpx

from . import __version__
from .core import host
from .core import runner as rn
from .core.config import Config, load
from .core.errors import DeskmigrateError
from .core.http import is_loopback
from .core.logs import configure, scrub
from .core.paths import open_state, sandbox_dir, write_file
from .core.report import summary, to_csv, to_html, to_json
from .core.run import RunRequest
from .core.sandbox import bind
from .core.sandboxes import builtin_demo, open_sandbox
from .core.seats import describe, measure
from .core.state import StateStore
from .core.statefile import check_creatable
from .scaffold import new_plugin


class Cli(click.Group):
    """Turns every DeskmigrateError and usage error into one line on stderr and a
    non-zero exit."""

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        try:
            return super().make_context(*args, **kwargs)
        except click.exceptions.NoArgsIsHelpError:
            raise
        except click.UsageError as exc:  # a bad global option: one line, no usage text
            raise OneLineError(exc.format_message()) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except DeskmigrateError as exc:
            _fail(ctx, str(exc), exc.exit_code)
        except click.exceptions.NoArgsIsHelpError:
            raise
        except click.ClickException as exc:
            _fail(ctx, exc.format_message(), exc.exit_code)


class OneLineError(click.ClickException):
    """A usage error as one line, with click's usage-error exit code."""

    exit_code = click.UsageError.exit_code

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(message.split()))


def _fail(ctx: click.Context, message: str, code: int) -> None:
    click.echo(f"Error: {' '.join(scrub(message).split())}", err=True)
    ctx.exit(code)


def _state(ctx: click.Context) -> StateStore:
    return open_state(ctx.find_root().obj.get("db"))


def _notify(message: str) -> None:
    click.echo(message, err=True)


def _emit(data: Any, as_json: bool, text: Callable[[], None]) -> None:
    if as_json:
        click.echo(scrub(json.dumps(data, indent=2, default=str)))
    else:
        text()


@contextmanager
def _progress(enabled: bool) -> Iterator[Any]:
    """A rich progress display on stderr, per record kind; None when not wanted."""
    if not enabled or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(TextColumn("{task.description:<12}"), BarColumn(), MofNCompleteColumn(),
                  console=Console(stderr=True), transient=False) as bar:
        tasks: dict[str, Any] = {}

        def update(kind: str, done: int, total: int | None) -> None:
            if kind not in tasks:
                tasks[kind] = bar.add_task(kind, total=total)
            bar.update(tasks[kind], completed=done, total=total)

        yield update


@click.group(cls=Cli)
@click.version_option(__version__, prog_name="deskmigrate")
@click.option("--db", type=click.Path(dir_okay=False), envvar="DESKMIGRATE_DB",
              help="State database (default: $DESKMIGRATE_HOME/state.sqlite).")
@click.option("-v", "--verbose", is_flag=True, help="Log HTTP retries and engine events.")
@click.pass_context
def cli(ctx: click.Context, db: str | None, verbose: bool) -> None:
    """Migrate help-desk data between platforms."""
    configure(verbose)
    ctx.obj = {"db": db}


# -- platforms and plugins --------------------------------------------------------------
@cli.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON object.")
def platforms(as_json: bool) -> None:
    """Installed platforms, their capabilities and options."""
    options = host.options()
    data: dict[str, dict[str, Any]] = {}
    for name, platform in host.platforms().items():
        caps = platform.capabilities
        data[name] = {
            "title": platform.title,
            "config": [f.name for f in platform.config_fields],
            "source_kinds": list(caps.source_kinds),
            "target_kinds": list(caps.target_kinds),
            "keeps_timestamps": caps.keeps_timestamps,
            "keeps_authors": caps.keeps_authors,
            "max_attachment_bytes": caps.max_attachment_bytes,
            "options": {"source": sorted(o.name for o in options.values()
                                         if o.supports_source(caps)),
                        "target": sorted(o.name for o in options.values()
                                         if o.supports_target(caps))},
        }

    def text() -> None:
        for name, info in data.items():
            click.echo(f"{name}: {info['title']}")
            click.echo(f"  config keys: {', '.join(info['config'])}")
            click.echo(f"  reads:  {', '.join(info['source_kinds'])}")
            click.echo(f"  writes: {', '.join(info['target_kinds'])}")
            if info["options"]["source"] or info["options"]["target"]:
                click.echo(f"  options as source: {', '.join(info['options']['source'])}")
                click.echo(f"  options as target: {', '.join(info['options']['target'])}")

    _emit({"platforms": data}, as_json, text)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON object.")
def plugins(as_json: bool) -> None:
    """Loaded plugins, their version and hooks."""
    pm = host.plugin_manager()
    data: list[dict[str, Any]] = [
        {"name": pm.get_name(plugin), "version": host.VERSIONS.get(pm.get_name(plugin) or ""),
         "hooks": sorted(caller.name for caller in pm.get_hookcallers(plugin) or [])}
        for plugin in pm.get_plugins()
    ]
    data.sort(key=lambda p: p["name"] or "")

    def text() -> None:
        for plugin in data:
            click.echo(f"{plugin['name']} {plugin['version'] or ''}: {', '.join(plugin['hooks'])}")

    _emit({"plugins": data}, as_json, text)


@cli.group()
def plugin() -> None:
    """Write a new platform plugin."""


@plugin.command("new")
@click.argument("name")
@click.option("--dir", "parent", default=".", show_default=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write the package into.")
def plugin_new(name: str, parent: Path) -> None:
    """A pip-installable plugin package NAME (platform, source, target, sandbox, tests)."""
    folder = new_plugin(name, parent)
    click.echo(f"Wrote {folder}. Next: cd {folder} && pip install -e '.[test]' && pytest")


# -- sandboxes --------------------------------------------------------------------------
@cli.group()
def sandbox() -> None:
    """Local emulators of the platforms' APIs."""


@sandbox.command("serve")
@click.argument("platform")
@click.option("--port", default=8001, show_default=True, type=click.IntRange(0, 65535))
@click.option("--host", "address", default="127.0.0.1", show_default=True,
              help="A loopback address.")
@click.option("--tickets", default=200, show_default=True, type=click.IntRange(0))
@click.option("--seed", default=1, show_default=True, type=int)
@click.option("--rate-limit", type=click.IntRange(1), help="Requests per minute (default: the "
              "platform's).")
@click.option("--no-rate-limit", is_flag=True, help="Serve without a rate limit.")
@click.option("--faults", default=0.0, type=click.FloatRange(0, 1),
              help="Share of requests answered with a random 429, 500 or dropped connection.")
@click.option("--no-attachments", is_flag=True, help="Seed tickets without attachments.")
@click.option("--data", "data_path", type=click.Path(dir_okay=False),
              help="The sandbox's SQLite file (default: one per platform and port).")
@click.option("--json", "as_json", is_flag=True, help="First line: {url, credentials}.")
def sandbox_serve(platform: str, port: int, address: str, tickets: int, seed: int,
                  rate_limit: int | None, no_rate_limit: bool, faults: float,
                  no_attachments: bool, data_path: str | None, as_json: bool) -> None:
    """Serve a seeded sandbox of PLATFORM on loopback until interrupted."""
    if not is_loopback(address):
        raise DeskmigrateError(f"Sandboxes serve on loopback only, not {address}.")
    plugin = host.platform(platform)
    limit = None if no_rate_limit else rate_limit or plugin.capabilities.default_rate_per_minute
    path = Path(data_path) if data_path else sandbox_dir() / f"{platform}-{port}.sqlite"
    if path.is_dir():
        raise DeskmigrateError(f"The sandbox data {path} is a folder; pass a file to --data.")
    if not path.exists():
        check_creatable(path, "The sandbox data")
    _check_port_free(address, port)  # before any file is created
    try:
        app = open_sandbox(platform, path, tickets=tickets, seed=seed, rate_limit=limit,
                           attachments=not no_attachments, fault_rate=faults, fault_seed=seed)
    except (OSError, sqlite3.Error) as exc:
        raise DeskmigrateError(f"The sandbox data {path} cannot be used "
                               f"({getattr(exc, 'strerror', None) or exc}).") from None
    try:
        server = bind(app, address, port)
    except OSError as exc:
        raise DeskmigrateError(f"Cannot listen on {address}:{port} ({exc.strerror}).") from None
    url = f"http://{address}:{server.server_port}"
    if as_json:
        click.echo(json.dumps({"url": url, "credentials": app.credentials()}))
    else:
        click.echo(f"{plugin.title} sandbox on {url} ({tickets} tickets, seed {seed}, "
                   f"rate limit {limit or 'off'}/min); data in {path}")
        for key, value in app.credentials().items():
            click.echo(f"  {key} = {value}")
    sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("Sandbox stopped.", err=True)


def _check_port_free(address: str, port: int) -> None:
    """Refuse a port another program listens on (the server binds the same way)."""
    if port == 0:
        return
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((address.strip("[]"), port))
        except OSError as exc:
            raise DeskmigrateError(f"Cannot listen on {address}:{port} "
                                   f"({exc.strerror}).") from None


@sandbox.command("activity")
@click.argument("platform")
@click.option("--port", default=8001, show_default=True, type=click.IntRange(1, 65535),
              help="Port of the running sandbox.")
@click.option("--data", "data_path", type=click.Path(dir_okay=False, exists=True),
              help="The sandbox's SQLite file (default: the one `serve --port` uses).")
@click.option("--new", "new", default=5, show_default=True, type=click.IntRange(0))
@click.option("--updated", default=5, show_default=True, type=click.IntRange(0))
@click.option("--seed", default=1, show_default=True, type=int)
def sandbox_activity(platform: str, port: int, data_path: str | None, new: int, updated: int,
                     seed: int) -> None:
    """Create and update tickets in a running sandbox through its REST API."""
    plugin = host.platform(platform)
    path = Path(data_path) if data_path else sandbox_dir() / f"{platform}-{port}.sqlite"
    if not path.exists():
        raise DeskmigrateError(f"No {platform} sandbox data at {path}; start one with "
                               f"`deskmigrate sandbox serve {platform} --port {port}`.")
    app = plugin.sandbox(str(path))
    url = f"http://127.0.0.1:{port}"
    auth = plugin.auth(app.credentials())
    with httpx.Client(base_url=url, auth=auth, timeout=30) as client:
        try:
            done = app.activity(client, new=new, updated=updated, seed=seed)
        except httpx.TransportError:
            raise DeskmigrateError(f"No {platform} sandbox answers on {url}.") from None
    click.echo(", ".join(f"{n} {what}" for what, n in done.items()) + f" in {url}.")


# -- runs -------------------------------------------------------------------------------
def _config(path: str | None) -> Config:
    if path is None:
        raise DeskmigrateError("Pass --config FILE (see the README for its format).")
    return load(path)


def _print_summary(result: dict[str, Any]) -> None:
    click.echo(f"Run {result['run_id']} ({result['mode']}, {result['source']} → "
               f"{result['target']}): {result['status']}")
    for kind, row in result["records"].items():
        click.echo(f"  {kind:<12} total {row['total']:>6}  migrated {row['migrated']:>6}  "
                   f"skipped {row['skipped']:>4}  failed {row['failed']:>4}")
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
    if result.get("archived_at"):
        click.echo(f"  archived {result['archived_at'][:10]}: the per-record data was purged "
                   "at the end of the plan's data retention; counts, invoices and the meter "
                   "are kept")


@cli.command()
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="TOML config (default: the built-in sandboxes).")
@click.option("--seed", type=int, help="Seed of the random ticket sample (reproducible).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object.")
@click.pass_context
def demo(ctx: click.Context, config_path: str | None, seed: int | None, as_json: bool) -> None:
    """Free demo: count everything, migrate 20 tickets with all they need, quote."""
    transports = None
    if config_path is None:
        config, transports = builtin_demo(host.plugin_manager())
        if not as_json:
            click.echo(f"No config given: demo from the built-in {config.source.platform} "
                       f"sandbox (seeded) into the built-in {config.target.platform} sandbox "
                       f"(in {sandbox_dir()}).", err=True)
    else:
        config = load(config_path)
    _start(ctx, config, "demo", as_json, transports=transports, seed=seed,
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
@click.option("--json", "as_json", is_flag=True, help="One JSON object.")
@click.pass_context
def migrate(ctx: click.Context, config_path: str, again: int | None, windows: tuple[str, ...],
            timezone: str | None, as_json: bool) -> None:
    """Full migration of everything, in dependency order."""
    _start(ctx, load(config_path), "remigrate" if again else "full", as_json, again,
           windows=list(windows), timezone=timezone, config_path=rn.config_path(config_path))


@cli.command()
@click.argument("run_id", type=int)
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="Config to use (default: the one RUN was started with).")
@_interval_options
@click.option("--json", "as_json", is_flag=True, help="One JSON object.")
@click.pass_context
def delta(ctx: click.Context, run_id: int, config_path: str | None, windows: tuple[str, ...],
          timezone: str | None, as_json: bool) -> None:
    """Migrate what changed in the source since full run RUN (or its latest delta) started."""
    _follow(ctx, "delta", run_id, config_path, as_json, windows=list(windows),
            timezone=timezone)


@cli.command()
@click.argument("run_id", type=int)
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="Config to use (default: the one RUN was started with).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object.")
@click.pass_context
def retry(ctx: click.Context, run_id: int, config_path: str | None, as_json: bool) -> None:
    """Write again only the records completed run RUN failed or skipped (every plan)."""
    _follow(ctx, "retry", run_id, config_path, as_json)


def _follow(ctx: click.Context, mode: str, run_id: int, config_path: str | None,
            as_json: bool, **launch: Any) -> None:
    """Start a run that follows run ``run_id`` (a delta or a retry)."""
    run = _state(ctx).run(run_id)
    if run is None:
        raise DeskmigrateError(f"There is no run {run_id}.")
    config = load(config_path) if config_path else rn.config_of(run)
    _start(ctx, config, mode, as_json, run_id, **launch,
           config_path=rn.config_path(config_path) or run["config"].get("config_path"))


def _start(ctx: click.Context, config: Config, mode: str, as_json: bool,
           base_run_id: int | None = None, **launch: Any) -> None:
    """Start a run with a progress display (not with --json) and print its summary."""
    with _progress(not as_json) as progress:
        result = rn.start_run(config, mode, state=_state(ctx), pm=host.plugin_manager(),
                              launch=rn.Launch(progress=progress, notify=_notify, **launch),
                              base_run_id=base_run_id)
    _emit(result, as_json, lambda: _print_summary(result))


def _resume_config(run: dict[str, Any], config_path: str | None
                   ) -> tuple[Config | None, rn.Transports | None]:
    if config_path:
        return load(config_path), None
    if run["config"].get("run", {}).get("builtin_demo"):
        return builtin_demo(host.plugin_manager())
    return None, None


@cli.command()
@click.argument("run_id", type=int)
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="Config to use (default: the one the run was started with).")
@_interval_options
@click.option("--json", "as_json", is_flag=True, help="One JSON object.")
@click.pass_context
def resume(ctx: click.Context, run_id: int, config_path: str | None,
           windows: tuple[str, ...], timezone: str | None, as_json: bool) -> None:
    """Finish a killed or paused run where it stopped."""
    state = _state(ctx)
    run = state.run(run_id)
    if run is None:
        raise DeskmigrateError(f"There is no run {run_id}.")
    config, transports = _resume_config(run, config_path)
    with _progress(not as_json) as progress:
        launch = rn.Launch(progress=progress, notify=_notify, transports=transports,
                           windows=list(windows), timezone=timezone)
        result = rn.resume_run(run_id, state=state, pm=host.plugin_manager(), config=config,
                               launch=launch)
    _emit(result, as_json, lambda: _print_summary(result))


@cli.command()
@click.argument("run_id", type=int)
@click.pass_context
def pause(ctx: click.Context, run_id: int) -> None:
    """Ask a running run to stop at its next safe point (resume it later)."""
    state = _state(ctx)
    run = state.run(run_id)
    if run is None:
        raise DeskmigrateError(f"There is no run {run_id}.")
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
    click.echo(f"Run {run_id} will pause at its next safe point.")


@cli.command()
@click.argument("run_id", type=int)
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="Config to use (default: the one the run was started with).")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_context
def rollback(ctx: click.Context, run_id: int, config_path: str | None, yes: bool) -> None:
    """Delete from the target what RUN created (never what was there before)."""
    state = _state(ctx)
    run = state.run(run_id)
    if run is None:
        raise DeskmigrateError(f"There is no run {run_id}.")
    config, transports = _resume_config(run, config_path)
    config = config or rn.config_of(run)
    if not yes:
        click.confirm(f"Delete from {config.target.platform} everything run {run_id} created?",
                      abort=True)
    with rn.open_accounts(config, host.plugin_manager(), transports=transports) as accounts:
        deleted = rn.rollback(state, accounts.target, run_id)
    total, left = sum(deleted.values()), state.created_remaining(run_id)
    counts = ", ".join(f"{k} {n}" for k, n in deleted.items()) or "nothing to delete"
    if left:
        raise DeskmigrateError(f"Run {run_id} is partly rolled back: {total} records deleted "
                               f"({counts}), {left} the target did not confirm; run "
                               f"`deskmigrate rollback {run_id}` again.")
    click.echo(f"Run {run_id} rolled back: {total} records deleted ({counts}).")


@cli.command()
@click.option("--config", "config_path", type=click.Path(dir_okay=False), required=True)
def check(config_path: str) -> None:
    """Verify the credentials and permissions of source and target."""
    config = load(config_path)
    with rn.open_accounts(config, host.plugin_manager()) as accounts:
        for side, endpoint in (("source", accounts.source), ("target", accounts.target)):
            who = endpoint.check()
            click.echo(f"{side}: {getattr(config, side).platform} OK as {who.name}"
                       f"{f' <{who.email}>' if who.email else ''}"
                       f"{f' ({who.role})' if who.role else ''}"
                       f"{f' on {who.account}' if who.account else ''}")
        click.echo(describe(measure(accounts.source, accounts.target).as_dict()))


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON object.")
@click.pass_context
def runs(ctx: click.Context, as_json: bool) -> None:
    """Every run, newest last."""
    state = _state(ctx)
    rows = [{"run_id": r["id"], "migration_id": r["migration_id"], "mode": r["mode"],
             "status": r["status"], "started_at": r["started_at"],
             "finished_at": r["finished_at"]} for r in state.runs()]

    def text() -> None:
        if not rows:
            click.echo("No runs yet: try `deskmigrate demo`.")
        for r in rows:
            click.echo(f"{r['run_id']:>4}  migration {r['migration_id']:<3} {r['mode']:<6} "
                       f"{r['status']:<12} {r['started_at']}")

    _emit({"runs": rows}, as_json, text)


@cli.command()
@click.argument("run_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="One JSON object.")
@click.pass_context
def status(ctx: click.Context, run_id: int, as_json: bool) -> None:
    """Where RUN stands: per-kind counts of migrated, skipped and failed records."""
    result = summary(_state(ctx), run_id)
    _emit(result, as_json, lambda: _print_summary(result))


@cli.command()
@click.argument("run_id", type=int)
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "html"]), default="json",
              show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to FILE.")
@click.pass_context
def report(ctx: click.Context, run_id: int, fmt: str, output: str | None) -> None:
    """Every record of RUN with its outcome and reason."""
    state = _state(ctx)
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


def _one_line_warning(message: Warning | str, category: type[Warning], *args: Any,
                      **kwargs: Any) -> str:
    return f"Warning: {message}\n"


warnings.formatwarning = _one_line_warning  # type: ignore[assignment]
host.plugin_manager().hook.register_commands(cli=cli)


def main() -> None:
    cli(prog_name="deskmigrate")
