"""A CLI that fits habits: an example and help for every command and option, --json on
every command (results and errors), RUN as the one name of a run, and docs/cli.md covering
every command and exit code."""

from __future__ import annotations

import json
from pathlib import Path

import click
from cli_support import invoke
from click.testing import CliRunner

from deskmigrate.cli import cli
from deskmigrate.core import exits

DOCS = (Path(__file__).parents[2] / "docs" / "cli.md").read_text(encoding="utf-8")


def commands(group: click.Group = cli, path: tuple[str, ...] = ()):
    for name, command in sorted(group.commands.items()):
        yield (*path, name), command
        if isinstance(command, click.Group):
            yield from commands(command, (*path, name))


def test_every_command_has_an_example_help_for_each_option_and_json():
    for path, command in commands():
        name = " ".join(path)
        assert "Example" in (command.help or ""), f"`{name}` has no example"
        assert f"deskmigrate {name}" in (command.help or ""), f"`{name}`'s example"
        for param in command.params:
            if isinstance(param, click.Option):
                assert param.help, f"`{name} {param.opts[0]}` has no help"
        if not isinstance(command, click.Group):
            assert "as_json" in {p.name for p in command.params}, f"`{name}` has no --json"
        assert f"deskmigrate {name}" in DOCS, f"docs/cli.md does not show `{name}`"


def test_a_run_is_called_run_everywhere():
    for path, command in commands():
        for param in command.params:
            if isinstance(param, click.Argument) and "run" in param.name:
                assert param.human_readable_name == "RUN", " ".join(path)


def test_docs_list_every_exit_code_and_which_commands_return_it():
    rows = [line.split(" | ") for line in DOCS.splitlines() if line.startswith("| ")]
    assert [int(r[0][2:]) for r in rows if r[0][2:].isdigit()] == sorted(exits.MEANINGS)
    returns = {cell.strip("`"): codes for first, codes, *_ in rows if first.startswith("| `")
               for cell in first[2:].split(", ")}
    for name in ("demo", "migrate", "delta", "retry", "resume", "status", "verify", "check",
                 "pause"):
        assert name in returns, name
    # 5 and 8 only from `status` (test_exit_codes proves a waiting migrate keeps running)
    assert "5 (waiting for a window)" in returns["status"]
    assert "Never 5 or 8" in returns["migrate"] and "5" not in returns["verify"]


def test_commands_that_act_print_json(tmp_path, config):
    db = tmp_path / "s.db"
    path = config()
    assert invoke(db, "demo", "--config", str(path), "--seed", "1").exit_code == 0
    report = invoke(db, "report", "1", "--format", "csv", "-o", str(tmp_path / "r.csv"),
                    "--json")
    assert json.loads(report.stdout) == {"run_id": 1, "format": "csv",
                                         "output": str(tmp_path / "r.csv")}
    pause = invoke(db, "pause", "1", "--json")  # completed: an error, as JSON
    assert pause.exit_code == exits.ERROR
    assert json.loads(pause.stdout)["error"] == "Run 1 is completed, not running."
    must_confirm = invoke(db, "rollback", "1", "--json")
    assert must_confirm.exit_code == exits.USAGE and "--yes" in must_confirm.stdout
    rolled = invoke(db, "rollback", "1", "--yes", "--json")
    assert rolled.exit_code == 0, rolled.output
    data = json.loads(rolled.stdout)
    assert data["status"] == "rolled_back" and data["deleted"]["ticket"] == 3


def test_billing_pay_prints_json(tmp_path, config):
    db = tmp_path / "s.db"
    customer = '[customer]\nname = "Acme SA"\nemail = "ap@acme.fr"\ncountry = "FR"\n' \
               'address = "1 rue de la Paix, Paris"\n'
    assert invoke(db, "demo", "--config", str(config(extra=customer)), "--seed", "1"
                  ).exit_code == 0
    invoice = json.loads(invoke(db, "billing", "invoice", "1", "--json").stdout)
    paid = invoke(db, "billing", "pay", invoice["number"], "--method", "card", "--json")
    assert paid.exit_code == 0, paid.output
    assert json.loads(paid.stdout)["status"] == "paid"


def test_shell_completion_as_documented_completes_commands():
    assert 'eval "$(_DESKMIGRATE_COMPLETE=bash_source deskmigrate)"' in DOCS
    result = CliRunner().invoke(cli, [], prog_name="deskmigrate", env={
        "_DESKMIGRATE_COMPLETE": "bash_complete", "COMP_WORDS": "deskmigrate sta",
        "COMP_CWORD": "1"})
    assert result.exit_code == 0
    assert result.stdout.split() == ["plain,status"]
