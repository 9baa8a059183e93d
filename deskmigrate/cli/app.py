"""The root ``deskmigrate`` group and the helpers every command module shares."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import click

from .. import __version__
from ..core.errors import DeskmigrateError
from ..core.logs import FORMATS, configure, scrub
from ..core.paths import open_state
from ..core.state import StateStore


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
            fail(ctx, str(exc), exc.exit_code)
        except click.exceptions.NoArgsIsHelpError:
            raise
        except click.ClickException as exc:
            fail(ctx, exc.format_message(), exc.exit_code)


class OneLineError(click.ClickException):
    """A usage error as one line, with click's usage-error exit code."""

    exit_code = click.UsageError.exit_code

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(message.split()))


def fail(ctx: click.Context, message: str, code: int) -> None:
    """Print ``message`` as one line on stderr and exit with ``code``."""
    click.echo(f"Error: {' '.join(scrub(message).split())}", err=True)
    ctx.exit(code)


def state_of(ctx: click.Context) -> StateStore:
    """The state store the root ``--db`` option (or the default) names."""
    return open_state(ctx.find_root().obj.get("db"))


def notify(message: str) -> None:
    """A message for the operator on stderr."""
    click.echo(message, err=True)


def emit(data: Any, as_json: bool, text: Callable[[], None]) -> None:
    """Print ``data`` as one JSON object, or call ``text`` to print it for people."""
    if as_json:
        click.echo(scrub(json.dumps(data, indent=2, default=str)))
    else:
        text()


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
    """Migrate help-desk data between platforms."""
    configure(verbose, fmt=log_format)
    ctx.obj = {"db": db, "log_format": log_format}
