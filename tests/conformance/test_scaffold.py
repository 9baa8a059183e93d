"""``deskmigrate plugin new NAME`` writes a pip-installable package whose tests pass."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib

import pytest
from click.testing import CliRunner

from deskmigrate.cli import cli


@pytest.mark.slow
def test_the_generated_package_passes_its_own_tests(tmp_path):
    result = CliRunner().invoke(cli, ["plugin", "new", "help_scout", "--dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    folder = tmp_path / "deskmigrate-help_scout"
    project = tomllib.loads((folder / "pyproject.toml").read_text())
    assert project["project"]["entry-points"]["deskmigrate"] == {
        "help_scout": "deskmigrate_help_scout"}
    assert "class HelpScoutPlatform(Platform)" in (
        folder / "src/deskmigrate_help_scout/platform.py").read_text()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                          "-p", "no:xdist", "-W", "ignore::DeprecationWarning"],
                         cwd=folder, env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert " passed" in run.stdout and "failed" not in run.stdout


@pytest.mark.parametrize(("name", "message"), [
    ("Acme", "is not a plugin name"), ("class", "is not a plugin name"),
    ("a", "is not a plugin name")])
def test_bad_names_are_refused_in_one_sentence(tmp_path, name, message):
    result = CliRunner().invoke(cli, ["plugin", "new", name, "--dir", str(tmp_path)])
    assert result.exit_code != 0 and message in result.output
    assert not list(tmp_path.iterdir())  # nothing written


def test_an_existing_folder_is_not_overwritten(tmp_path):
    (tmp_path / "deskmigrate-acme").mkdir()
    result = CliRunner().invoke(cli, ["plugin", "new", "acme", "--dir", str(tmp_path)])
    assert result.exit_code != 0 and "already exists" in result.output
