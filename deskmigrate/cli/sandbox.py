"""``sandbox serve`` and ``sandbox activity``: local emulators of the platforms' APIs."""

from __future__ import annotations

import json
import socket
import sqlite3
import sys
from pathlib import Path

import click
import httpx

from ..core import host
from ..core.errors import DeskmigrateError
from ..core.http import is_loopback
from ..core.paths import sandbox_dir
from ..core.sandboxes import open_sandbox
from ..core.statefile import check_creatable
from ..sandbox import bind
from .app import cli


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
