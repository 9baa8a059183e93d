"""``init``: write a commented config for a source/target pair, with the keys each platform
needs (secrets read from the environment), or filled in from sandboxes being served."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from ..core import host
from ..core.connector import Platform
from ..core.errors import ConfigError, DeskmigrateError
from ..core.paths import write_file
from ..core.served import served
from .app import cli, emit, json_option


@cli.command()
@click.argument("source", required=False)
@click.argument("target", required=False)
@click.option("-o", "--output", default="deskmigrate.toml", show_default=True,
              type=click.Path(dir_okay=False), help="The config file to write.")
@click.option("--from-sandboxes", is_flag=True,
              help="Fill in the URLs and credentials of sandboxes `deskmigrate sandbox serve` "
              "is serving now (without SOURCE TARGET: the one with more tickets is the "
              "source).")
@click.option("--force", is_flag=True, help="Overwrite the file if it exists.")
@json_option
def init(source: str | None, target: str | None, output: str, from_sandboxes: bool,
         force: bool, as_json: bool) -> None:
    """Write a commented config for migrating from SOURCE to TARGET (platform names, as
    `deskmigrate platforms` lists them).

    \b
    Examples:
      deskmigrate init zendesk freshdesk -o deskmigrate.toml
      deskmigrate init --from-sandboxes
    """
    if (source is None) != (target is None) or (source is None and not from_sandboxes):
        raise ConfigError("Name both platforms, e.g. `deskmigrate init zendesk freshdesk`, "
                          "or pass --from-sandboxes.")
    if output == "-":
        raise ConfigError("init writes a file: pass its name to -o, e.g. -o deskmigrate.toml.")
    if Path(output).exists() and not force:
        raise DeskmigrateError(f"{output} already exists; pass --force to overwrite it or "
                               "-o to write another file.")
    sides = _from_sandboxes(source, target) if from_sandboxes else {
        "source": {"platform": host.platform(source or "").name},
        "target": {"platform": host.platform(target or "").name}}
    text, env = render(sides)
    write_file(output, text, "the config")
    names = f"{sides['source']['platform']} → {sides['target']['platform']}"
    emit({"path": output, "source": sides["source"]["platform"],
          "target": sides["target"]["platform"], "environment": env}, as_json,
         lambda: click.echo(f"Wrote {output} ({names})."
                            + (f" Set {', '.join(env)} in the environment, then run" if env
                               else " Next:")
                            + f" `deskmigrate check --config {output}`."))


def _from_sandboxes(source: str | None, target: str | None) -> dict[str, dict[str, Any]]:
    """The served sandboxes playing source and target."""
    boxes = served()
    if source is None:
        if len(boxes) != 2:
            raise DeskmigrateError(f"{len(boxes)} sandboxes are served; --from-sandboxes "
                                   "alone needs exactly two (name the platforms otherwise).")
        boxes.sort(key=lambda box: -int(box.get("tickets") or 0))
        return {"source": boxes[0], "target": boxes[1]}
    picked: dict[str, dict[str, Any]] = {}
    for side, name in (("source", source), ("target", target)):
        name = host.platform(name or "").name
        left = [b for b in boxes if b["platform"] == name and b not in picked.values()]
        if not left:
            raise DeskmigrateError(f"No {name} sandbox is served for the {side}; start one "
                                   f"with `deskmigrate sandbox serve {name} --port N`.")
        picked[side] = left[0]
    return picked


def render(sides: dict[str, dict[str, Any]]) -> tuple[str, list[str]]:
    """The config text and the environment variables it reads."""
    source, target = (host.platform(sides[s]["platform"]) for s in ("source", "target"))
    env: list[str] = []
    lines = [f"# deskmigrate config: {source.name} → {target.name}",
             "# `deskmigrate check --config FILE` checks it; docs/cli.md has every command.",
             '# A value "${VAR}" is read from the environment: keep secrets out of this file.',
             ""]
    for side, platform in (("source", source), ("target", target)):
        lines += _account(side, platform, sides[side], env) + [""]
    options = [o for o in host.options().values()
               if o.supports(source.capabilities, target.capabilities)]
    lines += ["[options]                      # paid options this pair supports"]
    lines += [f"# {o.name} = {'true' if o.value_type is bool else json.dumps('migrated')}"
              f"   # {o.description}" for o in options]
    lines += ["", "[mapping]                      # custom fields: source title = target title",
              '# "Order number" = "Order ID"', "",
              "[run]",
              '# default_agent = "support@example.com"   # stands in for agents missing '
              "in the target",
              "# concurrency = 8                          # records written at once",
              "",
              "[billing]",
              "enforce = false                # true: a full run needs a paid invoice",
              'plan = "standard"              # standard | premium | signature', ""]
    return "\n".join(lines), env


def _account(side: str, platform: Platform, served_box: dict[str, Any],
             env: list[str]) -> list[str]:
    lines = [f"[{side}]", f'platform = "{platform.name}"']
    credentials = served_box.get("credentials") or {}
    if "url" in served_box:
        lines.append(f'url = "{served_box["url"]}"   # a sandbox served on loopback')
    for field in platform.config_fields:
        if field.name == "url" and "url" in served_box:
            continue
        lines.append(f"# {field.description}")
        if field.name in credentials:
            lines.append(f"{field.name} = {json.dumps(credentials[field.name])}")
            continue
        var = f"{side}_{platform.name}_{field.name}".upper()
        env.append(var)
        lines.append(f'{field.name} = "${{{var}}}"')
    if "url" not in served_box and "url" not in {f.name for f in platform.config_fields}:
        var = f"{side}_{platform.name}_URL".upper()
        env.append(var)
        lines.append(f'url = "${{{var}}}"   # the account\'s https address')
    rate = served_box.get("rate_limit")
    lines.append(f"rate_limit = {rate}" if rate else
                 f"# rate_limit = {platform.capabilities.default_rate_per_minute}   "
                 "# requests/minute of your plan (default shown)")
    lines.append("# concurrency = 4   # at most 4 requests at once to this account "
                 "(default: [run] concurrency)")
    return lines
