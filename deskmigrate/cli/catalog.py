"""``platforms``, ``plugins`` and ``plugin new``: what is installed, and a new plugin."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..core import host
from ..scaffold import new_plugin
from .app import cli, emit


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

    emit({"platforms": data}, as_json, text)


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

    emit({"plugins": data}, as_json, text)


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
