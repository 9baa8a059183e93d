"""The root ``deskmigrate`` group and the helpers every command module shares."""

from __future__ import annotations

import json
import traceback
from collections.abc import Callable
from typing import Any

import click

from .. import __version__
from ..core import exits
from ..core.errors import DeskmigrateError
from ..core.errortext import unexpected_shape
from ..core.logs import FORMATS, configure, scrub
from ..core.paths import open_state
from ..core.state import StateStore


class Cli(click.Group):
    """Turns every DeskmigrateError and usage error into one line on stderr (a JSON object
    on stdout under ``--json``) and a non-zero exit."""

    def make_context(self, info_name: str | None, args: list[str], *rest: Any,
                     **kwargs: Any) -> click.Context:
        try:
            ctx = super().make_context(info_name, args, *rest, **kwargs)
        except click.exceptions.NoArgsIsHelpError:
            raise
        except click.UsageError as exc:  # a bad global option: one line, no usage text
            if JSON_FLAG in args:
                _print_json_error(exc.format_message(), exc.exit_code)
                raise click.exceptions.Exit(exc.exit_code) from None
            raise OneLineError(exc.format_message()) from None
        ctx.meta[JSON_FLAG] = JSON_FLAG in args
        return ctx

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except DeskmigrateError as exc:
            fail(ctx, str(exc), exc.exit_code)
        except click.exceptions.NoArgsIsHelpError:
            raise
        except click.ClickException as exc:
            fail(ctx, exc.format_message(), exc.exit_code)
        except (click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:  # noqa: BLE001  (a bug, or an answer nothing foresaw)
            if ctx.find_root().params.get("verbose"):
                click.echo(scrub("".join(traceback.format_exception(exc))), err=True)
            fail(ctx, unexpected_shape(exc) or f"deskmigrate stopped on an unexpected "
                 f"{type(exc).__name__} ({str(exc)[:200]}); run it again with -v to see where.",
                 exits.ERROR)


class OneLineError(click.ClickException):
    """A usage error as one line, with click's usage-error exit code."""

    exit_code = click.UsageError.exit_code

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(message.split()))


JSON_FLAG = "--json"


def fail(ctx: click.Context, message: str, code: int) -> None:
    """Print ``message`` as one line on stderr (under ``--json``: ``{"error": …}`` on
    stdout) and exit with ``code``."""
    if ctx.meta.get(JSON_FLAG):
        _print_json_error(message, code)
    else:
        click.echo(f"Error: {' '.join(scrub(message).split())}", err=True)
    ctx.exit(code)


def _print_json_error(message: str, code: int) -> None:
    click.echo(json.dumps({"error": " ".join(scrub(message).split()), "exit_code": code}))


def state_of(ctx: click.Context) -> StateStore:
    """The state store the root ``--db`` option (or the default) names."""
    return open_state(ctx.find_root().obj.get("db"))


def run_of(state: StateStore, run_id: int) -> dict[str, Any]:
    """Run ``run_id`` of the state database; refused with one sentence when there is none."""
    run = state.run(run_id)
    if run is None:
        raise DeskmigrateError(f"There is no run {run_id}.")
    return run


def notify(message: str) -> None:
    """A message for the operator on stderr."""
    click.echo(message, err=True)


def emit(data: Any, as_json: bool, text: Callable[[], None]) -> None:
    """Print ``data`` as one JSON object, or call ``text`` to print it for people."""
    if as_json:
        click.echo(scrub(json.dumps(data, indent=2, default=str)))
    else:
        text()


run_argument = click.argument("run_id", type=int, metavar="RUN")
json_option = click.option("--json", "as_json", is_flag=True,
                           help="Print one JSON object (errors too: {\"error\": …}).")


@click.group(cls=Cli)
@click.version_option(__version__, prog_name="deskmigrate")
@click.option("--db", type=click.Path(dir_okay=False), envvar="DESKMIGRATE_DB",
              help="State database (default: $DESKMIGRATE_HOME/state.sqlite).")
@click.option("-v", "--verbose", is_flag=True, help="Log HTTP retries and engine events.")
@click.option("--log-format", type=click.Choice(FORMATS), default="text", show_default=True,
              envvar="DESKMIGRATE_LOG_FORMAT",
              help="json: events (progress included) as one JSON object a line on stderr.")
@click.pass_context
def cli(ctx: click.Context, db: str | None, verbose: bool, log_format: str) -> None:
    """Migrate help-desk data between platforms.

    \b
    Example:
      deskmigrate demo        # built-in sandbox → sandbox, no account needed
    """
    configure(verbose, fmt=log_format)
    ctx.obj = {"db": db, "log_format": log_format}
