"""``sandbox serve`` and ``sandbox activity``: local emulators of the platforms' APIs."""

from __future__ import annotations

import json
import socket
import sqlite3
import sys
from pathlib import Path
from typing import Any

import click
import httpx

from ..core import host
from ..core.errors import DeskmigrateError
from ..core.http import is_loopback
from ..core.paths import sandbox_dir
from ..core.sandboxes import open_sandbox
from ..core.served import announced
from ..core.statefile import check_sandbox_file
from ..sandbox import bind
from .app import cli, emit, json_option

MAX_TICKETS = 1_000_000  # a typo of a few more digits would seed for days


@cli.group()
def sandbox() -> None:
    """Local emulators of the platforms' APIs (no account needed).

    \b
    Example:
      deskmigrate sandbox serve zendesk --port 8001
    """


@sandbox.command("serve")
@click.argument("platform")
@click.option("--port", default=8001, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on (0: any free port).")
@click.option("--host", "address", default="127.0.0.1", show_default=True,
              help="A loopback address.")
@click.option("--tickets", default=200, show_default=True, type=click.IntRange(0, MAX_TICKETS),
              help="Tickets to seed (0: an empty help desk, a target).")
@click.option("--seed", default=1, show_default=True, type=int,
              help="Seed of the synthetic data (same seed, same data).")
@click.option("--rate-limit", type=click.IntRange(1), help="Requests per minute (default: the "
              "sandbox's own, as docs/cli.md lists: zendesk 700, freshdesk 200, jira_sm 600, "
              "intercom 10000).")
@click.option("--no-rate-limit", is_flag=True, help="Serve without a rate limit.")
@click.option("--faults", default=0.0, type=click.FloatRange(0, 1),
              help="Share of requests answered with a random 429, 500 or dropped connection.")
@click.option("--no-attachments", is_flag=True, help="Seed tickets without attachments.")
@click.option("--latency", default=0, type=click.IntRange(0, 10_000),
              help="Milliseconds added to every answer, as a distant service takes "
              "(benchmarks; docs/benchmarks.md).")
@click.option("--export-rate-limit", type=click.IntRange(0),
              help="zendesk: incremental export requests a minute while the rate limit is "
              "on (default 10 as the real service, 30 with High Volume; 0: none).")
@click.option("--data", "data_path", type=click.Path(dir_okay=False),
              help="The sandbox's SQLite file (default: one per platform and port).")
@click.option("--json", "as_json", is_flag=True,
              help="First line: {url, credentials, config} as one JSON object.")
def sandbox_serve(platform: str, port: int, address: str, tickets: int, seed: int,
                  rate_limit: int | None, no_rate_limit: bool, faults: float,
                  no_attachments: bool, latency: int, export_rate_limit: int | None,
                  data_path: str | None, as_json: bool) -> None:
    """Serve a seeded sandbox of PLATFORM on loopback until interrupted (Ctrl-C), and print
    the [source] table to paste into a config (rename it [target] for the other side).

    \b
    Examples:
      deskmigrate sandbox serve zendesk --port 8001 --tickets 500
      deskmigrate sandbox serve freshdesk --port 8002 --tickets 0
    """
    if not is_loopback(address):
        raise DeskmigrateError(f"Sandboxes serve on loopback only, not {address}.")
    plugin = host.platform(platform)
    _check_port_free(address, port)  # before any file or folder is created
    path = Path(data_path) if data_path else sandbox_dir() / f"{platform}-{port}.sqlite"
    check_sandbox_file(path, platform)
    try:
        app = open_sandbox(platform, path, tickets=tickets, seed=seed, rate_limit=rate_limit,
                           attachments=not no_attachments, fault_rate=faults, fault_seed=seed)
        limit = None if no_rate_limit else rate_limit or app.default_rate_limit
        if limit != rate_limit:  # the sandbox's own default, or none at all
            app.store.close()
            app = type(app)(str(path), rate_limit=limit, fault_rate=faults, fault_seed=seed)
    except (OSError, sqlite3.Error) as exc:
        raise DeskmigrateError(f"The sandbox data {path} cannot be used "
                               f"({getattr(exc, 'strerror', None) or exc}).") from None
    app.latency = latency / 1000
    if export_rate_limit is not None:
        if not hasattr(app, "export_rate_limit"):
            raise DeskmigrateError(f"--export-rate-limit is a zendesk option; the {platform} "
                                   "sandbox has no export limit.")
        app.export_rate_limit = export_rate_limit or None
    try:
        server = bind(app, address, port)
    except OSError as exc:
        raise DeskmigrateError(f"Cannot listen on {address}:{port} ({exc.strerror}).") from None
    host_part = f"[{address.strip('[]')}]" if ":" in address else address
    url = f"http://{host_part}:{server.server_port}"
    table = {"platform": platform, "url": url, **app.credentials(),
             **({"rate_limit": limit} if limit else {})}
    if as_json:
        click.echo(json.dumps({"url": url, "credentials": app.credentials(), "config": table}))
    else:
        click.echo(f"{plugin.title} sandbox on {url} ({tickets} tickets, seed {seed}, "
                   f"rate limit {f'{limit}/min' if limit else 'off'}); data in {path}")
        click.echo("Paste into your config (rename it [target] for the target side):\n")
        click.echo(toml_table("source", table))
    sys.stdout.flush()
    info = {"platform": platform, "url": url, "port": server.server_port, "tickets": tickets,
            "credentials": app.credentials(), "rate_limit": limit}
    with announced(info, server.server_port):
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            if as_json:  # what each rate-limit window counted (benchmarks read it)
                click.echo(json.dumps({"stopped": True, "windows": app.limiter.used}))
            click.echo("Sandbox stopped.", err=True)


def toml_table(name: str, values: dict[str, Any]) -> str:
    """``[name]`` and its ``key = value`` lines (strings and numbers)."""
    lines = [f"[{name}]"] + [f"{key} = {json.dumps(value)}" for key, value in values.items()]
    return "\n".join(lines)


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
@click.option("--new", "new", default=5, show_default=True, type=click.IntRange(0),
              help="Tickets to create.")
@click.option("--updated", default=5, show_default=True, type=click.IntRange(0),
              help="Existing tickets to update (a reply, a status or tag change).")
@click.option("--seed", default=1, show_default=True, type=int,
              help="Seed of what is written (same seed, same activity).")
@json_option
def sandbox_activity(platform: str, port: int, data_path: str | None, new: int, updated: int,
                     seed: int, as_json: bool) -> None:
    """Create and update tickets in a running sandbox through its REST API (a support team at
    work between a full run and a delta).

    \b
    Example:
      deskmigrate sandbox activity zendesk --port 8001 --new 5 --updated 3
    """
    plugin = host.platform(platform)
    path = Path(data_path) if data_path else sandbox_dir() / f"{platform}-{port}.sqlite"
    if not path.exists():
        raise DeskmigrateError(f"No {platform} sandbox data at {path}; start one with "
                               f"`deskmigrate sandbox serve {platform} --port {port}`.")
    check_sandbox_file(path, platform)
    app = plugin.sandbox(str(path))
    url = f"http://127.0.0.1:{port}"
    auth = plugin.auth(app.credentials())
    with httpx.Client(base_url=url, auth=auth, timeout=30) as client:
        try:
            done = app.activity(client, new=new, updated=updated, seed=seed)
        except httpx.TransportError:
            raise DeskmigrateError(f"No {platform} sandbox answers on {url}.") from None
    emit({"url": url, **done}, as_json,
         lambda: click.echo(", ".join(f"{n} {what}" for what, n in done.items())
                            + f" in {url}."))
