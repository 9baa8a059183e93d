"""The plugin host: entry points, the allowlist, broken and misspelled plugins, and the
CLI seeing a plugin registered on the live plugin manager."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from deskmigrate import hookimpl
from deskmigrate.cli import cli
from deskmigrate.core import host
from deskmigrate.core.options import Option


class FakeEntryPoint:
    dist = None  # like an entry point of a module that is not installed as a package

    def __init__(self, name, plugin=None, error=None):
        self.name, self._plugin, self._error = name, plugin, error

    def load(self):
        if self._error:
            raise self._error
        return self._plugin


class Misspelled:
    @hookimpl
    def register_platform(self, register):  # the hook is register_platforms
        """Misspelled on purpose."""


class TaggingOption:
    @hookimpl
    def register_options(self, register):
        register(Option(name="stamp", description="Stamp every ticket", value_type=str,
                        target_needs=("keeps_timestamps",)))


def fake_entry_points(monkeypatch, *eps):
    monkeypatch.setattr(host, "entry_points", lambda group: list(eps))


def test_broken_and_misspelled_plugins_warn_and_are_left_out(monkeypatch):
    fake_entry_points(monkeypatch,
                      FakeEntryPoint("broken", error=ImportError("no module named nope")),
                      FakeEntryPoint("typo", Misspelled()),
                      FakeEntryPoint("good", TaggingOption()))
    with pytest.warns(host.PluginWarning) as caught:
        pm = host.new_plugin_manager()
    messages = [str(w.message) for w in caught]
    assert any("'broken' failed to load: no module named nope" in m for m in messages)
    assert any("'typo' is invalid" in m for m in messages)
    assert pm.get_plugin("typo") is None and pm.get_plugin("broken") is None
    assert "stamp" in host.options(pm)


def test_allowlist_loads_only_named_plugins(monkeypatch):
    fake_entry_points(monkeypatch, FakeEntryPoint("a", TaggingOption()),
                      FakeEntryPoint("b", Misspelled()))
    monkeypatch.setenv("DESKMIGRATE_LOAD_PLUGINS", "a")
    pm = host.new_plugin_manager()
    # deskmigrate's own record kinds are no entry point: always there
    assert sorted(pm.get_name(p) for p in pm.get_plugins()) == ["a", host.BUILTIN_KINDS]
    monkeypatch.setenv("DESKMIGRATE_LOAD_PLUGINS", "")
    pm = host.new_plugin_manager()
    assert [pm.get_name(p) for p in pm.get_plugins()] == [host.BUILTIN_KINDS]
    assert "ticket" in host.kinds(pm)


def test_cli_lists_a_plugin_registered_on_the_live_manager():
    pm = host.plugin_manager()
    plugin = TaggingOption()
    pm.register(plugin, name="test-tagging")
    try:
        result = CliRunner().invoke(cli, ["plugins", "--json"])
        assert result.exit_code == 0, result.output
        names = {p["name"]: p for p in json.loads(result.output)["plugins"]}
        assert names["test-tagging"]["hooks"] == ["register_options"]
        result = CliRunner().invoke(cli, ["platforms", "--json"])
        zendesk = json.loads(result.output)["platforms"]["zendesk"]
        assert "stamp" in zendesk["options"]["target"]
    finally:
        pm.unregister(plugin)


def test_unknown_platform_is_one_sentence(tmp_path):
    config = tmp_path / "c.toml"
    config.write_text('[source]\nplatform = "nosuch"\nurl = "https://a.example.com"\n'
                      '[target]\nplatform = "zendesk"\nurl = "https://b.zendesk.com"\n')
    result = CliRunner().invoke(cli, ["migrate", "--config", str(config)])
    assert result.exit_code != 0
    assert result.output.startswith("Error: Unknown platform 'nosuch' (installed: ")
    assert "Traceback" not in result.output


class FakeDist:
    def __init__(self, name):
        self.name, self.version = name, "1.0"


class ClaimsZendesk:
    def __init__(self, label):
        self.platform = type("P", (), {"name": "zendesk", "label": label})()

    @hookimpl
    def register_platforms(self, register):
        register(self.platform)


def test_a_plugin_registering_an_existing_platform_is_refused_naming_both(monkeypatch):
    impostor, builtin = FakeEntryPoint("evil", ClaimsZendesk("evil")), FakeEntryPoint(
        "zendesk", ClaimsZendesk("built-in"))
    impostor.dist, builtin.dist = FakeDist("evil-zendesk"), FakeDist("deskmigrate")
    fake_entry_points(monkeypatch, impostor, builtin)  # the impostor comes first
    with pytest.warns(host.PluginWarning) as caught:
        pm = host.new_plugin_manager()
    assert [str(w.message) for w in caught] == [
        "Plugin 'evil' (evil-zendesk) is refused: it registers the platform 'zendesk' that "
        "deskmigrate already provides."]
    assert host.platform("zendesk", pm).label == "built-in"
    assert pm.get_plugin("evil") is None
