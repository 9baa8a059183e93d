"""``platforms``, ``plugins`` and ``plugin new``: what is installed, and a new plugin."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..core import fidelity, host
from ..core.connector import Capabilities
from ..core.errors import ConfigError
from ..scaffold import new_plugin
from .app import cli, emit, json_option


@cli.command()
@click.option("--source", "source_name", metavar="PLATFORM",
              help="With --target: what this pair cannot keep.")
@click.option("--target", "target_name", metavar="PLATFORM",
              help="With --source: what this pair cannot keep.")
@json_option
def platforms(source_name: str | None, target_name: str | None, as_json: bool) -> None:
    """Installed platforms, their capabilities and options, and what each cannot keep as a
    target (for one pair with --source and --target).

    \b
    Examples:
      deskmigrate platforms
      deskmigrate platforms --source zendesk --target freshdesk
    """
    if (source_name is None) != (target_name is None):
        raise ConfigError("Pass both --source and --target to see what a pair cannot keep.")
    options = host.options()
    # a source that has everything: what a target loses whatever the source
    everything = Capabilities(source_kinds=host.kinds().order, side_conversations=True,
                              kb_translations=True)
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
            "update_kinds": None if caps.update_kinds is None else list(caps.update_kinds),
            "max_attachment_bytes": caps.max_attachment_bytes,
            "options": {"source": sorted(o.name for o in options.values()
                                         if o.supports_source(caps)),
                        "target": sorted(o.name for o in options.values()
                                         if o.supports_target(caps))},
            "cannot_keep_as_target": [loss.what for loss in fidelity.losses(
                "any source", everything, name, caps)],
        }
    result: dict[str, Any] = {"platforms": data}
    if source_name and target_name:
        source, target = host.platform(source_name), host.platform(target_name)
        result["pair"] = {"source": source.name, "target": target.name, "cannot_keep": [
            loss.what for loss in fidelity.losses(source.name, source.capabilities,
                                                  target.name, target.capabilities)]}

    def text() -> None:
        pair = result.get("pair")
        if pair:
            click.echo(f"{pair['source']} → {pair['target']} cannot keep:"
                       if pair["cannot_keep"] else
                       f"{pair['source']} → {pair['target']} keeps everything it migrates.")
            for what in pair["cannot_keep"]:
                click.echo(f"  - {what}")
            return
        for name, info in data.items():
            click.echo(f"{name}: {info['title']}")
            click.echo(f"  config keys: {', '.join(info['config'])}")
            click.echo(f"  reads:  {', '.join(info['source_kinds'])}")
            click.echo(f"  writes: {', '.join(info['target_kinds'])}")
            if info["update_kinds"] is not None:
                click.echo(f"  a delta updates: {', '.join(info['update_kinds'])} "
                           "(other kinds: new records only)")
            if info["options"]["source"] or info["options"]["target"]:
                click.echo(f"  options as source: {', '.join(info['options']['source'])}")
                click.echo(f"  options as target: {', '.join(info['options']['target'])}")
            for what in info["cannot_keep_as_target"]:
                click.echo(f"  as a target cannot keep: {what}")
        click.echo("For one pair: deskmigrate platforms --source NAME --target NAME")

    emit(result, as_json, text)


@cli.command()
@json_option
def plugins(as_json: bool) -> None:
    """Loaded plugins, their version and hooks.

    \b
    Example:
      deskmigrate plugins --json
    """
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

    emit({"plugins": data}, as_json, text)


@cli.group()
def plugin() -> None:
    """Write a new platform plugin.

    \b
    Example:
      deskmigrate plugin new acmedesk
    """


@plugin.command("new")
@click.argument("name")
@click.option("--dir", "parent", default=".", show_default=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write the package into.")
@json_option
def plugin_new(name: str, parent: Path, as_json: bool) -> None:
    """A pip-installable plugin package NAME (platform, source, target, sandbox, tests).

    \b
    Example:
      deskmigrate plugin new acmedesk --dir ~/src
    """
    folder = new_plugin(name, parent)
    emit({"name": name, "folder": str(folder)}, as_json,
         lambda: click.echo(f"Wrote {folder}. Next: cd {folder} && pip install -e '.[test]' "
                            "&& pytest"))
